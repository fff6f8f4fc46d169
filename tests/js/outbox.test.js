// The participant's outbox (live-client.js): every action is kept until the server
// acknowledges it, sent in order with its exactly-once key, and merged with the room's
// copy of the same object instead of shown twice.

import assert from "node:assert/strict";
import { test } from "node:test";

import { LiveClient } from "../../static/js/live-client.js";

let participants = 0;

/** A participant's client; `storageKey` names the outbox, as "<session>:<participant>". */
function participant(storageKey = `1:${++participants}`) {
  const client = new LiveClient({ auth: { token: "t" }, storageKey });
  client.store.me = { participant_id: 7, role: "Intake officer", votes_left: 5 };
  return client;
}

/** A connected socket that answers each event with `answer(event, payload)`. */
function socket(answer) {
  const sent = [];
  return {
    sent,
    connected: true,
    timeout: () => ({
      emitWithAck: async (event, payload) => {
        sent.push({ event, payload });
        return answer(event, payload);
      },
    }),
  };
}

function goOnline(client, answer) {
  client.socket = socket(answer);
  client.store.ready = true;
  return client.socket.sent;
}

function cardAck(payload, id) {
  return { ok: true, reflection: { id, client_id: payload.client_id, lane: payload.lane, text: payload.text, votes: 0 } };
}

test("an action taken offline waits in the outbox, under this person's key, with its exactly-once key", () => {
  const client = participant("3:41");
  const item = client.enqueue("reflection:add", { lane: "Blockers", text: "The lift is broken" });

  assert.match(item.client_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(item.payload.client_id, item.client_id);
  // The page opened again by the same person finds it; someone else's page does not.
  assert.deepEqual(participant("3:41").outbox(), [item]);
  assert.deepEqual(participant("3:42").outbox(), []);
});

test("votes and ratings carry no client_id: the server keys them by card and phase", () => {
  const client = participant();
  assert.equal(client.enqueue("reflection:vote", { id: 4, on: true }).payload.client_id, undefined);
  assert.equal(client.enqueue("rating:submit", { phase: "before", answers: { 0: 4 } }).payload.client_id, undefined);
  assert.notEqual(client.enqueue("case:handoff", { case_id: 2, to_role: "Policy advisor" }).payload.client_id, undefined);
});

test("once online, queued actions go one at a time, in order, and leave the outbox when acknowledged", async () => {
  const client = participant();
  const first = client.enqueue("reflection:add", { lane: "Highlights", text: "First" });
  const second = client.enqueue("reflection:add", { lane: "Highlights", text: "Second" });
  let id = 10;
  const sent = goOnline(client, (event, payload) => cardAck(payload, ++id));

  await client.flush();

  assert.deepEqual(
    sent.map((s) => s.payload.client_id),
    [first.client_id, second.client_id],
  );
  assert.deepEqual(client.outbox(), []);
  assert.deepEqual(
    [...client.store.cards.values()].map((c) => [c.id, c.text, c.client_id]),
    [
      [11, "First", first.client_id],
      [12, "Second", second.client_id],
    ],
  );
});

test("an action the server cannot take now stays queued and is resent with the same client_id", async () => {
  const client = participant();
  const item = client.enqueue("case:open", { label: "C-104" });
  const problems = [];
  client.addEventListener("problem", (event) => problems.push(event.detail));
  let answer = { ok: false, error: { code: "rate_limited", message: "Slow down." } };
  const sent = goOnline(client, () => answer);

  await client.flush();
  clearTimeout(client.retryTimer);
  client.retryTimer = null;

  assert.deepEqual(client.outbox(), [item]);
  assert.deepEqual(problems, [{ message: "Slow down.", code: "rate_limited", retrying: true, event: "case:open" }]);

  answer = { ok: true, case: { id: 3, client_id: item.client_id, label: "C-104", status: "open" } };
  await client.flush();

  assert.deepEqual(
    sent.map((s) => s.payload.client_id),
    [item.client_id, item.client_id],
  );
  assert.deepEqual(client.outbox(), []);
  assert.equal(client.store.cases.get(3).client_id, item.client_id);
});

test("an action sent but never answered stays queued", async () => {
  const client = participant();
  const item = client.enqueue("reflection:add", { lane: "Blockers", text: "Lost in the lift" });
  client.socket = {
    connected: true,
    timeout: () => ({ emitWithAck: async () => Promise.reject(new Error("operation has timed out")) }),
  };
  client.store.ready = true;

  await client.flush();
  clearTimeout(client.retryTimer);

  assert.deepEqual(client.outbox(), [item]);
  assert.equal(client.inFlight, null);
});

test("an action the server refuses leaves the outbox, and the page hears why and what it was", async () => {
  const client = participant();
  const item = client.enqueue("reflection:add", { lane: "Nowhere", text: "Keep this text" });
  const problems = [];
  const changes = [];
  client.addEventListener("problem", (event) => problems.push(event.detail));
  client.addEventListener("change", (event) => changes.push(event.detail));
  const refusal = { ok: false, error: { code: "invalid", message: "Choose one of the lanes." } };
  goOnline(client, () => refusal);

  await client.flush();

  assert.deepEqual(client.outbox(), []);
  assert.deepEqual(problems, [{ message: "Choose one of the lanes.", code: "invalid", retrying: false, event: "reflection:add" }]);
  // The composer gets the item back from this change, so nothing typed is lost.
  assert.deepEqual(changes.at(-1), { kind: "outbox", item, ack: refusal });
});

test("nothing is sent before the first state arrives", async () => {
  const client = participant();
  client.enqueue("reflection:vote", { id: 1, on: true });
  client.socket = socket(() => ({ ok: true }));

  await client.flush();

  assert.equal(client.socket.sent.length, 0);
  assert.equal(client.outbox().length, 1);
});

test("a vote's ack sets the card's total and this person's votes left", async () => {
  const client = participant();
  client.applyCard({ id: 5, lane: "Highlights", text: "Shared desk", votes: 2 });
  client.enqueue("reflection:vote", { id: 5, on: true });
  goOnline(client, () => ({ ok: true, id: 5, votes: 3, votes_left: 4 }));

  await client.flush();

  assert.equal(client.store.cards.get(5).votes, 3);
  assert.equal(client.store.me.votes_left, 4);
  assert.deepEqual([...client.store.myVotes], [5]);
});

test("the room's copy of my card and my ack make one card, whichever comes first", () => {
  const room = { id: 9, lane: "Blockers", text: "Printer queue", votes: 0, author: null, anonymous: true };
  const ack = { ...room, client_id: "c-9", author: { participant_id: 7, display_name: "Ada", role: "Intake officer" } };

  const roomFirst = participant();
  roomFirst.applyCard(room);
  roomFirst.applyCard(ack);
  const ackFirst = participant();
  ackFirst.applyCard(ack);
  ackFirst.applyCard(room);

  for (const client of [roomFirst, ackFirst]) {
    assert.equal(client.store.cards.size, 1);
    assert.equal(client.store.cards.get(9).client_id, "c-9");
    assert.equal(client.store.cards.get(9).author.display_name, "Ada");
  }
});

test("a hidden card leaves a participant's board; staff keep their full copy, not the room's", () => {
  const person = participant();
  person.applyCard({ id: 1, lane: "Blockers", text: "Names a client" });
  person.applyCard({ id: 1, lane: "Blockers", text: "", hidden: true, redacted: true });
  assert.equal(person.store.cards.size, 0);

  const staff = new LiveClient({ auth: {}, staff: true });
  staff.applyCard({ id: 1, lane: "Blockers", text: "Names a client", hidden: true });
  staff.applyCard({ id: 1, lane: "Blockers", text: "", hidden: true, redacted: true });
  assert.equal(staff.store.cards.get(1).text, "Names a client");
});

test("a deleted card leaves the board and gives this person's vote back", () => {
  const client = participant();
  client.applyCard({ id: 2, lane: "Highlights", text: "Gone soon", votes: 1 });
  client.setMyVotes([2]);
  client.applyCard({ id: 2, deleted: true });
  assert.equal(client.store.cards.size, 0);
  assert.equal(client.store.myVotes.has(2), false);
});

test("a case update from the room keeps the client_id this person's copy had", () => {
  const client = participant();
  client.applyCase({ id: 4, client_id: "k-4", label: "C-1", status: "open", handoffs: 0 });
  client.applyCase({ id: 4, label: "C-1", status: "open", handoffs: 1 });
  assert.deepEqual(client.store.cases.get(4), { id: 4, label: "C-1", status: "open", handoffs: 1, client_id: "k-4" });
});
