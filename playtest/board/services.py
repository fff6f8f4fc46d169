"""The reflection board's rules: editing, voting, moderation, groups, private mode.

Cards are serialised in board/cards.py (the anonymity rule lives there) and posted in
board/posting.py (the participants' hot path) and board/staff.py (a facilitator's card).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from playtest import config
from playtest.board.cards import (
    board_lane,
    card_payload,
    clean_text,
    deliveries,
    lane_visible,
    session_authors,
)
from playtest.board.votes import release_votes
from playtest.enums import BoardMode, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.guards import audit, require, require_open
from playtest.models import Attendance, Reflection, ReflectionGroup, Session, Vote
from playtest.playbooks.documents import session_document
from playtest.realtime import Delivery, Viewer
from playtest.security import looks_personal
from playtest.timeutil import utcnow

_BOARD_MODES = tuple(BoardMode)

# --- reading ---------------------------------------------------------------------------------


# --- writing ---------------------------------------------------------------------------------


def session_for_write(viewer: Viewer) -> Session:
    session = db.session.get(Session, viewer.session_id)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    require_open(session)
    return session


def _card_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _card_in_session(viewer: Viewer, card_id: object) -> Reflection:
    card_id = _card_id(card_id)
    card = db.session.get(Reflection, card_id) if card_id is not None else None
    if card is None or card.session_id != viewer.session_id or card.deleted:
        raise ActionError(ErrorCode.NOT_FOUND, _("That card is not on this board."))
    return card


def _card_they_see(viewer: Viewer, session: Session, card_id: object) -> Reflection:
    """A card this participant can see. A hidden card, or another's card in a lane not yet
    revealed, answers exactly like a missing one: nothing tells them it exists."""
    card = _card_in_session(viewer, card_id)
    mine = card.participant_id == viewer.participant_id
    if card.hidden or (not mine and not lane_visible(session, card.lane)):
        raise ActionError(ErrorCode.NOT_FOUND, _("That card is not on this board."))
    return card


def _own_card(viewer: Viewer, session: Session, card_id: object) -> Reflection:
    card = _card_they_see(viewer, session, card_id)
    if card.participant_id != viewer.participant_id:
        raise ActionError(ErrorCode.FORBIDDEN, _("You can only change your own cards."))
    return card


def edit_reflection(viewer: Viewer, card_id: object, text: object) -> Reflection:
    require(viewer, ViewerKind.PARTICIPANT)
    session = session_for_write(viewer)
    card = _own_card(viewer, session, card_id)
    card.text = clean_text(text)
    card.pii_flag = looks_personal(card.text)
    card.updated_at = utcnow()
    db.session.commit()
    return card


def delete_reflection(viewer: Viewer, card_id: object) -> tuple[Reflection, list[Delivery]]:
    """Delete an own card (idempotent: deleting it again answers ok). Its votes go back to
    their voters; returns the card and what each voter's screens hear of their votes."""
    require(viewer, ViewerKind.PARTICIPANT)
    session = session_for_write(viewer)
    card_id = _card_id(card_id)
    card = db.session.get(Reflection, card_id) if card_id is not None else None
    if card is not None and card.deleted and card.participant_id == viewer.participant_id:
        return card, []
    card = _own_card(viewer, session, card_id)
    card.deleted = True
    card.updated_at = utcnow()
    released = release_votes(session, card)
    db.session.commit()
    return card, released


@dataclass(frozen=True)
class Voted:
    """A vote given or taken back: the card's id and votes now, the voter's votes left, and
    who hears of it (built before the COMMIT, so nothing is read again after it)."""

    card_id: int
    votes: int
    votes_left: int
    deliveries: list[Delivery]


# Built once (a vote is a hot path): the voter's votes in the session, and their vote on
# this card if any, in one read.
_MY_VOTES = sa.select(
    sa.func.count(Vote.id),
    sa.func.max(sa.case((Vote.reflection_id == sa.bindparam("card_id"), Vote.id))),
).where(
    Vote.session_id == sa.bindparam("session_id"),
    Vote.participant_id == sa.bindparam("participant_id"),
)


def vote(viewer: Viewer, card_id: object, on: object) -> Voted:
    """Vote for a card or take the vote back; capped by the playbook's Votes per session."""
    require(viewer, ViewerKind.PARTICIPANT)
    if not isinstance(on, bool):
        raise ActionError(ErrorCode.INVALID, _("on must be true or false."))
    session = session_for_write(viewer)
    card = _card_they_see(viewer, session, card_id)
    # Serialise one participant's votes so two quick taps cannot exceed the cap.
    db.session.get(Attendance, viewer.attendance_id, with_for_update=True)
    used, existing_id = db.session.execute(
        _MY_VOTES,
        {"card_id": card.id, "session_id": session.id, "participant_id": viewer.participant_id},
    ).one()
    left = max(0, session_document(session)["votes"] - used)
    if on and existing_id is None:
        if left <= 0:
            raise ActionError(ErrorCode.LIMIT_REACHED, _("You have used all your votes."))
        db.session.add(
            Vote(reflection_id=card.id, participant_id=viewer.participant_id, session_id=session.id)
        )
        card.votes += 1
        left -= 1
    elif not on and existing_id is not None:
        db.session.delete(db.session.get(Vote, existing_id))
        card.votes -= 1
        left += 1
    db.session.flush()
    voted = Voted(card.id, card.votes, left, deliveries(session, card, "reflection:updated"))
    db.session.commit()
    return voted


def hide(viewer: Viewer, card_id: object, hidden: object) -> tuple[Reflection, list[Delivery]]:
    """Moderation: a hidden card leaves every participant screen but stays in the record.

    Its votes are released: the voters can no longer see the card to take them back, so they
    get them back at once (and can vote again if it is shown again). Returns the card and
    what each voter's screens hear of their votes.
    """
    require(viewer, ViewerKind.FACILITATOR)
    if not isinstance(hidden, bool):
        raise ActionError(ErrorCode.INVALID, _("hidden must be true or false."))
    card = _card_in_session(viewer, card_id)
    card.hidden = hidden
    card.updated_at = utcnow()
    session = db.session.get(Session, card.session_id)
    released = release_votes(session, card) if hidden else []
    audit(viewer, "reflection:hide", f"reflection:{card.id}", {"hidden": hidden})
    db.session.commit()
    return card, released


def group(viewer: Viewer, ids: object, title: object) -> list[Reflection]:
    """Merge cards into a named theme; an empty title takes them out of any group."""
    require(viewer, ViewerKind.FACILITATOR)
    if (
        not isinstance(ids, list)
        or not ids
        or len(ids) > config.GROUP_MAX_CARDS
        or any(_card_id(card_id) is None for card_id in ids)
    ):
        raise ActionError(ErrorCode.INVALID, _("Choose the cards to group."))
    longest = config.GROUP_TITLE_MAX_CHARS
    if title is not None and (not isinstance(title, str) or len(title) > longest):
        raise ActionError(
            ErrorCode.INVALID, _("Group titles can be up to %(n)d characters.", n=longest)
        )
    cards = [_card_in_session(viewer, card_id) for card_id in dict.fromkeys(ids)]
    theme = None
    if title and title.strip():
        theme = ReflectionGroup(session_id=viewer.session_id, title=title.strip())
        db.session.add(theme)
    for card in cards:
        card.group = theme
        card.updated_at = utcnow()
    audit(viewer, "reflection:group", f"session:{viewer.session_id}", {"ids": ids})
    db.session.commit()
    return cards


def set_mode(viewer: Viewer, mode: object) -> tuple[Session, list[Reflection]]:
    """Switch open/private; returns the cards that opening the board makes visible to all."""
    require(viewer, ViewerKind.FACILITATOR)
    if mode not in _BOARD_MODES:
        raise ActionError(ErrorCode.INVALID, _("Board mode is open or private."))
    session = session_for_write(viewer)
    newly_visible: list[Reflection] = []
    if mode == BoardMode.OPEN and session.board_mode == BoardMode.PRIVATE:
        newly_visible = _shown_cards(session, exclude_lanes=session.revealed_lanes or [])
    if mode == BoardMode.PRIVATE and session.board_mode != BoardMode.PRIVATE:
        session.revealed_lanes = []
    session.board_mode = mode
    audit(viewer, "board:mode", f"session:{session.id}", {"mode": mode})
    db.session.commit()
    return session, newly_visible


def _shown_cards(
    session: Session, *, lane: str | None = None, exclude_lanes: list[str] | None = None
) -> list[Reflection]:
    """Cards participants may see once their lane is visible (not deleted, not hidden)."""
    query = sa.select(Reflection).where(
        Reflection.session_id == session.id,
        Reflection.deleted.is_(False),
        Reflection.hidden.is_(False),
    )
    if lane is not None:
        query = query.where(Reflection.lane == lane)
    if exclude_lanes:
        query = query.where(Reflection.lane.not_in(exclude_lanes))
    return list(db.session.scalars(query.order_by(Reflection.id)))


def reveal(viewer: Viewer, lane: object) -> tuple[Session, list[Reflection]]:
    """Show one lane's cards to everyone in private mode; returns the newly visible cards."""
    require(viewer, ViewerKind.FACILITATOR)
    session = session_for_write(viewer)
    lane = board_lane(session, lane)  # either language's name for it
    if lane not in (session.revealed_lanes or []):
        session.revealed_lanes = [*(session.revealed_lanes or []), lane]
    if set(session_document(session)["lanes"]) <= set(session.revealed_lanes):
        session.board_mode = BoardMode.OPEN  # every lane revealed: the board is open (§9)
    audit(viewer, "board:reveal", f"session:{session.id}", {"lane": lane})
    db.session.commit()
    return session, _shown_cards(session, lane=lane)


def mode_payload(session: Session, cards: list[Reflection] | None = None) -> dict:
    """The `board:mode` event: mode, revealed lanes, and any cards a reveal made visible."""
    authors = session_authors(session.id)
    return {
        "mode": session.board_mode,
        "revealed_lanes": list(session.revealed_lanes or []),
        "reflections": [card_payload(c, authors.get(c.participant_id)) for c in cards or []],
    }
