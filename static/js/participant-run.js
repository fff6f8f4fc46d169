// The run of show on a participant's screen: the ready check ("Are you done?"), the call
// for after-ratings, the note that the board is private, and the tab that fits the
// segment (work: Cases; reflect and discuss: Board), opened when the segment changes.

const TAB_FOR_KIND = { work: "pt-tab-cases", reflect: "pt-tab-board", discuss: "pt-tab-board" };

/** Wire them (`page` as in participant.js, with `selectTab`); returns `render()`. */
export function setupRunOfShow(page) {
  const { root, t, client, store, $, showProblem, selectTab } = page;
  const readyBox = $("#pt-ready");
  const afterBox = $("#pt-after");
  let lastSegment = null;

  async function sayReady(ready) {
    const ack = await client.request("ready:set", { ready });
    if (!ack?.ok) {
      showProblem(ack?.error?.message || t("offline"));
      return;
    }
    store.readyCheck = { ...store.readyCheck, ready: ack.ready };
    render();
  }

  $("#pt-ready-yes").addEventListener("click", () => sayReady(true));
  $("#pt-ready-no").addEventListener("click", () => sayReady(false));
  $("#pt-after-go").addEventListener("click", () => {
    selectTab(root.querySelector("#pt-tab-ratings"), true);
    root.querySelector("#pt-panel-ratings form[data-phase=after]")?.scrollIntoView();
  });

  function followSegment() {
    const timer = store.timer;
    if (!timer || timer.status === "not_started" || timer.status === "finished") return;
    const key = timer.segment_index;
    if (lastSegment !== null && key !== lastSegment) {
      const tab = TAB_FOR_KIND[client.segment(key)?.kind];
      if (tab) selectTab(root.querySelector(`#${tab}`));
    }
    lastSegment = key;
  }

  function render() {
    const timer = store.timer;
    const finished = store.session?.status === "finished";
    const check = store.readyCheck;
    const asked = Boolean(check) && !finished && check.segment_index === timer?.segment_index;
    readyBox.hidden = !asked;
    if (asked) {
      $("#pt-ready-status").textContent = check.ready ? t("ready_said") : t("ready_not_said");
      $("#pt-ready-yes").hidden = Boolean(check.ready);
      $("#pt-ready-no").hidden = !check.ready;
    }
    const answered = Object.keys(store.me?.ratings?.after || {}).length > 0;
    afterBox.hidden = finished || !store.session?.after_open || answered;
    $("#pt-private-note").hidden = store.boardMode !== "private";
    followSegment();
  }

  return { render };
}
