"""Keeping each session's data_version exact: the listeners that bump it on every write.

A stored digest (digests.py) is used only while its session's data_version is the one it
was stored at, so every write to a row the summary reads for a session must bump that
version in the same transaction. These listeners do it for ORM flushes and bulk statements,
so no service can forget. They live apart from the digests so that the app attaches them at
start without loading numpy and the summary's queries.
"""

from __future__ import annotations

from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from playtest.enums import SessionStatus
from playtest.models import (
    Attendance,
    Case,
    CaseEvent,
    Rating,
    Reflection,
    ReflectionGroup,
    SegmentRun,
    Session,
    Vote,
)

# Rows the summary reads per session; each has the session_id it counts in.
SUMMARY_MODELS = (
    Attendance,
    Case,
    CaseEvent,
    Rating,
    Reflection,
    ReflectionGroup,
    SegmentRun,
    Vote,
)
_SUMMARY_TABLES = {model.__table__.name: model.__table__ for model in SUMMARY_MODELS}


# --- keeping data_version exact ---------------------------------------------------------------


_sessions = Session.__table__
_events = CaseEvent.__table__
_NEXT_VERSION = {"data_version": _sessions.c.data_version + 1}
# Built once: the flush listener runs on every card, vote and case event, and a prebuilt
# statement skips rebuilding the expression and its cache key each time.
_BUMP_SESSION = (
    sa.update(_sessions).where(_sessions.c.id == sa.bindparam("session_id")).values(_NEXT_VERSION)
)
_BUMP_SESSION_OF_EVENT = (
    sa.update(_sessions)
    .where(
        _sessions.c.id
        == sa.select(_events.c.session_id)
        .where(_events.c.id == sa.bindparam("event_id"))
        .scalar_subquery()
    )
    .values(_NEXT_VERSION)
)


def _known_unfinished(session: so.Session, session_id: int) -> bool:
    """True when this ORM session holds that Session row, loaded, with a status not finished."""
    live = session.identity_map.get(so.util.identity_key(Session, session_id))
    status = sa.inspect(live).dict.get("status") if live is not None else None
    return status is not None and status != SessionStatus.FINISHED


def _bump(connection: sa.Connection, condition: sa.ColumnElement[bool]) -> None:
    """data_version + 1 for the sessions matching `condition`, in the writer's transaction."""
    connection.execute(sa.update(_sessions).where(condition).values(_NEXT_VERSION))


def watch_summary_rows(sessions: so.scoped_session) -> None:
    """Attach the listeners that keep data_version exact to these ORM sessions (once)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _before_bulk_statement),
    ):
        if not sa.event.contains(sessions, name, listener):
            sa.event.listen(sessions, name, listener)


def _after_flush(session: so.Session, _context: object) -> None:
    """ORM writes: every added, changed or deleted summary row bumps the session it counts in.

    A correction also bumps the session of the event it undoes (that session's handoffs
    change); a case answered in a later session bumps the session it was opened in.

    Writes to a session this transaction read as not finished need no bump (the posting
    hot path: cards, votes, case events), since no digest of an unfinished session exists,
    and none is stored until DIGEST_AFTER_FINISH_S after it finishes, by when any write that
    saw it running has committed.
    """
    session_ids: set[int] = set()
    corrected: set[int] = set()
    for row in chain(session.new, session.dirty, session.deleted):
        if isinstance(row, SUMMARY_MODELS) and row.session_id is not None:
            session_ids.add(row.session_id)
            if isinstance(row, CaseEvent) and row.corrects_id is not None:
                corrected.add(row.corrects_id)
    session_ids = {i for i in session_ids if not _known_unfinished(session, i)}
    connection = session.connection() if session_ids or corrected else None
    if session_ids:  # in id order, so concurrent writers lock sessions rows in one order
        connection.execute(_BUMP_SESSION, [{"session_id": i} for i in sorted(session_ids)])
    if corrected:
        connection.execute(_BUMP_SESSION_OF_EVENT, [{"event_id": i} for i in sorted(corrected)])


def _before_bulk_statement(state: so.ORMExecuteState) -> None:
    """Bulk INSERT/UPDATE/DELETE through the session (purges, seeding) bump sessions too."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is None or table.name not in _SUMMARY_TABLES:
        return
    ids = _sessions.c.id
    if state.is_insert:
        params = state.parameters
        rows = params if isinstance(params, list) else [params or {}]
        session_ids = {row.get("session_id") for row in rows}
        if None in session_ids:  # values given in the statement itself: bump every session
            _bump(state.session.connection(), sa.true())
        elif session_ids:
            _bump(state.session.connection(), ids.in_(sorted(session_ids)))
        return
    touched = sa.select(table.c.session_id)
    if state.statement.whereclause is not None:
        touched = touched.where(state.statement.whereclause)
    _bump(state.session.connection(), ids.in_(touched))
