// The countdown every live view shows: `m:ss` from the server's `ends_at`, the segment's
// title and status, and a polite announcer for segment changes and milestones.

/** `m:ss`, or `-m:ss` in overtime. Counts down in whole seconds, reaching 0:00 at zero. */
export function formatClock(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "0:00";
  const over = seconds < 0;
  const whole = over ? Math.floor(-seconds) : Math.ceil(seconds);
  const text = `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  return over && whole > 0 ? `-${text}` : text;
}

/**
 * Drives a `.pt-timer` block: the role="timer" value, segment title, status line and a
 * polite announcer that speaks segment changes and milestones, never every second.
 */
export class TimerView {
  constructor(client, root, t, { announcer = null, milestones = [300, 60] } = {}) {
    this.zeroListeners = [];
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

  /** Call `listener` each time a running segment reaches zero (the chime listens). */
  onZero(listener) {
    this.zeroListeners.push(listener);
  }

  /** A segment reached zero: pulse (live-clock.css keeps it still for reduced motion). */
  atZero() {
    this.root.classList.remove("pt-timer--pulse");
    void this.root.offsetWidth; // restart the animation if it is still on
    this.root.classList.add("pt-timer--pulse");
    setTimeout(() => this.root.classList.remove("pt-timer--pulse"), 6000);
    for (const listener of this.zeroListeners) listener();
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
    // Amber from the server's threshold (timer.warn_s) down to zero; red (overtime) after.
    const started = timer.status === "running" || timer.status === "paused";
    const soon = started && !overtime && typeof timer.warn_s === "number" && remaining <= timer.warn_s;
    this.root.classList.toggle("pt-timer--warn", soon);
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
          this.atZero();
        }
      }
      this.lastRemaining = remaining;
    } else {
      this.lastRemaining = null;
    }
  }
}

