"""Editing a running session's agenda (`agenda:edit`, DESIGN.md §9): the rule is the pure
agenda.py's; this module finds what has started, words refusals and stores the result."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from playtest.enums import ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.facilitation import agenda
from playtest.facilitation.agenda import AgendaRefusal
from playtest.facilitation.timekeeping import session_segments
from playtest.guards import audit, require, require_open
from playtest.models import SegmentRun, Session
from playtest.realtime import Viewer

REFUSALS = {
    AgendaRefusal.UNKNOWN_OP: _l("Say what to change: op is one of %(ops)s."),
    AgendaRefusal.NO_SUCH_SEGMENT: _l("The agenda has no such segment."),
    AgendaRefusal.STARTED: _l(
        "Only segments that have not started can change: not the current one or one that ran."
    ),
    AgendaRefusal.BAD_POSITION: _l("That place is not in the part of the agenda still to come."),
    AgendaRefusal.BAD_MINUTES: _l("A segment lasts a whole number of minutes, %(min)d to %(max)d."),
    AgendaRefusal.BAD_TITLE: _l("Give the segment a title (up to %(max)d characters)."),
    AgendaRefusal.BAD_KIND: _l("A segment's kind is one of %(kinds)s."),
    AgendaRefusal.TOO_MANY: _l("An agenda holds at most %(max)d segments."),
    AgendaRefusal.LAST_ONE: _l("The agenda needs at least one segment."),
}


def first_free(session: Session) -> int:
    """The first position of the agenda that has not started."""
    ran = db.session.scalars(
        sa.select(SegmentRun.segment_index).where(SegmentRun.session_id == session.id).distinct()
    ).all()
    return agenda.first_free(session.status, session.segment_index, ran)


def edit_agenda(viewer: Viewer, payload: dict) -> Session:
    """Apply one agenda edit for a facilitator; returns the session, agenda stored."""
    require(viewer, ViewerKind.FACILITATOR)
    session = db.session.get(Session, viewer.session_id, with_for_update=True)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    require_open(session)
    try:
        edited = agenda.edit(
            session_segments(session), payload, first_free(session), f"n{secrets.token_hex(4)}"
        )
    except agenda.AgendaError as exc:
        raise ActionError(ErrorCode.INVALID, str(REFUSALS[exc.code]) % exc.params) from exc
    session.agenda = edited
    audit(viewer, "agenda:" + payload["op"], f"session:{session.id}", _detail(payload))
    db.session.commit()
    return session


def _detail(payload: dict) -> dict:
    return {
        key: payload[key] for key in ("index", "to", "at", "minutes", "title") if key in payload
    }
