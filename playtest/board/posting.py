"""Posting a card: a participant's hot path (one read, one Core INSERT, the COMMIT).

Exactly once per client_id; the payloads for the room are built before the COMMIT from what
the transaction read and wrote (board/cards.py serialises them).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from playtest import room_versions
from playtest.board.cards import author_view, board_lane, card_deliveries, card_payload, clean_text
from playtest.enums import Anonymity, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.guards import require, require_client_id, require_open
from playtest.models import Attendance, Reflection, Session
from playtest.playbooks.documents import session_document
from playtest.realtime import Delivery, Viewer
from playtest.security import looks_personal, take_post_allowance
from playtest.timeutil import utcnow

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
        card_deliveries(row, card, "reflection:added", author),
    )
    room_versions.changed(viewer.session_id)  # the ORM's flush listeners do not see a Core INSERT
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
    lane = board_lane(session, payload.get("lane"))
    text = clean_text(payload.get("text"))
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
