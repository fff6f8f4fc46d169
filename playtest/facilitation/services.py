"""Playtests, rounds, sessions, joining, the clock and presence: the rules, in one place.

Routes, socket handlers and the API call these functions; they never repeat a rule.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from playtest import access, config
from playtest.enums import MemberRole, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.facilitation import agenda

# The clock's service lives in timekeeping.py; these names stay importable from here.
from playtest.facilitation.timekeeping import (  # noqa: E402, F401
    clock_of,
    clock_refusal_message,
    control_clock,
    planned_seconds,
    session_agenda,
    session_segments,
    timer,
)
from playtest.guards import require_open
from playtest.members.services import founding_members
from playtest.models import (
    Attendance,
    Connection,
    Participant,
    Playbook,
    Playtest,
    Round,
    Session,
    User,
    hash_token,
)
from playtest.playbooks.documents import canonical_role, session_document
from playtest.realtime import STAFF_KINDS, Viewer
from playtest.timeutil import utcnow


def staff_viewer(
    user: User, session_id: int, role: MemberRole | None = None, token_id: int | None = None
) -> Viewer:
    """A staff member looking at a session, as their role in its playtest lets them (looked
    up when not given: a non-member gets 404). `token_id`: the API token a socket connected
    with; else its login cookie's session version is kept; both are checked again on every
    staff event (realtime.live_event)."""
    if role is None:
        role = access.session_access(user, session_id)[1]
    return Viewer(
        kind=access.viewer_kind(role),
        session_id=session_id,
        user_id=user.id,
        session_version=None if token_id is not None else user.session_version,
        token_id=token_id,
    )


# --- playtests, rounds, sessions -------------------------------------------------------------


def create_playtest(title: str, user: User | None = None) -> Playtest:
    """A new playtest, owned by its creator (see members.services.founding_members)."""
    title = (title or "").strip()
    if not title or len(title) > config.TITLE_MAX_CHARS:
        raise ActionError(
            ErrorCode.INVALID,
            _("Give the playtest a title (up to %(n)d characters).", n=config.TITLE_MAX_CHARS),
        )
    playtest = Playtest(title=title, created_by_id=user.id if user else None)
    db.session.add(playtest)
    founding_members(playtest, user)
    db.session.commit()
    return playtest


def add_round(
    playtest: Playtest,
    label: str,
    playbook_id: int,
    *,
    paired_playbook_id: int | None = None,
    baseline: bool = False,
) -> Round:
    label = (label or "").strip()
    if not label or len(label) > config.TITLE_MAX_CHARS:
        raise ActionError(
            ErrorCode.INVALID,
            _("Give the round a label (up to %(n)d characters).", n=config.TITLE_MAX_CHARS),
        )
    playbook = db.session.get(Playbook, playbook_id) if playbook_id else None
    if playbook is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such playbook."))
    paired = db.session.get(Playbook, paired_playbook_id) if paired_playbook_id else None
    if paired_playbook_id and paired is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such playbook to pair."))
    if paired is not None and paired.language == playbook.language:
        raise ActionError(
            ErrorCode.INVALID, _("Pair the playbook with its version in the other language.")
        )
    if baseline:
        for other in playtest.rounds:
            other.is_baseline = False
    round_ = Round(
        playtest=playtest,
        label=label,
        playbook=playbook,
        paired_playbook=paired,
        position=len(playtest.rounds),
        is_baseline=baseline,
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def mark_baseline(round_: Round) -> None:
    for other in round_.playtest.rounds:
        other.is_baseline = other.id == round_.id
    db.session.commit()


def schedule_session(round_: Round, number: int) -> tuple[Session, bool]:
    """The round's session N, created if needed; returns (session, created)."""
    sessions_planned = len(round_.playbook.document["sessions"])
    if not isinstance(number, int) or not 1 <= number <= sessions_planned:
        raise ActionError(
            ErrorCode.INVALID,
            _("Session number must be from 1 to %(n)d.", n=sessions_planned),
        )
    existing = db.session.scalar(
        sa.select(Session).where(Session.round_id == round_.id, Session.number == number)
    )
    if existing is not None:
        return existing, False
    session = Session(
        round=round_,
        number=number,
        join_code=_new_join_code(),
        view_token=secrets.token_urlsafe(24),
    )
    # Its own copy of the agenda, which the facilitator may edit while it runs.
    session.agenda = agenda.from_playbook(
        round_.playbook.document["sessions"][number - 1]["segments"]
    )
    db.session.add(session)
    db.session.commit()
    return session, True


def _new_join_code() -> str:
    while True:
        code = "".join(
            secrets.choice(config.JOIN_CODE_ALPHABET) for _ in range(config.JOIN_CODE_LENGTH)
        )
        if db.session.scalar(sa.select(Session.id).where(Session.join_code == code)) is None:
            return code


def normalise_code(code: str) -> str:
    """Codes are typed on phones: ignore case, spaces and dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def session_by_code(code: str) -> Session:
    session = db.session.scalar(sa.select(Session).where(Session.join_code == normalise_code(code)))
    if session is None:
        raise ActionError(
            ErrorCode.NOT_FOUND, _("No session has that code. Check it and try again.")
        )
    return session


# --- joining ---------------------------------------------------------------------------------


def join(
    code: str,
    display_name: str,
    role: str,
    previous_token: str | None = None,
    language: str | None = None,
) -> tuple[str, Attendance]:
    """Join a session without an account; returns (participant token, attendance).

    `previous_token` from an earlier session of the same playtest keeps the same participant,
    so their before/after ratings pair up across sessions.
    """
    session = session_by_code(code)
    require_open(session)
    name = " ".join((display_name or "").split())
    if not name or len(name) > config.DISPLAY_NAME_MAX_CHARS:
        raise ActionError(
            ErrorCode.INVALID,
            _("Enter a display name (up to %(n)d characters).", n=config.DISPLAY_NAME_MAX_CHARS),
        )
    if session_document(session)["roles"]:
        # A role named in the paired playbook's language is stored under the round's own name.
        role = canonical_role(session, role)
        if role is None:
            raise ActionError(ErrorCode.INVALID, _("Choose one of the roles listed."))
    else:
        role = role or config.DEFAULT_ROLE  # a key, shown translated
    previous = attendance_for_token(previous_token) if previous_token else None
    playtest_id = session.round.playtest_id
    token = secrets.token_urlsafe(32)
    if previous is not None and previous.session.round.playtest_id == playtest_id:
        participant = previous.participant
    else:
        participant = Participant(playtest_id=playtest_id)
        db.session.add(participant)
        db.session.flush()
    attendance = db.session.scalar(
        sa.select(Attendance).where(
            Attendance.participant_id == participant.id, Attendance.session_id == session.id
        )
    )
    if attendance is None:
        attendance = Attendance(participant=participant, session=session)
        db.session.add(attendance)
    if previous is not None and previous.id == attendance.id:
        token = previous_token  # rejoining this session: keep the token other tabs hold
    attendance.token_hash = hash_token(token)
    attendance.display_name = name
    set_role(attendance, role)
    attendance.language = language if language in config.LANGUAGES else None
    db.session.commit()
    return token, attendance


def set_role(attendance: Attendance, role: str) -> None:
    """The participant's role in this session, and on their open sockets (presence counts
    roles from the connections alone); the caller commits."""
    attendance.role = role
    if attendance.id is not None:
        db.session.execute(
            sa.update(Connection).where(Connection.attendance_id == attendance.id).values(role=role)
        )


def attendance_for_token(token: str | None) -> Attendance | None:
    if not token or len(token) > config.TOKEN_MAX_CHARS:
        return None
    return db.session.scalar(
        sa.select(Attendance).where(Attendance.token_hash == hash_token(token))
    )


def participant_viewer(attendance: Attendance) -> Viewer:
    return Viewer(
        kind=ViewerKind.PARTICIPANT,
        session_id=attendance.session_id,
        participant_id=attendance.participant_id,
        attendance_id=attendance.id,
        role=attendance.role,
    )


def projector_viewer(session_id: int, view_token: str) -> Viewer | None:
    session = db.session.get(Session, session_id)
    if session is None or not secrets.compare_digest(session.view_token, view_token or ""):
        return None
    return Viewer(kind=ViewerKind.PROJECTOR, session_id=session_id)


# --- presence --------------------------------------------------------------------------------


def session_for_live(session_id: int) -> Session | None:
    """The session a socket connects to. Its round and playtest are loaded only if the room's
    shared snapshot has to be built (facilitation/snapshot.room_part), not per connect."""
    return db.session.get(Session, session_id)


# Built once: every connect runs it (a room of phones reconnecting at once, N times).
_INSERT_CONNECTION = sa.insert(Connection)


def connected(sid: str, viewer: Viewer, worker_id: str) -> None:
    """Record a socket as online; the caller commits (after counting presence with it).

    A Core INSERT on the session's connection, past the ORM (its add and flush, or its bulk
    insert): a Socket.IO sid is random and never reused, and nothing reads the row back in
    this transaction but presence's counts, which are Core too.
    """
    db.session.connection().execute(
        _INSERT_CONNECTION,
        {
            "sid": sid,
            "session_id": viewer.session_id,
            "attendance_id": viewer.attendance_id,
            "user_id": viewer.user_id,
            "kind": viewer.kind,
            "role": viewer.role,
            "worker_id": worker_id,
            "seen_at": utcnow(),
        },
    )


def disconnected(sid: str) -> int | None:
    """Forget a socket; returns its session id (None when it was unknown)."""
    session_id = db.session.scalar(
        sa.delete(Connection).where(Connection.sid == sid).returning(Connection.session_id)
    )
    db.session.commit()
    return session_id


def heartbeat(worker_id: str) -> None:
    """Mark this process's sockets alive; rows of a killed process go stale by themselves."""
    db.session.execute(
        sa.update(Connection).where(Connection.worker_id == worker_id).values(seen_at=utcnow())
    )
    stale = utcnow() - timedelta(seconds=config.PRESENCE_TIMEOUT_S * 5)
    db.session.execute(sa.delete(Connection).where(Connection.seen_at < stale))
    db.session.commit()


# This session's live sockets (seen within the presence timeout), as bound parameters
# (_online_now): built once, since every connect counts presence (a room reconnecting at
# once does it N times), and a prebuilt statement skips rebuilding its cache key.
_ONLINE = sa.and_(
    Connection.session_id == sa.bindparam("session_id"),
    Connection.seen_at >= sa.bindparam("fresh"),
)


def _online_now(session_id: int) -> dict:
    return {
        "session_id": session_id,
        "fresh": utcnow() - timedelta(seconds=config.PRESENCE_TIMEOUT_S),
    }


def presence(session_id: int) -> dict:
    """Who is online now: participants by role, and their names for the console."""
    # One statement for participants and staff: one row per live socket of the session.
    rows = db.session.execute(
        sa.select(
            Connection.kind,
            Connection.user_id,
            Attendance.participant_id,
            Attendance.display_name,
            Attendance.role,
        )
        .outerjoin(Attendance, Connection.attendance_id == Attendance.id)
        .where(_ONLINE)
        .order_by(Attendance.display_name),
        _online_now(session_id),
    ).all()
    # A person with two tabs open is online once.
    people = dict.fromkeys(
        (row.participant_id, row.display_name, row.role)
        for row in rows
        if row.participant_id is not None
    )
    staff = {row.user_id for row in rows if row.kind in STAFF_KINDS and row.user_id is not None}
    by_role: dict[str, int] = {}
    for _participant_id, _name, role in people:
        by_role[role] = by_role.get(role, 0) + 1
    by_role = dict(sorted(by_role.items()))  # in presence_counts' order
    return {
        "online": len(people),
        "by_role": by_role,
        "staff": len(staff),
        "people": [
            {"participant_id": participant_id, "display_name": name, "role": role}
            for participant_id, name, role in people
        ],
    }


# One statement over the presence index alone (models.Connection): participants counted once
# per attendance (two tabs are one person), staff once per account (their sockets have no role).
_ONLINE_BY_ROLE = (
    sa.select(
        Connection.role,
        sa.func.count(
            sa.distinct(
                sa.case((Connection.kind == ViewerKind.PARTICIPANT, Connection.attendance_id))
            )
        ),
        sa.func.count(sa.distinct(sa.case((Connection.kind.in_(STAFF_KINDS), Connection.user_id)))),
    )
    .where(_ONLINE)
    .group_by(Connection.role)
    .order_by(Connection.role)
)


def presence_counts(session_id: int) -> dict:
    """presence() without the names, counted by the database: what a participant's `state`
    carries. A room of N phones reconnecting at once would otherwise load N rows N times."""
    by_role: dict[str, int] = {}
    staff = 0
    # On the connection, past the ORM's execution (nothing to flush, no entities to load).
    for role, participants, accounts in db.session.connection().execute(
        _ONLINE_BY_ROLE, _online_now(session_id)
    ):
        if role is None:
            staff += accounts
        elif participants:
            by_role[role] = participants
    return {"online": sum(by_role.values()), "by_role": by_role, "staff": staff}
