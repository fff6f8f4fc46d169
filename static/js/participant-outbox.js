// What a participant sees of the board, their cases and their ratings: the server's objects
// with the actions still waiting in the outbox laid over them, so an action shows at once
// ("Waiting to send") and never twice. Plain functions of a LiveClient's store and outbox,
// no DOM: tests/js/participant-outbox.test.js runs them under Node.

/** What the outbox still holds for the board: cards to add, edits, deletes and votes. */
export function outboxEffects(outbox) {
  const effects = { adds: [], edits: new Map(), deletes: new Set(), votes: new Map() };
  for (const item of outbox) {
    const p = item.payload;
    if (item.event === "reflection:add") effects.adds.push(item);
    else if (item.event === "reflection:edit") effects.edits.set(p.id, p.text);
    else if (item.event === "reflection:delete") effects.deletes.add(p.id);
    else if (item.event === "reflection:vote") effects.votes.set(p.id, p.on);
  }
  return effects;
}

/** Whether the room's copy of this just-sent card is already on the board. */
export function echoed(store, payload) {
  const me = store.me?.participant_id;
  for (const card of store.cards.values()) {
    if (card.client_id || card.lane !== payload.lane || card.text !== payload.text) continue;
    if (card.anonymous || card.author?.participant_id === me) return true;
  }
  return false;
}

/** The cards this person sees: the server's, plus what is still waiting in the outbox. */
export function boardCards(client) {
  const store = client.store;
  const effects = outboxEffects(client.outbox());
  const cards = [];
  const delivered = new Set();
  for (const card of store.cards.values()) {
    if (card.client_id) delivered.add(card.client_id);
    if (effects.deletes.has(card.id)) continue;
    const mine = client.isMine(card);
    if (!mine && !client.visibleToRoom(card)) continue;
    const votePending = effects.votes.has(card.id);
    cards.push({
      ...card,
      key: String(card.id),
      mine,
      editPending: effects.edits.has(card.id),
      text: effects.edits.get(card.id) ?? card.text,
      voted: votePending ? effects.votes.get(card.id) : store.myVotes.has(card.id),
      votePending,
    });
  }
  for (const item of effects.adds) {
    if (delivered.has(item.client_id)) continue;
    // The room's copy of a card arrives just before its ack (and without its client_id):
    // do not show the card twice in between.
    if (item.client_id === client.inFlight?.client_id && echoed(store, item.payload)) continue;
    cards.push({
      key: `pending-${item.client_id}`,
      pending: true,
      mine: true,
      lane: item.payload.lane,
      text: item.payload.text,
      anonymous: Boolean(item.payload.anonymous),
      votes: 0,
      group: null,
      author: store.me ? { ...store.me } : null,
    });
  }
  return { cards, effects };
}

/** Votes this person has left once the votes still in the outbox count (never below 0). */
export function votesRemaining(store, effects) {
  let left = store.me?.votes_left ?? 0;
  for (const [id, on] of effects.votes) {
    const had = store.myVotes.has(id);
    if (on && !had) left -= 1;
    if (!on && had) left += 1;
  }
  return Math.max(0, left);
}

/** Whether this case from the server is what the `case:open` payload asked for. */
export function sameOpen(found, payload) {
  const type = (text) => (text || "").trim() || null;
  return found.label === payload.label.trim() && type(found.case_type) === type(payload.case_type);
}

/**
 * This person's cases (newest first, waiting opens included) and the open cases held by
 * their role (oldest first). Each view carries `pendingActions`: its hand-offs and answers
 * still in the outbox.
 */
export function caseViews(client) {
  const pendingOpens = [];
  const pendingActions = new Map();
  for (const item of client.outbox()) {
    if (item.event === "case:open") pendingOpens.push(item);
    else if (item.event === "case:handoff" || item.event === "case:answer") {
      const list = pendingActions.get(item.payload.case_id) || [];
      list.push(item);
      pendingActions.set(item.payload.case_id, list);
    }
  }
  const me = client.store.me;
  const delivered = new Set();
  const echoes = []; // the room's copies of my cases, not yet matched to their client_id
  const mine = [];
  const queue = [];
  for (const item of client.store.cases.values()) {
    if (item.client_id) delivered.add(item.client_id);
    const view = { ...item, key: String(item.id), pendingActions: pendingActions.get(item.id) || [] };
    if (me && item.opened_by === me.participant_id) {
      mine.push(view);
      if (!item.client_id) echoes.push(item);
    } else if (me && item.status === "open" && item.holder_role === me.role) queue.push(view);
  }
  echoes.sort((a, b) => a.id - b.id);
  for (const item of pendingOpens) {
    if (delivered.has(item.client_id)) continue;
    // The room's copy of a case reaches its opener without the client_id (only the ack and
    // `state` carry it) and may come before the ack: it stands for the oldest waiting open
    // with the same label and type, so the case does not show twice in between.
    const echo = echoes.findIndex((found) => sameOpen(found, item.payload));
    if (echo >= 0) {
      echoes.splice(echo, 1);
      continue;
    }
    mine.push({
      key: `pending-${item.client_id}`,
      pending: true,
      label: item.payload.label,
      case_type: item.payload.case_type || null,
      status: "open",
      holder_role: me?.role || "",
      handoffs: 0,
      pendingActions: [],
    });
  }
  const newestFirst = (a, b) => (b.id ?? Infinity) - (a.id ?? Infinity);
  mine.sort(newestFirst);
  queue.sort((a, b) => a.id - b.id);
  return { mine, queue };
}

/** The rating phases ("before", "after") with answers still waiting in the outbox. */
export function pendingRatingPhases(outbox) {
  return new Set(outbox.filter((item) => item.event === "rating:submit").map((item) => item.payload.phase));
}

/** Whether text matches any of the server's personal-information patterns (compiled). */
export function looksPersonal(patterns, text) {
  return patterns.some((pattern) => pattern.test(text));
}
