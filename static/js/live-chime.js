// The end-of-segment chime (DESIGN.md §9): off until a facilitator turns it on, remembered
// on this device, made with Web Audio (no sound file). Turning it off is the mute.

import { storage } from "./live-util.js";

const KEY = "playtest:chime";

/** Two soft notes; the AudioContext is made on the click that turns the chime on. */
function ring(context) {
  const now = context.currentTime;
  [660, 880].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency;
    const start = now + index * 0.35;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.3, start + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.65);
  });
}

/**
 * Wire the chime checkbox `toggle` to `timerView`: when on, a segment reaching zero rings.
 * `root.dataset.chimes` counts the rings (for tests and for anyone checking it works).
 */
export function setupChime(root, toggle, timerView) {
  if (!toggle) return;
  let context = null;
  const wake = () => {
    const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!context && Context) context = new Context();
    context?.resume?.();
  };
  toggle.checked = storage.get(KEY, false) === true;
  toggle.addEventListener("change", () => {
    storage.set(KEY, toggle.checked);
    if (toggle.checked) wake();
  });
  // Browsers start audio only after a gesture on the page: any click will do.
  document.addEventListener("click", () => toggle.checked && wake(), { once: true });
  root.dataset.chimes = "0";
  timerView.onZero(() => {
    if (!toggle.checked) return;
    if (context) ring(context);
    root.dataset.chimes = String(Number(root.dataset.chimes) + 1);
  });
}
