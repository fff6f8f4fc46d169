"""Set-based reads for the summary and the exports: one query per kind of row, per batch.

Nothing here loops over sessions or cases issuing queries. The summary reads a playtest's
rounds and sessions, then `session_facts()` for the sessions it has no stored digest of
(summary.digests): counts that need no row-level maths (cards per lane, the handoff map,
groups, top cards) are aggregated in SQL; the numbers the statistics need (each case's
handoffs and minutes to answer, each rating answer) come back as arrays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa

from playtest.enums import CaseEventKind, RatingPhase
from playtest.extensions import db
from playtest.facilitation.clock import actual_minutes
from playtest.models import (
    Attendance,
    Case,
    CaseEvent,
    Playbook,
    Rating,
    Reflection,
    ReflectionGroup,
    Round,
    SegmentRun,
    Session,
)
from playtest.summary.metrics import RatingRow
from playtest.timeutil import utcnow

TOP_CARDS_PER_LANE = 3
PHASE_CODES = {
    RatingPhase.BEFORE: 0,
    RatingPhase.AFTER: 1,
}  # how a rating's phase is kept in SessionFacts.ratings
PHASES = {code: phase for phase, code in PHASE_CODES.items()}

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
    # The session's own agenda as edited (facilitation/agenda.py); None: the playbook's.
    agenda: tuple[dict, ...] | None = None

    def segments(self, round_: RoundInfo) -> tuple[dict, ...]:
        """This session's segments: its own (as edited), else the round's playbook's."""
        return self.agenda if self.agenda is not None else round_.agenda(self.number)


@dataclass(frozen=True)
class CardRow:
    """A card as the summary shows it: never its author's identity, only a named card's role."""

    id: int
    session_id: int
    lane: str
    text: str
    votes: int
    author_role: str | None  # None for anonymous cards
    group: str | None


@dataclass(frozen=True)
class GroupRow:
    """A named theme with its (non-deleted) cards counted and their votes summed."""

    id: int
    session_id: int
    title: str
    cards: int
    votes: int


@dataclass
class SessionFacts:
    """What the summary reads of one session: enough to build its block and, exactly, its
    share of its round's (every case's numbers and every answer, not just their summaries).

    Cases count in the session they were opened in; handoffs in the session they happened in.
    """

    participants: list[int]  # who joined, by participant id
    handoffs: np.ndarray  # int64, per case opened here (by case id)
    minutes: np.ndarray  # float64 minutes from open to answer, per case; NaN while unanswered
    ratings: np.ndarray  # int64 rows (participant id, phase code, question index, value)
    lanes: dict[str, tuple[int, int]]  # lane -> (cards, of which hidden); deleted never count
    handoff_map: list[tuple[str | None, str | None, int]]  # (from role, to role, handoffs)
    top: list[CardRow]  # most-voted visible cards, TOP_CARDS_PER_LANE per lane
    groups: list[GroupRow]
    runs: list[tuple[int, float]]  # (segment index, running minutes) per segment run

    def rating_rows(self, session_id: int, order: int) -> list[RatingRow]:
        """The answers as metrics rows, the session ranked `order` within its scope."""
        return [
            RatingRow(participant, session_id, order, PHASES[phase], question, value)
            for participant, phase, question, value in self.ratings.tolist()
        ]


def _empty_facts() -> SessionFacts:
    return SessionFacts(
        participants=[],
        handoffs=np.zeros(0, dtype=np.int64),
        minutes=np.zeros(0, dtype=np.float64),
        ratings=np.zeros((0, 4), dtype=np.int64),
        lanes={},
        handoff_map=[],
        top=[],
        groups=[],
        runs=[],
    )


def _run(statement: sa.Executable) -> sa.CursorResult:
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
    rows = _run(
        sa.select(Round.id, Round.label, Round.position, Round.is_baseline, Round.playbook_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Round.id)
    ).all()
    # Each playbook once: rounds often share one, and its document is the costly column.
    playbooks = {
        row.id: row
        for row in _run(
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
    rows = _run(
        sa.select(
            Session.id,
            Session.round_id,
            Session.number,
            Session.status,
            _raw(Session.finished_at),
            Session.data_version,
            Session.agenda,
        )
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Round.id, Session.number)
    ).all()
    return [
        SessionInfo(id_, round_id, number, status, _utc(finished_at), version, _tuple(agenda))
        for id_, round_id, number, status, finished_at, version, agenda in rows
    ]


def _tuple(agenda: list | None) -> tuple[dict, ...] | None:
    return tuple(agenda) if agenda is not None else None


def _raw(column: sa.ColumnElement) -> sa.ColumnElement:
    """The column's value as the driver returns it, skipping per-value Python processing."""
    return sa.type_coerce(column, sa.types.NullType())


def _utc(value: str | datetime | None) -> datetime | None:
    """A stored UTC time (_raw: SQLite text, PostgreSQL a naive datetime) as an aware one."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def session_facts(sessions: Sequence[int]) -> dict[int, SessionFacts]:
    """Every session's facts, read set-based: one query per kind of row for the whole batch."""
    facts = {session_id: _empty_facts() for session_id in sessions}
    if not facts:
        return facts
    for session_id, participants in _participants(sessions).items():
        facts[session_id].participants = participants
    for session_id, (handoffs, minutes) in _case_columns(sessions).items():
        facts[session_id].handoffs, facts[session_id].minutes = handoffs, minutes
    for session_id, ratings in _ratings(sessions).items():
        facts[session_id].ratings = ratings
    for (session_id, lane), counts in lane_cards(sessions).items():
        facts[session_id].lanes[lane] = counts
    for session_id, from_role, to_role, count in handoff_counts(sessions):
        facts[session_id].handoff_map.append((from_role, to_role, count))
    for session_id, cards in top_cards(sessions).items():
        facts[session_id].top = cards
    for group in groups(sessions):
        facts[group.session_id].groups.append(group)
    for session_id, runs in segment_runs(sessions).items():
        facts[session_id].runs = runs
    return facts


def _participants(sessions: Sessions) -> dict[int, list[int]]:
    """session id -> the participants who joined it."""
    out: dict[int, list[int]] = defaultdict(list)
    for session_id, participant_id in _run(
        sa.select(Attendance.session_id, Attendance.participant_id)
        .where(Attendance.session_id.in_(sessions))
        .distinct()
        .order_by(Attendance.session_id, Attendance.participant_id)
    ):
        out[session_id].append(participant_id)
    return out


def _case_columns(sessions: Sessions) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """session id -> (handoffs, minutes to answer) of each case opened in it, by case id.

    The handoff count and answer time are the Case row's cache, which cases.services.replay()
    derives from the event log (corrections removed) on every change.
    """
    cases = Case.__table__.c
    rows = _run(
        sa.select(cases.session_id, _raw(cases.opened_at), _raw(cases.answered_at), cases.handoffs)
        .where(cases.session_id.in_(sessions))
        .order_by(cases.session_id, cases.id)
    ).all()
    if not rows:
        return {}
    session_ids, opened, answered, handoffs = zip(*rows, strict=True)
    minutes = _minutes_between(opened, answered)
    session_ids = np.array(session_ids, dtype=np.int64)
    handoffs = np.array(handoffs, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, session_ids[1:] != session_ids[:-1]])
    ends = np.r_[starts[1:], session_ids.size]
    return {
        int(session_ids[start]): (handoffs[start:end], minutes[start:end])
        for start, end in zip(starts, ends, strict=True)
    }


def _minutes_between(opened: Sequence, answered: Sequence) -> np.ndarray:
    """Minutes from each open to its answer (NaN when unanswered), from stored UTC times.

    The times are as the driver returns them (SQLite: text, PostgreSQL: naive datetimes),
    parsed by numpy to whole microseconds. µs / 1e6 / 60 is exactly what Python's
    timedelta.total_seconds() / 60 gives, so the numbers match those computed from rows.
    """
    start = np.array(opened, dtype="datetime64[us]")
    end = np.array(answered, dtype="datetime64[us]")
    micros = (end - start).astype(np.int64).astype(np.float64)
    return np.where(np.isnat(end), np.nan, micros / 1e6 / 60.0)


def _ratings(sessions: Sessions) -> dict[int, np.ndarray]:
    """session id -> its answers as rows (participant id, phase code, question index, value)."""
    phase = sa.case(*((Rating.phase == name, code) for name, code in PHASE_CODES.items()), else_=-1)
    out: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for session_id, participant_id, code, question, value in _run(
        sa.select(
            Rating.session_id,
            Rating.participant_id,
            phase,
            Rating.question_index,
            Rating.value,
        )
        .where(Rating.session_id.in_(sessions))
        .order_by(Rating.session_id, Rating.participant_id, phase, Rating.question_index)
    ):
        if code >= 0:
            out[session_id].append((participant_id, code, question, value))
    return {
        session_id: np.array(rows, dtype=np.int64).reshape(-1, 4)
        for session_id, rows in out.items()
    }


def lane_cards(sessions: Sessions) -> dict[tuple[int, str], tuple[int, int]]:
    """(session_id, lane) -> (cards, of which hidden); deleted cards excluded."""
    rows = _run(
        sa.select(
            Reflection.session_id,
            Reflection.lane,
            sa.func.count(Reflection.id),
            sa.func.sum(sa.case((Reflection.hidden.is_(True), 1), else_=0)),
        )
        .where(Reflection.session_id.in_(sessions), Reflection.deleted.is_(False))
        .group_by(Reflection.session_id, Reflection.lane)
    ).all()
    return {(session_id, lane): (n, int(hidden or 0)) for session_id, lane, n, hidden in rows}


_UNDO = sa.orm.aliased(CaseEvent, name="undo")


def standing_handoffs(statement: sa.Select) -> sa.Select:
    """The statement limited to handoff events no correction undid (corrections removed)."""
    return statement.outerjoin(_UNDO, _UNDO.corrects_id == CaseEvent.id).where(
        CaseEvent.kind == CaseEventKind.HANDOFF, _UNDO.id.is_(None)
    )


def handoff_counts(sessions: Sessions) -> list[tuple[int, str | None, str | None, int]]:
    """(session_id, from role, to role, handoffs) with corrected handoffs removed, counted in SQL.

    A handoff is counted in the session it happened in, whichever session undid it.
    """
    return [
        tuple(row)
        for row in _run(
            standing_handoffs(
                sa.select(
                    CaseEvent.session_id,
                    CaseEvent.from_role,
                    CaseEvent.to_role,
                    sa.func.count(CaseEvent.id),
                )
            )
            .where(CaseEvent.session_id.in_(sessions))
            .group_by(CaseEvent.session_id, CaseEvent.from_role, CaseEvent.to_role)
        )
    ]


def top_cards(sessions: Sessions) -> dict[int, list[CardRow]]:
    """Per session, the most-voted visible cards of each lane (TOP_CARDS_PER_LANE at most).

    Hidden and deleted cards never make the top, nor do cards nobody voted for. Ties on votes
    go to the earlier card. The author's identity is never selected: only a named card's role.
    """
    rank = (
        sa.func.row_number()
        .over(
            partition_by=(Reflection.session_id, Reflection.lane),
            order_by=(Reflection.votes.desc(), Reflection.id),
        )
        .label("rank")
    )
    ranked = (
        sa.select(
            Reflection.id,
            Reflection.session_id,
            Reflection.lane,
            Reflection.text,
            Reflection.votes,
            sa.case((Reflection.anonymous.is_(True), None), else_=Reflection.author_role).label(
                "author_role"
            ),
            Reflection.group_id,
            rank,
        )
        .where(
            Reflection.session_id.in_(sessions),
            Reflection.deleted.is_(False),
            Reflection.hidden.is_(False),
            Reflection.votes > 0,
        )
        .subquery()
    )
    rows = _run(
        sa.select(ranked, ReflectionGroup.title.label("group_title"))
        .outerjoin(ReflectionGroup, ReflectionGroup.id == ranked.c.group_id)
        .where(ranked.c.rank <= TOP_CARDS_PER_LANE)
        .order_by(ranked.c.session_id, ranked.c.lane, ranked.c.rank)
    ).all()
    out: dict[int, list[CardRow]] = defaultdict(list)
    for row in rows:
        out[row.session_id].append(
            CardRow(
                id=row.id,
                session_id=row.session_id,
                lane=row.lane,
                text=row.text,
                votes=row.votes,
                author_role=row.author_role,
                group=row.group_title,
            )
        )
    return dict(out)


def top_of_scope(cards: Sequence[CardRow]) -> list[CardRow]:
    """The top cards per lane of several sessions, from each session's own top cards.

    Cards are ranked by (votes, then the earlier card): a strict order, so each of a round's
    top N in a lane is also among the top N of its own session.
    """
    lanes: dict[str, list[CardRow]] = defaultdict(list)
    for card in cards:
        lanes[card.lane].append(card)
    return [
        card
        for _lane, ranked in sorted(lanes.items())
        for card in sorted(ranked, key=lambda c: (-c.votes, c.id))[:TOP_CARDS_PER_LANE]
    ]


def groups(sessions: Sessions) -> list[GroupRow]:
    """Named themes that still hold at least one card, biggest first within each session."""
    cards = sa.func.count(Reflection.id)
    rows = _run(
        sa.select(
            ReflectionGroup.id,
            ReflectionGroup.session_id,
            ReflectionGroup.title,
            cards,
            sa.func.coalesce(sa.func.sum(Reflection.votes), 0),
        )
        .join(
            Reflection,
            sa.and_(
                Reflection.session_id == ReflectionGroup.session_id,  # a theme's cards are its
                Reflection.group_id == ReflectionGroup.id,  # session's: use that index
                Reflection.deleted.is_(False),
            ),
        )
        .where(ReflectionGroup.session_id.in_(sessions))
        .group_by(ReflectionGroup.id, ReflectionGroup.session_id, ReflectionGroup.title)
        .order_by(ReflectionGroup.session_id, cards.desc(), ReflectionGroup.id)
    ).all()
    return [GroupRow(*row) for row in rows]


def segment_runs(
    sessions: Sessions, now: datetime | None = None
) -> dict[int, list[tuple[int, float]]]:
    """session_id -> [(segment index, running minutes)], pauses excluded; open runs up to now."""
    now = now or utcnow()
    rows = _run(
        sa.select(
            SegmentRun.session_id,
            SegmentRun.segment_index,
            SegmentRun.started_at,
            SegmentRun.ended_at,
            SegmentRun.paused_s,
        )
        .where(SegmentRun.session_id.in_(sessions))
        .order_by(SegmentRun.session_id, SegmentRun.id)
    ).all()
    out: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for session_id, index, started_at, ended_at, paused_s in rows:
        out[session_id].append((index, actual_minutes(started_at, ended_at, paused_s, now)))
    return dict(out)


# --- export tables (one row per observation) -------------------------------------------------


def export_reflections(playtest_id: int) -> Iterator[sa.Row]:
    """Non-deleted cards; an anonymous card's author id and role are never selected."""
    anonymous = Reflection.anonymous.is_(True)
    return _run(
        sa.select(
            Reflection.id,
            Session.round_id,
            Reflection.session_id,
            Reflection.lane,
            Reflection.text,
            Reflection.votes,
            Reflection.hidden,
            ReflectionGroup.title.label("group"),
            sa.case((anonymous, None), else_=Reflection.participant_id).label(
                "author_participant_id"
            ),
            sa.case((anonymous, None), else_=Reflection.author_role).label("author_role"),
            Reflection.created_at,
        )
        .join(Session, Session.id == Reflection.session_id)
        .join(Round, Round.id == Session.round_id)
        .outerjoin(ReflectionGroup, ReflectionGroup.id == Reflection.group_id)
        .where(Round.playtest_id == playtest_id, Reflection.deleted.is_(False))
        .order_by(Round.position, Session.number, Reflection.id)
    )


def export_cases(playtest_id: int) -> Iterator[sa.Row]:
    return _run(
        sa.select(
            Case.id.label("case_id"),
            Case.round_id,
            Case.session_id,
            Case.label,
            Case.case_type,
            Case.opened_at,
            Case.answered_at,
            Case.handoffs,
        )
        .join(Round, Round.id == Case.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Case.id)
    )


def export_handoffs(playtest_id: int) -> Iterator[sa.Row]:
    """Handoff events still standing (a corrected handoff is not a handoff)."""
    return _run(
        standing_handoffs(
            sa.select(
                CaseEvent.case_id,
                Session.round_id,
                CaseEvent.session_id,
                CaseEvent.from_role,
                CaseEvent.to_role,
                CaseEvent.at,
            )
            .join(Session, Session.id == CaseEvent.session_id)
            .join(Round, Round.id == Session.round_id)
        )
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, CaseEvent.id)
    )


def export_ratings(playtest_id: int) -> Iterator[sa.Row]:
    return _run(
        sa.select(
            Rating.participant_id,
            Session.round_id,
            Rating.session_id,
            Rating.phase,
            Rating.question_index,
            Rating.value,
            Rating.at,
        )
        .join(Session, Session.id == Rating.session_id)
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(
            Round.position,
            Session.number,
            Rating.participant_id,
            sa.case((Rating.phase == RatingPhase.BEFORE, 0), else_=1),
            Rating.question_index,
        )
    )
