// The live session client shared by the participant, console and projector views.
//
// One LiveClient per page: it connects to the /live Socket.IO namespace (the vendored
// socket.io.min.js is loaded as a classic script first, so `io` is a global), keeps a
// local store built from `state` and the events that follow, keeps an OUTBOX of
// participant actions in localStorage until the server acknowledges them, and counts the
// timer down locally from `ends_at` (no server tick). Views subscribe to "change" events
// and render from `client.store`; user text only ever reaches the page via textContent.

import { TimerView } from "./live-timer.js";
import { applyRunState, wireRunOfShow } from "./live-run.js";
import { storage, uuid, translator, readStrings } from "./live-util.js";

export { formatClock, TimerView } from "./live-timer.js";
export { readStrings, pageLocale, translator, formatNumber, h, uuid, reconcile, compilePatterns, storage } from "./live-util.js";
export { orderCards, laneSections, renderLanes, authorText, cardFace, updateCardFace } from "./live-board.js";

const ACK_TIMEOUT_MS = 15000;
// Acks with these codes mean "not now": the action stays queued and is sent again.
const RETRY_CODES = new Set(["unavailable", "rate_limited"]);
const RETRY_DELAY_MS = { unavailable: 3000, rate_limited: 10000, timeout: 2000 };
// Events whose payload carries the outbox client_id (the server's exactly-once key).
const CLIENT_ID_EVENTS = new Set(["reflection:add", "case:open", "case:handoff", "case:answer", "action:propose"]);

// --- the client ------------------------------------------------------------------------------

export class LiveClient extends EventTarget {
  /**
   * auth: the Socket.IO auth object; staff: whether this page is a staff view (redacted
   * copies of hidden cards are then ignored); storageKey: "<session>:<participant>" for a
   * participant's outbox and votes (null for views that never send participant actions).
   */
  constructor({ auth, staff = false, storageKey = null }) {
    super();
    this.auth = auth;
    this.staff = staff;
    this.outboxKey = storageKey ? `playtest:outbox:${storageKey}` : null;
    this.votesKey = storageKey ? `playtest:votes:${storageKey}` : null;
    this.flushing = false;
    this.flushAgain = false;
    this.inFlight = null;
    this.retryTimer = null;
    this.store = {
      ready: false,
      connected: false,
      refused: null,
      session: null,
      agenda: { segments: [] },
      lanes: [], // lane names in this viewer's language
      laneKeys: [], // the canonical names cards carry, same order
      boardMode: "open",
      revealedLanes: [],
      cards: new Map(),
      cases: new Map(),
      actions: new Map(), // the playtest's actions by id (DESIGN.md §10; actions.js draws them)
      carryOver: null,
      me: null,
      myVotes: new Set(this.votesKey ? storage.get(this.votesKey, []) : []),
      presence: { online: 0, by_role: {}, staff: 0, people: [] },
      ratingProgress: null,
      closedPhases: [],
      timer: null,
      clockOffsetMs: 0,
    };
  }

  // --- wiring ----------------------------------------------------------------------------

  connect() {
    const socket = io("/live", {
      auth: this.auth,
      transports: ["websocket", "polling"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.socket = socket;
    socket.on("connect", () => {
      this.store.connected = true;
      this.store.refused = null;
      this.changed("connection");
    });
    socket.on("disconnect", () => {
      this.store.connected = false;
      this.changed("connection");
    });
    socket.on("connect_error", (error) => {
      this.store.connected = false;
      // `active` is false when the server refused us (bad token): retrying will not help.
      if (!socket.active) this.store.refused = error?.message || "refused";
      this.changed("connection");
    });
    socket.on("state", (state) => this.applyState(state));
    socket.on("reflection:added", (card) => this.applyCard(card) && this.changed("board"));
    socket.on("reflection:updated", (card) => this.applyCard(card) && this.changed("board"));
    // A card I voted for was hidden or deleted: the server gave the vote back.
    socket.on("me:votes", ({ votes_left: left, voted }) => {
      if (this.store.me) this.store.me.votes_left = left;
      this.setMyVotes(voted);
      this.changed("board");
    });
    socket.on("board:mode", (body) => {
      const reopened = this.store.boardMode === "private" && body.mode === "open";
      if (reopened && !this.staff && !(body.reflections || []).length) {
        // Opening a private board sends no cards, and this client never received the
        // other lanes' cards: reconnect to get them in a fresh `state`.
        this.resync();
      }
      this.store.boardMode = body.mode;
      this.store.revealedLanes = body.revealed_lanes || [];
      for (const card of body.reflections || []) this.applyCard(card);
      this.changed("board");
    });
    socket.on("timer", (timer) => {
      this.setTimer(timer);
      this.changed("timer");
    });
    socket.on("presence", (presence) => {
      this.store.presence = { ...this.store.presence, ...presence };
      this.changed("presence");
    });
    socket.on("case:updated", (item) => {
      this.applyCase(item);
      this.changed("cases");
    });
    socket.on("rating:progress", (progress) => {
      this.store.ratingProgress = progress;
      this.setClosedPhases(progress.closed_phases);
      this.changed("ratings");
    });
    socket.on("action:updated", (action) => {
      if (action?.id !== undefined) this.store.actions.set(action.id, action);
      this.changed("actions");
    });
    socket.on("ratings:closed", (body) => {
      this.setClosedPhases(body.closed_phases);
      this.changed("ratings");
    });
    wireRunOfShow(this, socket);
    // The browser knows before the socket does: queue at once when offline, and do not
    // wait out the reconnection back-off when the network comes back.
    window.addEventListener("offline", () => {
      if (socket.connected) socket.disconnect();
      this.store.connected = false;
      this.changed("connection");
    });
    window.addEventListener("online", () => {
      if (!socket.connected) socket.disconnect().connect();
    });
    return this;
  }

  /** Fetch a fresh `state` (the server sends one on every connect). */
  resync() {
    if (!this.socket?.connected) return;
    this.socket.disconnect();
    this.socket.connect();
  }

  changed(kind, detail = {}) {
    this.dispatchEvent(new CustomEvent("change", { detail: { kind, ...detail } }));
  }

  problem(message, { code = null, retrying = false, event = null } = {}) {
    this.dispatchEvent(new CustomEvent("problem", { detail: { message, code, retrying, event } }));
  }

  // --- applying server data --------------------------------------------------------------

  applyState(state) {
    const s = this.store;
    s.session = state.session;
    s.agenda = state.agenda || { segments: [] };
    s.lanes = state.lanes || [];
    s.laneKeys = state.lane_keys || s.lanes;
    s.boardMode = state.board_mode || "open";
    s.revealedLanes = state.session?.revealed_lanes || [];
    s.me = state.me || null;
    s.presence = { online: 0, by_role: {}, staff: 0, people: [], ...(state.presence || {}) };
    s.ratingProgress = state.rating_progress || null;
    s.closedPhases = state.session?.closed_phases || [];
    s.cards = new Map();
    for (const card of state.reflections || []) this.applyCard(card);
    s.cases = new Map();
    for (const item of state.cases || []) this.applyCase(item);
    s.actions = new Map((state.actions || []).map((action) => [action.id, action]));
    s.carryOver = state.carry_over || null;
    if (Array.isArray(s.me?.voted)) this.setMyVotes(s.me.voted);
    this.setTimer(state.timer);
    applyRunState(this, state);
    s.ready = true;
    this.changed("state");
    this.flush();
  }

  /** Merge one card payload; returns true when the store changed. */
  applyCard(card) {
    if (!card || card.id === undefined) return false;
    const cards = this.store.cards;
    if (card.deleted) {
      this.forgetVote(card.id);
      return cards.delete(card.id);
    }
    // Staff also get the redacted copy sent to the whole room; their own copy is complete.
    if (card.redacted && this.staff) return false;
    if (card.hidden && !this.staff) return cards.delete(card.id);
    const existing = cards.get(card.id);
    let merged = card;
    if (existing && existing.client_id && !card.client_id) {
      // Room copies of my own card omit client_id (and the author, when anonymous).
      merged = { ...card, client_id: existing.client_id, author: card.author ?? existing.author };
    }
    cards.set(card.id, merged);
    return true;
  }

  applyCase(item) {
    if (!item || item.id === undefined) return;
    if (item.deleted) {
      this.store.cases.delete(item.id);
      return;
    }
    const existing = this.store.cases.get(item.id);
    const merged = existing?.client_id && !item.client_id ? { ...item, client_id: existing.client_id } : item;
    this.store.cases.set(item.id, merged);
  }

  setTimer(timer) {
    if (!timer) return;
    this.store.timer = timer;
    const serverNow = Date.parse(timer.server_now);
    this.store.clockOffsetMs = Number.isNaN(serverNow) ? 0 : serverNow - Date.now();
    if (this.store.session) this.store.session.status = timer.status;
  }

  /** A new `me` from the server (a role change): merged over what this page holds. */
  applyMe(me) {
    if (!me || !this.store.me) return;
    this.store.me = { ...this.store.me, ...me };
    this.changed("me");
  }

  setClosedPhases(phases) {
    this.store.closedPhases = phases || [];
    if (this.store.session) this.store.session.closed_phases = this.store.closedPhases;
  }

  setMyVotes(ids) {
    this.store.myVotes = new Set(ids);
    if (this.votesKey) storage.set(this.votesKey, [...this.store.myVotes]);
  }

  forgetVote(id) {
    if (this.store.myVotes.delete(id) && this.votesKey) {
      storage.set(this.votesKey, [...this.store.myVotes]);
    }
  }

  // --- reading ---------------------------------------------------------------------------

  /** The server's clock now, from this browser's clock and the offset seen at receipt. */
  serverNow() {
    return Date.now() + this.store.clockOffsetMs;
  }

  /** Seconds left in the current segment (negative in overtime); null when finished. */
  remaining() {
    const timer = this.store.timer;
    if (!timer) return null;
    if (timer.status === "running" && timer.ends_at) {
      return (Date.parse(timer.ends_at) - this.serverNow()) / 1000;
    }
    return timer.remaining_s ?? null; // frozen while paused, full budget before the start
  }

  /** Lanes as {key, label}: `key` is what cards carry, `label` the viewer's name for it. */
  laneList() {
    const { lanes, laneKeys } = this.store;
    return laneKeys.map((key, index) => ({ key, label: lanes[index] ?? key }));
  }

  /** A canonical role (on cards, cases, presence) in this viewer's language. */
  roleLabel(role) {
    return this.store.session?.role_labels?.[role] ?? role;
  }

  segment(index = this.store.timer?.segment_index ?? 0) {
    return this.store.agenda?.segments?.[index] || null;
  }

  isMine(card) {
    const me = this.store.me;
    if (!me || card.facilitator) return false;
    return Boolean(card.client_id) || card.author?.participant_id === me.participant_id;
  }

  /** Whether a card shows to the room (projector) or to a participant who did not write it. */
  visibleToRoom(card) {
    if (card.hidden) return false;
    return this.store.boardMode === "open" || this.store.revealedLanes.includes(card.lane);
  }

  // --- sending ---------------------------------------------------------------------------

  /** Send a staff action now (no outbox); resolves to the ack, or an error ack when offline. */
  async request(event, payload) {
    const socket = this.socket;
    if (!socket?.connected) {
      return { ok: false, error: { code: "offline", message: "" } };
    }
    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
    } catch {
      return { ok: false, error: { code: "timeout", message: "" } };
    }
  }

  outbox() {
    return this.outboxKey ? storage.get(this.outboxKey, []) : [];
  }

  saveOutbox(items) {
    if (this.outboxKey) storage.set(this.outboxKey, items);
  }

  /** Queue a participant action; it is sent now if connected, else after reconnecting. */
  enqueue(event, payload) {
    const clientId = uuid();
    const item = {
      client_id: clientId,
      event,
      payload: CLIENT_ID_EVENTS.has(event) ? { ...payload, client_id: clientId } : { ...payload },
      queued_at: new Date().toISOString(),
    };
    this.saveOutbox([...this.outbox(), item]);
    this.changed("outbox");
    this.flush();
    return item;
  }

  removeFromOutbox(clientId) {
    this.saveOutbox(this.outbox().filter((item) => item.client_id !== clientId));
  }

  /** Send queued actions in order, one at a time, until the queue is empty or we must wait. */
  async flush() {
    if (!this.outboxKey) return;
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      while (this.socket?.connected && this.store.ready) {
        const [item] = this.outbox();
        if (!item) break;
        let ack;
        this.inFlight = item; // sent, not yet acknowledged (the room may already echo it)
        try {
          ack = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(item.event, item.payload);
        } catch {
          // No answer (timed out or the socket dropped): keep it and try again.
          this.retryLater(RETRY_DELAY_MS.timeout);
          break;
        } finally {
          this.inFlight = null;
        }
        const code = ack?.ok === false ? ack.error?.code : null;
        if (code && RETRY_CODES.has(code)) {
          this.problem(ack.error.message, { code, retrying: true, event: item.event });
          this.retryLater(RETRY_DELAY_MS[code]);
          break;
        }
        this.removeFromOutbox(item.client_id);
        if (ack?.ok) this.applyAck(item, ack);
        else this.problem(ack?.error?.message || "", { code, event: item.event });
        this.changed("outbox", { item, ack });
      }
    } finally {
      this.flushing = false;
      if (this.flushAgain) {
        this.flushAgain = false;
        queueMicrotask(() => this.flush());
      }
    }
  }

  retryLater(delayMs) {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, delayMs);
  }

  applyAck(item, ack) {
    const s = this.store;
    switch (item.event) {
      case "reflection:add":
      case "reflection:edit":
        this.applyCard(ack.reflection);
        break;
      case "reflection:delete":
        this.applyCard({ id: ack.id, deleted: true });
        break;
      case "reflection:vote": {
        const card = s.cards.get(ack.id);
        if (card) s.cards.set(ack.id, { ...card, votes: ack.votes });
        if (item.payload.on) s.myVotes.add(ack.id);
        else s.myVotes.delete(ack.id);
        this.setMyVotes([...s.myVotes]);
        if (s.me) s.me.votes_left = ack.votes_left;
        break;
      }
      case "case:open":
      case "case:handoff":
      case "case:answer":
        this.applyCase(ack.case);
        break;
      case "rating:submit":
        if (s.me) s.me.ratings = { ...(s.me.ratings || {}), [ack.phase]: ack.answers };
        break;
      default:
        break;
    }
    this.changed(item.event.split(":")[0] === "reflection" ? "board" : "outbox");
  }
}

/** A change handler that renders at most once per 16 ms burst (an ack and its echo coalesce). */
export function batched(render) {
  let pending = null;
  return () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      render();
    }, 16);
  };
}

/** Read the data- attributes the live templates put on their root container. */
export function pageData(id = "pt-live") {
  const root = document.getElementById(id);
  return { root, data: root ? root.dataset : {} };
}

// --- starting a view -------------------------------------------------------------------------

/**
 * What every live view starts with: its root and data- attributes, its strings, a client
 * (`clientOptions({ data, sessionId })` gives the LiveClient options) and the timer, which
 * speaks through #pt-announcer when the template has one. Call `start` once the view's own
 * handlers are in place.
 */
export function liveView(clientOptions) {
  const { root, data } = pageData();
  const sessionId = Number(data.sessionId);
  const t = translator(readStrings());
  const client = new LiveClient(clientOptions({ data, sessionId }));
  const store = client.store;
  const $ = (selector) => root.querySelector(selector);
  const timerView = new TimerView(client, $("#pt-timer"), t, { announcer: $("#pt-announcer") });

  /**
   * Render on every store change, at most once per burst: `connection(everConnected)`
   * always (`everConnected`: whether this page has been live at all, so a first slow
   * connect is not reported as lost), then, once the first `state` is in, the timer and
   * `draw()`. Connects, and returns the render function for the view's own handlers.
   */
  function start({ connection, draw }) {
    let everConnected = false;
    const render = batched(() => {
      if (store.connected) everConnected = true;
      connection(everConnected);
      // For tests and styling: connecting | live | offline.
      root.dataset.state = !store.ready ? "connecting" : store.connected ? "live" : "offline";
      if (!store.ready) return;
      timerView.update();
      draw();
    });
    client.addEventListener("change", render);
    client.connect();
    return render;
  }

  return {
    root,
    data,
    sessionId,
    t,
    client,
    store,
    $,
    roleLabel: (role) => client.roleLabel(role),
    start,
    timerView,
  };
}
