// Ratings: one form per phase (before, after) of Likert answers to the playbook's questions.
// Answers being changed are left alone by re-renders until they are saved.

import { pendingRatingPhases } from "./participant-outbox.js";

/**
 * Wire the Ratings panel (`page` as in participant.js). Returns `render()`, called on every
 * store change.
 */
export function setupRatings(page) {
  const { root, t, client, store, showProblem } = page;
  const ratingForms = [...root.querySelectorAll("form[data-phase]")];
  const dirty = new Set(); // phases with answers changed since the last save

  function render() {
    const pending = pendingRatingPhases(client.outbox());
    for (const form of ratingForms) {
      const phase = form.dataset.phase;
      // After-ratings wait until the server opens them (the last segment, or the facilitator).
      const later = phase === "after" && !store.session?.after_open;
      const closed = store.closedPhases.includes(phase) || store.session?.status === "finished" || later;
      for (const control of form.elements) control.disabled = closed;
      const note = form.querySelector(".pt-ratings__later");
      if (note) note.hidden = !later;
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
      render();
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
      render();
    });
  }

  return { render };
}
