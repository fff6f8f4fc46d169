"""Set-based reads for the tidy export tables (summary/export.py): one row per observation."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from playtest.enums import RatingPhase
from playtest.models import Case, CaseEvent, Rating, Reflection, ReflectionGroup, Round, Session
from playtest.summary.queries import standing_handoffs
from playtest.summary.scopes import run


def export_reflections(playtest_id: int) -> Iterator[sa.Row]:
    """Non-deleted cards; an anonymous card's author id and role are never selected."""
    anonymous = Reflection.anonymous.is_(True)
    return run(
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
    return run(
        sa.select(
            Case.id.label("case_id"),
            Case.round_id,
            Case.session_id,
            Case.label,
            Case.case_type,
            Case.opened_at,
            Case.answered_at,
            Case.handoffs,
            Case.outcome,
        )
        .join(Round, Round.id == Case.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Case.id)
    )


def export_handoffs(playtest_id: int) -> Iterator[sa.Row]:
    """Handoff events still standing (a corrected handoff is not a handoff)."""
    return run(
        standing_handoffs(
            sa.select(
                CaseEvent.case_id,
                Session.round_id,
                CaseEvent.session_id,
                CaseEvent.from_role,
                CaseEvent.to_role,
                CaseEvent.note.label("reason"),
                CaseEvent.at,
            )
            .join(Session, Session.id == CaseEvent.session_id)
            .join(Round, Round.id == Session.round_id)
        )
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, CaseEvent.id)
    )


def export_ratings(playtest_id: int) -> Iterator[sa.Row]:
    return run(
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
