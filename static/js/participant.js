// Participant live view (/j/<code> once joined): the page chrome (connection, problems,
// tabs), the segment's prompt, and the three panels, each in a module of its own:
// participant-board.js and participant-composer.js (Board), participant-cases.js (Cases),
// participant-ratings.js (Ratings); participant-outbox.js holds their pure parts.
//
// Everything a participant does goes through the client's OUTBOX, so an action taken on a
// flaky connection is shown at once ("Waiting to send") and delivered exactly once later.

import { setupActions } from "./actions.js";
import { compilePatterns, h, liveView, readStrings } from "./live-client.js";
import { setupBoard } from "./participant-board.js";
import { setupCases } from "./participant-cases.js";
import { setupComposer } from "./participant-composer.js";
import { looksPersonal } from "./participant-outbox.js";
import { setupRatings } from "./participant-ratings.js";
import { setupRole } from "./participant-role.js";
import { setupRunOfShow } from "./participant-run.js";

const { root, sessionId, t, client, store, $, roleLabel, start } = liveView(({ data, sessionId }) => ({
  auth: { token: data.token },
  storageKey: `${sessionId}:${data.participantId}`,
}));
// The server's limits (playtest/config.py), rendered into the page as a JSON block.
const limits = readStrings("pt-limits");

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
  "action:propose": "problem_propose",
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

// --- the panels ------------------------------------------------------------------------------

// The server's personal-information patterns arrive with each `state`.
let piiPatterns = [];
const page = {
  root,
  t,
  client,
  store,
  $,
  roleLabel,
  showProblem,
  limits,
  looksPersonal: (text) => looksPersonal(piiPatterns, text),
  selectTab,
};
const board = setupBoard(page);
setupComposer(page);
const cases = setupCases(page);
const ratings = setupRatings(page);
const actions = setupActions({ client, showProblem });
const role = setupRole(page);
const runOfShow = setupRunOfShow(page);

// --- putting it together ---------------------------------------------------------------------

function renderSession() {
  const finished = store.session?.status === "finished";
  $("#pt-finished").hidden = !finished;
  for (const form of [$("#pt-composer"), $("#pt-case-form")]) {
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
    board.render();
    cases.render();
    ratings.render();
    actions.render();
    role.render();
    runOfShow.render();
  },
});
// Keep the outbox across reloads: show anything still queued from last time at once.
if (client.outbox().length) statusLine.textContent = t.count("queued", client.outbox().length);
