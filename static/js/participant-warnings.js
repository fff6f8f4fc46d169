// Pieces the participant's board, composer and case form share: text only screen readers
// hear, and the personal-information warning shown before a card or case label is sent.

import { h } from "./live-client.js";

/** Text for screen readers only (e.g. "Vote" + " for this card"). */
export function visuallyHidden(text) {
  return h("span", { class: "govuk-visually-hidden", text });
}

/**
 * Fill `box` with the personal-information warning and two buttons: "Edit it"
 * (data-action="pii-edit") and `sendLabel` (data-action="pii-send"), which gets the focus.
 * The form's own click handler decides what each does.
 */
export function showPiiWarning(box, t, sendLabel, message = t("pii_warning")) {
  box.replaceChildren(
    h("span", { class: "govuk-warning-text__icon", "aria-hidden": "true", text: "!" }),
    h(
      "div",
      { class: "govuk-warning-text__text" },
      visuallyHidden(t("warning")),
      h("p", { class: "govuk-body govuk-!-font-weight-bold pt-pii__text", text: message }),
      h(
        "div",
        { class: "govuk-button-group" },
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary",
          dataset: { action: "pii-edit" },
          text: t("pii_edit"),
        }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--warning",
          dataset: { action: "pii-send" },
          text: sendLabel,
        }),
      ),
    ),
  );
  box.setAttribute("role", "alert");
  box.hidden = false;
  box.querySelector("[data-action=pii-send]").focus();
}
