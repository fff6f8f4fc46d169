"""The `actions` and `sessions` export tables (DESIGN.md §10), as JSON-ready records.

History entries are ISO-8601 strings with milliseconds already, so they are copied as they
are; `source_ids` is the `;`-joined card ids.
"""

from __future__ import annotations

import sqlalchemy as sa

from playtest.actions.models import Action
from playtest.enums import ActionStatus
from playtest.extensions import db
from playtest.models import Playtest, Round, SegmentRun, Session
from playtest.timeutil import iso_ms

ACTION_COLUMNS = (
    "action_id",
    "round_id",
    "origin_session_id",
    "text",
    "owner",
    "status",
    "created_at",
    "trying_at",
    "done_at",
    "dropped_at",
    "source_ids",
)
SESSION_COLUMNS = (
    "session_id",
    "round_id",
    "round_label",
    "baseline",
    "number",
    "started_at",
    "finished_at",
)


def _first_at(action: Action, status: ActionStatus) -> str | None:
    return next((e["at"] for e in action.history or [] if e["status"] == status), None)


def action_rows(playtest_id: int) -> list[dict]:
    """One row per action, oldest first: when it went to trying, done, dropped."""
    actions = db.session.scalars(
        sa.select(Action).where(Action.playtest_id == playtest_id).order_by(Action.id)
    )
    return [
        {
            "action_id": a.id,
            "round_id": a.round_id,
            "origin_session_id": a.origin_session_id,
            "text": a.text,
            "owner": a.owner,
            "status": a.status,
            "created_at": iso_ms(a.created_at),
            "trying_at": _first_at(a, ActionStatus.TRYING),
            "done_at": _first_at(a, ActionStatus.DONE),
            "dropped_at": _first_at(a, ActionStatus.DROPPED),
            "source_ids": ";".join(str(i) for i in a.source_ids or []),
        }
        for a in actions
    ]


def session_rows(playtest_id: int) -> list[dict]:
    """One row per session: its round, whether that is the baseline, and its window."""
    playtest = db.session.get(Playtest, playtest_id)
    baseline = playtest.baseline.id if playtest and playtest.baseline else None
    started = (
        sa.select(SegmentRun.session_id, sa.func.min(SegmentRun.started_at).label("at"))
        .group_by(SegmentRun.session_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Session, Round.label, started.c.at)
        .join(Round, Round.id == Session.round_id)
        .outerjoin(started, started.c.session_id == Session.id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Session.number)
    )
    return [
        {
            "session_id": session.id,
            "round_id": session.round_id,
            "round_label": label,
            "baseline": session.round_id == baseline,
            "number": session.number,
            "started_at": iso_ms(first) if first else None,
            "finished_at": iso_ms(session.finished_at) if session.finished_at else None,
        }
        for session, label, first in rows
    ]
