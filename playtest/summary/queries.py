"""Set-based reads for the summary and the exports: one query per kind of row, per playtest.

Nothing here loops over sessions or cases issuing queries. Counts that need no row-level
maths (cards per lane, the handoff map, groups, top cards) are aggregated in SQL; the rows
the statistics need (cases, ratings) come back in one query each as metrics dataclasses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from playtest.extensions import db
from playtest.facilitation.clock import actual_minutes, utcnow
from playtest.models import (
    Attendance,
    Case,
    CaseEvent,
    Playbook,
    Playtest,
    Rating,
    Reflection,
    ReflectionGroup,
    Round,
    SegmentRun,
    Session,
)
from playtest.summary.metrics import CaseRow, RatingRow

TOP_CARDS_PER_LANE = 3


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
    """One session's identity and clock state (not its rows)."""

    id: int
    round_id: int
    number: int
    status: str
    created_at: datetime
    finished_at: datetime | None


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
    round_id: int
    session_id: int
    title: str
    cards: int
    votes: int


@dataclass
class PlaytestRows:
    """Everything the summary reads for one playtest, fetched set-based."""

    playtest_id: int
    title: str
    baseline_round_id: int | None
    rounds: list[RoundInfo]
    sessions: list[SessionInfo]
    cases: list[tuple[int, CaseRow]]  # (round_id, row)
    ratings: list[RatingRow]
    participants: dict[int, int]  # session_id -> participants who joined
    round_participants: dict[int, int]  # round_id -> distinct participants
    # (session_id, lane) -> (cards, hidden cards); deleted cards are never counted
    lane_cards: dict[tuple[int, str], tuple[int, int]]
    handoff_map: dict[int, list[tuple[str | None, str | None, int]]]  # round_id -> joins
    top_cards_by_session: dict[int, list[CardRow]]
    top_cards_by_round: dict[int, list[CardRow]]
    groups: list[GroupRow]
    segment_runs: dict[int, list[tuple[int, float]]]  # session_id -> (segment_index, minutes)
    session_rounds: dict[int, int] = field(default_factory=dict)  # session_id -> round_id


def _run(statement: sa.Executable) -> sa.CursorResult:
    """Run a column query on the session's connection (same transaction, no ORM loading)."""
    return db.session.connection().execute(statement)


def _rounds_of(playtest_id: int) -> sa.Select:
    return sa.select(Round.id).where(Round.playtest_id == playtest_id)


def _sessions_of(playtest_id: int) -> sa.Select:
    return (
        sa.select(Session.id)
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
    )


def round_infos(playtest_id: int) -> list[RoundInfo]:
    """The playtest's rounds in order, with their playbook's lists."""
    rows = _run(
        sa.select(
            Round.id,
            Round.label,
            Round.position,
            Round.is_baseline,
            Playbook.id.label("playbook_id"),
            Playbook.title,
            Playbook.version,
            Playbook.document,
        )
        .join(Playbook, Playbook.id == Round.playbook_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Round.id)
    ).all()
    return [
        RoundInfo(
            id=row.id,
            label=row.label,
            position=row.position,
            is_baseline=row.is_baseline,
            playbook_id=row.playbook_id,
            playbook_title=row.title,
            playbook_version=row.version,
            lanes=tuple(row.document.get("lanes") or ()),
            roles=tuple(row.document.get("roles") or ()),
            questions=tuple(row.document.get("questions") or ()),
            agendas=tuple(
                tuple(
                    {"title": seg["title"], "minutes": seg["minutes"], "kind": seg["kind"]}
                    for seg in session["segments"]
                )
                for session in row.document.get("sessions") or ()
            ),
        )
        for row in rows
    ]


def session_infos(playtest_id: int) -> list[SessionInfo]:
    rows = _run(
        sa.select(
            Session.id,
            Session.round_id,
            Session.number,
            Session.status,
            Session.created_at,
            Session.finished_at,
        )
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Round.id, Session.number)
    ).all()
    return [SessionInfo(*row) for row in rows]


def _raw(column: sa.ColumnElement) -> sa.ColumnElement:
    """The column's value as the driver returns it, skipping per-value Python processing."""
    return sa.type_coerce(column, sa.types.NullType())


def _utc(value: str | datetime | None) -> datetime | None:
    """A stored UTC time as an aware datetime.

    SQLite hands back SQLAlchemy's text form ("2026-11-23 09:00:00.000000"), PostgreSQL a
    naive datetime; both are UTC (models.UTCDateTime). For the hundreds of thousands of cases
    a large playtest holds, this is several times faster than the column type's processor.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def case_rows(playtest_id: int) -> list[tuple[int, CaseRow]]:
    """Every case of the playtest as (round_id, CaseRow), attributed to the session it opened in.

    The handoff count and answer time are the Case row's cache, which cases.services.replay()
    derives from the event log (corrections removed) on every change.
    """
    cases = Case.__table__.c
    rows = _run(
        sa.select(
            cases.round_id,
            cases.id,
            cases.session_id,
            _raw(cases.opened_at),
            _raw(cases.answered_at),
            cases.handoffs,
        )
        .where(cases.round_id.in_(_rounds_of(playtest_id)))
        .order_by(cases.round_id, cases.id)
    ).all()
    return [
        (round_id, CaseRow(case_id, session_id, _utc(opened_at), _utc(answered_at), handoffs))
        for round_id, case_id, session_id, opened_at, answered_at, handoffs in rows
    ]


def rating_rows(playtest_id: int) -> list[RatingRow]:
    """Every answer, with the session's number as its order within the round."""
    rows = _run(
        sa.select(
            Rating.participant_id,
            Rating.session_id,
            Session.number,
            Rating.phase,
            Rating.question_index,
            Rating.value,
        )
        .join(Session, Session.id == Rating.session_id)
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Rating.session_id, Rating.participant_id, Rating.phase, Rating.question_index)
    ).all()
    return [RatingRow(*row) for row in rows]


def participant_counts(playtest_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """People who joined: per session, and distinct per round."""
    per_session = dict(
        _run(
            sa.select(Attendance.session_id, sa.func.count(Attendance.id))
            .where(Attendance.session_id.in_(_sessions_of(playtest_id)))
            .group_by(Attendance.session_id)
        ).all()
    )
    per_round = dict(
        _run(
            sa.select(Session.round_id, sa.func.count(sa.distinct(Attendance.participant_id)))
            .join(Session, Session.id == Attendance.session_id)
            .join(Round, Round.id == Session.round_id)
            .where(Round.playtest_id == playtest_id)
            .group_by(Session.round_id)
        ).all()
    )
    return per_session, per_round


def lane_cards(playtest_id: int) -> dict[tuple[int, str], tuple[int, int]]:
    """(session_id, lane) -> (cards, of which hidden); deleted cards excluded."""
    rows = _run(
        sa.select(
            Reflection.session_id,
            Reflection.lane,
            sa.func.count(Reflection.id),
            sa.func.sum(sa.case((Reflection.hidden.is_(True), 1), else_=0)),
        )
        .where(
            Reflection.session_id.in_(_sessions_of(playtest_id)),
            Reflection.deleted.is_(False),
        )
        .group_by(Reflection.session_id, Reflection.lane)
    ).all()
    return {(session_id, lane): (n, int(hidden or 0)) for session_id, lane, n, hidden in rows}


def corrected_event_ids(playtest_id: int) -> sa.Select:
    """Ids of case events that a later correction undid, within the playtest's sessions.

    A correction is logged in a session of the same round as the event it undoes.
    """
    return sa.select(CaseEvent.corrects_id).where(
        CaseEvent.session_id.in_(_sessions_of(playtest_id)), CaseEvent.corrects_id.is_not(None)
    )


def handoff_counts(playtest_id: int) -> list[tuple[int, str | None, str | None, int]]:
    """(session_id, from role, to role, handoffs) with corrected handoffs removed, counted in SQL.

    A handoff is counted in the session it happened in; sessions and cases share a round.
    """
    return [
        tuple(row)
        for row in _run(
            sa.select(
                CaseEvent.session_id,
                CaseEvent.from_role,
                CaseEvent.to_role,
                sa.func.count(CaseEvent.id),
            )
            .where(
                CaseEvent.session_id.in_(_sessions_of(playtest_id)),
                CaseEvent.kind == "handoff",
                CaseEvent.id.not_in(corrected_event_ids(playtest_id)),
            )
            .group_by(CaseEvent.session_id, CaseEvent.from_role, CaseEvent.to_role)
        )
    ]


def _by_round(
    counts: list[tuple[int, str | None, str | None, int]], session_rounds: dict[int, int]
) -> dict[int, list[tuple[str | None, str | None, int]]]:
    totals: dict[int, dict[tuple[str | None, str | None], int]] = defaultdict(dict)
    for session_id, from_role, to_role, count in counts:
        joins = totals[session_rounds[session_id]]
        joins[(from_role, to_role)] = joins.get((from_role, to_role), 0) + count
    return {
        round_id: [(f, t, n) for (f, t), n in joins.items()] for round_id, joins in totals.items()
    }


def top_cards(playtest_id: int) -> dict[int, list[CardRow]]:
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
            Reflection.session_id.in_(_sessions_of(playtest_id)),
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


def top_of_rounds(
    by_session: dict[int, list[CardRow]], session_rounds: dict[int, int]
) -> dict[int, list[CardRow]]:
    """A round's top cards per lane, from its sessions' tops.

    Cards are ranked by (votes, then the earlier card): a strict order, so each of a round's
    top N in a lane is also among the top N of its own session.
    """
    lanes: dict[tuple[int, str], list[CardRow]] = defaultdict(list)
    for session_id, cards in by_session.items():
        for card in cards:
            lanes[(session_rounds[session_id], card.lane)].append(card)
    out: dict[int, list[CardRow]] = defaultdict(list)
    for (round_id, _lane), cards in sorted(lanes.items()):
        out[round_id] += sorted(cards, key=lambda c: (-c.votes, c.id))[:TOP_CARDS_PER_LANE]
    return dict(out)


def groups(playtest_id: int) -> list[GroupRow]:
    """Named themes that still hold at least one card, biggest first within each session."""
    cards = sa.func.count(Reflection.id)
    rows = _run(
        sa.select(
            ReflectionGroup.id,
            Session.round_id,
            ReflectionGroup.session_id,
            ReflectionGroup.title,
            cards,
            sa.func.coalesce(sa.func.sum(Reflection.votes), 0),
        )
        .join(Session, Session.id == ReflectionGroup.session_id)
        .join(Round, Round.id == Session.round_id)
        .join(
            Reflection,
            sa.and_(Reflection.group_id == ReflectionGroup.id, Reflection.deleted.is_(False)),
        )
        .where(Round.playtest_id == playtest_id)
        .group_by(
            ReflectionGroup.id, Session.round_id, ReflectionGroup.session_id, ReflectionGroup.title
        )
        .order_by(ReflectionGroup.session_id, cards.desc(), ReflectionGroup.id)
    ).all()
    return [GroupRow(*row) for row in rows]


def segment_runs(
    playtest_id: int, now: datetime | None = None
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
        .where(SegmentRun.session_id.in_(_sessions_of(playtest_id)))
        .order_by(SegmentRun.session_id, SegmentRun.id)
    ).all()
    out: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for session_id, index, started_at, ended_at, paused_s in rows:
        out[session_id].append((index, actual_minutes(started_at, ended_at, paused_s, now)))
    return dict(out)


def playtest_rows(playtest_id: int) -> PlaytestRows | None:
    """Every row the summary needs, or None for an unknown playtest."""
    playtest = db.session.get(Playtest, playtest_id)
    if playtest is None:
        return None
    baseline = playtest.baseline
    sessions = session_infos(playtest_id)
    session_rounds = {s.id: s.round_id for s in sessions}
    per_session, per_round = participant_counts(playtest_id)
    tops = top_cards(playtest_id)
    return PlaytestRows(
        playtest_id=playtest.id,
        title=playtest.title,
        baseline_round_id=baseline.id if baseline else None,
        rounds=round_infos(playtest_id),
        sessions=sessions,
        cases=case_rows(playtest_id),
        ratings=rating_rows(playtest_id),
        participants=per_session,
        round_participants=per_round,
        lane_cards=lane_cards(playtest_id),
        handoff_map=_by_round(handoff_counts(playtest_id), session_rounds),
        top_cards_by_session=tops,
        top_cards_by_round=top_of_rounds(tops, session_rounds),
        groups=groups(playtest_id),
        segment_runs=segment_runs(playtest_id),
        session_rounds=session_rounds,
    )


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
        .where(
            Round.playtest_id == playtest_id,
            CaseEvent.kind == "handoff",
            CaseEvent.id.not_in(corrected_event_ids(playtest_id)),
        )
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
            sa.case((Rating.phase == "before", 0), else_=1),
            Rating.question_index,
        )
    )
