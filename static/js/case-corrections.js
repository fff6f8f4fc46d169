// Renaming or deleting a case (a label that named a client, a case logged by mistake): the
// console offers it for every case, the participant view for their own while the session
// runs; the server decides who may (cases/removal.py). Strings: templates/cases/_corrections.html.

import { h, readStrings, translator } from "./live-client.js";

/**
 * `send(event, payload)` resolves to the ack or null (having said why); `done(message)`
 * tells the person it worked. Returns `controls(item)`, a <details> to put beside a case.
 */
export function caseCorrections({ send, done = () => {} }) {
  const strings = document.getElementById("pt-case-edit-strings");
  const t = translator(strings ? readStrings("pt-case-edit-strings") : {});
  let uid = 0;

  return function controls(item) {
    uid += 1;
    const id = `pt-case-edit-${uid}`;
    const input = h("input", { class: "govuk-input govuk-input--width-10", id, name: "label", type: "text", autocomplete: "off", spellcheck: "false" });
    const confirm = h(
      "div",
      { class: "pt-case-edit__confirm", hidden: true },
      h("p", { class: "govuk-body govuk-!-font-weight-bold pt-case-edit__question" }),
      h(
        "div",
        { class: "govuk-button-group" },
        h("button", { type: "button", class: "govuk-button govuk-button--warning pt-card__button", dataset: { edit: "yes" }, text: t("yes") }),
        h("button", { type: "button", class: "govuk-button govuk-button--secondary pt-card__button", dataset: { edit: "cancel" }, text: t("cancel") }),
      ),
    );
    const form = h(
      "form",
      { class: "pt-case-edit__form", novalidate: true },
      h("div", { class: "govuk-form-group" }, h("label", { class: "govuk-label", for: id, text: t("label") }), input),
      h(
        "div",
        { class: "govuk-button-group" },
        h("button", { type: "submit", class: "govuk-button govuk-button--secondary pt-card__button", text: t("rename") }),
        h("button", { type: "button", class: "govuk-button govuk-button--warning pt-card__button", dataset: { edit: "delete" }, text: t("delete") }),
      ),
      confirm,
    );
    const summaryText = h("span", { class: "govuk-details__summary-text" });
    const details = h("details", { class: "govuk-details pt-case-edit" }, h("summary", { class: "govuk-details__summary" }, summaryText), h("div", { class: "govuk-details__text" }, form));
    let current = item;
    details.refresh = (latest) => {
      current = latest;
      summaryText.replaceChildren(t("summary"), h("span", { class: "govuk-visually-hidden", text: t("summary_suffix", { label: latest.label }) }));
      confirm.querySelector(".pt-case-edit__question").textContent = t("confirm", { label: latest.label });
      if (!details.open) input.value = latest.label;
    };
    details.refresh(item);
    // The case lists handle their own forms' events by delegation: keep these to this form.
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      event.stopPropagation();
      const ack = await send("case:rename", { case_id: current.id, label: input.value });
      if (ack) {
        details.open = false;
        done(t("renamed", { label: ack.case.label }), ack);
      }
    });
    form.addEventListener("click", async (event) => {
      event.stopPropagation();
      const button = event.target.closest("button[data-edit]");
      if (!button) return;
      if (button.dataset.edit === "delete") confirm.hidden = false;
      if (button.dataset.edit === "cancel") confirm.hidden = true;
      if (button.dataset.edit === "yes") {
        const label = current.label;
        const ack = await send("case:delete", { case_id: current.id });
        if (ack) done(t("deleted", { label }), ack);
      }
    });
    return details;
  };
}

/** A sender for views without `act`: the ack, or null after `problem(message)`. */
export function directSender(client, problem) {
  const t = translator(document.getElementById("pt-case-edit-strings") ? readStrings("pt-case-edit-strings") : {});
  return async (event, payload) => {
    const ack = await client.request(event, payload);
    if (ack?.ok) return ack;
    problem(ack?.error?.code === "offline" ? t("offline") : ack?.error?.message || t("offline"));
    return null;
  };
}
