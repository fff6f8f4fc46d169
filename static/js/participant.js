// Participant live view (/j/<code> once joined): timer, board, composer, cases, ratings.
//
// Everything a participant does goes through the client's OUTBOX, so an action taken on a
// flaky connection is shown at once ("Waiting to send") and delivered exactly once later.

import { cardFace, compilePatterns, h, liveView, reconcile, renderLanes, updateCardFace } from "./live-client.js";

const { root, sessionId, t, client, store, $, roleLabel, start } = liveView(({ data, sessionId }) => ({
  auth: { token: data.token },
  storageKey: `${sessionId}:${data.participantId}`,
}));

// --- page chrome: connection, problems, tabs -------------------------------------------------

const offlineBanner = $("#pt-offline");
const problemBox = $("#pt-problems");
const problemList = $("#pt-problems-list");
const statusLine = $("#pt-status");

function showProblem(message) {
  if (!message) return;
  problemList.append(
    h(
      "li",
      {},
      h("span", { text: message }),
      " ",
      h("button", {
        type: "button",
        class: "pt-link-button",
        dataset: { action: "dismiss" },
        text: t("dismiss"),
      }),
    ),
  );
  while (problemList.children.length > 3) problemList.firstElementChild.remove();
  problemBox.hidden = false;
}

problemList.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action=dismiss]");
  if (!button) return;
  button.closest("li").remove();
  problemBox.hidden = problemList.children.length === 0;
});

const ACTION_NAMES = {
  "reflection:add": "problem_post",
  "reflection:edit": "problem_edit",
  "reflection:delete": "problem_delete",
  "reflection:vote": "problem_vote",
  "case:open": "problem_case_open",
  "case:handoff": "problem_handoff",
  "case:answer": "problem_answer",
  "rating:submit": "problem_rating",
};

client.addEventListener("problem", (event) => {
  const { message, retrying, event: name } = event.detail;
  if (retrying) {
    statusLine.textContent = t("retrying", { message });
    return;
  }
  const prefix = ACTION_NAMES[name] ? t(ACTION_NAMES[name]) : "";
  showProblem(prefix ? `${prefix} ${message}` : message);
});

function renderConnection(everConnected) {
  offlineBanner.hidden = store.connected || !everConnected || Boolean(store.refused);
  const refused = $("#pt-refused");
  refused.hidden = !store.refused;
  const queued = client.outbox().length;
  if (store.connected && queued === 0) statusLine.textContent = "";
  else if (!store.connected && queued > 0) {
    statusLine.textContent = t.count("queued", queued);
  }
}

// Tabs (WAI-ARIA tabs pattern): one panel at a time on every screen; arrow keys move.
const tabs = [...root.querySelectorAll("[role=tab]")];
const tabKey = `playtest:tab:${sessionId}`;

function selectTab(tab, focus = false) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  try {
    sessionStorage.setItem(tabKey, tab.id);
  } catch {
    // not remembered: fine
  }
}

for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectTab(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
  });
}
$("#pt-tablist").hidden = false;
let remembered = null;
try {
  remembered = document.getElementById(sessionStorage.getItem(tabKey));
} catch {
  remembered = null;
}
selectTab(tabs.includes(remembered) ? remembered : tabs[0]);

// --- prompt ----------------------------------------------------------------------------------

const prompt = $("#pt-prompt");
let promptKey = null;

function renderPrompt() {
  const timer = store.timer;
  if (!timer) return;
  const notStarted = timer.status === "not_started";
  const key = `${timer.segment_index}:${notStarted}`;
  if (key === promptKey) return;
  promptKey = key;
  // prompt_html and intro_html are the playbook's markdown, sanitised by the server (nh3).
  const html = notStarted ? store.agenda.intro_html : client.segment()?.prompt_html;
  prompt.innerHTML = html || "";
  prompt.hidden = !html;
}

// --- the board -------------------------------------------------------------------------------

const board = $("#pt-board");
const sortByVotes = $("#pt-sort");
const votesLeft = $("#pt-votes-left");
const editing = new Set(); // card ids with the inline editor open
const confirmingDelete = new Set();

function outboxEffects() {
  const effects = { adds: [], edits: new Map(), deletes: new Set(), votes: new Map() };
  for (const item of client.outbox()) {
    const p = item.payload;
    if (item.event === "reflection:add") effects.adds.push(item);
    else if (item.event === "reflection:edit") effects.edits.set(p.id, p.text);
    else if (item.event === "reflection:delete") effects.deletes.add(p.id);
    else if (item.event === "reflection:vote") effects.votes.set(p.id, p.on);
  }
  return effects;
}

/** The cards this person sees: the server's, plus what is still waiting in the outbox. */
function boardCards() {
  const effects = outboxEffects();
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
    if (item.client_id === client.inFlight?.client_id && echoed(item.payload)) continue;
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

/** Whether the room's copy of this just-sent card is already on the board. */
function echoed(payload) {
  const me = store.me?.participant_id;
  for (const card of store.cards.values()) {
    if (card.client_id || card.lane !== payload.lane || card.text !== payload.text) continue;
    if (card.anonymous || card.author?.participant_id === me) return true;
  }
  return false;
}

function votesRemaining(effects) {
  let left = store.me?.votes_left ?? 0;
  for (const [id, on] of effects.votes) {
    const had = store.myVotes.has(id);
    if (on && !had) left -= 1;
    if (!on && had) left += 1;
  }
  return Math.max(0, left);
}

function createCard() {
  const editorId = `edit-${Math.random().toString(36).slice(2)}`;
  return h(
    "li",
    { class: "pt-card" },
    h("p", { class: "pt-card__status", hidden: true }),
    cardFace(),
    h(
      "div",
      { class: "pt-card__actions" },
      h("button", { type: "button", class: "pt-vote", dataset: { action: "vote" } }),
      h("button", {
        type: "button",
        class: "govuk-button govuk-button--secondary pt-card__button",
        dataset: { action: "edit" },
      }),
      h("button", {
        type: "button",
        class: "govuk-button govuk-button--secondary pt-card__button",
        dataset: { action: "delete" },
      }),
    ),
    h(
      "div",
      { class: "pt-card__confirm", hidden: true },
      h("p", { class: "govuk-body-s pt-card__confirm-text", text: t("delete_confirm") }),
      h(
        "div",
        { class: "govuk-button-group" },
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--warning pt-card__button",
          dataset: { action: "delete-yes" },
          text: t("delete_yes"),
        }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary pt-card__button",
          dataset: { action: "delete-no" },
          text: t("cancel"),
        }),
      ),
    ),
    h(
      "form",
      { class: "pt-card__editor", hidden: true, novalidate: true, dataset: { action: "save" } },
      h(
        "div",
        { class: "govuk-form-group" },
        h("label", { class: "govuk-label govuk-label--s", for: editorId, text: t("edit_label") }),
        h("textarea", {
          class: "govuk-textarea pt-card__edit-text",
          id: editorId,
          rows: "3",
          maxlength: String(store.session?.text_max || 500),
        }),
      ),
      h("div", { class: "govuk-warning-text pt-pii", hidden: true }),
      h(
        "div",
        { class: "govuk-button-group" },
        h("button", { type: "submit", class: "govuk-button pt-card__button", text: t("save") }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary pt-card__button",
          dataset: { action: "edit-cancel" },
          text: t("cancel"),
        }),
      ),
    ),
  );
}

function visuallyHidden(text) {
  return h("span", { class: "govuk-visually-hidden", text });
}

function updateCard(li, card, votesLeftNow) {
  li.className = "pt-card";
  li.classList.toggle("pt-card--own", card.mine);
  li.classList.toggle("pt-card--pending", Boolean(card.pending || card.editPending));
  li.dataset.id = card.id ?? "";
  const status = li.querySelector(".pt-card__status");
  status.hidden = !(card.pending || card.editPending);
  status.textContent = card.pending ? t("waiting_to_send") : t("edit_waiting");
  updateCardFace(li, card, t, roleLabel, card.mine);

  const actions = li.querySelector(".pt-card__actions");
  const isEditing = editing.has(card.id);
  const isConfirming = confirmingDelete.has(card.id);
  actions.hidden = Boolean(card.pending) || isEditing || isConfirming;
  const vote = li.querySelector("[data-action=vote]");
  vote.classList.toggle("pt-vote--on", card.voted);
  const votedText = card.voted ? [t("remove_vote")] : [t("vote"), visuallyHidden(t("vote_suffix"))];
  const signature = `${card.voted}`;
  if (vote.dataset.signature !== signature) {
    vote.replaceChildren(...votedText);
    vote.dataset.signature = signature;
  }
  const spent = !card.voted && votesLeftNow <= 0;
  if (spent) vote.setAttribute("aria-disabled", "true");
  else vote.removeAttribute("aria-disabled");
  const edit = li.querySelector("[data-action=edit]");
  const remove = li.querySelector("[data-action=delete]");
  edit.hidden = !card.mine;
  remove.hidden = !card.mine;
  if (card.mine && !edit.dataset.ready) {
    edit.replaceChildren(t("edit"), visuallyHidden(t("edit_suffix")));
    remove.replaceChildren(t("delete"), visuallyHidden(t("delete_suffix")));
    edit.dataset.ready = "1";
  }
  li.querySelector(".pt-card__confirm").hidden = !isConfirming;
  const editor = li.querySelector(".pt-card__editor");
  editor.hidden = !isEditing;
}

function renderBoard() {
  const { cards, effects } = boardCards();
  const left = votesRemaining(effects);
  renderLanes(board, client.laneList(), cards, t, {
    create: createCard,
    update: (li, card) => updateCard(li, card, left),
    byVotes: sortByVotes.checked,
  });
  votesLeft.textContent = t("votes_left", { n: left });
}

sortByVotes.addEventListener("change", () => renderBoard());

function cardFor(element) {
  const li = element.closest(".pt-card");
  const id = Number(li?.dataset.id);
  return { li, id, card: store.cards.get(id) };
}

board.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const { li, id, card } = cardFor(button);
  if (!card) return;
  const action = button.dataset.action;
  if (action === "vote") {
    const { effects } = boardCards();
    const voted = effects.votes.has(id) ? effects.votes.get(id) : store.myVotes.has(id);
    if (!voted && votesRemaining(effects) <= 0) {
      showProblem(t("no_votes_left"));
      return;
    }
    client.enqueue("reflection:vote", { id, on: !voted });
  } else if (action === "edit") {
    editing.add(id);
    renderBoard();
    const area = li.querySelector(".pt-card__edit-text");
    area.value = card.text;
    li.querySelector(".pt-pii").hidden = true;
    area.focus();
  } else if (action === "edit-cancel") {
    editing.delete(id);
    renderBoard();
    li.querySelector("[data-action=edit]").focus();
  } else if (action === "delete") {
    confirmingDelete.add(id);
    renderBoard();
    li.querySelector("[data-action=delete-no]").focus();
  } else if (action === "delete-no") {
    confirmingDelete.delete(id);
    renderBoard();
    li.querySelector("[data-action=delete]").focus();
  } else if (action === "delete-yes") {
    confirmingDelete.delete(id);
    client.enqueue("reflection:delete", { id });
    $("#pt-composer-text").focus();
  } else if (action === "pii-edit") {
    li.querySelector(".pt-card__edit-text").focus();
  } else if (action === "pii-send") {
    saveEdit(li, id, true);
  }
});

board.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-action=save]");
  if (!form) return;
  event.preventDefault();
  const { li, id } = cardFor(form);
  saveEdit(li, id, false);
});

function saveEdit(li, id, confirmed) {
  const area = li.querySelector(".pt-card__edit-text");
  const text = area.value;
  if (!text.trim()) {
    showProblem(t("empty_card"));
    area.focus();
    return;
  }
  const warning = li.querySelector(".pt-pii");
  if (!confirmed && looksPersonal(text)) {
    showPiiWarning(warning, "pii-edit", "pii-send", t("save_anyway"));
    return;
  }
  editing.delete(id);
  client.enqueue("reflection:edit", { id, text });
  li.querySelector("[data-action=edit]").focus();
}

// --- personal information check --------------------------------------------------------------

let piiPatterns = [];

function looksPersonal(text) {
  return piiPatterns.some((pattern) => pattern.test(text));
}

function showPiiWarning(box, editAction, sendAction, sendLabel, message = t("pii_warning")) {
  box.replaceChildren(
    h("span", { class: "govuk-warning-text__icon", "aria-hidden": "true", text: "!" }),
    h(
      "div",
      { class: "govuk-warning-text__text" },
      visuallyHidden(t("warning")),
      h("p", { class: "govuk-body govuk-!-font-weight-bold pt-pii__text", text: message }),
      h(
        "div",
        { class: "govuk-button-group" },
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary",
          dataset: { action: editAction },
          text: t("pii_edit"),
        }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--warning",
          dataset: { action: sendAction },
          text: sendLabel,
        }),
      ),
    ),
  );
  box.setAttribute("role", "alert");
  box.hidden = false;
  box.querySelector(`[data-action=${sendAction}]`).focus();
}

// --- the composer ----------------------------------------------------------------------------

const composer = $("#pt-composer");
const laneSelect = $("#pt-composer-lane");
const textArea = $("#pt-composer-text");
const counter = $("#pt-composer-count");
const counterLive = $("#pt-composer-count-live");
const anonymous = $("#pt-composer-anonymous");
const composerPii = $("#pt-composer-pii");
const textError = $("#pt-composer-text-error");
let countTimer = null;

function updateCount() {
  const max = Number(textArea.getAttribute("maxlength")) || 500;
  const left = max - textArea.value.length;
  const message = t.count("chars_left", left);
  counter.textContent = message;
  clearTimeout(countTimer);
  // Screen readers hear the count once typing pauses, and only near the limit.
  if (left <= 50) countTimer = setTimeout(() => (counterLive.textContent = message), 1000);
}

textArea.addEventListener("input", () => {
  updateCount();
  composerPii.hidden = true;
  setTextError(null);
});
updateCount();

function setTextError(message) {
  const group = textArea.closest(".govuk-form-group");
  group.classList.toggle("govuk-form-group--error", Boolean(message));
  textArea.classList.toggle("govuk-textarea--error", Boolean(message));
  textError.hidden = !message;
  textError.querySelector(".pt-error-text").textContent = message || "";
}

function post(confirmed) {
  const text = textArea.value;
  if (!text.trim()) {
    setTextError(t("empty_card"));
    textArea.focus();
    return;
  }
  if (!confirmed && looksPersonal(text)) {
    showPiiWarning(composerPii, "pii-edit", "pii-send", t("post_anyway"));
    return;
  }
  composerPii.hidden = true;
  const payload = { lane: laneSelect.value, text };
  if (anonymous) payload.anonymous = anonymous.checked;
  client.enqueue("reflection:add", payload);
  textArea.value = "";
  updateCount();
  textArea.focus();
}

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  post(false);
});

composerPii.addEventListener("click", (event) => {
  const action = event.target.closest("button[data-action]")?.dataset.action;
  if (action === "pii-edit") {
    composerPii.hidden = true;
    textArea.focus();
  } else if (action === "pii-send") post(true);
});

// Put a card that could not be posted back in the composer, so nothing typed is lost.
client.addEventListener("change", (event) => {
  const { item, ack } = event.detail;
  if (item?.event === "reflection:add" && ack && !ack.ok && !textArea.value) {
    textArea.value = item.payload.text;
    laneSelect.value = item.payload.lane;
    updateCount();
  }
});

// --- cases -----------------------------------------------------------------------------------

const caseForm = $("#pt-case-form");
const caseLabel = $("#pt-case-label");
const caseType = $("#pt-case-type");
const casePii = $("#pt-case-pii");
const myCases = $("#pt-my-cases");
const roleQueue = $("#pt-role-queue");
const openForms = new Map(); // case id -> "handoff" | "answer"

function caseViews() {
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
  const me = store.me;
  const delivered = new Set();
  const echoes = []; // the room's copies of my cases, not yet matched to their client_id
  const mine = [];
  const queue = [];
  for (const item of store.cases.values()) {
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

/** Whether this case from the server is what the `case:open` payload asked for. */
function sameOpen(found, payload) {
  const type = (text) => (text || "").trim() || null;
  return found.label === payload.label.trim() && type(found.case_type) === type(payload.case_type);
}

function field(label, control, hint = null) {
  return h(
    "div",
    { class: "govuk-form-group" },
    h("label", { class: "govuk-label", for: control.id, text: label }),
    hint ? h("div", { class: "govuk-hint", text: hint }) : null,
    control,
  );
}

function createCase(view) {
  const uid = Math.random().toString(36).slice(2);
  const roleSelect = h("select", { class: "govuk-select", id: `handoff-role-${uid}`, name: "to_role" });
  return h(
    "li",
    { class: "pt-case" },
    h(
      "div",
      { class: "pt-case__header" },
      h("h4", { class: "govuk-heading-s pt-case__label" }),
      h("strong", { class: "govuk-tag pt-case__tag" }),
    ),
    h("p", { class: "pt-card__status pt-case__status", hidden: true }),
    h("p", { class: "govuk-body-s pt-case__meta" }),
    h(
      "div",
      { class: "govuk-button-group pt-case__actions" },
      h("button", {
        type: "button",
        class: "govuk-button govuk-button--secondary pt-card__button",
        dataset: { action: "handoff" },
        "aria-expanded": "false",
      }),
      h("button", {
        type: "button",
        class: "govuk-button govuk-button--secondary pt-card__button",
        dataset: { action: "answer" },
        "aria-expanded": "false",
      }),
    ),
    h(
      "form",
      { class: "pt-case__form", hidden: true, novalidate: true, dataset: { form: "handoff" } },
      field(t("handoff_to"), roleSelect),
      field(
        t("reason_optional"),
        h("input", { class: "govuk-input", id: `handoff-reason-${uid}`, name: "reason", maxlength: "500" }),
      ),
      h(
        "div",
        { class: "govuk-button-group" },
        h("button", { type: "submit", class: "govuk-button pt-card__button", text: t("send_handoff") }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary pt-card__button",
          dataset: { action: "close" },
          text: t("cancel"),
        }),
      ),
    ),
    h(
      "form",
      { class: "pt-case__form", hidden: true, novalidate: true, dataset: { form: "answer" } },
      field(
        t("outcome_optional"),
        h("input", { class: "govuk-input", id: `answer-outcome-${uid}`, name: "outcome", maxlength: "200" }),
      ),
      h(
        "div",
        { class: "govuk-button-group" },
        h("button", { type: "submit", class: "govuk-button pt-card__button", text: t("save_answer") }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary pt-card__button",
          dataset: { action: "close" },
          text: t("cancel"),
        }),
      ),
    ),
  );
}

function caseMeta(view) {
  const parts = [];
  if (view.case_type) parts.push(t("case_type_is", { type: view.case_type }));
  if (view.status === "open") parts.push(t("case_with", { role: roleLabel(view.holder_role) }));
  parts.push(t.count("handoffs", view.handoffs || 0));
  if (view.status === "answered" && view.outcome) parts.push(t("outcome_is", { outcome: view.outcome }));
  return parts.join(" · ");
}

function updateCase(li, view) {
  li.dataset.id = view.id ?? "";
  li.querySelector(".pt-case__label").textContent = view.label;
  const tag = li.querySelector(".pt-case__tag");
  tag.textContent = view.status === "answered" ? t("answered") : t("open");
  tag.className = `govuk-tag pt-case__tag ${view.status === "answered" ? "govuk-tag--green" : "govuk-tag--blue"}`;
  li.querySelector(".pt-case__meta").textContent = caseMeta(view);
  const status = li.querySelector(".pt-case__status");
  let waiting = "";
  if (view.pending) waiting = t("waiting_to_send");
  else if (view.pendingActions.length) {
    const last = view.pendingActions.at(-1);
    waiting =
      last.event === "case:handoff"
        ? t("handoff_waiting", { role: roleLabel(last.payload.to_role) })
        : t("answer_waiting");
  }
  status.hidden = !waiting;
  status.textContent = waiting;
  const canAct = !view.pending && !view.pendingActions.length && view.status === "open";
  const open = canAct ? openForms.get(view.id) : null;
  li.querySelector(".pt-case__actions").hidden = !canAct;
  const handoff = li.querySelector("[data-action=handoff]");
  const answer = li.querySelector("[data-action=answer]");
  if (!handoff.dataset.label || handoff.dataset.label !== view.label) {
    handoff.replaceChildren(t("hand_off"), visuallyHidden(t("case_suffix", { label: view.label })));
    answer.replaceChildren(t("mark_answered"), visuallyHidden(t("case_suffix", { label: view.label })));
    handoff.dataset.label = view.label;
  }
  handoff.setAttribute("aria-expanded", String(open === "handoff"));
  answer.setAttribute("aria-expanded", String(open === "answer"));
  const handoffForm = li.querySelector("[data-form=handoff]");
  const answerForm = li.querySelector("[data-form=answer]");
  handoffForm.hidden = open !== "handoff";
  answerForm.hidden = open !== "answer";
  const select = handoffForm.querySelector("select");
  // Values are the canonical roles; each person reads them in their own language.
  const roles = (store.session?.role_keys || []).filter((role) => role !== view.holder_role);
  const signature = roles.join("\n");
  if (select.dataset.roles !== signature) {
    const chosen = select.value;
    select.replaceChildren(...roles.map((role) => h("option", { value: role, text: roleLabel(role) })));
    if (roles.includes(chosen)) select.value = chosen;
    select.dataset.roles = signature;
  }
}

function renderCases() {
  const { mine, queue } = caseViews();
  reconcile(myCases, mine, (v) => v.key, createCase, updateCase);
  reconcile(roleQueue, queue, (v) => v.key, createCase, updateCase);
  $("#pt-my-cases-empty").hidden = mine.length > 0;
  $("#pt-role-queue-empty").hidden = queue.length > 0;
  const badge = $("#pt-cases-badge");
  badge.hidden = queue.length === 0;
  badge.textContent = t("waiting_n", { n: queue.length });
}

function setFieldError(input, message) {
  const group = input.closest(".govuk-form-group");
  const error = group.querySelector(".govuk-error-message");
  group.classList.toggle("govuk-form-group--error", Boolean(message));
  input.classList.toggle("govuk-input--error", Boolean(message));
  error.hidden = !message;
  error.querySelector(".pt-error-text").textContent = message || "";
}

function openCase(confirmed) {
  const label = caseLabel.value.trim();
  if (!label) {
    setFieldError(caseLabel, t("case_label_missing"));
    caseLabel.focus();
    return;
  }
  if (!confirmed && looksPersonal(label)) {
    showPiiWarning(casePii, "pii-edit", "pii-send", t("open_anyway"), t("pii_case_warning"));
    return;
  }
  casePii.hidden = true;
  const payload = { label };
  if (caseType.value.trim()) payload.case_type = caseType.value.trim();
  client.enqueue("case:open", payload);
  caseForm.reset();
  caseLabel.focus();
}

caseForm.addEventListener("submit", (event) => {
  event.preventDefault();
  openCase(false);
});
caseLabel.addEventListener("input", () => {
  setFieldError(caseLabel, null);
  casePii.hidden = true;
});
casePii.addEventListener("click", (event) => {
  const action = event.target.closest("button[data-action]")?.dataset.action;
  if (action === "pii-edit") {
    casePii.hidden = true;
    caseLabel.focus();
  } else if (action === "pii-send") openCase(true);
});

for (const list of [myCases, roleQueue]) {
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const li = button.closest(".pt-case");
    const id = Number(li.dataset.id);
    const action = button.dataset.action;
    if (action === "handoff" || action === "answer") {
      openForms.set(id, openForms.get(id) === action ? null : action);
      renderCases();
      if (openForms.get(id)) li.querySelector(`[data-form=${action}] select, [data-form=${action}] input`).focus();
    } else if (action === "close") {
      const which = openForms.get(id);
      openForms.delete(id);
      renderCases();
      li.querySelector(`[data-action=${which}]`)?.focus();
    }
  });
  list.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const li = form.closest(".pt-case");
    const id = Number(li.dataset.id);
    if (form.dataset.form === "handoff") {
      const payload = { case_id: id, to_role: form.elements.to_role.value };
      const reason = form.elements.reason.value.trim();
      if (reason) payload.reason = reason;
      client.enqueue("case:handoff", payload);
    } else {
      const payload = { case_id: id };
      const outcome = form.elements.outcome.value.trim();
      if (outcome) payload.outcome = outcome;
      client.enqueue("case:answer", payload);
    }
    form.reset();
    openForms.delete(id);
    renderCases();
    li.querySelector(".pt-case__label").setAttribute("tabindex", "-1");
    li.querySelector(".pt-case__label").focus();
  });
}

// --- ratings ---------------------------------------------------------------------------------

const ratingForms = [...root.querySelectorAll("form[data-phase]")];
const dirty = new Set();

function renderRatings() {
  const pending = new Set(
    client.outbox().filter((item) => item.event === "rating:submit").map((item) => item.payload.phase),
  );
  for (const form of ratingForms) {
    const phase = form.dataset.phase;
    const closed = store.closedPhases.includes(phase) || store.session?.status === "finished";
    for (const control of form.elements) control.disabled = closed;
    form.querySelector(".pt-ratings__closed").hidden = !store.closedPhases.includes(phase);
    const saved = store.me?.ratings?.[phase] || {};
    if (!dirty.has(phase)) {
      for (const input of form.querySelectorAll("input[type=radio]")) {
        input.checked = saved[input.dataset.question] === Number(input.value);
      }
    }
    const status = form.querySelector(".pt-ratings__status");
    const count = Object.keys(saved).length;
    if (pending.has(phase)) status.textContent = t("waiting_to_send");
    else if (dirty.has(phase)) status.textContent = t("ratings_unsaved");
    else if (count) status.textContent = t.count("ratings_saved", count);
    else status.textContent = "";
  }
}

for (const form of ratingForms) {
  form.addEventListener("change", () => {
    dirty.add(form.dataset.phase);
    renderRatings();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const phase = form.dataset.phase;
    const answers = {};
    for (const input of form.querySelectorAll("input[type=radio]:checked")) {
      answers[input.dataset.question] = Number(input.value);
    }
    if (!Object.keys(answers).length) {
      showProblem(t("ratings_empty"));
      return;
    }
    dirty.delete(phase);
    client.enqueue("rating:submit", { phase, answers });
    renderRatings();
  });
}

// --- putting it together ---------------------------------------------------------------------

function renderSession() {
  const finished = store.session?.status === "finished";
  $("#pt-finished").hidden = !finished;
  for (const form of [composer, caseForm]) {
    for (const control of form.elements) control.disabled = finished;
  }
  const me = store.me;
  if (me) $("#pt-me").textContent = t("you_are", { name: me.display_name, role: roleLabel(me.role) });
}

client.addEventListener("change", (event) => {
  if (event.detail.kind === "state") piiPatterns = compilePatterns(store.session?.pii_patterns);
});

start({
  connection: renderConnection,
  draw() {
    renderPrompt();
    renderSession();
    renderBoard();
    renderCases();
    renderRatings();
  },
});
// Keep the outbox across reloads: show anything still queued from last time at once.
if (client.outbox().length) statusLine.textContent = t.count("queued", client.outbox().length);
