// Case work: open a case by its label, then hand it off to another role or mark it answered.
// Two lists: the cases this person opened, and the open cases their role holds now.

import { caseCorrections, directSender } from "./case-corrections.js";
import { h, reconcile } from "./live-client.js";
import { caseViews } from "./participant-outbox.js";
import { showPiiWarning, visuallyHidden } from "./participant-warnings.js";

/**
 * Wire the Cases panel (`page` as in participant.js). Returns `render()`, called on every
 * store change.
 */
export function setupCases(page) {
  const { t, client, store, $, roleLabel, looksPersonal, limits } = page;
  // Rename or delete my own case while the session runs (case-corrections.js).
  const caseEdits = caseCorrections({
    send: directSender(client, page.showProblem),
    done(_message, ack) {
      client.applyCase(ack.case || { id: ack.id, deleted: true });
      render();
    },
  });

  function withCorrections(mine) {
    const open = store.session?.status !== "finished";
    const byKey = new Map(mine.map((view) => [String(view.key), view]));
    for (const li of myCases.children) {
      const view = byKey.get(li.dataset.key);
      let edits = li.querySelector(".pt-case-edit");
      const wanted = open && view && view.id !== undefined && view.id !== null && !view.pending;
      if (!wanted) {
        edits?.remove();
        continue;
      }
      if (!edits) {
        edits = caseEdits(view);
        li.append(edits);
      }
      edits.refresh(view);
    }
  }
  const caseForm = $("#pt-case-form");
  const caseLabel = $("#pt-case-label");
  const caseType = $("#pt-case-type");
  const casePii = $("#pt-case-pii");
  const myCases = $("#pt-my-cases");
  const roleQueue = $("#pt-role-queue");
  const openForms = new Map(); // case id -> "handoff" | "answer"

  function field(label, control, hint = null) {
    return h(
      "div",
      { class: "govuk-form-group" },
      h("label", { class: "govuk-label", for: control.id, text: label }),
      hint ? h("div", { class: "govuk-hint", text: hint }) : null,
      control,
    );
  }

  function closeButton() {
    return h("button", {
      type: "button",
      class: "govuk-button govuk-button--secondary pt-card__button",
      dataset: { action: "close" },
      text: t("cancel"),
    });
  }

  function createCase() {
    const uid = Math.random().toString(36).slice(2);
    const roleSelect = h("select", { class: "govuk-select", id: `handoff-role-${uid}`, name: "to_role" });
    return h(
      "li",
      { class: "pt-case" },
      h(
        "div",
        { class: "pt-case__header" },
        h("h4", { class: "govuk-heading-s pt-case__label" }),
        h("strong", { class: "govuk-tag pt-case__tag" }),
      ),
      h("p", { class: "pt-card__status pt-case__status", hidden: true }),
      h("p", { class: "govuk-body-s pt-case__meta" }),
      h(
        "div",
        { class: "govuk-button-group pt-case__actions" },
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary pt-card__button",
          dataset: { action: "handoff" },
          "aria-expanded": "false",
        }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary pt-card__button",
          dataset: { action: "answer" },
          "aria-expanded": "false",
        }),
      ),
      h(
        "form",
        { class: "pt-case__form", hidden: true, novalidate: true, dataset: { form: "handoff" } },
        field(t("handoff_to"), roleSelect),
        field(
          t("reason_optional"),
          h("input", {
            class: "govuk-input",
            id: `handoff-reason-${uid}`,
            name: "reason",
            maxlength: String(limits.reason_max),
          }),
        ),
        h(
          "div",
          { class: "govuk-button-group" },
          h("button", { type: "submit", class: "govuk-button pt-card__button", text: t("send_handoff") }),
          closeButton(),
        ),
      ),
      h(
        "form",
        { class: "pt-case__form", hidden: true, novalidate: true, dataset: { form: "answer" } },
        field(
          t("outcome_optional"),
          h("input", {
            class: "govuk-input",
            id: `answer-outcome-${uid}`,
            name: "outcome",
            maxlength: String(limits.outcome_max),
          }),
        ),
        h(
          "div",
          { class: "govuk-button-group" },
          h("button", { type: "submit", class: "govuk-button pt-card__button", text: t("save_answer") }),
          closeButton(),
        ),
      ),
    );
  }

  function caseMeta(view) {
    const parts = [];
    if (view.case_type) parts.push(t("case_type_is", { type: view.case_type }));
    if (view.status === "open") parts.push(t("case_with", { role: roleLabel(view.holder_role) }));
    if (view.status === "open" && view.handed_from) {
      parts.push(t("handed_from", { role: roleLabel(view.handed_from.role) }));
      if (view.handed_from.reason) parts.push(t("handoff_reason", { reason: view.handed_from.reason }));
    }
    parts.push(t.count("handoffs", view.handoffs || 0));
    if (view.status === "answered" && view.outcome) parts.push(t("outcome_is", { outcome: view.outcome }));
    return parts.join(" · ");
  }

  function waitingText(view) {
    if (view.pending) return t("waiting_to_send");
    if (!view.pendingActions.length) return "";
    const last = view.pendingActions.at(-1);
    return last.event === "case:handoff"
      ? t("handoff_waiting", { role: roleLabel(last.payload.to_role) })
      : t("answer_waiting");
  }

  function updateCase(li, view) {
    li.dataset.id = view.id ?? "";
    li.querySelector(".pt-case__label").textContent = view.label;
    const tag = li.querySelector(".pt-case__tag");
    tag.textContent = view.status === "answered" ? t("answered") : t("open");
    tag.className = `govuk-tag pt-case__tag ${view.status === "answered" ? "govuk-tag--green" : "govuk-tag--blue"}`;
    li.querySelector(".pt-case__meta").textContent = caseMeta(view);
    const status = li.querySelector(".pt-case__status");
    const waiting = waitingText(view);
    status.hidden = !waiting;
    status.textContent = waiting;
    const canAct = !view.pending && !view.pendingActions.length && view.status === "open";
    const open = canAct ? openForms.get(view.id) : null;
    li.querySelector(".pt-case__actions").hidden = !canAct;
    const handoff = li.querySelector("[data-action=handoff]");
    const answer = li.querySelector("[data-action=answer]");
    if (!handoff.dataset.label || handoff.dataset.label !== view.label) {
      handoff.replaceChildren(t("hand_off"), visuallyHidden(t("case_suffix", { label: view.label })));
      answer.replaceChildren(t("mark_answered"), visuallyHidden(t("case_suffix", { label: view.label })));
      handoff.dataset.label = view.label;
    }
    handoff.setAttribute("aria-expanded", String(open === "handoff"));
    answer.setAttribute("aria-expanded", String(open === "answer"));
    const handoffForm = li.querySelector("[data-form=handoff]");
    const answerForm = li.querySelector("[data-form=answer]");
    handoffForm.hidden = open !== "handoff";
    answerForm.hidden = open !== "answer";
    const select = handoffForm.querySelector("select");
    // Values are the canonical roles; each person reads them in their own language.
    const roles = (store.session?.role_keys || []).filter((role) => role !== view.holder_role);
    const signature = roles.join("\n");
    if (select.dataset.roles !== signature) {
      const chosen = select.value;
      select.replaceChildren(...roles.map((role) => h("option", { value: role, text: roleLabel(role) })));
      if (roles.includes(chosen)) select.value = chosen;
      select.dataset.roles = signature;
    }
  }

  function render() {
    const { mine, queue } = caseViews(client);
    reconcile(myCases, mine, (v) => v.key, createCase, updateCase);
    withCorrections(mine);
    reconcile(roleQueue, queue, (v) => v.key, createCase, updateCase);
    $("#pt-my-cases-empty").hidden = mine.length > 0;
    $("#pt-role-queue-empty").hidden = queue.length > 0;
    const badge = $("#pt-cases-badge");
    badge.hidden = queue.length === 0;
    badge.textContent = t("waiting_n", { n: queue.length });
  }

  function setFieldError(input, message) {
    const group = input.closest(".govuk-form-group");
    const error = group.querySelector(".govuk-error-message");
    group.classList.toggle("govuk-form-group--error", Boolean(message));
    input.classList.toggle("govuk-input--error", Boolean(message));
    error.hidden = !message;
    error.querySelector(".pt-error-text").textContent = message || "";
  }

  function openCase(confirmed) {
    const label = caseLabel.value.trim();
    if (!label) {
      setFieldError(caseLabel, t("case_label_missing"));
      caseLabel.focus();
      return;
    }
    if (!confirmed && looksPersonal(label)) {
      showPiiWarning(casePii, t, t("open_anyway"), t("pii_case_warning"));
      return;
    }
    casePii.hidden = true;
    const payload = { label };
    if (caseType.value.trim()) payload.case_type = caseType.value.trim();
    client.enqueue("case:open", payload);
    caseForm.reset();
    caseLabel.focus();
  }

  caseForm.addEventListener("submit", (event) => {
    event.preventDefault();
    openCase(false);
  });
  caseLabel.addEventListener("input", () => {
    setFieldError(caseLabel, null);
    casePii.hidden = true;
  });
  casePii.addEventListener("click", (event) => {
    const action = event.target.closest("button[data-action]")?.dataset.action;
    if (action === "pii-edit") {
      casePii.hidden = true;
      caseLabel.focus();
    } else if (action === "pii-send") openCase(true);
  });

  function sendCaseForm(form, id) {
    if (form.dataset.form === "handoff") {
      const payload = { case_id: id, to_role: form.elements.to_role.value };
      const reason = form.elements.reason.value.trim();
      if (reason) payload.reason = reason;
      client.enqueue("case:handoff", payload);
    } else {
      const payload = { case_id: id };
      const outcome = form.elements.outcome.value.trim();
      if (outcome) payload.outcome = outcome;
      client.enqueue("case:answer", payload);
    }
  }

  for (const list of [myCases, roleQueue]) {
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const li = button.closest(".pt-case");
      const id = Number(li.dataset.id);
      const action = button.dataset.action;
      if (action === "handoff" || action === "answer") {
        openForms.set(id, openForms.get(id) === action ? null : action);
        render();
        if (openForms.get(id)) li.querySelector(`[data-form=${action}] select, [data-form=${action}] input`).focus();
      } else if (action === "close") {
        const which = openForms.get(id);
        openForms.delete(id);
        render();
        li.querySelector(`[data-action=${which}]`)?.focus();
      }
    });
    list.addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      const li = form.closest(".pt-case");
      const id = Number(li.dataset.id);
      sendCaseForm(form, id);
      form.reset();
      openForms.delete(id);
      render();
      li.querySelector(".pt-case__label").setAttribute("tabindex", "-1");
      li.querySelector(".pt-case__label").focus();
    });
  }

  return { render };
}
