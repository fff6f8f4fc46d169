"""The reflection board's rules: posting, editing, voting, moderation, visibility, anonymity.

Anonymity is decided here and only here: `card_payload` is the single serialiser, and it
never puts an anonymous card's author in a payload unless the recipient is that author.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from playtest import config
from playtest.board.votes import release_votes
from playtest.enums import Anonymity, BoardMode, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.guards import audit, require, require_client_id, require_open
from playtest.models import Attendance, Reflection, ReflectionGroup, Session, Vote
from playtest.playbooks.documents import canonical_lane, session_document
from playtest.realtime import Delivery, Viewer, attendance_room, session_room, staff_room
from playtest.security import looks_personal, take_post_allowance
from playtest.timeutil import iso_ms, utcnow

_BOARD_MODES = tuple(BoardMode)

# --- reading ---------------------------------------------------------------------------------


def _authors(session_id: int) -> dict[int, tuple[int, str, str]]:
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
_CARD_ID_BY_CLIENT_ID = sa.select(Reflection.id).where(
    Reflection.participant_id == sa.bindparam("participant_id"),
    Reflection.client_id == sa.bindparam("client_id"),
)
# The posting hot path runs on the ORM session's connection in Core: one read and one INSERT,
# with no unit of work, identity map or ORM events in between (the ORM added nothing here).
_SESSIONS = Session.__table__
_REFLECTIONS = Reflection.__table__
_INSERT_CARD = sa.insert(_REFLECTIONS)
# Posting's one read: the session's columns the rules need, the author's attendance, and the
# card this participant already sent with this client_id if any (found by its unique key, so
# at most one row).
_POSTING_CONTEXT = (
    sa.select(
        _SESSIONS.c.id,
        _SESSIONS.c.round_id,
        _SESSIONS.c.status,
        _SESSIONS.c.board_mode,
        _SESSIONS.c.revealed_lanes,
        Attendance.id.label("attendance_id"),
        Attendance.display_name,
        Attendance.role,
        Reflection.id.label("original_id"),
    )
    .outerjoin(
        Attendance,
        sa.and_(
            Attendance.session_id == _SESSIONS.c.id,
            Attendance.participant_id == sa.bindparam("participant_id"),
        ),
    )
    .outerjoin(
        Reflection,
        sa.and_(
            Reflection.participant_id == sa.bindparam("participant_id"),
            Reflection.client_id == sa.bindparam("client_id"),
        ),
    )
    .where(_SESSIONS.c.id == sa.bindparam("session_id"))
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


def visible_cards(session: Session, viewer: Viewer) -> list[dict]:
    """The cards this viewer may see, oldest first, in the `state` shape."""
    # Each card with its author's attendance in one statement: only the authors are read, not
    # every attendance of the session (a room reconnecting at once asks this N times).
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
    out = []
    for card, attendance_id, display_name, role in rows:
        mine = viewer.is_participant and card.participant_id == viewer.participant_id
        if not viewer.is_staff:
            if card.hidden:
                continue
            if not mine and not lane_visible(session, card.lane):
                continue
        author = (attendance_id, display_name, role) if attendance_id is not None else None
        out.append(card_payload(card, author, to_author=mine))
    return out


def deliveries(session: Session, card: Reflection, event: str) -> list[Delivery]:
    """Who hears about a change to this card, and what each audience may see."""
    return _deliveries(session, card, event, _author(session.id, card.participant_id))


def _deliveries(
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


# --- writing ---------------------------------------------------------------------------------


def _session_for_write(viewer: Viewer) -> Session:
    session = db.session.get(Session, viewer.session_id)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    require_open(session)
    return session


def _clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ActionError(ErrorCode.INVALID, _("Write something on the card first."))
    if len(text) > config.TEXT_MAX_CHARS:
        raise ActionError(
            ErrorCode.INVALID,
            _("Cards can be up to %(n)d characters.", n=config.TEXT_MAX_CHARS),
        )
    return text


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


@dataclass(frozen=True)
class Posted:
    """A card as posted: its row, whether this call created it, the author's view of it
    (the ack), and who else hears of it (empty for a resend)."""

    card: Reflection
    created: bool
    own_view: dict
    deliveries: list[Delivery]


def post_reflection(viewer: Viewer, payload: dict) -> Posted:
    """Post a card exactly once per client_id, with the payloads to send once it is saved.

    This is the posting hot path: a new card costs one read (the session's columns, the
    author and any card already sent with this client_id), the INSERT and the COMMIT, all
    as Core statements on the ORM session's connection. The payloads are built between
    INSERT and COMMIT from what this transaction read and wrote, so nothing is read back
    after committing; the caller sends them only after this returns, i.e. once the card is
    saved.

    The INSERT bypasses the ORM's flush listeners on purpose: they bump the data_version of
    finished sessions only, and this transaction has just read the session as not finished
    (summary/versions.py explains why that is enough).
    """
    require(viewer, ViewerKind.PARTICIPANT)
    client_id = require_client_id(payload.get("client_id"))
    connection = db.session.connection()
    row = connection.execute(
        _POSTING_CONTEXT,
        {
            "session_id": viewer.session_id,
            "participant_id": viewer.participant_id,
            "client_id": client_id,
        },
    ).first()
    original_id = row.original_id if row else _card_id_by_client_id(viewer, client_id)
    if original_id is not None:  # a resend: answered with the original card
        original = db.session.get(Reflection, original_id)
        return Posted(original, False, author_view(original), [])
    if row is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    require_open(row)
    author = None
    if row.attendance_id is not None:
        author = (row.attendance_id, row.display_name, row.role)
    values = _new_card(viewer, row, client_id, payload)
    if not take_post_allowance(viewer.participant_id):
        raise ActionError(
            ErrorCode.RATE_LIMITED,
            _("You are posting very fast. Wait a moment, then try again."),
        )
    try:
        card_id = connection.execute(_INSERT_CARD, values).inserted_primary_key[0]
    except IntegrityError:
        # The same client_id raced in on another connection: answer with the winner.
        db.session.rollback()
        winner = db.session.get(Reflection, _card_id_by_client_id(viewer, client_id))
        return Posted(winner, False, author_view(winner), [])
    card = Reflection(id=card_id, **values)  # transient: the saved row, for the payloads
    posted = Posted(
        card,
        True,
        card_payload(card, author, to_author=True),
        _deliveries(row, card, "reflection:added", author),
    )
    db.session.commit()
    return posted


def _card_id_by_client_id(viewer: Viewer, client_id: str) -> int | None:
    return db.session.scalar(
        _CARD_ID_BY_CLIENT_ID, {"participant_id": viewer.participant_id, "client_id": client_id}
    )


def _new_card(viewer: Viewer, session: sa.Row, client_id: str, payload: dict) -> dict:
    """A valid new card's column values from the payload, or ActionError.

    `session` is the posting read's row: the session's id, round_id, status, board_mode and
    revealed_lanes, which is all the board's rules read.
    """
    document = session_document(session)
    lane = payload.get("lane")
    if lane not in document["lanes"]:
        # A lane named in the paired playbook's language is stored under the round's own name.
        lane = canonical_lane(session, lane)
        if lane is None:
            raise ActionError(ErrorCode.INVALID, _("Choose one of the board's lanes."))
    text = _clean_text(payload.get("text"))
    anonymous = payload.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise ActionError(ErrorCode.INVALID, _("anonymous must be true or false."))
    if document["anonymity"] == Anonymity.ALWAYS:
        anonymous = True
    elif document["anonymity"] == Anonymity.OFF and anonymous:
        raise ActionError(ErrorCode.INVALID, _("Cards in this playtest are always named."))
    now = utcnow()
    return {
        "session_id": session.id,
        "participant_id": viewer.participant_id,
        "author_role": viewer.role or "",
        "client_id": client_id,
        "lane": lane,
        "text": text,
        "anonymous": anonymous,
        "hidden": False,
        "deleted": False,
        "pii_flag": looks_personal(text),
        "votes": 0,
        "group_id": None,
        "created_at": now,
        "updated_at": now,
    }


def edit_reflection(viewer: Viewer, card_id: object, text: object) -> Reflection:
    require(viewer, ViewerKind.PARTICIPANT)
    session = _session_for_write(viewer)
    card = _own_card(viewer, session, card_id)
    card.text = _clean_text(text)
    card.pii_flag = looks_personal(card.text)
    card.updated_at = utcnow()
    db.session.commit()
    return card


def delete_reflection(viewer: Viewer, card_id: object) -> tuple[Reflection, list[Delivery]]:
    """Delete an own card (idempotent: deleting it again answers ok). Its votes go back to
    their voters; returns the card and what each voter's screens hear of their votes."""
    require(viewer, ViewerKind.PARTICIPANT)
    session = _session_for_write(viewer)
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
    session = _session_for_write(viewer)
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
    session = _session_for_write(viewer)
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
    session = _session_for_write(viewer)
    lane = canonical_lane(session, lane)  # either language's name for it
    if lane is None:
        raise ActionError(ErrorCode.INVALID, _("Choose one of the board's lanes."))
    if lane not in (session.revealed_lanes or []):
        session.revealed_lanes = [*(session.revealed_lanes or []), lane]
    if set(session_document(session)["lanes"]) <= set(session.revealed_lanes):
        session.board_mode = BoardMode.OPEN  # every lane revealed: the board is open (§9)
    audit(viewer, "board:reveal", f"session:{session.id}", {"lane": lane})
    db.session.commit()
    return session, _shown_cards(session, lane=lane)


def mode_payload(session: Session, cards: list[Reflection] | None = None) -> dict:
    """The `board:mode` event: mode, revealed lanes, and any cards a reveal made visible."""
    authors = _authors(session.id)
    return {
        "mode": session.board_mode,
        "revealed_lanes": list(session.revealed_lanes or []),
        "reflections": [card_payload(c, authors.get(c.participant_id)) for c in cards or []],
    }
