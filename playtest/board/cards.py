"""Cards as each audience sees them: the one serialiser, who may see a card, who hears of it.

Anonymity is decided here and only here: `card_payload` is the single serialiser, and it
never puts an anonymous card's author in a payload unless the recipient is that author.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from playtest import config
from playtest.enums import BoardMode
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.models import Attendance, Reflection, Session
from playtest.playbooks.documents import canonical_lane, session_document
from playtest.realtime import Delivery, Viewer, attendance_room, session_room, staff_room
from playtest.timeutil import iso_ms


def session_authors(session_id: int) -> dict[int, tuple[int, str, str]]:
    rows = db.session.execute(
        sa.select(
            Attendance.participant_id, Attendance.id, Attendance.display_name, Attendance.role
        ).where(Attendance.session_id == session_id)
    ).all()
    return {r.participant_id: (r.id, r.display_name, r.role) for r in rows}


# Built once, since the posting hot path runs them for every card: SQLAlchemy then neither
# rebuilds the expressions nor recomputes their cache keys per call.
_AUTHOR = sa.select(Attendance.id, Attendance.display_name, Attendance.role).where(
    Attendance.session_id == sa.bindparam("session_id"),
    Attendance.participant_id == sa.bindparam("participant_id"),
)


def _author(session_id: int, participant_id: int) -> tuple[int, str, str] | None:
    row = db.session.execute(
        _AUTHOR, {"session_id": session_id, "participant_id": participant_id}
    ).first()
    return tuple(row) if row else None


def card_payload(
    card: Reflection,
    author: tuple[int, str, str] | None,
    *,
    to_author: bool = False,
    redact: bool = False,
) -> dict:
    """The one serialiser for cards. Anonymous authors appear only when `to_author`; a
    facilitator's card (no participant) says so and names nobody."""
    facilitator = card.participant_id is None
    show_author = (to_author or not card.anonymous) and not facilitator
    payload = {
        "id": card.id,
        "lane": card.lane,
        "text": "" if redact else card.text,
        "votes": card.votes,
        "hidden": card.hidden,
        "anonymous": card.anonymous,
        "group": {"id": card.group.id, "title": card.group.title} if card.group else None,
        "author": (
            {
                "participant_id": card.participant_id,
                "display_name": author[1] if author else None,
                "role": card.author_role,
            }
            if show_author
            else None
        ),
        "facilitator": facilitator,
        "pii_flag": card.pii_flag and not redact,
        "created_at": iso_ms(card.created_at),
    }
    if to_author:
        payload["client_id"] = card.client_id
    if redact:
        payload["redacted"] = True
    return payload


def author_view(card: Reflection) -> dict:
    """The card as its own author sees it (their anonymous cards included)."""
    return card_payload(card, _author(card.session_id, card.participant_id), to_author=True)


def lane_visible(session: Session, lane: str) -> bool:
    """In private mode participants see others' cards only in revealed lanes."""
    return session.board_mode == BoardMode.OPEN or lane in (session.revealed_lanes or [])


def _cards_with_authors(session: Session) -> list:
    """The session's cards, oldest first, each with its author's attendance (id, name, role).

    One statement: only the authors are read, not every attendance of the session.
    """
    rows = db.session.execute(
        sa.select(Reflection, Attendance.id, Attendance.display_name, Attendance.role)
        .outerjoin(
            Attendance,
            sa.and_(
                Attendance.session_id == Reflection.session_id,
                Attendance.participant_id == Reflection.participant_id,
            ),
        )
        .where(Reflection.session_id == session.id, Reflection.deleted.is_(False))
        .order_by(Reflection.id)
        .options(so.joinedload(Reflection.group))
    ).all()
    return [
        (card, (attendance_id, name, role) if attendance_id is not None else None)
        for card, attendance_id, name, role in rows
    ]


def _with_lane_index(payload: dict, lane_keys: list[str]) -> dict:
    lane = payload["lane"]
    payload["lane_index"] = lane_keys.index(lane) if lane in lane_keys else None
    return payload


def staff_cards(session: Session, lane_keys: list[str]) -> list[dict]:
    """Every card, hidden ones included, as facilitators and observers see them, oldest first,
    in the `state` shape (participants and projectors see room_cards, through cards_for)."""
    return [
        _with_lane_index(card_payload(card, author), lane_keys)
        for card, author in _cards_with_authors(session)
    ]


@dataclass(frozen=True)
class RoomCard:
    """A card as the room's participants and projectors see it: the shape for its author
    and for everyone else (None where they may not see it)."""

    participant_id: int | None
    to_others: dict | None
    to_author: dict | None


def room_cards(session: Session, lane_keys: list[str]) -> list[RoomCard]:
    """Every card with what a non-staff viewer may see of it, built once for the room."""
    out = []
    for card, author in _cards_with_authors(session):
        if card.hidden:  # hidden cards are for staff only, their authors included
            continue
        others = None
        if lane_visible(session, card.lane):
            others = _with_lane_index(card_payload(card, author), lane_keys)
        own = None
        if card.participant_id is not None:
            own = _with_lane_index(card_payload(card, author, to_author=True), lane_keys)
        out.append(RoomCard(card.participant_id, others, own))
    return out


def cards_for(room: list[RoomCard], viewer: Viewer) -> list[dict]:
    """What one participant or projector sees of the room's cards: visible_cards, for them."""
    me = viewer.participant_id if viewer.is_participant else None
    out = []
    for card in room:
        shown = card.to_author if me is not None and card.participant_id == me else card.to_others
        if shown is not None:
            out.append(shown)
    return out


def deliveries(session: Session, card: Reflection, event: str) -> list[Delivery]:
    """Who hears about a change to this card, and what each audience may see."""
    return card_deliveries(session, card, event, _author(session.id, card.participant_id))


def card_deliveries(
    session: Session, card: Reflection, event: str, author: tuple[int, str, str] | None
) -> list[Delivery]:
    if card.deleted:
        return [Delivery(event, session_room(session.id), {"id": card.id, "deleted": True})]
    full = card_payload(card, author)
    if card.hidden:
        return [
            Delivery(event, session_room(session.id), card_payload(card, author, redact=True)),
            Delivery(event, staff_room(session.id), full),
        ]
    if not lane_visible(session, card.lane):
        deliveries = [Delivery(event, staff_room(session.id), full)]
        if author is not None:  # the author's own screens see their card in a private lane
            own = card_payload(card, author, to_author=True)
            deliveries.append(Delivery(event, attendance_room(author[0]), own))
        return deliveries
    return [Delivery(event, session_room(session.id), full)]


def board_lane(session: Session, lane: object) -> str:
    """The board's own name for a lane named in either language (the paired playbook's name
    is stored under the round's), or `invalid`."""
    if lane in session_document(session)["lanes"]:
        return lane
    canonical = canonical_lane(session, lane)
    if canonical is None:
        raise ActionError(ErrorCode.INVALID, _("Choose one of the board's lanes."))
    return canonical


def clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ActionError(ErrorCode.INVALID, _("Write something on the card first."))
    if len(text) > config.TEXT_MAX_CHARS:
        raise ActionError(
            ErrorCode.INVALID,
            _("Cards can be up to %(n)d characters.", n=config.TEXT_MAX_CHARS),
        )
    return text
