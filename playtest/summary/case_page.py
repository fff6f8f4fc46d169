"""One case's journey for its page (DESIGN.md §11), and the cases the summary links to.

The journey is the case's standing events (corrections removed, journeys.replayed), each with
the role holding the case after it, the minutes since the step before, its session and its
reason or outcome; never who logged it, only their role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _

from playtest.enums import CaseEventKind, CaseStatus
from playtest.extensions import db
from playtest.models import Case, CaseEvent, Round, Session
from playtest.summary import casework, process, process_charts
from playtest.summary.journeys import ANSWERED, HANDOFF, LogEvent, datetimes, replayed
from playtest.summary.scopes import round_infos, session_infos
from playtest.timeutil import utcnow

LINKS_PER_ROUND = 8  # the summary links to this many cases of each round


@dataclass(frozen=True)
class CaseLink:
    id: int
    label: str
    note: str


def case_links(playtest_id: int) -> dict[int, list[CaseLink]]:
    """Per round, a few cases worth following: the longest open, then the most handed off."""
    out: dict[int, list[CaseLink]] = {}
    for round_id in db.session.scalars(sa.select(Round.id).where(Round.playtest_id == playtest_id)):
        base = sa.select(Case.id, Case.label, Case.holder_role, Case.handoffs).where(
            Case.round_id == round_id
        )
        stuck = db.session.execute(
            base.where(Case.status == CaseStatus.OPEN)
            .order_by(Case.opened_at, Case.id)
            .limit(LINKS_PER_ROUND // 2)
        ).all()
        busy = db.session.execute(
            base.where(Case.handoffs > 0, Case.id.not_in([row.id for row in stuck]))
            .order_by(Case.handoffs.desc(), Case.id)
            .limit(LINKS_PER_ROUND - len(stuck))
        ).all()
        links = [
            CaseLink(row.id, row.label, _("still open, with %(role)s", role=row.holder_role))
            for row in stuck
        ] + [CaseLink(row.id, row.label, _("%(n)s handoffs", n=row.handoffs)) for row in busy]
        if links:
            out[round_id] = links
    return out


@dataclass(frozen=True)
class JourneyRow:
    """One standing event as the case page's table shows it."""

    activity: str  # open | handoff | answer
    at: datetime
    session_number: int | None
    from_role: str | None
    role: str | None  # who holds the case after it
    note: str | None  # the handoff's reason or the answer's outcome
    wait_min: float | None  # minutes since the step before


def case_context(playtest_id: int, case_id: int) -> dict | None:
    """What the case page renders, or None when the case is not this playtest's."""
    case = db.session.get(Case, case_id)
    if case is None:
        return None
    round_ = db.session.get(Round, case.round_id)
    if round_ is None or round_.playtest_id != playtest_id:
        return None
    numbers = dict(
        db.session.execute(
            sa.select(Session.id, Session.number)
            .join(Round)
            .where(Round.playtest_id == playtest_id)
        ).all()
    )
    events = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    log = [
        LogEvent(e.id, e.kind, e.at, e.session_id, None, e.from_role, e.to_role, e.corrects_id)
        for e in events
    ]
    notes = {e.id: e.note for e in events}
    rows: list[JourneyRow] = []
    previous_at, previous_role = None, None
    for event, holder in replayed(log):
        wait = None if previous_at is None else (event.at - previous_at).total_seconds() / 60
        activity = {HANDOFF: "handoff", ANSWERED: "answer"}.get(event.kind, "open")
        rows.append(
            JourneyRow(
                activity,
                event.at,
                numbers.get(event.session_id),
                previous_role if event.kind == HANDOFF else None,
                holder,
                notes.get(event.id),
                wait,
            )
        )
        previous_at, previous_role = event.at, holder
    corrections = sum(
        1 for e in events if e.kind in (CaseEventKind.HANDOFF_UNDONE, CaseEventKind.REOPENED)
    )
    info = next(r for r in round_infos(playtest_id) if r.id == round_.id)
    lanes = [*info.roles, *(r.role for r in rows if r.role not in info.roles)]
    lanes = list(dict.fromkeys(lane for lane in lanes if any(r.role == lane for r in rows)))
    steps = [
        process_charts.Step(row.activity, row.role, format_datetime(row.at, "HH:mm"), row.wait_min)
        for row in rows
    ]
    return {
        "case": case,
        "round": round_,
        "opened_session": numbers.get(case.session_id),
        "rows": rows,
        "corrections": corrections,
        "minutes": _minutes(case, playtest_id),
        "chart": process_charts.swimlane_chart(
            "chart-case",
            _("The journey of case %(label)s, by role", label=case.label),
            lanes,
            steps,
        ),
    }


def _minutes(case: Case, playtest_id: int) -> dict:
    """The case's wall-clock and working minutes from open to answer (None while open)."""
    if case.answered_at is None:
        return {"wall": None, "working": None}
    spans = casework.Windows(session_infos(playtest_id), utcnow()).spans
    opened, answered = datetimes([case.opened_at]), datetimes([case.answered_at])
    working = float(process.working_minutes(opened, answered, spans)[0])
    wall = (case.answered_at - case.opened_at).total_seconds() / 60
    return {"wall": wall, "working": None if np.isnan(working) else working}
