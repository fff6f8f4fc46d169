// Projector: the room's second screen. Huge timer, segment title, join code and QR, online
// count, and the board exactly as participants see it (no hidden cards, and in private
// mode only the revealed lanes). The room hears nothing from the projector: its template
// has no announcer (participants have their own).
//
// During reflection and discussion the board takes the screen (board mode): the clock
// shrinks to a corner strip, cards are sorted by votes, a group is one titled cluster, and
// a board taller than the screen scrolls itself, a screen at a time.

import { setupActions } from "./actions.js";
import { cardFace, h, liveView, renderLanes, updateCardFace } from "./live-client.js";

// Always the view link's key, a signed-in facilitator's projector too: the server then sends
// it only what the room may see, so nothing here has to hide a card.
const { t, client, store, $, roleLabel, start } = liveView(({ data, sessionId }) => ({
  auth: { session_id: sessionId, view_token: data.viewToken },
}));

const board = $("#pt-board");
const actions = setupActions({ client });

const BOARD_KINDS = new Set(["reflect", "discuss"]);
const PAGE_MS = 8000;

/** Whether the current segment is one the board should fill the screen for. */
function boardMode() {
  const timer = store.timer;
  const started = timer?.status === "running" || timer?.status === "paused";
  return started && BOARD_KINDS.has(client.segment()?.kind);
}

function createCard() {
  return h("li", { class: "pt-card" }, cardFace());
}

function updateCard(li, card) {
  updateCardFace(li, card, t, roleLabel);
  li.dataset.group = card.group ? String(card.group.id) : "";
  li.classList.toggle("pt-card--grouped", Boolean(card.group));
}

/** In board mode the board gets the height left below it in the window, and scrolls. */
function fitBoard() {
  if (!boardMode()) {
    board.style.removeProperty("max-height");
    return;
  }
  const box = board.getBoundingClientRect();
  // What the page keeps below the board (the main area's padding) stays on screen too.
  const below = document.scrollingElement.scrollHeight - (box.bottom + window.scrollY);
  board.style.maxHeight = `${Math.max(160, window.innerHeight - box.top - window.scrollY - below - 8)}px`;
}
window.addEventListener("resize", fitBoard);

/** A group is drawn as one cluster (orderCards keeps its cards together), titled once. */
function markClusters() {
  for (const list of board.querySelectorAll(".pt-lane__cards")) {
    let previous = "";
    for (const li of list.children) {
      const first = li.dataset.group !== "" && li.dataset.group !== previous;
      li.classList.toggle("pt-card--group-start", first);
      li.querySelector(".pt-card__group").hidden = !first;
      previous = li.dataset.group;
    }
  }
}

function renderBoard() {
  const cards = [...store.cards.values()]
    .filter((card) => client.visibleToRoom(card))
    .map((card) => ({ ...card, key: String(card.id) }));
  const filling = boardMode();
  document.getElementById("pt-live").classList.toggle("pt-projector--board", filling);
  renderLanes(board, client.laneList(), cards, t, { create: createCard, update: updateCard, byVotes: filling });
  markClusters();
  fitBoard();
  const isPrivate = store.boardMode === "private";
  for (const section of board.querySelectorAll("section[data-lane]")) {
    const state = section.querySelector(".pt-lane__state");
    if (state) {
      state.hidden = !isPrivate || store.revealedLanes.includes(section.dataset.lane);
      state.textContent = t("private");
    }
  }
}

// A board taller than its screen turns its own pages: down a screen every few seconds, then
// back to the top (a jump, not a glide, for people who ask for less motion).
setInterval(() => {
  if (!board.classList.contains("pt-board--paging")) return;
  const end = board.scrollHeight - board.clientHeight;
  if (end <= 1) return;
  const next = board.scrollTop >= end - 1 ? 0 : Math.min(end, board.scrollTop + board.clientHeight * 0.9);
  const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
  board.scrollTo({ top: next, behavior: still ? "auto" : "smooth" });
  board.dataset.pages = String(Number(board.dataset.pages || 0) + 1);
}, PAGE_MS);

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
    board.classList.toggle("pt-board--paging", boardMode());
  },
});
