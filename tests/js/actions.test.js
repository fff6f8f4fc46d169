// The actions list: newest created first, and the line under each action in plain words.

import assert from "node:assert/strict";
import { test } from "node:test";

import { actionMeta, orderedActions } from "../../static/js/actions.js";
import { translator } from "../../static/js/live-client.js";

const t = translator(
  {
    status_trying: "Trying",
    status_proposed: "Proposed",
    owner: "Owner: {owner}",
    no_owner: "No owner yet",
    due: "Due by session {n}",
    from_session: "From session {n}",
    from_cards_one: "From {n} card",
    from_cards_n: "From {n} cards",
  },
  "en",
);

test("actions are listed newest created first, ties by id", () => {
  const listed = orderedActions([
    { id: 1, created_at: "2026-12-01T10:00:00.000Z" },
    { id: 3, created_at: "2026-12-01T11:00:00.000Z" },
    { id: 2, created_at: "2026-12-01T11:00:00.000Z" },
  ]);
  assert.deepEqual(
    listed.map((a) => a.id),
    [3, 2, 1],
  );
});

test("the line under an action says its status, owner, due session and where it came from", () => {
  const meta = actionMeta(
    { status: "trying", owner: "Intake officer", due_session_number: 3, origin_session_number: 1, source_ids: [4, 5] },
    t,
  );
  assert.equal(meta, "Trying · Owner: Intake officer · Due by session 3 · From session 1 · From 2 cards");
  const proposal = actionMeta({ status: "proposed", owner: "", origin_session_number: 2, source_ids: [] }, t);
  assert.equal(proposal, "Proposed · No owner yet · From session 2");
});
