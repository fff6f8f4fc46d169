"""Who and what a summary covers: a playtest's rounds (with their playbook's lists) and
sessions (with their clock and data version), read set-based, not their rows.

Split from queries.py, which reads the sessions' rows; both run column queries on the
ORM session's connection (`run`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from playtest.extensions import db
from playtest.models import Playbook, Round, SegmentRun, Session

Sessions = Sequence[int] | sa.Select  # the sessions a query reads: ids, or a select of ids


@dataclass(frozen=True)
class RoundInfo:
    """A round with what its playbook says: lanes, roles, questions and the agendas."""

    id: int
    label: str
    position: int
    is_baseline: bool
    playbook_id: int
    playbook_title: str
    playbook_version: int
    lanes: tuple[str, ...]
    roles: tuple[str, ...]
    questions: tuple[str, ...]
    agendas: tuple[tuple[dict, ...], ...]  # per session number - 1: segments {title, minutes, kind}

    def agenda(self, number: int) -> tuple[dict, ...]:
        """Session N's segments; a number the playbook does not plan has no agenda."""
        return self.agendas[number - 1] if 1 <= number <= len(self.agendas) else ()


@dataclass(frozen=True)
class SessionInfo:
    """One session's identity, clock state and data version (not its rows)."""

    id: int
    round_id: int
    number: int
    status: str
    finished_at: datetime | None
    data_version: int
    started_at: datetime | None = None  # its first segment run's start; None: never started
    # The session's own agenda as edited (facilitation/agenda.py); None: the playbook's.
    agenda: tuple[dict, ...] | None = None

    def segments(self, round_: RoundInfo) -> tuple[dict, ...]:
        """This session's segments: its own (as edited), else the round's playbook's."""
        return self.agenda if self.agenda is not None else round_.agenda(self.number)


def run(statement: sa.Executable) -> sa.CursorResult:
    """Run a column query on the session's connection (same transaction, no ORM loading)."""
    return db.session.connection().execute(statement)


def sessions_of(playtest_id: int) -> sa.Select:
    """A select of the playtest's session ids."""
    return (
        sa.select(Session.id)
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
    )


def round_infos(playtest_id: int) -> list[RoundInfo]:
    """The playtest's rounds in order, with their playbook's lists."""
    rows = run(
        sa.select(Round.id, Round.label, Round.position, Round.is_baseline, Round.playbook_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Round.id)
    ).all()
    # Each playbook once: rounds often share one, and its document is the costly column.
    playbooks = {
        row.id: row
        for row in run(
            sa.select(Playbook.id, Playbook.title, Playbook.version, Playbook.document).where(
                Playbook.id.in_({row.playbook_id for row in rows})
            )
        )
    }
    plans = {playbook_id: _plan(row.document) for playbook_id, row in playbooks.items()}
    return [
        RoundInfo(
            id=row.id,
            label=row.label,
            position=row.position,
            is_baseline=row.is_baseline,
            playbook_id=row.playbook_id,
            playbook_title=playbooks[row.playbook_id].title,
            playbook_version=playbooks[row.playbook_id].version,
            **plans[row.playbook_id],
        )
        for row in rows
    ]


def _plan(document: dict) -> dict:
    """A playbook document's lanes, roles, questions and agendas, as RoundInfo holds them."""
    return {
        "lanes": tuple(document.get("lanes") or ()),
        "roles": tuple(document.get("roles") or ()),
        "questions": tuple(document.get("questions") or ()),
        "agendas": tuple(
            tuple(
                {"title": seg["title"], "minutes": seg["minutes"], "kind": seg["kind"]}
                for seg in session["segments"]
            )
            for session in document.get("sessions") or ()
        ),
    }


def session_infos(playtest_id: int) -> list[SessionInfo]:
    """The playtest's sessions in order, each with when it first started (its window's start)."""
    first_start = (
        sa.select(sa.func.min(SegmentRun.started_at))
        .where(SegmentRun.session_id == Session.id)
        .scalar_subquery()
    )
    rows = run(
        sa.select(
            Session.id,
            Session.round_id,
            Session.number,
            Session.status,
            raw(Session.finished_at),
            Session.data_version,
            raw(first_start),
            Session.agenda,
        )
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Round.id, Session.number)
    ).all()
    return [
        SessionInfo(
            id_,
            round_id,
            number,
            status,
            utc(finished),
            version,
            utc(started),
            tuple(agenda) if agenda is not None else None,
        )
        for id_, round_id, number, status, finished, version, started, agenda in rows
    ]


def raw(column: sa.ColumnElement) -> sa.ColumnElement:
    """The column's value as the driver returns it, skipping per-value Python processing."""
    return sa.type_coerce(column, sa.types.NullType())


def utc(value: str | datetime | None) -> datetime | None:
    """A stored UTC time (_raw: SQLite text, PostgreSQL a naive datetime) as an aware one."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)
