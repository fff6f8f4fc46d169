// Facilitator console: clock controls, agenda (planned vs actual), presence, live counts,
// board moderation (hide, group, private mode, reveal) and case corrections.
//
// Staff actions are sent straight away with an ack (no outbox): a facilitator must know at
// once whether "Next" worked, so failures show in the error summary at the top.

import { setupActions } from "./actions.js";
import { caseCorrections } from "./case-corrections.js";
import { setupAgenda } from "./console-agenda.js";
import { setupClock } from "./console-clock.js";
import { setupComposer } from "./console-composer.js";
import { setupPeople } from "./console-people.js";
import { cardFace, h, liveView, readStrings, reconcile, renderLanes, updateCardFace } from "./live-client.js";

const { root, data, t, client, store, $, roleLabel, start, timerView } = liveView(({ sessionId }) => ({
  auth: { session_id: sessionId },
  staff: true,
}));
const canControl = data.canControl === "1";

// --- messages --------------------------------------------------------------------------------

const problemBox = $("#pt-problems");
const problemList = $("#pt-problems-list");
const doneBox = $("#pt-done");

function clearMessages() {
  problemList.replaceChildren();
  problemBox.hidden = true;
  doneBox.hidden = true;
}

function showProblem(message) {
  problemList.append(h("li", { text: message }));
  problemBox.hidden = false;
}

function showDone(message) {
  $("#pt-done-text").textContent = message;
  doneBox.hidden = false;
}

/** Send a staff action; on failure say why. Resolves to the ack, or null when refused. */
async function act(event, payload) {
  clearMessages();
  const ack = await client.request(event, payload);
  if (ack?.ok) return ack;
  const code = ack?.error?.code;
  if (code === "offline") showProblem(t("offline"));
  else if (code === "timeout") showProblem(t("timeout"));
  else showProblem(ack?.error?.message || t("timeout"));
  return null;
}

const actions = setupActions({ client, act });

// --- clock -----------------------------------------------------------------------------------

const controls = $("#pt-controls");
const finishConfirm = $("#pt-finish-confirm");
let busy = false;
let lastPressed = null;

/** What a facilitator may press now: the server says so in every timer (`actions`). */
function allowedActions() {
  const actions = new Set(store.timer?.actions || []);
  return { ...Object.fromEntries([...actions].map((action) => [action, true])), "finish-ask": actions.has("finish") };
}

function renderControls() {
  if (!controls) return;
  const allowed = allowedActions();
  for (const button of controls.querySelectorAll(".pt-controls__button")) {
    button.disabled = busy || !allowed[button.dataset.timer] || !store.connected;
  }
  if (!allowed["finish-ask"]) finishConfirm.hidden = true;
  // The button just pressed may now be disabled (Start becomes Pause): keep focus nearby.
  if (lastPressed?.disabled && !busy) {
    const next = [...controls.querySelectorAll(".pt-controls__button")].find((b) => !b.disabled);
    (next || $("#pt-timer")).focus();
    lastPressed = null;
  }
}

controls?.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-timer]");
  if (!button || button.disabled) return;
  const action = button.dataset.timer;
  if (action === "finish-ask") {
    finishConfirm.hidden = false;
    finishConfirm.querySelector("[data-timer=finish]").focus();
    return;
  }
  if (action === "finish-cancel") {
    finishConfirm.hidden = true;
    controls.querySelector("[data-timer=finish-ask]").focus();
    return;
  }
  const payload = { action };
  if (action === "extend") payload.minutes = Number(button.dataset.minutes);
  if (action === "finish") {
    finishConfirm.hidden = true;
    lastPressed = controls.querySelector("[data-timer=finish-ask]");
  } else lastPressed = button;
  busy = true;
  renderControls();
  const ack = await act("timer:control", payload);
  busy = false;
  if (ack?.timer) {
    client.setTimer(ack.timer);
    agenda.takeTimer();
  }
  render();
});

// --- agenda (planned vs actual) and facilitator notes: console-agenda.js ----------------------

const agenda = setupAgenda({ t, client, store, $, act, limits: readStrings("pt-limits"), canControl });
const clock = setupClock({ root, t, client, store, $, timerView, act, showDone });
const formatMinutes = agenda.formatMinutes;

// --- presence and counts ---------------------------------------------------------------------

const people = setupPeople({ t, client, store, $, roleLabel, act, showDone, canControl });
setupComposer({ t, $, act, showDone });


function median(values) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function answerMinutes(item) {
  if (item.status !== "answered" || !item.answered_at || !item.opened_at) return null;
  return (Date.parse(item.answered_at) - Date.parse(item.opened_at)) / 60000;
}

function renderCounts() {
  const cases = [...store.cases.values()];
  const open = cases.filter((item) => item.status === "open").length;
  const answered = cases.filter((item) => item.status === "answered");
  $("#pt-count-open").textContent = String(open);
  $("#pt-count-answered").textContent = String(answered.length);
  $("#pt-count-handoffs").textContent = String(cases.reduce((sum, item) => sum + (item.handoffs || 0), 0));
  const times = answered.map(answerMinutes).filter((value) => value !== null);
  const middle = median(times);
  $("#pt-count-median").textContent =
    middle === null ? t("median_none") : `${t("minutes", { n: formatMinutes(middle) })} (n = ${times.length})`;
  const progress = store.ratingProgress || { before: 0, after: 0, participants: 0 };
  const closed = store.closedPhases;
  for (const phase of ["before", "after"]) {
    const joined = progress.participants || 0;
    let text = t.count("of_participants", joined, { n: progress[phase] || 0, m: joined });
    if (closed.includes(phase)) text += ` (${t("phase_closed")})`;
    $(`#pt-count-${phase}`).textContent = text;
    const button = root.querySelector(`button[data-phase=${phase}]`);
    if (button) {
      const word = t(`phase_${phase}`);
      button.textContent = closed.includes(phase)
        ? t("reopen_phase", { phase: word })
        : t("close_phase", { phase: word });
      button.disabled = store.session?.status === "finished";
    }
  }
}

for (const button of root.querySelectorAll("button[data-phase]")) {
  button.addEventListener("click", async () => {
    const phase = button.dataset.phase;
    const ack = await act("rating:close", { phase, closed: !store.closedPhases.includes(phase) });
    if (ack) {
      store.ratingProgress = ack;
      client.setClosedPhases(ack.closed_phases);
      render();
    }
  });
}

// --- board moderation ------------------------------------------------------------------------

const board = $("#pt-board");
const selected = new Set();
const groupForm = $("#pt-group-form");

function createCard(card) {
  const selectId = `pt-select-${card.id}`;
  return h(
    "li",
    { class: "pt-card" },
    h("p", { class: "pt-card__status", hidden: true, text: t("hidden_status") }),
    cardFace(),
    h("p", { class: "govuk-body-s pt-card__flag", hidden: true, text: t("pii_flag") }),
    canControl
      ? h(
          "div",
          { class: "pt-card__actions pt-card__actions--staff" },
          h(
            "div",
            { class: "govuk-checkboxes govuk-checkboxes--small pt-card__select" },
            h(
              "div",
              { class: "govuk-checkboxes__item" },
              h("input", {
                class: "govuk-checkboxes__input",
                type: "checkbox",
                id: selectId,
                dataset: { action: "select" },
              }),
              h("label", { class: "govuk-label govuk-checkboxes__label", for: selectId }),
            ),
          ),
          h("button", {
            type: "button",
            class: "govuk-button govuk-button--secondary pt-card__button",
            dataset: { action: "hide" },
          }),
        )
      : null,
  );
}

function updateCard(li, card) {
  li.dataset.id = card.id;
  li.className = "pt-card";
  li.classList.toggle("pt-card--hidden", Boolean(card.hidden));
  li.querySelector(".pt-card__status").hidden = !card.hidden;
  updateCardFace(li, card, t, roleLabel);
  li.querySelector(".pt-card__flag").hidden = !card.pii_flag;
  if (!canControl) return;
  const box = li.querySelector("[data-action=select]");
  box.checked = selected.has(card.id);
  const snippet = card.text.length > 40 ? `${card.text.slice(0, 40)}…` : card.text;
  const label = li.querySelector(".govuk-checkboxes__label");
  if (label.dataset.text !== card.text) {
    label.replaceChildren(t("select_card"), h("span", { class: "govuk-visually-hidden", text: t("select_suffix", { text: snippet }) }));
    label.dataset.text = card.text;
  }
  const hide = li.querySelector("[data-action=hide]");
  const state = card.hidden ? "unhide" : "hide";
  if (hide.dataset.state !== state) {
    hide.replaceChildren(t(state), h("span", { class: "govuk-visually-hidden", text: t("this_card") }));
    hide.dataset.state = state;
  }
}

function renderBoard() {
  for (const id of selected) if (!store.cards.has(id)) selected.delete(id);
  const cards = [...store.cards.values()].map((card) => ({ ...card, key: String(card.id) }));
  renderLanes(board, client.laneList(), cards, t, { create: createCard, update: updateCard });
  const isPrivate = store.boardMode === "private";
  $("#pt-mode-text").textContent = isPrivate ? t("mode_private") : t("mode_open");
  for (const section of board.querySelectorAll("section[data-lane]")) {
    const state = section.querySelector(".pt-lane__state");
    if (!state) continue;
    state.hidden = !isPrivate;
    state.textContent = store.revealedLanes.includes(section.dataset.lane) ? t("lane_revealed") : t("lane_private");
  }
  if (!canControl) return;
  const toggle = $("#pt-mode-toggle");
  toggle.textContent = isPrivate ? t("switch_open") : t("switch_private");
  const finished = store.session?.status === "finished";
  toggle.disabled = finished;
  for (const button of root.querySelectorAll("button[data-reveal]")) {
    button.hidden = !isPrivate || store.revealedLanes.includes(button.dataset.reveal);
    button.disabled = finished;
  }
  $("#pt-selected").textContent = selected.size ? `${selected.size} ✓` : "";
}

board.addEventListener("change", (event) => {
  const box = event.target.closest("[data-action=select]");
  if (!box) return;
  const id = Number(box.closest(".pt-card").dataset.id);
  if (box.checked) selected.add(id);
  else selected.delete(id);
  renderBoard();
});

board.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action=hide]");
  if (!button) return;
  const id = Number(button.closest(".pt-card").dataset.id);
  const card = store.cards.get(id);
  if (!card) return;
  button.disabled = true;
  const ack = await act("reflection:hide", { id, hidden: !card.hidden });
  button.disabled = false;
  if (ack) {
    const current = store.cards.get(id);
    if (current) store.cards.set(id, { ...current, hidden: ack.hidden });
    render();
  }
});

async function group(title) {
  if (!selected.size) {
    clearMessages();
    showProblem(t("choose_cards"));
    return;
  }
  const ids = [...selected];
  const ack = await act("reflection:group", { ids, title });
  if (!ack) return;
  selected.clear();
  groupForm.reset();
  showDone(title ? t.count("grouped", ids.length, { title }) : t.count("ungrouped", ids.length));
  render();
}

groupForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const title = $("#pt-group-name").value.trim();
  // Said where the eye is, at the field, as well as in the summary at the top.
  const error = $("#pt-group-name-error");
  error.hidden = Boolean(title);
  error.querySelector(".pt-error-text").textContent = t("group_name_missing");
  error.closest(".govuk-form-group").classList.toggle("govuk-form-group--error", !title);
  if (!title) {
    clearMessages();
    showProblem(t("group_name_missing"));
    $("#pt-group-name").focus();
    return;
  }
  group(title);
});

$("#pt-ungroup")?.addEventListener("click", () => group(""));

$("#pt-mode-toggle")?.addEventListener("click", async () => {
  const mode = store.boardMode === "private" ? "open" : "private";
  const ack = await act("board:mode", { mode });
  if (ack) {
    store.boardMode = ack.mode;
    store.revealedLanes = ack.revealed_lanes || [];
    render();
  }
});

for (const button of root.querySelectorAll("button[data-reveal]")) {
  button.addEventListener("click", async () => {
    const ack = await act("board:reveal", { lane: button.dataset.reveal });
    if (ack) {
      store.revealedLanes = ack.revealed_lanes || [];
      render();
      $("#pt-mode-toggle").focus();
    }
  });
}

// --- cases and corrections -------------------------------------------------------------------

const caseEdits = caseCorrections({
  send: act,
  done(message, ack) {
    client.applyCase(ack.case || { id: ack.id, deleted: true });
    showDone(message);
    render();
  },
});

function createCaseRow(item) {
  const cell = (numeric = false) =>
    h("td", { class: `govuk-table__cell${numeric ? " govuk-table__cell--numeric" : ""}` });
  return h(
    "tr",
    { class: "govuk-table__row" },
    h("th", { scope: "row", class: "govuk-table__header" }),
    cell(),
    cell(),
    cell(),
    cell(true),
    cell(true),
    canControl
      ? h(
          "td",
          { class: "govuk-table__cell pt-corrections" },
          h("button", {
            type: "button",
            class: "govuk-button govuk-button--secondary pt-card__button",
            dataset: { correct: "undo_handoff" },
          }),
          " ",
          h("button", {
            type: "button",
            class: "govuk-button govuk-button--secondary pt-card__button",
            dataset: { correct: "reopen" },
          }),
          caseEdits(item),
        )
      : null,
  );
}

function updateCaseRow(row, item) {
  row.dataset.id = item.id;
  row.querySelector(".pt-case-edit")?.refresh(item);
  const cells = row.children;
  cells[0].textContent = item.label;
  cells[1].textContent = item.case_type || "";
  cells[2].replaceChildren(
    h("strong", {
      class: `govuk-tag ${item.status === "answered" ? "govuk-tag--green" : "govuk-tag--blue"}`,
      text: item.status === "answered" ? t("answered") : t("open"),
    }),
  );
  cells[3].textContent = item.status === "open" ? roleLabel(item.holder_role) : "";
  cells[4].textContent = String(item.handoffs || 0);
  const minutes = answerMinutes(item);
  cells[5].textContent = minutes === null ? "" : formatMinutes(minutes);
  if (!canControl) return;
  const undo = row.querySelector("[data-correct=undo_handoff]");
  const reopen = row.querySelector("[data-correct=reopen]");
  const suffix = t("case_suffix", { label: item.label });
  if (undo.dataset.label !== item.label) {
    undo.replaceChildren(t("undo_handoff"), h("span", { class: "govuk-visually-hidden", text: suffix }));
    reopen.replaceChildren(t("reopen"), h("span", { class: "govuk-visually-hidden", text: suffix }));
    undo.dataset.label = item.label;
  }
  const finished = store.session?.status === "finished";
  undo.hidden = !(item.handoffs > 0);
  reopen.hidden = item.status !== "answered";
  undo.disabled = finished;
  reopen.disabled = finished;
}

function renderCases() {
  const items = [...store.cases.values()].sort((a, b) => a.id - b.id);
  $("#pt-finished-next").hidden = store.session?.status !== "finished";
  const locked = $("#pt-cases-locked");
  if (locked) locked.hidden = !(canControl && items.length && store.session?.status === "finished");
  reconcile($("#pt-cases-body"), items, (item) => item.id, createCaseRow, updateCaseRow);
  $("#pt-cases-table").hidden = items.length === 0;
  $("#pt-no-cases").hidden = items.length > 0;
}

$("#pt-cases-body").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-correct]");
  if (!button) return;
  const id = Number(button.closest("tr").dataset.id);
  const item = store.cases.get(id);
  const ack = await act("case:correct", { case_id: id, action: button.dataset.correct });
  if (ack) {
    client.applyCase(ack.case);
    showDone(t("corrected", { label: item?.label || "" }));
    render();
  }
});

// --- putting it together ---------------------------------------------------------------------

client.addEventListener("change", (event) => {
  if (event.detail.kind === "state") agenda.takeState();
  if (event.detail.kind === "timer") agenda.takeTimer();
});

const render = start({
  connection(everConnected) {
    $("#pt-offline").hidden = store.connected || !everConnected;
    if (store.refused) {
      clearMessages();
      showProblem(t("refused"));
    }
  },
  draw() {
    renderControls();
    agenda.render();
    clock.render();
    people.render();
    renderCounts();
    renderBoard();
    renderCases();
    actions.render();
  },
});

// Actual minutes of the running segment grow by themselves.
setInterval(() => store.ready && agenda.render(), 15000);
