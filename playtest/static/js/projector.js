// Projector: the room's second screen. Huge timer, segment title, join code and QR, online
// count, and the board exactly as participants see it (no hidden cards, and in private
// mode only the revealed lanes), even when a signed-in facilitator opens it.

import {
  LiveClient,
  TimerView,
  authorText,
  batched,
  h,
  pageData,
  readStrings,
  renderLanes,
  scalableQr,
  translator,
} from "./live-client.js";

const { root, data } = pageData();
const t = translator(readStrings());
const sessionId = Number(data.sessionId);
const auth = data.viewToken ? { session_id: sessionId, view_token: data.viewToken } : { session_id: sessionId };
const client = new LiveClient({ auth, staff: !data.viewToken });
const store = client.store;
const $ = (selector) => root.querySelector(selector);

// The room hears nothing from the projector: no announcer (participants have their own).
const timerView = new TimerView(client, $("#pt-timer"), t);
const board = $("#pt-board");

function createCard() {
  return h(
    "li",
    { class: "pt-card" },
    h("p", { class: "pt-card__group", hidden: true }),
    h("p", { class: "pt-card__text" }),
    h(
      "div",
      { class: "pt-card__meta" },
      h("span", { class: "pt-card__author" }),
      h("span", { class: "pt-card__votes" }),
    ),
  );
}

function updateCard(li, card) {
  const group = li.querySelector(".pt-card__group");
  group.hidden = !card.group;
  group.textContent = card.group ? t("group_label", { title: card.group.title }) : "";
  li.querySelector(".pt-card__text").textContent = card.text;
  li.querySelector(".pt-card__author").textContent = authorText(card, t, false, (role) =>
    client.roleLabel(role),
  );
  li.querySelector(".pt-card__votes").textContent = t.count("votes", card.votes || 0);
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

let everConnected = false;

const render = batched(() => {
  if (store.connected) everConnected = true;
  const banner = $("#pt-offline");
  banner.hidden = store.connected || (!everConnected && !store.refused);
  banner.textContent = store.refused ? t("refused") : t("reconnecting");
  // For tests and styling: connecting | live | offline.
  root.dataset.state = !store.ready ? "connecting" : store.connected ? "live" : "offline";
  if (!store.ready) return;
  timerView.update();
  const online = store.presence.online || 0;
  $("#pt-online").textContent = t.count("online", online);
  renderBoard();
});

client.addEventListener("change", render);
scalableQr(root);
client.connect();
