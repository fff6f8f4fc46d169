"""When a cached room snapshot is still true: every committed change to what a `state` shows.

A participant's or projector's `state` is mostly the same for everyone in the room (the
board, cases, agenda, actions, "since last time"); facilitation/snapshot.py builds that
shared part once and keeps it while nothing it shows has changed. This module says when
something has: a process-wide clock ticks at every committed change, and each change is
filed under the playtest it belongs to (a playtest's sessions share cases across a round,
actions and carry-over across rounds, so a change anywhere in it may show in any of them).
A shared part built in a transaction that began at tick `t` is fresh while no change to its
playtest (and no change to everything) has ticked after `t`.

Changes are learned three ways, so no service can forget one:
- ORM writes, from the session's flush (rows of the models a `state` shows);
- bulk statements through the session (purges, seeding): everything changed, unless the
  table is one a `state` never shows;
- writes in another process (several workers over Redis): every change a connected phone
  sees live is announced to its room through the message queue, and `RoomAwareRedisManager`
  files it on receipt, before the announcement reaches this process's sockets, so a socket
  that joins the room after the announcement never gets a shared part built before the
  change. (A change no connected phone is told of, such as a participant rejoining under a
  new name, reaches phones connecting to another process with the room's next change, as it
  reaches the phones already connected.)
A Core write on the session's connection (the posting hot path) calls `changed` itself.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from itertools import chain

import socketio as socketio_package
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app

from playtest.extensions import db
from playtest.models import (
    ApiToken,
    AuditEntry,
    Connection,
    Instance,
    PasswordLink,
    Playbook,
    Playtest,
    PlaytestMember,
    Rating,
    Round,
    SegmentRun,
    Session,
    SessionDigest,
    User,
)

EVERYTHING = None  # a change filed under no playtest in particular: every snapshot is stale
# Rows no shared part shows (presence, a person's own ratings, staff-only facts, accounts,
# stored digests, immutable playbooks): writing them leaves every snapshot true.
_UNSHOWN = (
    ApiToken,
    AuditEntry,
    Connection,
    Instance,
    PasswordLink,
    Playbook,
    PlaytestMember,
    Rating,
    SegmentRun,
    SessionDigest,
    User,
)
_UNSHOWN_TABLES = {model.__table__.name for model in _UNSHOWN}
# Room events that change no shared part: presence, a person's own facts, staff progress.
QUIET_EVENTS = frozenset({"presence", "me", "me:votes", "rating:progress", "ready:progress"})
_PENDING = "playtest.room_changes"
_BEGAN = "playtest.room_began"


class RoomVersions:
    """This app's change clock: the tick of each playtest's last change, and of "everything"."""

    def __init__(self) -> None:
        self._ticks = itertools.count(1)
        self.now = 0
        self.changed_at: dict[int, int] = {}
        self.everything_at = 0
        # session id -> playtest id, and round id -> playtest id: fixed once created.
        self.session_playtests: dict[int, int] = {}
        self.round_playtests: dict[int, int] = {}
        self.lock = threading.Lock()

    def bump(self, playtest_ids: set[int | None]) -> None:
        with self.lock:
            self.now = next(self._ticks)
            for playtest_id in playtest_ids:
                if playtest_id is EVERYTHING:
                    self.everything_at = self.now
                else:
                    self.changed_at[playtest_id] = self.now

    def fresh(self, playtest_id: int, built_from: int) -> bool:
        """Whether a shared part built in a transaction begun at `built_from` is still true."""
        return (
            self.everything_at <= built_from and self.changed_at.get(playtest_id, 0) <= built_from
        )

    def learn(self, session: Session) -> int:
        """Remember which playtest a loaded session belongs to (a remote change names only the
        session); returns it."""
        round_ = session.round
        self.session_playtests[session.id] = round_.playtest_id
        self.round_playtests[round_.id] = round_.playtest_id
        return round_.playtest_id


def versions(app: Flask | None = None) -> RoomVersions:
    """The app's clock, the current app's by default (each app, e.g. each test's, has its own)."""
    extensions = (app or current_app).extensions
    found = extensions.get("playtest.room_versions")
    if found is None:
        found = extensions.setdefault("playtest.room_versions", RoomVersions())
    return found


def began_at() -> int:
    """The tick at which the ORM session's current transaction began (now, if none has)."""
    return db.session.info.get(_BEGAN, versions().now)


def wrote_nothing() -> bool:
    """Whether the current transaction has changed nothing a `state` shows (yet): only then is
    what it reads committed data, fit to keep for the room."""
    session = db.session
    if session.info.get(_PENDING):
        return False
    return not any(_shown_rows(session))


def changed(session_id: int) -> None:
    """A Core write in this transaction changed what the session's room shows."""
    db.session.info.setdefault(_PENDING, set()).add(_playtest_of_session(db.session, session_id))


# --- the ORM session's listeners -------------------------------------------------------------


def watch_room_rows(sessions: so.scoped_session) -> None:
    """Attach the listeners that file every committed change (once)."""
    for name, listener in (
        ("after_begin", _after_begin),
        ("after_flush", _after_flush),
        ("do_orm_execute", _before_bulk_statement),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not sa.event.contains(sessions, name, listener):
            sa.event.listen(sessions, name, listener)


def _after_begin(session: so.Session, _transaction: object, _connection: object) -> None:
    session.info.setdefault(_BEGAN, versions().now)


def _shown_rows(session: so.Session) -> Iterator[object]:
    """The rows this ORM session will write (or has flushed) that a `state` may show."""
    for row in chain(session.new, session.dirty, session.deleted):
        if not isinstance(row, _UNSHOWN):
            yield row


def _after_flush(session: so.Session, _context: object) -> None:
    pending = session.info.setdefault(_PENDING, set())
    for row in _shown_rows(session):
        pending.add(_playtest_of_row(session, row))


def _before_bulk_statement(state: so.ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in _UNSHOWN_TABLES:
        return
    state.session.info.setdefault(_PENDING, set()).add(EVERYTHING)


def _after_commit(session: so.Session) -> None:
    pending = session.info.pop(_PENDING, None)
    session.info.pop(_BEGAN, None)
    if pending:
        versions().bump(pending)


def _after_rollback(session: so.Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_BEGAN, None)


def _playtest_of_row(session: so.Session, row: object) -> int | None:
    """The playtest a row counts in: its own, its round's or its session's (EVERYTHING when
    it names none)."""
    if isinstance(row, Playtest):
        return row.id
    playtest_id = getattr(row, "playtest_id", None)  # rounds, actions, participants
    if isinstance(playtest_id, int):
        return playtest_id
    round_id = getattr(row, "round_id", None)  # sessions, cases
    if isinstance(round_id, int):
        return _playtest_of_round(session, round_id)
    session_id = getattr(row, "session_id", None)  # cards, votes, groups, attendances, events
    if isinstance(session_id, int):
        return _playtest_of_session(session, session_id)
    return EVERYTHING


# Which playtest a session or a round belongs to: asked once per id, remembered (it never
# changes), so a change to a known room costs no statement.
_PLAYTEST_OF_SESSION = (
    sa.select(Round.playtest_id)
    .join(Session, Session.round_id == Round.id)
    .where(Session.id == sa.bindparam("id"))
)
_PLAYTEST_OF_ROUND = sa.select(Round.playtest_id).where(Round.id == sa.bindparam("id"))


def _playtest_of_session(session: so.Session, session_id: int) -> int | None:
    return _remembered(session, versions().session_playtests, _PLAYTEST_OF_SESSION, session_id)


def _playtest_of_round(session: so.Session, round_id: int) -> int | None:
    return _remembered(session, versions().round_playtests, _PLAYTEST_OF_ROUND, round_id)


def _remembered(
    session: so.Session, known: dict[int, int], statement: sa.Select, key: int
) -> int | None:
    if key not in known:
        found = session.connection().scalar(statement, {"id": key})
        if found is None:  # deleted with its playtest, or never there
            return EVERYTHING
        known[key] = found
    return known[key]


# --- changes made by other processes ----------------------------------------------------------


class RoomAwareRedisManager(socketio_package.RedisManager):
    """Flask-SocketIO's Redis manager, filing each room announcement as a change first.

    Every message, this process's own and the others', passes `_handle_emit` before it is
    delivered to this process's sockets. An announcement to a session's room (or its staff
    room) files a change to the session's playtest; one to every socket files a change to
    everything; a person's own room (attendance:N) carries only their own facts, which no
    shared part holds, and presence and progress events change nothing shared.
    """

    def __init__(self, url: str, *, channel: str, room_versions: RoomVersions) -> None:
        super().__init__(url, channel=channel)
        self.room_versions = room_versions

    def _handle_emit(self, message: dict) -> None:
        if message.get("event") not in QUIET_EVENTS:
            changes = _changes_announced(message.get("room"), self.room_versions)
            if changes:
                self.room_versions.bump(changes)
        super()._handle_emit(message)


def _changes_announced(room: object, room_versions: RoomVersions) -> set[int | None]:
    rooms = room if isinstance(room, list | tuple) else [room]
    changes: set[int | None] = set()
    for name in rooms:
        if name is None:
            changes.add(EVERYTHING)
        elif isinstance(name, str) and name.startswith("session:"):
            number = name.split(":")[1]
            session_id = int(number) if number.isdigit() else None
            changes.add(room_versions.session_playtests.get(session_id, EVERYTHING))
    return changes
