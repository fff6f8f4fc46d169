// The board as every live view draws it: lanes, card order (groups kept together), faces.

import { h, reconcile } from "./live-util.js";

/**
 * Cards in display order: a group's cards stay together (a theme reads as one unit),
 * units oldest first, or most-voted first when `byVotes`.
 */
export function orderCards(cards, byVotes = false) {
  const units = new Map();
  for (const card of cards) {
    const key = card.group ? `g${card.group.id}` : `c${card.id ?? card.client_id}`;
    if (!units.has(key)) units.set(key, []);
    units.get(key).push(card);
  }
  const first = (unit) => Math.min(...unit.map((c) => c.id ?? Number.MAX_SAFE_INTEGER));
  const votes = (unit) => unit.reduce((sum, c) => sum + (c.votes || 0), 0);
  const list = [...units.values()];
  for (const unit of list) {
    unit.sort((a, b) => (byVotes ? (b.votes || 0) - (a.votes || 0) : 0) || (a.id ?? Infinity) - (b.id ?? Infinity));
  }
  list.sort((a, b) => (byVotes ? votes(b) - votes(a) : 0) || first(a) - first(b));
  return list.flat();
}

/**
 * The lane <section>s of a board container, keyed by canonical lane name (`data-lane`),
 * created for lanes the template did not render. `lanes` is client.laneList().
 */
export function laneSections(board, lanes, t) {
  const sections = new Map();
  for (const section of board.querySelectorAll("section[data-lane]")) {
    sections.set(section.dataset.lane, section);
  }
  lanes.forEach(({ key, label }, index) => {
    if (sections.has(key)) return;
    const id = `lane-${index + 1}`;
    const section = h(
      "section",
      { class: "pt-lane", "aria-labelledby": id, dataset: { lane: key } },
      h("h2", { class: "pt-lane__title", id, text: label }),
      h("p", { class: "pt-lane__count", text: t.count("cards", 0) }),
      h("ul", { class: "pt-lane__cards" }),
      h("p", { class: "pt-lane__empty", text: t("lane_empty") }),
    );
    board.append(section);
    sections.set(key, section);
  });
  return sections;
}

/** Fill each lane's list; `render(li, card)` draws one card. Returns cards per lane. */
export function renderLanes(board, lanes, cards, t, { create, update, byVotes = false }) {
  const sections = laneSections(board, lanes, t);
  const counts = {};
  for (const [lane, section] of sections) {
    const laneCards = orderCards(cards.filter((card) => card.lane === lane), byVotes);
    counts[lane] = laneCards.length;
    const list = section.querySelector(".pt-lane__cards");
    reconcile(list, laneCards, (card) => card.key, create, update);
    section.querySelector(".pt-lane__count").textContent = t.count("cards", laneCards.length);
    section.querySelector(".pt-lane__empty").hidden = laneCards.length > 0;
  }
  return counts;
}

/** The author line of a card: a name and role (in the viewer's language), or "Anonymous". */
export function authorText(card, t, mine = false, roleLabel = (role) => role) {
  if (card.facilitator) return t("facilitator");
  if (!card.author || card.anonymous) {
    return mine ? t("you_anonymous") : t("anonymous");
  }
  const who = mine ? t("you") : card.author.display_name || t("someone");
  return card.author.role ? `${who} · ${roleLabel(card.author.role)}` : who;
}

/** What every view shows of a card, for its <li>: group, text, author and votes. */
export function cardFace() {
  return [
    h("p", { class: "pt-card__group", hidden: true }),
    h("p", { class: "pt-card__text" }),
    h(
      "div",
      { class: "pt-card__meta" },
      h("span", { class: "pt-card__author" }),
      h("span", { class: "pt-card__votes" }),
    ),
  ];
}

/** Fill a card's face (see cardFace); `mine` names the author "You". */
export function updateCardFace(li, card, t, roleLabel, mine = false) {
  const group = li.querySelector(".pt-card__group");
  group.hidden = !card.group;
  group.textContent = card.group ? t("group_label", { title: card.group.title }) : "";
  li.classList.toggle("pt-card--facilitator", Boolean(card.facilitator));
  li.querySelector(".pt-card__text").textContent = card.text;
  li.querySelector(".pt-card__author").textContent = authorText(card, t, mine, roleLabel);
  li.querySelector(".pt-card__votes").textContent = t.count("votes", card.votes || 0);
}

