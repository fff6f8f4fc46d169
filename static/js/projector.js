// Projector: the room's second screen. Huge timer, segment title, join code and QR, online
// count, and the board exactly as participants see it (no hidden cards, and in private
// mode only the revealed lanes). The room hears nothing from the projector: its template
// has no announcer (participants have their own).

import { setupActions } from "./actions.js";
import { cardFace, h, liveView, renderLanes, updateCardFace } from "./live-client.js";

// Always the view link's key, a signed-in facilitator's projector too: the server then sends
// it only what the room may see, so nothing here has to hide a card.
const { t, client, store, $, roleLabel, start } = liveView(({ data, sessionId }) => ({
  auth: { session_id: sessionId, view_token: data.viewToken },
}));

const board = $("#pt-board");
const actions = setupActions({ client });

function createCard() {
  return h("li", { class: "pt-card" }, cardFace());
}

function updateCard(li, card) {
  updateCardFace(li, card, t, roleLabel);
}

function renderBoard() {
  const cards = [...store.cards.values()]
    .filter((card) => client.visibleToRoom(card))
    .map((card) => ({ ...card, key: String(card.id) }));
  renderLanes(board, client.laneList(), cards, t, { create: createCard, update: updateCard, byVotes: false });
  const isPrivate = store.boardMode === "private";
  for (const section of board.querySelectorAll("section[data-lane]")) {
    const state = section.querySelector(".pt-lane__state");
    if (state) {
      state.hidden = !isPrivate || store.revealedLanes.includes(section.dataset.lane);
      state.textContent = t("private");
    }
  }
}

start({
  connection(everConnected) {
    const banner = $("#pt-offline");
    banner.hidden = store.connected || (!everConnected && !store.refused);
    banner.textContent = store.refused ? t("refused") : t("reconnecting");
  },
  draw() {
    $("#pt-online").textContent = t.count("online", store.presence.online || 0);
    renderBoard();
    actions.render();
  },
});
