// The console's agenda: each segment's planned and actual minutes (the server's counts,
// carried on between events from the timer's open run), and the current segment's
// facilitator notes.

import { setupAgendaEdits } from "./console-agenda-edit.js";
import { formatNumber, h, reconcile } from "./live-client.js";

/** Wire the agenda; returns takeState/takeTimer (feed them the store's changes) and render. */
export function setupAgenda({ t, client, store, $, act, limits, canControl }) {
  const edits = setupAgendaEdits({ t, store, $, act, limits, canControl });
  // Minutes each segment has run come from the server: the staff agenda's `actual_min` at the
  // last `state`, and from then on the timer's open run (`run_s` at `server_now`, counted up
  // while it runs, as the countdown counts `remaining_s` down). When a run ends (next,
  // previous, finish: a timer with another `run_started_at`), the minutes it ran until that
  // timer's `server_now` join its segment's total.
  let finished = new Map(); // segment index -> minutes of its ended runs
  let lastTimer = null;
  const endedRuns = new Map(); // run_started_at -> {index, ran}: runs ended since the state

  /** The open run's minutes at `atMs` (server time), from a timer; 0 when no run is open. */
  function runMinutes(timer, atMs) {
    if (!timer || typeof timer.run_s !== "number") return 0;
    const since = timer.status === "running" ? Math.max(0, atMs - Date.parse(timer.server_now)) : 0;
    return (timer.run_s + since / 1000) / 60;
  }

  function takeState() {
    finished = new Map();
    const timer = store.timer;
    for (const segment of store.agenda?.segments || []) {
      if (typeof segment.actual_min !== "number") continue;
      // The agenda's count includes the open run so far; the timer counts that part from now on.
      const open = segment.index === timer?.segment_index ? runMinutes(timer, Date.parse(timer.server_now)) : 0;
      finished.set(segment.index, Math.max(0, segment.actual_min - open));
    }
    lastTimer = timer;
  }

  function takeTimer() {
    const timer = store.timer;
    if (!timer) return;
    if (lastTimer?.run_started_at && lastTimer.run_started_at !== timer.run_started_at) {
      const index = lastTimer.segment_index;
      const ran = runMinutes(lastTimer, Date.parse(timer.server_now));
      finished.set(index, (finished.get(index) ?? 0) + ran);
      endedRuns.set(lastTimer.run_started_at, { index, ran });
    }
    // Undo re-opens a run that had ended: its minutes are the open run's again.
    const reopened = endedRuns.get(timer.run_started_at);
    if (reopened) {
      finished.set(reopened.index, Math.max(0, (finished.get(reopened.index) ?? 0) - reopened.ran));
      endedRuns.delete(timer.run_started_at);
    }
    lastTimer = timer;
  }

  function actualMinutes(index) {
    const timer = store.timer;
    const open = timer?.run_started_at && timer.segment_index === index;
    if (!finished.has(index) && !open) return null;
    return (finished.get(index) ?? 0) + (open ? runMinutes(timer, client.serverNow()) : 0);
  }

  function formatMinutes(minutes) {
    return formatNumber(minutes, minutes < 10 ? 1 : 0);
  }

  function renderAgenda() {
    const segments = store.agenda?.segments || [];
    const list = $("#pt-agenda");
    const current = store.timer?.segment_index ?? 0;
    const status = store.timer?.status ?? "not_started";
    let plannedTotal = 0;
    let actualTotal = 0;
    const items = segments.map((segment, index) => ({ ...segment, index }));
    const firstEditable = items.find((segment) => segment.editable)?.index ?? -1;
    reconcile(
      list,
      items,
      (segment) => segment.key ?? segment.index,
      () =>
        h(
          "li",
          { class: "pt-agenda__item" },
          h("span", { class: "pt-agenda__title" }),
          h("span", { class: "pt-agenda__time" }),
        ),
      (li, segment) => {
        const isCurrent = segment.index === current && status !== "finished" && status !== "not_started";
        const actual = actualMinutes(segment.index);
        plannedTotal += segment.minutes;
        if (actual !== null) actualTotal += actual;
        li.className = "pt-agenda__item";
        li.classList.toggle("pt-agenda__item--edited", Boolean(segment.edited));
        li.classList.toggle("pt-agenda__item--current", isCurrent);
        li.classList.toggle("pt-agenda__item--done", actual !== null && !isCurrent);
        if (isCurrent) li.setAttribute("aria-current", "step");
        else li.removeAttribute("aria-current");
        const title = li.querySelector(".pt-agenda__title");
        title.replaceChildren(
          isCurrent ? h("strong", { class: "govuk-tag pt-agenda__now", text: t("current") }) : "",
          isCurrent ? " " : "",
          segment.title,
          " ",
          h("span", { class: "pt-agenda__kind", text: `(${t(`kind_${segment.kind}`)})` }),
        );
        let time = t("planned_only", { planned: segment.minutes });
        if (actual !== null) {
          time = t(isCurrent ? "planned_actual_now" : "planned_actual", {
            planned: segment.minutes,
            actual: formatMinutes(actual),
          });
        }
        li.querySelector(".pt-agenda__time").textContent = time;
        edits.controls(li, segment, firstEditable);
      },
    );
    edits.renderForm();
    $("#pt-agenda-total").textContent = t(actualTotal ? "planned_actual_now" : "planned_only", {
      planned: plannedTotal,
      actual: formatMinutes(actualTotal),
    });
  }

  let notesIndex = null;

  function renderNotes() {
    const index = store.timer?.segment_index ?? 0;
    if (index === notesIndex) return;
    notesIndex = index;
    // notes_html is the playbook's markdown, sanitised by the server (nh3).
    const html = client.segment(index)?.notes_html;
    const notes = $("#pt-notes");
    if (html) notes.innerHTML = html;
    else notes.replaceChildren(h("p", { class: "govuk-body", text: t("no_notes") }));
  }

  return {
    takeState,
    takeTimer,
    formatMinutes,
    render() {
      renderAgenda();
      renderNotes();
    },
  };
}
