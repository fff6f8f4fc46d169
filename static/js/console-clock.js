// The console's run of show beside the clock: how far behind or ahead the session is and
// its projected finish (the server's timer.plan), the Undo button's label (timer.undo),
// and the chime toggle.

import { setupChime } from "./live-chime.js";
import { pageLocale } from "./live-client.js";

/** Wire the plan line, Undo and the chime; returns `render()` for every store change. */
export function setupClock({ root, t, client, store, $, timerView, act, showDone }) {
  const planLine = $("#pt-plan");
  const undo = $("#pt-undo");
  const askReady = $("#pt-ready-ask");
  const openAfter = $("#pt-open-after");

  askReady?.addEventListener("click", async () => {
    const ack = await act("ready:ask", {});
    if (ack) store.readyProgress = ack.progress;
    render();
  });
  openAfter?.addEventListener("click", async () => {
    const ack = await act("ratings:open", { phase: "after" });
    if (ack && store.session) store.session.after_open = true;
    if (ack) showDone(t("after_open"));
    render();
  });
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

  /** "Done: 3 of 8 online", while a ready check stands for the current segment. */
  function renderReady() {
    const progress = store.readyProgress;
    const timer = store.timer;
    const finished = timer?.status === "finished";
    const standing = progress?.open && progress.segment_index === timer?.segment_index && !finished;
    $("#pt-ready-progress").textContent = standing ? t("ready_n_of_m", { n: progress.ready, m: progress.of }) : "";
    if (askReady) askReady.disabled = finished || timer?.status === "not_started" || !store.connected;
    if (openAfter) openAfter.hidden = finished || Boolean(store.session?.after_open);
  }

  function render() {
    renderPlan();
    renderUndo();
    renderReady();
  }

  setInterval(() => store.ready && (renderPlan(), renderUndo()), 5000);

  return { render };
}
