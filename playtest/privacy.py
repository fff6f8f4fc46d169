"""Data retention: delete a playtest's personal data, keep the anonymous numbers.

What goes: display names, participant tokens, card text, group titles, case labels, handoff
reasons and outcomes. What stays: the structure the summary counts (cards per lane and their
votes, case open/handoff/answer times and roles, ratings, segment runs).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from playtest.actions.models import Action
from playtest.extensions import db
from playtest.models import (
    Attendance,
    Case,
    CaseEvent,
    Playtest,
    Reflection,
    ReflectionGroup,
    Round,
    Session,
)
from playtest.timeutil import utcnow


def playtests_older_than(age: timedelta) -> list[int]:
    """Playtests not yet purged whose last session activity is older than `age`."""
    cutoff = utcnow() - age
    last_activity = (
        sa.select(
            Playtest.id,
            sa.func.max(sa.func.coalesce(Session.finished_at, Session.created_at)).label("last"),
        )
        .outerjoin(Round, Round.playtest_id == Playtest.id)
        .outerjoin(Session, Session.round_id == Round.id)
        .where(Playtest.purged_at.is_(None))
        .group_by(Playtest.id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(last_activity.c.id)
        .join(Playtest, Playtest.id == last_activity.c.id)
        .where(sa.func.coalesce(last_activity.c.last, Playtest.created_at) < cutoff)
        .order_by(last_activity.c.id)
    )
    return list(rows.scalars())


def purge_playtest(playtest_id: int) -> dict[str, int]:
    """Blank the personal data of one playtest in one transaction; returns what was purged."""
    playtest = db.session.get(Playtest, playtest_id)
    if playtest is None:
        raise LookupError(f"no playtest #{playtest_id}")
    sessions = sa.select(Session.id).join(Round).where(Round.playtest_id == playtest_id)
    rounds = sa.select(Round.id).where(Round.playtest_id == playtest_id)
    counts = {}
    attendances = db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id.in_(sessions))
    ).all()
    for attendance in attendances:
        attendance.display_name = ""
        attendance.token_hash = "purged-" + secrets.token_hex(24)  # the old token stops working
    counts["names"] = len(attendances)
    counts["cards"] = db.session.execute(
        sa.update(Reflection).where(Reflection.session_id.in_(sessions)).values(text="")
    ).rowcount
    db.session.execute(
        sa.update(ReflectionGroup)
        .where(ReflectionGroup.session_id.in_(sessions))
        .values(title="Theme " + sa.cast(ReflectionGroup.id, sa.String))
    )
    counts["cases"] = db.session.execute(
        sa.update(Case)
        .where(Case.round_id.in_(rounds))
        .values(label="case " + sa.cast(Case.id, sa.String), case_type=None, outcome=None)
    ).rowcount
    db.session.execute(
        sa.update(CaseEvent)
        .where(CaseEvent.case_id.in_(sa.select(Case.id).where(Case.round_id.in_(rounds))))
        .values(note=None)
    )
    # An action's words and owner may name people; its status history (the numbers) stays.
    counts["actions"] = db.session.execute(
        sa.update(Action)
        .where(Action.playtest_id == playtest_id)
        .values(text="action " + sa.cast(Action.id, sa.String), owner="")
    ).rowcount
    playtest.feedback_enabled = False  # "You said, we did" would show blanks now
    playtest.purged_at = utcnow()
    db.session.commit()
    return counts
