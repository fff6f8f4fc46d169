// What a participant sees while actions wait in the outbox (participant-outbox.js): every
// waiting action shows at once, and nothing shows twice when the server's copy arrives.

import assert from "node:assert/strict";
import { test } from "node:test";

import { LiveClient } from "../../static/js/live-client.js";
import { boardCards, caseViews, pendingRatingPhases, votesRemaining } from "../../static/js/participant-outbox.js";

let participants = 0;
const ADA = { participant_id: 7, display_name: "Ada", role: "Intake officer", votes_left: 3 };

function participant() {
  const client = new LiveClient({ auth: { token: "t" }, storageKey: `2:${++participants}` });
  client.store.me = { ...ADA };
  client.store.boardMode = "open";
  return client;
}

const byAda = { participant_id: 7, display_name: "Ada", role: "Intake officer" };
const byBen = { participant_id: 8, display_name: "Ben", role: "Policy advisor" };
const texts = (cards) => cards.map((card) => card.text);

test("a card waiting to send shows at once, as this person's, marked pending", () => {
  const client = participant();
  const item = client.enqueue("reflection:add", { lane: "Blockers", text: "Posted from the lift", anonymous: true });

  const { cards } = boardCards(client);

  assert.equal(cards.length, 1);
  assert.deepEqual(
    { key: cards[0].key, pending: cards[0].pending, mine: cards[0].mine, lane: cards[0].lane, anonymous: cards[0].anonymous },
    { key: `pending-${item.client_id}`, pending: true, mine: true, lane: "Blockers", anonymous: true },
  );
  assert.equal(cards[0].author.display_name, "Ada");
});

test("once the server has the card it shows once, no longer pending", () => {
  const client = participant();
  const item = client.enqueue("reflection:add", { lane: "Blockers", text: "Posted from the lift" });
  // Delivered and acknowledged, but the page has not rewritten its outbox yet.
  client.applyCard({ id: 4, client_id: item.client_id, lane: "Blockers", text: "Posted from the lift", author: byAda });

  const { cards } = boardCards(client);

  assert.deepEqual(texts(cards), ["Posted from the lift"]);
  assert.equal(cards[0].pending, undefined);
  assert.equal(cards[0].key, "4");
});

test("the room's copy arriving before the ack does not show the card twice", () => {
  const client = participant();
  const item = client.enqueue("reflection:add", { lane: "Highlights", text: "Shared desk helped" });
  client.inFlight = item;
  // The room's copy carries no client_id.
  client.applyCard({ id: 5, lane: "Highlights", text: "Shared desk helped", author: byAda });

  assert.deepEqual(texts(boardCards(client).cards), ["Shared desk helped"]);
});

test("the same words from someone else are a card of their own", () => {
  const client = participant();
  const item = client.enqueue("reflection:add", { lane: "Highlights", text: "Shared desk helped" });
  client.inFlight = item;
  client.applyCard({ id: 5, lane: "Highlights", text: "Shared desk helped", author: byBen });

  assert.deepEqual(texts(boardCards(client).cards), ["Shared desk helped", "Shared desk helped"]);
});

test("a waiting edit shows the new text and a waiting delete hides the card", () => {
  const client = participant();
  client.applyCard({ id: 1, client_id: "a", lane: "Blockers", text: "Old words", author: byAda });
  client.applyCard({ id: 2, client_id: "b", lane: "Blockers", text: "Delete me", author: byAda });
  client.enqueue("reflection:edit", { id: 1, text: "New words" });
  client.enqueue("reflection:delete", { id: 2 });

  const { cards } = boardCards(client);

  assert.deepEqual(texts(cards), ["New words"]);
  assert.equal(cards[0].editPending, true);
});

test("on a private board a participant sees only their own cards until a lane is revealed", () => {
  const client = participant();
  client.store.boardMode = "private";
  client.applyCard({ id: 1, client_id: "mine", lane: "Blockers", text: "Mine", author: byAda });
  client.applyCard({ id: 2, lane: "Blockers", text: "Ben's blocker", author: byBen });
  client.applyCard({ id: 3, lane: "Highlights", text: "Ben's highlight", author: byBen });
  assert.deepEqual(texts(boardCards(client).cards), ["Mine"]);

  client.store.revealedLanes = ["Highlights"];
  assert.deepEqual(texts(boardCards(client).cards), ["Mine", "Ben's highlight"]);
});

test("votes waiting to send count against the votes left, and the count never goes below zero", () => {
  const client = participant();
  for (const id of [1, 2, 3, 4]) client.applyCard({ id, lane: "Highlights", text: `Card ${id}`, author: byBen });
  client.setMyVotes([3]);
  client.enqueue("reflection:vote", { id: 1, on: true });
  client.enqueue("reflection:vote", { id: 2, on: true });
  client.enqueue("reflection:vote", { id: 3, on: false });

  const { cards, effects } = boardCards(client);

  assert.equal(votesRemaining(client.store, effects), 3 - 2 + 1);
  assert.deepEqual(
    cards.map((card) => [card.id, card.voted, card.votePending]),
    [
      [1, true, true],
      [2, true, true],
      [3, false, true],
      [4, false, false],
    ],
  );
  // More votes waiting than the server's count allows: 0, never negative.
  client.store.me.votes_left = 0;
  assert.equal(votesRemaining(client.store, boardCards(client).effects), 0);
});

function openCase(client, label, caseType) {
  const payload = caseType ? { label, case_type: caseType } : { label };
  return client.enqueue("case:open", payload);
}

test("a case waiting to open shows first in my cases, held by my role", () => {
  const client = participant();
  client.applyCase({ id: 1, client_id: "x", label: "C-1", opened_by: 7, status: "open", holder_role: "Intake officer" });
  openCase(client, "C-2");

  const { mine } = caseViews(client);

  assert.deepEqual(
    mine.map((view) => [view.label, Boolean(view.pending), view.holder_role]),
    [
      ["C-2", true, "Intake officer"],
      ["C-1", false, "Intake officer"],
    ],
  );
});

test("the room's copy of an opened case stands for the oldest waiting open with its label and type", () => {
  const client = participant();
  openCase(client, " C-7 ", "Benefits");
  openCase(client, "C-7", "Benefits");
  openCase(client, "C-7", "Housing");
  client.applyCase({ id: 3, label: "C-7", case_type: "Benefits", opened_by: 7, status: "open", holder_role: "Intake officer" });

  const { mine } = caseViews(client);

  assert.deepEqual(
    mine.map((view) => [view.label, view.case_type, Boolean(view.pending)]),
    [
      ["C-7", "Benefits", true],
      ["C-7", "Housing", true],
      ["C-7", "Benefits", false],
    ],
  );
});

test("my role's queue holds the open cases colleagues passed to it, oldest first", () => {
  const client = participant();
  client.applyCase({ id: 9, label: "C-9", opened_by: 8, status: "open", holder_role: "Intake officer" });
  client.applyCase({ id: 4, label: "C-4", opened_by: 8, status: "open", holder_role: "Intake officer" });
  client.applyCase({ id: 5, label: "C-5", opened_by: 8, status: "answered", holder_role: "Intake officer" });
  client.applyCase({ id: 6, label: "C-6", opened_by: 8, status: "open", holder_role: "Policy advisor" });

  const { mine, queue } = caseViews(client);

  assert.deepEqual(mine, []);
  assert.deepEqual(
    queue.map((view) => view.label),
    ["C-4", "C-9"],
  );
});

test("a hand-off or answer waiting to send is attached to its case", () => {
  const client = participant();
  client.applyCase({ id: 2, client_id: "y", label: "C-2", opened_by: 7, status: "open", holder_role: "Intake officer" });
  const handoff = client.enqueue("case:handoff", { case_id: 2, to_role: "Policy advisor" });
  const answer = client.enqueue("case:answer", { case_id: 2 });

  const [view] = caseViews(client).mine;

  assert.deepEqual(view.pendingActions, [handoff, answer]);
});

test("ratings waiting to send are known by phase", () => {
  const client = participant();
  client.enqueue("rating:submit", { phase: "after", answers: { 0: 5 } });
  client.enqueue("reflection:vote", { id: 1, on: true });
  assert.deepEqual([...pendingRatingPhases(client.outbox())], ["after"]);
});
