// The composer: a card's lane and text, the characters left, the personal-information check,
// and "Post". A post goes to the outbox at once; a card the server refuses comes back into
// the composer, so nothing typed is lost.

import { showPiiWarning } from "./participant-warnings.js";

/** Wire the composer form (`page` as in participant.js). */
export function setupComposer(page) {
  const { t, client, $, looksPersonal, limits } = page;
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
    const max = Number(textArea.getAttribute("maxlength")) || limits.text_max;
    const left = max - textArea.value.length;
    const message = t.count("chars_left", left);
    counter.textContent = message;
    clearTimeout(countTimer);
    // Screen readers hear the count once typing pauses, and only near the limit.
    if (left <= 50) countTimer = setTimeout(() => (counterLive.textContent = message), 1000);
  }

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
      showPiiWarning(composerPii, t, t("post_anyway"));
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

  textArea.addEventListener("input", () => {
    updateCount();
    composerPii.hidden = true;
    setTextError(null);
  });
  updateCount();

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
}
