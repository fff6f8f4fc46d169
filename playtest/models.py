"""Typed SQLAlchemy models. No request code here: services and routes use these."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from playtest import config
from playtest.enums import AccountRole, BoardMode, CaseStatus, MemberRole, SessionStatus
from playtest.extensions import db
from playtest.timeutil import utcnow


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC (SQLite has no zones), always hands back aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def hash_token(token: str) -> str:
    """Tokens are stored hashed, so a database leak does not hand out live sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    """A staff account: an admin manages accounts, a facilitator runs playtests, an observer
    only reads. Which playtests it sees is its memberships' (PlaytestMember)."""

    __tablename__ = "users"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(config.EMAIL_MAX_CHARS), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=AccountRole.FACILITATOR)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Part of every login cookie (get_id) and checked on every request and staff socket
    # event: bumping it (sign-out, a new password, deactivation) ends every open session.
    session_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    def set_password(self, password: str) -> None:
        """A new password; every session signed in with the old one ends."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Every login cookie and staff socket of this account stops working."""
        self.session_version = (self.session_version or 0) + 1

    def get_id(self) -> str:  # Flask-Login: what the login cookie carries
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == AccountRole.ADMIN

    @property
    def is_facilitator(self) -> bool:
        """May create playtests and be a facilitator member (admins are facilitators too)."""
        return self.role in (AccountRole.ADMIN, AccountRole.FACILITATOR)


class ApiToken(db.Model):
    """A bearer token for the JSON API and the live socket (from `playtest create-token`)."""

    __tablename__ = "api_tokens"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The token's first characters, so people can tell their tokens apart (never the token).
    hint: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    user: so.Mapped[User] = so.relationship()


class PasswordLink(db.Model):
    """A one-time set-password link for an account (stored hashed; expires; used once)."""

    __tablename__ = "password_links"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    user: so.Mapped[User] = so.relationship()


class Instance(db.Model):
    """This installation: the id that namespaces its Socket.IO channel and Redis keys.

    One row, written by the migration that creates it, so every process over one database
    shares the id and two databases (staging, production) never do.
    """

    __tablename__ = "instance"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    instance_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Playbook(db.Model):
    """One immutable version of a markdown playbook.

    Versions of one title by one account share a family (`family` is the title's slug, then
    `@<account id>` for an account's uploads): another account's upload of the same title
    starts a family of its own. The library is shared for reading and for use in rounds.
    """

    __tablename__ = "playbooks"
    __table_args__ = (sa.UniqueConstraint("family", "version"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    family: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    version: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="en")
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    source: so.Mapped[str] = so.mapped_column(sa.Text)
    document: so.Mapped[dict] = so.mapped_column(sa.JSON)  # parser.playbook_to_dict()
    warnings: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    share_token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class Playtest(db.Model):
    """One study, e.g. "Cross-functional intake workflow"; owns its rounds."""

    __tablename__ = "playtests"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    purged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # "You said, we did" (DESIGN.md §10): the secret of /y/<token>, shown while enabled.
    feedback_token: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True, index=True)
    feedback_enabled: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    rounds: so.Mapped[list[Round]] = so.relationship(
        back_populates="playtest", order_by="Round.position", cascade="all, delete-orphan"
    )
    members: so.Mapped[list[PlaytestMember]] = so.relationship(
        back_populates="playtest",
        order_by="PlaytestMember.id",
        cascade="all, delete-orphan",
        foreign_keys="PlaytestMember.playtest_id",
    )

    @property
    def baseline(self) -> Round | None:
        """The round marked as baseline, else the first round."""
        marked = [r for r in self.rounds if r.is_baseline]
        return marked[0] if marked else (self.rounds[0] if self.rounds else None)


class PlaytestMember(db.Model):
    """An account's part in one playtest: owner, facilitator or observer (DESIGN.md §12).

    Only members see a playtest; the rule is playtest/access.py's.
    """

    __tablename__ = "playtest_members"
    __table_args__ = (sa.UniqueConstraint("playtest_id", "user_id"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    playtest_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("playtests.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=MemberRole.OBSERVER)
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    added_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    playtest: so.Mapped[Playtest] = so.relationship(back_populates="members")
    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])


class Round(db.Model):
    """One prototype round of a playtest, tied to one playbook version."""

    __tablename__ = "rounds"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    playtest_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("playtests.id", ondelete="CASCADE"), index=True
    )
    label: so.Mapped[str] = so.mapped_column(sa.String(200))
    playbook_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("playbooks.id"))
    # The same playbook in the other language, paired by position (lanes, questions, segments).
    paired_playbook_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("playbooks.id"))
    position: so.Mapped[int] = so.mapped_column(default=0)
    is_baseline: so.Mapped[bool] = so.mapped_column(default=False)
    # A trial run: kept, but in no figure of the summary.
    excluded_from_summary: so.Mapped[bool] = so.mapped_column(
        default=False, server_default=sa.false()
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    playtest: so.Mapped[Playtest] = so.relationship(back_populates="rounds")
    playbook: so.Mapped[Playbook] = so.relationship(foreign_keys=[playbook_id])
    paired_playbook: so.Mapped[Playbook | None] = so.relationship(foreign_keys=[paired_playbook_id])
    sessions: so.Mapped[list[Session]] = so.relationship(
        back_populates="round", order_by="Session.number", cascade="all, delete-orphan"
    )


class Session(db.Model):
    """One timed run of a round's agenda; the clock state is stored, never ticked."""

    __tablename__ = "sessions"
    __table_args__ = (sa.UniqueConstraint("round_id", "number"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    join_code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    view_token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=SessionStatus.NOT_STARTED)
    segment_index: so.Mapped[int] = so.mapped_column(default=0)
    segment_started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    paused_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    paused_s: so.Mapped[float] = so.mapped_column(default=0.0)
    extension_s: so.Mapped[float] = so.mapped_column(default=0.0)
    board_mode: so.Mapped[str] = so.mapped_column(sa.String(10), default=BoardMode.OPEN)
    revealed_lanes: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    closed_phases: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)  # the first start
    undo: so.Mapped[dict | None] = so.mapped_column(sa.JSON)  # the last undoable timer action
    agenda: so.Mapped[list | None] = so.mapped_column(sa.JSON)  # facilitation/agenda.py
    ready_check: so.Mapped[dict | None] = so.mapped_column(sa.JSON)  # {segment_index, ready}
    after_open: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Bumped by summary.digests whenever a row the summary reads for this session changes:
    # a stored SessionDigest is current only while its data_version matches this one.
    data_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    round: so.Mapped[Round] = so.relationship(back_populates="sessions")


class SegmentRun(db.Model):
    """Planned vs actual: one row each time a segment starts running."""

    __tablename__ = "segment_runs"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    segment_index: so.Mapped[int]
    planned_min: so.Mapped[float]
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    paused_s: so.Mapped[float] = so.mapped_column(default=0.0)
    extension_s: so.Mapped[float] = so.mapped_column(default=0.0)
    ended_by: so.Mapped[str | None] = so.mapped_column(sa.String(20))  # "undo": reversed


class Participant(db.Model):
    """A pseudonymous person taking part in a playtest; the same across its sessions."""

    __tablename__ = "participants"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    playtest_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("playtests.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Attendance(db.Model):
    """A participant in one session: their token for it, display name and role there."""

    __tablename__ = "attendances"
    __table_args__ = (sa.UniqueConstraint("participant_id", "session_id"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE")
    )
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    role: so.Mapped[str] = so.mapped_column(sa.String(120))
    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    joined_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    participant: so.Mapped[Participant] = so.relationship()
    session: so.Mapped[Session] = so.relationship()


class ReflectionGroup(db.Model):
    """A named theme that merges several cards."""

    __tablename__ = "reflection_groups"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Reflection(db.Model):
    """A card on the board in one lane: a participant's, or (participant_id null) one a
    facilitator posted from the console, exactly once per (author_user_id, client_id)."""

    __tablename__ = "reflections"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "client_id"),
        sa.UniqueConstraint("author_user_id", "client_id"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    participant_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE")
    )
    # A facilitator's card: who posted it (never shown; the card says "Facilitator").
    author_user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    author_role: so.Mapped[str] = so.mapped_column(sa.String(120))
    client_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    lane: so.Mapped[str] = so.mapped_column(sa.String(120))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    hidden: so.Mapped[bool] = so.mapped_column(default=False)
    deleted: so.Mapped[bool] = so.mapped_column(default=False)
    pii_flag: so.Mapped[bool] = so.mapped_column(default=False)
    votes: so.Mapped[int] = so.mapped_column(default=0)  # kept in step with the votes table
    group_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("reflection_groups.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    group: so.Mapped[ReflectionGroup | None] = so.relationship()


class Vote(db.Model):
    """One participant's vote on one card (capped per session by the playbook's Votes)."""

    __tablename__ = "votes"
    __table_args__ = (sa.UniqueConstraint("reflection_id", "participant_id"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    reflection_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("reflections.id", ondelete="CASCADE")
    )
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE")
    )
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Case(db.Model):
    """A real case file worked in a round; its state is derived from its event log."""

    __tablename__ = "cases"
    __table_args__ = (sa.UniqueConstraint("participant_id", "client_id"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True
    )
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE")
    )
    client_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    label: so.Mapped[str] = so.mapped_column(sa.String(80))
    case_type: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    pii_flag: so.Mapped[bool] = so.mapped_column(default=False)
    opened_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Derived from case_events by cases.services.replay(); cached for queues and the summary.
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=CaseStatus.OPEN)
    holder_role: so.Mapped[str] = so.mapped_column(sa.String(120))
    handoffs: so.Mapped[int] = so.mapped_column(default=0)
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    answered_session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="SET NULL")
    )
    outcome: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    events: so.Mapped[list[CaseEvent]] = so.relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )


class CaseEvent(db.Model):
    """Append-only log of case work: opened, handoff, answered, and corrections."""

    __tablename__ = "case_events"
    __table_args__ = (sa.UniqueConstraint("participant_id", "client_id"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # an enums.CaseEventKind
    participant_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE")
    )
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    client_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    from_role: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    to_role: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    note: so.Mapped[str | None] = so.mapped_column(sa.String(500))  # reason or outcome
    corrects_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("case_events.id"), index=True
    )
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    case: so.Mapped[Case] = so.relationship(back_populates="events")


class Rating(db.Model):
    """One Likert answer to one playbook question, before or after a session."""

    __tablename__ = "ratings"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "session_id", "phase", "question_index"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE")
    )
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    phase: so.Mapped[str] = so.mapped_column(sa.String(10))  # an enums.RatingPhase
    question_index: so.Mapped[int]
    value: so.Mapped[int]
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class SessionDigest(db.Model):
    """A session's summary facts, stored so that a big playtest's summary reads a few rows.

    Written by summary.digests for finished sessions and current only while `data_version`
    equals its session's: any change to a row it was built from bumps the session's.
    """

    __tablename__ = "session_digests"
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    data_version: so.Mapped[int]
    format: so.Mapped[int]
    built_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    facts: so.Mapped[dict] = so.mapped_column(sa.JSON)
    handoffs: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)  # int64 per case
    minutes: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)  # float64 per case, NaN: open
    ratings: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)  # int64 rows of 4
    journeys: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)  # summary.journeys.pack()


class Connection(db.Model):
    """An open socket, for presence; rows of a dead process go stale after a heartbeat."""

    __tablename__ = "connections"
    # Presence counts a session's online sockets by role from this index alone (no table
    # rows, no join): a room reconnecting at once counts N times (facilitation/services.py).
    __table_args__ = (
        sa.Index(
            "ix_connections_presence",
            "session_id",
            "role",
            "kind",
            "attendance_id",
            "user_id",
            "seen_at",
        ),
    )
    sid: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    attendance_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("attendances.id", ondelete="CASCADE")
    )
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # an enums.ViewerKind
    # The attendance's role, kept with it (facilitation/services.set_role); staff have none.
    role: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    worker_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(db.Model):
    """Who changed what: moderation and corrections, kept for the facilitator's record."""

    __tablename__ = "audit_entries"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    session_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    target: so.Mapped[str] = so.mapped_column(sa.String(80))
    detail: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
