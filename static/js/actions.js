// Actions on the live views (DESIGN.md §10): the list every screen shows, the console's
// form to add and edit them, and the participant's form to propose one (about a card or on
// its own). The markup is templates/actions/_actions.html; the data is `store.actions`
// (from `state.actions` and `action:updated`, kept by live-client.js).

import { h, readStrings, reconcile, translator, uuid } from "./live-client.js";

export const STATUSES = ["proposed", "agreed", "trying", "done", "dropped"];

/** Actions newest created first, as the server orders `state.actions`. */
export function orderedActions(actions) {
  return [...actions].sort((a, b) => (b.created_at || "").localeCompare(a.created_at || "") || b.id - a.id);
}

/** The line under an action's text: status, owner, due session, where it came from. */
export function actionMeta(action, t) {
  const parts = [t(`status_${action.status}`), action.owner ? t("owner", { owner: action.owner }) : t("no_owner")];
  if (action.due_session_number) parts.push(t("due", { n: action.due_session_number }));
  parts.push(t("from_session", { n: action.origin_session_number }));
  if (action.source_ids?.length) parts.push(t.count("from_cards", action.source_ids.length));
  return parts.join(" · ");
}

function option(value, label, selected) {
  return h("option", { value, selected: String(value) === String(selected ?? "") }, label);
}

/**
 * Wire the actions section if the page has one. `act(event, payload)` sends a staff change
 * and resolves to its ack (or null, having said why); participants' proposals go through
 * the client's outbox. Returns `{ render }`, to call on every redraw.
 */
export function setupActions({ client, act = null, showProblem = () => {} }) {
  const section = document.getElementById("pt-actions");
  if (!section) return { render() {} };
  const t = translator(readStrings("pt-actions-strings"));
  const view = section.dataset.view;
  const canControl = view === "console" && section.dataset.canControl === "1";
  const sessions = Number(section.dataset.sessions || 0);
  const list = section.querySelector("#pt-actions-list");
  const none = section.querySelector("#pt-actions-none");
  const form = section.querySelector("#pt-action-form");
  const store = client.store;
  const pending = new Map(); // participant proposals not yet acknowledged, by client_id

  function fieldError(message) {
    const box = section.querySelector("#pt-action-text-error");
    box.hidden = !message;
    box.querySelector(".pt-error-text").textContent = message || "";
    section.querySelector("#pt-action-text").closest(".govuk-form-group").classList.toggle("govuk-form-group--error", Boolean(message));
  }

  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = form.elements.text.value.trim();
    if (!text) {
      fieldError(t("text_missing"));
      form.elements.text.focus();
      return;
    }
    fieldError("");
    if (view === "console") {
      const due = form.elements.due_session_number.value;
      const ack = await act("action:add", {
        client_id: uuid(),
        text,
        owner: form.elements.owner.value,
        due_session_number: due ? Number(due) : null,
      });
      if (!ack) return;
      store.actions.set(ack.action.id, ack.action);
      form.reset();
      render();
      return;
    }
    const card = form.elements.source.value;
    const item = client.enqueue("action:propose", { text, source_ids: card ? [Number(card)] : [] });
    pending.set(item.client_id, text);
    form.reset();
    section.querySelector("#pt-action-status").textContent = t("proposed");
    render();
  });

  client.addEventListener("change", (event) => {
    const item = event.detail.item;
    if (item?.event === "action:propose") {
      pending.delete(item.client_id);
      if (event.detail.ack?.action) store.actions.set(event.detail.ack.action.id, event.detail.ack.action);
      render();
    }
  });

  function editor(action) {
    const id = `pt-action-${action.id}`;
    const status = h("select", { class: "govuk-select", id: `${id}-status`, name: "status" }, STATUSES.map((s) => option(s, t(`status_${s}`), action.status)));
    const due = h(
      "select",
      { class: "govuk-select", id: `${id}-due`, name: "due_session_number" },
      option("", t("no_due"), action.due_session_number),
      Array.from({ length: sessions }, (_, i) => option(i + 1, t("session_n", { n: i + 1 }), action.due_session_number)),
    );
    const field = (label, control) => h("div", { class: "govuk-form-group" }, h("label", { class: "govuk-label", for: control.id }, label), control);
    const editForm = h(
      "form",
      { class: "pt-actions__edit", novalidate: true },
      field(t("text_label"), h("textarea", { class: "govuk-textarea", id: `${id}-text`, name: "text", rows: "2", maxlength: readStrings("pt-limits").action_text_max })),
      h(
        "div",
        { class: "pt-actions__row" },
        field(t("status_label"), status),
        field(t("owner_label"), h("input", { class: "govuk-input", id: `${id}-owner`, name: "owner", type: "text", list: "pt-action-roles", autocomplete: "off", maxlength: readStrings("pt-limits").action_owner_max })),
        field(t("due_label"), due),
      ),
      h("button", { type: "submit", class: "govuk-button govuk-button--secondary pt-card__button" }, t("save"), h("span", { class: "govuk-visually-hidden", text: t("edit_suffix", { text: action.text }) })),
    );
    editForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const dueValue = editForm.elements.due_session_number.value;
      const ack = await act("action:update", {
        id: action.id,
        text: editForm.elements.text.value,
        owner: editForm.elements.owner.value,
        status: editForm.elements.status.value,
        due_session_number: dueValue ? Number(dueValue) : null,
      });
      if (!ack) return;
      store.actions.set(ack.action.id, ack.action);
      editForm.closest("details").open = false;
      render();
    });
    const details = h("details", { class: "govuk-details pt-actions__details" }, h("summary", { class: "govuk-details__summary" }, h("span", { class: "govuk-details__summary-text" }, t("edit"), h("span", { class: "govuk-visually-hidden", text: t("edit_suffix", { text: action.text }) }))), h("div", { class: "govuk-details__text" }, editForm));
    return details;
  }

  function create(action) {
    const li = h("li", { class: "pt-actions__item" }, h("p", { class: "pt-actions__text" }), h("p", { class: "pt-actions__meta" }));
    if (canControl && !action.pending) li.append(editor(action));
    return li;
  }

  function update(li, action) {
    li.dataset.status = action.status;
    li.querySelector(".pt-actions__text").textContent = action.text;
    li.querySelector(".pt-actions__meta").textContent = action.pending ? t("waiting") : actionMeta(action, t);
    const details = li.querySelector("details");
    if (details && !details.open) {
      const f = details.querySelector("form").elements;
      f.text.value = action.text;
      f.owner.value = action.owner;
      f.status.value = action.status;
      f.due_session_number.value = action.due_session_number ?? "";
    }
  }

  function renderCardChoices() {
    const select = form?.elements.source;
    if (!select || document.activeElement === select) return;
    const chosen = select.value;
    const cards = [...store.cards.values()].filter((card) => !card.hidden);
    const options = [option("", t("no_card"), chosen), ...cards.map((card) => option(card.id, card.text.length > 60 ? `${card.text.slice(0, 59)}…` : card.text, chosen))];
    select.replaceChildren(...options);
  }

  const carry = document.getElementById("pt-carry-over");

  /** "Since last time": in the first segment, once there is a session to carry over from. */
  function renderCarryOver() {
    if (!carry) return;
    const from = store.carryOver;
    const timer = store.timer;
    carry.hidden = !from || !timer || timer.segment_index !== 0 || timer.status === "finished";
    if (carry.hidden) return;
    carry.querySelector("#pt-carry-over-from").textContent = t("carry_from", { n: from.from_session_number });
    const level = carry.dataset.level || "3";
    const labels = new Map(client.laneList().map((lane) => [lane.key, lane.label]));
    const lanes = Object.entries(from.top_cards || {}).map(([lane, cards]) =>
      h(
        "div",
        { class: "pt-carry-over__lane" },
        h(`h${level}`, { class: "pt-carry-over__lane-title", text: labels.get(lane) ?? lane }),
        cards.length
          ? h("ol", { class: "pt-carry-over__cards" }, cards.map((card) => h("li", {}, card.text, " ", h("span", { class: "pt-carry-over__votes", text: `(${t.count("votes", card.votes)})` }))))
          : h("p", { class: "pt-carry-over__empty", text: t("carry_no_cards") }),
      ),
    );
    carry.querySelector("#pt-carry-over-lanes").replaceChildren(...lanes);
    // The open actions as they stand now (an update since the state arrived included).
    const open = orderedActions(store.actions.values()).filter((a) => !["done", "dropped"].includes(a.status));
    carry
      .querySelector("#pt-carry-over-actions")
      .replaceChildren(...(open.length ? open.map((a) => h("li", {}, a.text, " ", h("span", { class: "pt-carry-over__votes", text: `(${actionMeta(a, t)})` }))) : [h("li", { text: t("carry_no_actions") })]));
  }

  function render() {
    renderCarryOver();
    const items = orderedActions(store.actions.values());
    const sent = new Set(items.map((action) => action.client_id));
    const waiting = [...pending.entries()].filter(([clientId]) => !sent.has(clientId)).map(([clientId, text]) => ({ id: clientId, text, pending: true, status: "proposed" }));
    const shown = [...waiting, ...items];
    none.hidden = shown.length > 0;
    reconcile(list, shown, (action) => action.id, create, update);
    if (view === "participant") {
      renderCardChoices();
      for (const control of form.elements) control.disabled = store.session?.status === "finished";
    }
  }

  return { render, showProblem };
}
