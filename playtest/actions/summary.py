"""Actions in the summary (DESIGN.md §10): which were in effect when each session started,
each round's count by status, and the spans the timeline draws.

`with_actions` adds to a summary built by summary.services (it reads the actions and the
sessions' first starts; the per-session digests hold neither, so they need no new FORMAT).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa

from playtest.actions.models import Action
from playtest.actions.services import playtest_actions, status_at
from playtest.enums import ActionStatus
from playtest.extensions import db
from playtest.models import Round, SegmentRun, Session
from playtest.timeutil import iso_ms

IN_EFFECT = (ActionStatus.TRYING, ActionStatus.DONE)
ENDS = (ActionStatus.DONE, ActionStatus.DROPPED)


def session_starts(playtest_id: int) -> dict[int, datetime]:
    """Each started session's first segment start."""
    rows = db.session.execute(
        sa.select(SegmentRun.session_id, sa.func.min(SegmentRun.started_at))
        .join(Session, Session.id == SegmentRun.session_id)
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
        .group_by(SegmentRun.session_id)
    )
    return {session_id: _aware(at) for session_id, at in rows}


def _aware(value: datetime | str) -> datetime:
    """min() of a time column comes back as the driver keeps it: SQLite text, or naive UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def fingerprint(playtest_id: int) -> str:
    """What the actions part of a summary depends on (for the settled-summary cache key)."""
    rows = db.session.execute(
        sa.select(Action.id, Action.updated_at, Action.round_id)
        .where(Action.playtest_id == playtest_id)
        .order_by(Action.id)
    ).all()
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()


def span(action: Action) -> dict:
    """When the action went to trying and when it ended (done or dropped), as ISO strings."""
    trying = next((e["at"] for e in action.history or [] if e["status"] == "trying"), None)
    ended = None
    ended_status = None
    for entry in action.history or []:
        if entry["status"] in ENDS:
            ended, ended_status = entry["at"], entry["status"]
    return {"trying_at": trying, "ended_at": ended, "ended_status": ended_status}


def with_actions(summary: dict, playtest_id: int) -> dict:
    """Add `actions_in_effect` and `started_at` per session, `actions` per round, and the
    playtest's `actions` (id, round, text, owner, status and span) for the timeline."""
    actions = playtest_actions(playtest_id)
    starts = session_starts(playtest_id)
    rounds = {r["id"] for r in summary["rounds"]}
    for round_ in summary["rounds"]:
        mine = [a for a in actions if a.round_id == round_["id"]]
        round_["actions"] = {
            "n": len(mine),
            "by_status": {str(s): sum(a.status == s for a in mine) for s in ActionStatus},
        }
        for block in round_["sessions"]:
            start = starts.get(block["id"])
            block["started_at"] = iso_ms(start) if start else None
            block["actions_in_effect"] = sorted(
                a.id for a in actions if start is not None and status_at(a, start) in IN_EFFECT
            )
    summary["actions"] = [
        {
            "id": a.id,
            "round_id": a.round_id,
            "text": a.text,
            "owner": a.owner,
            "status": a.status,
            **span(a),
        }
        for a in sorted(actions, key=lambda a: a.id)
        if a.round_id in rounds
    ]
    return summary
