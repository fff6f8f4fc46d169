// The console's run of show beside the clock: how far behind or ahead the session is and
// its projected finish (the server's timer.plan), the Undo button's label (timer.undo),
// and the chime toggle.

import { setupChime } from "./live-chime.js";
import { pageLocale } from "./live-client.js";

/** Wire the plan line, Undo and the chime; returns `render()` for every store change. */
export function setupClock({ root, t, client, store, $, timerView }) {
  const planLine = $("#pt-plan");
  const undo = $("#pt-undo");
  setupChime(root, $("#pt-chime"), timerView);
  let clockFormat;
  try {
    clockFormat = new Intl.DateTimeFormat(pageLocale(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  } catch {
    clockFormat = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  /** The projection now: the server's, moved on second for second once it grows. */
  function projected(plan, timer) {
    const end = Date.parse(plan.projected_end);
    if (!plan.grows_from) return { end, behind: plan.behind_s };
    const from = Math.max(Date.parse(plan.grows_from), Date.parse(timer.server_now));
    const grown = Math.max(0, client.serverNow() - from);
    return { end: end + grown, behind: plan.behind_s + grown / 1000 };
  }

  function renderPlan() {
    const timer = store.timer;
    const plan = timer?.plan;
    if (!planLine) return;
    if (!plan?.projected_end) {
      planLine.hidden = true;
      return;
    }
    const { end, behind } = projected(plan, timer);
    const minutes = Math.round(Math.abs(behind) / 60);
    let standing = t("on_time");
    if (minutes > 0) standing = t.count(behind > 0 ? "behind" : "ahead", minutes);
    const finished = timer.status === "finished";
    const when = clockFormat.format(new Date(end));
    planLine.hidden = false;
    planLine.querySelector(".pt-plan__standing").textContent = standing;
    planLine.querySelector(".pt-plan__finish").textContent = t(finished ? "finished_at" : "projected_finish", {
      time: when,
      planned: clockFormat.format(new Date(plan.planned_end)),
    });
    planLine.classList.toggle("pt-plan--behind", minutes > 0 && behind > 0);
  }

  function renderUndo() {
    if (!undo) return;
    const offer = store.timer?.undo;
    undo.hidden = !offer;
    if (offer) undo.textContent = t(`undo_${offer.action}`);
    // The server's window closes at `until`; after that the button would only be refused.
    if (offer && client.serverNow() > Date.parse(offer.until)) undo.disabled = true;
  }

  setInterval(() => store.ready && (renderPlan(), renderUndo()), 5000);

  return {
    render() {
      renderPlan();
      renderUndo();
    },
  };
}
