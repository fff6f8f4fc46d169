// The live session client shared by the participant, console and projector views.
//
// One LiveClient per page: it connects to the /live Socket.IO namespace (the vendored
// socket.io.min.js is loaded as a classic script first, so `io` is a global), keeps a
// local store built from `state` and the events that follow, keeps an OUTBOX of
// participant actions in localStorage until the server acknowledges them, and counts the
// timer down locally from `ends_at` (no server tick). Views subscribe to "change" events
// and render from `client.store`; user text only ever reaches the page via textContent.

const ACK_TIMEOUT_MS = 15000;
// Acks with these codes mean "not now": the action stays queued and is sent again.
const RETRY_CODES = new Set(["unavailable", "rate_limited"]);
const RETRY_DELAY_MS = { unavailable: 3000, rate_limited: 10000, timeout: 2000 };
// Events whose payload carries the outbox client_id (the server's exactly-once key).
const CLIENT_ID_EVENTS = new Set(["reflection:add", "case:open", "case:handoff", "case:answer", "action:propose"]);

// --- small helpers ---------------------------------------------------------------------------

/** Translated strings the template rendered into <script type="application/json">. */
export function readStrings(id = "pt-strings") {
  const node = document.getElementById(id);
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch {
    return {};
  }
}

/** The page's language (the server renders it on <html lang>), for plurals and numbers. */
export function pageLocale() {
  return document.documentElement.lang || "en";
}

/**
 * A translator over `strings`: t("votes_left", {n: 3}) fills {n} placeholders.
 * t.count("votes", n) picks `votes_one` or `votes_n` by the page language's plural rules
 * (French says "0 carte", English "0 cards").
 */
export function translator(strings, locale = pageLocale()) {
  let rules;
  try {
    rules = new Intl.PluralRules(locale);
  } catch {
    rules = new Intl.PluralRules("en");
  }
  const t = (key, vars = {}) => {
    const text = strings[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
  };
  t.count = (key, n, vars = {}) => {
    const one = `${key}_one`;
    return t(rules.select(n) === "one" && one in strings ? one : `${key}_n`, { n, ...vars });
  };
  return t;
}

/** A number in the page's language: 3.5 reads "3.5" in English and "3,5" in French. */
export function formatNumber(value, fractionDigits = 0, locale = pageLocale()) {
  try {
    return new Intl.NumberFormat(locale, {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    }).format(value);
  } catch {
    return value.toFixed(fractionDigits);
  }
}

/** Build an element: attributes as given, children as nodes or text (never parsed as HTML). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A v4 UUID; crypto.randomUUID needs a secure context, so plain-HTTP office LANs fall back. */
export function uuid() {
  if (globalThis.crypto?.randomUUID) {
    try {
      return crypto.randomUUID();
    } catch {
      // not a secure context: fall through
    }
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `m:ss`, or `-m:ss` in overtime. Counts down in whole seconds, reaching 0:00 at zero. */
export function formatClock(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "0:00";
  const over = seconds < 0;
  const whole = over ? Math.floor(-seconds) : Math.ceil(seconds);
  const text = `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  return over && whole > 0 ? `-${text}` : text;
}

/** A tiny keyed list: reuse nodes by key so focus and open editors survive re-renders. */
export function reconcile(container, items, keyOf, create, update) {
  const focused = document.activeElement;
  const existing = new Map();
  for (const node of container.children) existing.set(node.dataset.key, node);
  let previous = null;
  for (const item of items) {
    const key = String(keyOf(item));
    let node = existing.get(key);
    if (node) existing.delete(key);
    else {
      node = create(item);
      node.dataset.key = key;
    }
    update(node, item);
    const expected = previous ? previous.nextSibling : container.firstChild;
    if (node !== expected) container.insertBefore(node, expected);
    previous = node;
  }
  for (const node of existing.values()) node.remove();
  // Moving a focused node blurs it: put focus back so keyboard users keep their place.
  if (focused && focused !== document.activeElement && focused.isConnected) {
    focused.focus({ preventScroll: true });
  }
}

/** Compile the server's PII regexes (Python syntax; the ones we send are JS-compatible). */
export function compilePatterns(sources) {
  const out = [];
  for (const source of sources || []) {
    try {
      out.push(new RegExp(source, "i"));
    } catch {
      // a pattern this browser cannot read is skipped: the server flags it anyway
    }
  }
  return out;
}

class Storage {
  /** localStorage with an in-memory fallback (private browsing, full quota, blocked). */
  constructor() {
    this.memory = new Map();
  }

  get(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      if (raw !== null) return JSON.parse(raw);
    } catch {
      // fall back to memory
    }
    return this.memory.has(key) ? this.memory.get(key) : fallback;
  }

  set(key, value) {
    this.memory.set(key, value);
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // memory copy stands
    }
  }
}

export const storage = new Storage();

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
    if (!me) return false;
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

// --- shared board rendering ------------------------------------------------------------------

/**
 * Cards in display order: a group's cards stay together (a theme reads as one unit),
 * units oldest first, or most-voted first when `byVotes`.
 */
export function orderCards(cards, byVotes = false) {
  const units = new Map();
  for (const card of cards) {
    const key = card.group ? `g${card.group.id}` : `c${card.id ?? card.client_id}`;
    if (!units.has(key)) units.set(key, []);
    units.get(key).push(card);
  }
  const first = (unit) => Math.min(...unit.map((c) => c.id ?? Number.MAX_SAFE_INTEGER));
  const votes = (unit) => unit.reduce((sum, c) => sum + (c.votes || 0), 0);
  const list = [...units.values()];
  for (const unit of list) {
    unit.sort((a, b) => (byVotes ? (b.votes || 0) - (a.votes || 0) : 0) || (a.id ?? Infinity) - (b.id ?? Infinity));
  }
  list.sort((a, b) => (byVotes ? votes(b) - votes(a) : 0) || first(a) - first(b));
  return list.flat();
}

/**
 * The lane <section>s of a board container, keyed by canonical lane name (`data-lane`),
 * created for lanes the template did not render. `lanes` is client.laneList().
 */
export function laneSections(board, lanes, t) {
  const sections = new Map();
  for (const section of board.querySelectorAll("section[data-lane]")) {
    sections.set(section.dataset.lane, section);
  }
  lanes.forEach(({ key, label }, index) => {
    if (sections.has(key)) return;
    const id = `lane-${index + 1}`;
    const section = h(
      "section",
      { class: "pt-lane", "aria-labelledby": id, dataset: { lane: key } },
      h("h2", { class: "pt-lane__title", id, text: label }),
      h("p", { class: "pt-lane__count", text: t.count("cards", 0) }),
      h("ul", { class: "pt-lane__cards" }),
      h("p", { class: "pt-lane__empty", text: t("lane_empty") }),
    );
    board.append(section);
    sections.set(key, section);
  });
  return sections;
}

/** Fill each lane's list; `render(li, card)` draws one card. Returns cards per lane. */
export function renderLanes(board, lanes, cards, t, { create, update, byVotes = false }) {
  const sections = laneSections(board, lanes, t);
  const counts = {};
  for (const [lane, section] of sections) {
    const laneCards = orderCards(cards.filter((card) => card.lane === lane), byVotes);
    counts[lane] = laneCards.length;
    const list = section.querySelector(".pt-lane__cards");
    reconcile(list, laneCards, (card) => card.key, create, update);
    section.querySelector(".pt-lane__count").textContent = t.count("cards", laneCards.length);
    section.querySelector(".pt-lane__empty").hidden = laneCards.length > 0;
  }
  return counts;
}

/** The author line of a card: a name and role (in the viewer's language), or "Anonymous". */
export function authorText(card, t, mine = false, roleLabel = (role) => role) {
  if (!card.author || card.anonymous) {
    return mine ? t("you_anonymous") : t("anonymous");
  }
  const who = mine ? t("you") : card.author.display_name || t("someone");
  return card.author.role ? `${who} · ${roleLabel(card.author.role)}` : who;
}

/** What every view shows of a card, for its <li>: group, text, author and votes. */
export function cardFace() {
  return [
    h("p", { class: "pt-card__group", hidden: true }),
    h("p", { class: "pt-card__text" }),
    h(
      "div",
      { class: "pt-card__meta" },
      h("span", { class: "pt-card__author" }),
      h("span", { class: "pt-card__votes" }),
    ),
  ];
}

/** Fill a card's face (see cardFace); `mine` names the author "You". */
export function updateCardFace(li, card, t, roleLabel, mine = false) {
  const group = li.querySelector(".pt-card__group");
  group.hidden = !card.group;
  group.textContent = card.group ? t("group_label", { title: card.group.title }) : "";
  li.querySelector(".pt-card__text").textContent = card.text;
  li.querySelector(".pt-card__author").textContent = authorText(card, t, mine, roleLabel);
  li.querySelector(".pt-card__votes").textContent = t.count("votes", card.votes || 0);
}

// --- the countdown ---------------------------------------------------------------------------

/**
 * Drives a `.pt-timer` block: the role="timer" value, segment title, status line and a
 * polite announcer that speaks segment changes and milestones, never every second.
 */
export class TimerView {
  constructor(client, root, t, { announcer = null, milestones = [300, 60] } = {}) {
    this.client = client;
    this.root = root;
    this.t = t;
    this.announcer = announcer;
    this.milestones = milestones;
    this.value = root.querySelector("[role=timer]");
    this.title = root.querySelector(".pt-timer__segment");
    this.status = root.querySelector(".pt-timer__status");
    this.meta = root.querySelector(".pt-timer__meta");
    this.lastKey = null;
    this.lastText = null;
    this.lastRemaining = null;
    this.announced = new Set();
    setInterval(() => this.tick(), 250);
  }

  say(message) {
    if (!this.announcer || !message) return;
    // Clear, then set on the next frame, so repeating the same words is announced again.
    this.announcer.textContent = "";
    setTimeout(() => {
      this.announcer.textContent = message;
    }, 50);
  }

  /** Called on every store change: re-read segment and status, announce what changed. */
  update() {
    const { timer, agenda } = this.client.store;
    if (!timer) return;
    const segment = this.client.segment(timer.segment_index);
    const count = agenda?.segments?.length || 0;
    const t = this.t;
    let title = segment?.title || "";
    if (timer.status === "finished") title = t("session_finished");
    this.title.textContent = title;
    let meta = "";
    if (timer.status === "not_started") meta = t("not_started");
    else if (timer.status === "paused") meta = t("paused");
    else if (timer.status === "running") meta = t("segment_n_of_m", { n: timer.segment_index + 1, m: count });
    if (this.meta) this.meta.textContent = meta;
    this.root.classList.toggle("pt-timer--paused", timer.status === "paused");
    this.root.classList.toggle("pt-timer--finished", timer.status === "finished");
    const key = `${timer.segment_index}:${timer.status}`;
    if (this.lastKey !== null && key !== this.lastKey) {
      const [oldIndex] = this.lastKey.split(":");
      this.announced.clear();
      if (timer.status === "finished") this.say(t("session_finished"));
      else if (timer.status === "paused") this.say(t("timer_paused"));
      else if (String(timer.segment_index) !== oldIndex || this.lastKey.endsWith("not_started")) {
        const minutes = Math.round((this.client.remaining() || 0) / 60);
        this.say(t.count("now_segment", minutes, { title: segment?.title || "", minutes }));
      } else if (timer.status === "running") this.say(t("timer_resumed"));
    }
    this.lastKey = key;
    this.tick();
  }

  tick() {
    const { timer } = this.client.store;
    if (!timer) return;
    const remaining = this.client.remaining();
    const text = timer.status === "finished" ? "0:00" : formatClock(remaining);
    if (text !== this.lastText) {
      this.value.textContent = text;
      this.lastText = text;
    }
    const overtime = timer.status !== "finished" && text.startsWith("-");
    this.root.classList.toggle("pt-timer--overtime", overtime);
    if (timer.status === "running" && remaining !== null) {
      const previous = this.lastRemaining;
      if (previous !== null) {
        for (const mark of this.milestones) {
          if (previous > mark && remaining <= mark && !this.announced.has(mark)) {
            this.announced.add(mark);
            const minutes = Math.round(mark / 60);
            this.say(minutes === 1 ? this.t("one_minute_left") : this.t("minutes_left", { n: minutes }));
          }
        }
        if (previous > 0 && remaining <= 0 && !this.announced.has(0)) {
          this.announced.add(0);
          this.say(this.t("time_up"));
        }
      }
      this.lastRemaining = remaining;
    } else {
      this.lastRemaining = null;
    }
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

/**
 * segno's inline QR SVG has a fixed width and height but no viewBox, so it cannot shrink
 * on a narrow screen; give it one so CSS can size it.
 */
export function scalableQr(container) {
  for (const svg of container.querySelectorAll(".pt-qr svg:not([viewBox])")) {
    const width = svg.getAttribute("width");
    const height = svg.getAttribute("height");
    if (!width || !height) continue;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.classList.add("pt-qr__svg");
  }
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
    scalableQr(root);
    client.connect();
    return render;
  }

  return { root, data, sessionId, t, client, store, $, roleLabel: (role) => client.roleLabel(role), start };
}
