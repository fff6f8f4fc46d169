// The words the live views put on screen: translated strings and plurals, card order on the
// board, who a card is by, and the personal-information check before anything is sent.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { authorText, compilePatterns, orderCards, translator } from "../../static/js/live-client.js";
import { looksPersonal } from "../../static/js/participant-outbox.js";

const personalData = JSON.parse(readFileSync(new URL("./fixtures/personal-data.json", import.meta.url)));

test("a translated string fills its placeholders and leaves unknown ones as written", () => {
  const t = translator({ votes_left: "Votes left: {n}", hello: "Hi {name}, {unknown}" }, "en");
  assert.equal(t("votes_left", { n: 3 }), "Votes left: 3");
  assert.equal(t("hello", { name: "Ada" }), "Hi Ada, {unknown}");
  assert.equal(t("no_such_key"), "no_such_key");
});

test("plurals follow the page's language: 0 cards in English, 0 carte in French", () => {
  const en = translator({ cards_one: "{n} card", cards_n: "{n} cards" }, "en");
  const fr = translator({ cards_one: "{n} carte", cards_n: "{n} cartes" }, "fr");
  assert.deepEqual([0, 1, 2].map((n) => en.count("cards", n)), ["0 cards", "1 card", "2 cards"]);
  assert.deepEqual([0, 1, 2].map((n) => fr.count("cards", n)), ["0 carte", "1 carte", "2 cartes"]);
});

test("a language the browser does not know counts like English", () => {
  const t = translator({ cards_one: "{n} card", cards_n: "{n} cards" }, "not a language tag!");
  assert.equal(t.count("cards", 1), "1 card");
});

test("a group's cards stay together on the board, groups and cards oldest first", () => {
  const theme = { id: 1, title: "Printers" };
  const cards = [
    { id: 5, votes: 0, group: theme },
    { id: 2, votes: 0, group: null },
    { id: 3, votes: 0, group: theme },
    { id: 4, votes: 0, group: null },
  ];
  assert.deepEqual(
    orderCards(cards).map((c) => c.id),
    [2, 3, 5, 4],
  );
});

test("sorted by votes, the most-voted unit comes first and a group counts its cards' votes together", () => {
  const theme = { id: 1, title: "Printers" };
  const cards = [
    { id: 1, votes: 4, group: null },
    { id: 2, votes: 3, group: theme },
    { id: 3, votes: 2, group: theme },
    { id: 4, votes: 1, group: null },
  ];
  assert.deepEqual(
    orderCards(cards, true).map((c) => c.id),
    [2, 3, 1, 4],
  );
});

test("a card waiting to send (no id yet) comes after the delivered ones", () => {
  const cards = [{ client_id: "pending", votes: 0 }, { id: 8, votes: 0 }];
  assert.deepEqual(
    orderCards(cards).map((c) => c.id ?? c.client_id),
    [8, "pending"],
  );
});

test("an anonymous card names nobody, except to its author", () => {
  const strings = { anonymous: "Anonymous", you_anonymous: "You (anonymous)", you: "You", someone: "Someone" };
  const t = translator(strings, "en");
  const card = { anonymous: true, author: null };
  assert.equal(authorText(card, t), "Anonymous");
  assert.equal(authorText(card, t, true), "You (anonymous)");
});

test("a named card shows its author and their role in the reader's language", () => {
  const t = translator({ you: "Vous", someone: "Quelqu'un" }, "fr");
  const roles = { "Intake officer": "Agent d'accueil" };
  const card = { anonymous: false, author: { participant_id: 7, display_name: "Ada", role: "Intake officer" } };
  assert.equal(authorText(card, t, false, (role) => roles[role] ?? role), "Ada · Agent d'accueil");
  assert.equal(authorText(card, t, true, (role) => roles[role] ?? role), "Vous · Agent d'accueil");
  assert.equal(authorText({ author: { display_name: "" } }, t), "Quelqu'un");
});

test("a facilitator's card is labelled as such, in the reader's language", () => {
  const t = translator({ facilitator: "Animateur ou animatrice", anonymous: "Anonyme" }, "fr");
  assert.equal(authorText({ facilitator: true, anonymous: false, author: null }, t), "Animateur ou animatrice");
});

test("the browser flags personal information exactly where the server does", () => {
  const patterns = compilePatterns(personalData.patterns);
  assert.equal(patterns.length, personalData.patterns.length);
  for (const { text, personal } of personalData.samples) {
    assert.equal(looksPersonal(patterns, text), personal, text);
  }
});

test("a pattern this browser cannot read is skipped and the others still apply", () => {
  const patterns = compilePatterns(["(?P<name>x)", ...personalData.patterns]);
  assert.equal(patterns.length, personalData.patterns.length);
  assert.equal(looksPersonal(patterns, "Ring 07700 900123"), true);
});

test("with no patterns from the server nothing is flagged", () => {
  assert.deepEqual(compilePatterns(undefined), []);
  assert.equal(looksPersonal(compilePatterns([]), "jo@example.gov"), false);
});
