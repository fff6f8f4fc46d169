// The participant's board: one section per lane, their own cards with edit and delete, a
// vote button on every card. Cards still in the outbox show with "Waiting to send".

import { cardFace, h, renderLanes, updateCardFace } from "./live-client.js";
import { boardCards, votesRemaining } from "./participant-outbox.js";
import { showPiiWarning, visuallyHidden } from "./participant-warnings.js";

/**
 * Wire the board inside the live view. `page` is what participant.js shares with each
 * panel (t, client, store, $, roleLabel, showProblem, looksPersonal, limits). Returns
 * `render()`, called on every store change.
 */
export function setupBoard(page) {
  const { t, client, store, $, roleLabel, showProblem, looksPersonal, limits } = page;
  const board = $("#pt-board");
  const sortByVotes = $("#pt-sort");
  const votesLeft = $("#pt-votes-left");
  const editing = new Set(); // card ids with the inline editor open
  const confirmingDelete = new Set();

  function createCard() {
    const editorId = `edit-${Math.random().toString(36).slice(2)}`;
    return h(
      "li",
      { class: "pt-card" },
      h("p", { class: "pt-card__status", hidden: true }),
      cardFace(),
      h(
        "div",
        { class: "pt-card__actions" },
        h("button", { type: "button", class: "pt-vote", dataset: { action: "vote" } }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary pt-card__button",
          dataset: { action: "edit" },
        }),
        h("button", {
          type: "button",
          class: "govuk-button govuk-button--secondary pt-card__button",
          dataset: { action: "delete" },
        }),
      ),
      h(
        "div",
        { class: "pt-card__confirm", hidden: true },
        h("p", { class: "govuk-body-s pt-card__confirm-text", text: t("delete_confirm") }),
        h(
          "div",
          { class: "govuk-button-group" },
          h("button", {
            type: "button",
            class: "govuk-button govuk-button--warning pt-card__button",
            dataset: { action: "delete-yes" },
            text: t("delete_yes"),
          }),
          h("button", {
            type: "button",
            class: "govuk-button govuk-button--secondary pt-card__button",
            dataset: { action: "delete-no" },
            text: t("cancel"),
          }),
        ),
      ),
      h(
        "form",
        { class: "pt-card__editor", hidden: true, novalidate: true, dataset: { action: "save" } },
        h(
          "div",
          { class: "govuk-form-group" },
          h("label", { class: "govuk-label govuk-label--s", for: editorId, text: t("edit_label") }),
          h("textarea", {
            class: "govuk-textarea pt-card__edit-text",
            id: editorId,
            rows: "3",
            maxlength: String(limits.text_max),
          }),
        ),
        h("div", { class: "govuk-warning-text pt-pii", hidden: true }),
        h(
          "div",
          { class: "govuk-button-group" },
          h("button", { type: "submit", class: "govuk-button pt-card__button", text: t("save") }),
          h("button", {
            type: "button",
            class: "govuk-button govuk-button--secondary pt-card__button",
            dataset: { action: "edit-cancel" },
            text: t("cancel"),
          }),
        ),
      ),
    );
  }

  function updateCard(li, card, votesLeftNow) {
    li.className = "pt-card";
    li.classList.toggle("pt-card--own", card.mine);
    li.classList.toggle("pt-card--pending", Boolean(card.pending || card.editPending));
    li.dataset.id = card.id ?? "";
    const status = li.querySelector(".pt-card__status");
    status.hidden = !(card.pending || card.editPending);
    status.textContent = card.pending ? t("waiting_to_send") : t("edit_waiting");
    updateCardFace(li, card, t, roleLabel, card.mine);

    const actions = li.querySelector(".pt-card__actions");
    const isEditing = editing.has(card.id);
    const isConfirming = confirmingDelete.has(card.id);
    actions.hidden = Boolean(card.pending) || isEditing || isConfirming;
    const vote = li.querySelector("[data-action=vote]");
    vote.classList.toggle("pt-vote--on", card.voted);
    const votedText = card.voted ? [t("remove_vote")] : [t("vote"), visuallyHidden(t("vote_suffix"))];
    const signature = `${card.voted}`;
    if (vote.dataset.signature !== signature) {
      vote.replaceChildren(...votedText);
      vote.dataset.signature = signature;
    }
    const spent = !card.voted && votesLeftNow <= 0;
    if (spent) vote.setAttribute("aria-disabled", "true");
    else vote.removeAttribute("aria-disabled");
    const edit = li.querySelector("[data-action=edit]");
    const remove = li.querySelector("[data-action=delete]");
    edit.hidden = !card.mine;
    remove.hidden = !card.mine;
    if (card.mine && !edit.dataset.ready) {
      edit.replaceChildren(t("edit"), visuallyHidden(t("edit_suffix")));
      remove.replaceChildren(t("delete"), visuallyHidden(t("delete_suffix")));
      edit.dataset.ready = "1";
    }
    li.querySelector(".pt-card__confirm").hidden = !isConfirming;
    const editor = li.querySelector(".pt-card__editor");
    editor.hidden = !isEditing;
  }

  function render() {
    const { cards, effects } = boardCards(client);
    const left = votesRemaining(store, effects);
    renderLanes(board, client.laneList(), cards, t, {
      create: createCard,
      update: (li, card) => updateCard(li, card, left),
      byVotes: sortByVotes.checked,
    });
    votesLeft.textContent = t("votes_left", { n: left });
  }

  sortByVotes.addEventListener("change", () => render());

  function cardFor(element) {
    const li = element.closest(".pt-card");
    const id = Number(li?.dataset.id);
    return { li, id, card: store.cards.get(id) };
  }

  function saveEdit(li, id, confirmed) {
    const area = li.querySelector(".pt-card__edit-text");
    const text = area.value;
    if (!text.trim()) {
      showProblem(t("empty_card"));
      area.focus();
      return;
    }
    const warning = li.querySelector(".pt-pii");
    if (!confirmed && looksPersonal(text)) {
      showPiiWarning(warning, t, t("save_anyway"));
      return;
    }
    editing.delete(id);
    client.enqueue("reflection:edit", { id, text });
    li.querySelector("[data-action=edit]").focus();
  }

  board.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const { li, id, card } = cardFor(button);
    if (!card) return;
    const action = button.dataset.action;
    if (action === "vote") {
      const { effects } = boardCards(client);
      const voted = effects.votes.has(id) ? effects.votes.get(id) : store.myVotes.has(id);
      if (!voted && votesRemaining(store, effects) <= 0) {
        showProblem(t("no_votes_left"));
        return;
      }
      client.enqueue("reflection:vote", { id, on: !voted });
    } else if (action === "edit") {
      editing.add(id);
      render();
      const area = li.querySelector(".pt-card__edit-text");
      area.value = card.text;
      li.querySelector(".pt-pii").hidden = true;
      area.focus();
    } else if (action === "edit-cancel") {
      editing.delete(id);
      render();
      li.querySelector("[data-action=edit]").focus();
    } else if (action === "delete") {
      confirmingDelete.add(id);
      render();
      li.querySelector("[data-action=delete-no]").focus();
    } else if (action === "delete-no") {
      confirmingDelete.delete(id);
      render();
      li.querySelector("[data-action=delete]").focus();
    } else if (action === "delete-yes") {
      confirmingDelete.delete(id);
      client.enqueue("reflection:delete", { id });
      $("#pt-composer-text").focus();
    } else if (action === "pii-edit") {
      li.querySelector(".pt-card__edit-text").focus();
    } else if (action === "pii-send") {
      saveEdit(li, id, true);
    }
  });

  board.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-action=save]");
    if (!form) return;
    event.preventDefault();
    const { li, id } = cardFor(form);
    saveEdit(li, id, false);
  });

  return { render };
}
