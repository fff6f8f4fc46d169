// The console's "Post a card": a facilitator adds a card to the board
// (reflection:staff_add). Everyone sees it labelled as a facilitator's card. The same
// client_id is sent again until the server has the card, so a retry never posts twice.

import { uuid } from "./live-client.js";

/** Wire the form; `page` carries the console's t, $, act and showDone. */
export function setupComposer({ t, $, act, showDone }) {
  const form = $("#pt-staff-card");
  if (!form) return;
  const text = $("#pt-staff-card-text");
  const lane = $("#pt-staff-card-lane");
  const error = $("#pt-staff-card-error");
  let clientId = uuid();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const missing = !text.value.trim();
    error.hidden = !missing;
    form.querySelector(".govuk-form-group").classList.toggle("govuk-form-group--error", missing);
    if (missing) {
      error.querySelector(".pt-error-text").textContent = t("card_text_missing");
      text.focus();
      return;
    }
    const ack = await act("reflection:staff_add", { client_id: clientId, lane: lane.value, text: text.value });
    if (!ack) return;
    clientId = uuid();
    text.value = "";
    showDone(t("card_posted"));
  });
}
