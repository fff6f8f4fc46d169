"""The session clock's service: the stored clock, timer actions (undo included) and the
segment-run log. The maths is the pure clock.py's; this module reads and writes rows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from playtest.enums import ClockAction, SessionStatus, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.facilitation import agenda
from playtest.facilitation import clock as clockmath
from playtest.facilitation.clock import Clock, ClockRefusal, RunChange, Undo
from playtest.guards import audit, require, require_open
from playtest.models import SegmentRun, Session
from playtest.playbooks.documents import session_document
from playtest.realtime import Viewer
from playtest.timeutil import utcnow


def session_agenda(session: Session) -> dict:
    """This session's agenda in the playbook (its H1 section or the default one)."""
    return session_document(session)["sessions"][session.number - 1]


def session_segments(session: Session) -> list[dict]:
    """The session's own segments, as edited (facilitation/agenda.py); the playbook's until
    the first edit for a session made before sessions kept their own."""
    if session.agenda is not None:
        return session.agenda
    return agenda.from_playbook(session_agenda(session)["segments"])


def planned_seconds(session: Session) -> list[float]:
    return [seg["minutes"] * 60.0 for seg in session_segments(session)]


def clock_of(session: Session) -> Clock:
    """The session row's stored clock state, for the pure clock's maths."""
    return Clock(
        status=session.status,
        segment_index=session.segment_index,
        segment_started_at=session.segment_started_at,
        paused_at=session.paused_at,
        paused_s=session.paused_s,
        extension_s=session.extension_s,
    )


def _store_clock(session: Session, clock: Clock) -> None:
    session.status = clock.status
    session.segment_index = clock.segment_index
    session.segment_started_at = clock.segment_started_at
    session.paused_at = clock.paused_at
    session.paused_s = clock.paused_s
    session.extension_s = clock.extension_s


def _stamp(at: datetime | None) -> str | None:
    """A time for the stored undo record: microseconds kept, so the restore is exact."""
    return at.isoformat() if at is not None else None


def _unstamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _clock_json(clock: Clock) -> dict:
    return {
        "status": clock.status,
        "segment_index": clock.segment_index,
        "segment_started_at": _stamp(clock.segment_started_at),
        "paused_at": _stamp(clock.paused_at),
        "paused_s": clock.paused_s,
        "extension_s": clock.extension_s,
    }


def _clock_from_json(data: dict) -> Clock:
    return Clock(
        status=data["status"],
        segment_index=data["segment_index"],
        segment_started_at=_unstamp(data["segment_started_at"]),
        paused_at=_unstamp(data["paused_at"]),
        paused_s=data["paused_s"],
        extension_s=data["extension_s"],
    )


def undo_of(session: Session) -> Undo | None:
    """The session's last undoable timer action, as stored (whatever its age)."""
    record = session.undo
    if not record:
        return None
    return Undo(action=record["action"], at=_unstamp(record["at"]), before=_clock_from_json(record))


def timer(session: Session, now: datetime | None = None) -> dict:
    """The `timer` payload of the session as it stands."""
    return clockmath.timer_payload(
        clock_of(session),
        planned_seconds(session),
        now or utcnow(),
        started_at=session.started_at,
        finished_at=session.finished_at,
        undo=undo_of(session),
    )


# What the facilitator reads when the clock refuses an action (clock.ClockRefusal's codes).
CLOCK_REFUSALS = {
    ClockRefusal.UNKNOWN_ACTION: _l('Unknown timer action "%(action)s". Use one of: %(actions)s.'),
    ClockRefusal.FINISHED: _l("This session is finished; its clock can no longer change."),
    ClockRefusal.NO_SEGMENTS: _l("This session's agenda has no segments."),
    ClockRefusal.NO_SUCH_SEGMENT: _l("This agenda has no segment %(number)d."),
    ClockRefusal.ALREADY_RUNNING: _l("The clock is already running."),
    ClockRefusal.PAUSED_USE_RESUME: _l("The clock is paused — use resume to carry on."),
    ClockRefusal.NOT_STARTED_USE_START: _l("The session has not started yet — use start."),
    ClockRefusal.ALREADY_PAUSED: _l("The clock is already paused."),
    ClockRefusal.LAST_SEGMENT: _l("This is the last segment — use finish to end the session."),
    ClockRefusal.FIRST_SEGMENT: _l("This is the first segment; there is no segment before it."),
    ClockRefusal.MINUTES_MISSING: _l("Say how many minutes to add (%(min)d to %(max)d)."),
    ClockRefusal.MINUTES_NOT_A_NUMBER: _l(
        "Minutes to add must be a number from %(min)d to %(max)d."
    ),
    ClockRefusal.MINUTES_OUT_OF_RANGE: _l("You can add %(min)d to %(max)d minutes at a time."),
    ClockRefusal.NOTHING_TO_UNDO: _l(
        "There is nothing to undo: only next, previous, extend and finish can be undone,"
        " within %(minutes)d minutes."
    ),
}


def clock_refusal_message(error: clockmath.ClockError) -> str:
    """A refused timer action, worded for the facilitator in the current locale."""
    return str(CLOCK_REFUSALS[error.code]) % error.params


def _time_left(session: Session, planned: list[float]) -> dict[int, float]:
    """Seconds each segment had left when its latest run ended (for next and previous)."""
    left: dict[int, float] = {}
    runs = db.session.scalars(
        sa.select(SegmentRun)
        .where(SegmentRun.session_id == session.id, SegmentRun.ended_at.is_not(None))
        .order_by(SegmentRun.id)
    )
    for run in runs:
        if run.segment_index < len(planned):
            left[run.segment_index] = clockmath.left_after_run(
                planned[run.segment_index],
                run.extension_s,
                run.started_at,
                run.ended_at,
                run.paused_s,
            )
    return left


def _open_run(session: Session) -> SegmentRun | None:
    return db.session.scalar(
        sa.select(SegmentRun)
        .where(SegmentRun.session_id == session.id, SegmentRun.ended_at.is_(None))
        .order_by(SegmentRun.id.desc())
    )


def _log(session: Session, changes: list[RunChange], planned: list[float]) -> None:
    """Write the clock's run changes to segment_runs."""
    for change in changes:
        if change.kind == "start":
            db.session.add(
                SegmentRun(
                    session_id=session.id,
                    segment_index=change.segment_index,
                    planned_min=planned[change.segment_index] / 60,
                    started_at=change.at,
                )
            )
        elif change.kind == "end":
            run = _open_run(session)
            if run is not None:
                run.ended_at = change.at
                run.paused_s = change.paused_s
                run.extension_s = change.extension_s
                run.ended_by = change.ended_by
        else:  # reopen: the run the undone action ended goes on
            run = db.session.scalar(
                sa.select(SegmentRun)
                .where(
                    SegmentRun.session_id == session.id,
                    SegmentRun.segment_index == change.segment_index,
                    SegmentRun.ended_by.is_(None),
                    SegmentRun.ended_at.is_not(None),
                )
                .order_by(SegmentRun.ended_at.desc(), SegmentRun.id.desc())
            )
            if run is not None:
                run.ended_at = None
        db.session.flush()


def control_clock(viewer: Viewer, action: str, minutes: float | None = None) -> dict:
    """Apply a facilitator's timer action; log planned vs actual; return the `timer` payload."""
    require(viewer, ViewerKind.FACILITATOR)
    session = db.session.get(Session, viewer.session_id, with_for_update=True)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    if action != ClockAction.UNDO:
        require_open(session)
    planned = planned_seconds(session)
    now = utcnow()
    before = clock_of(session)
    undo = undo_of(session)
    try:
        new_clock, changes = clockmath.control(
            before,
            action,
            planned,
            now,
            minutes,
            left_s=_time_left(session, planned),
            undo=undo,
        )
    except clockmath.ClockError as exc:
        raise ActionError(ErrorCode.INVALID, clock_refusal_message(exc)) from exc
    _log(session, changes, planned)
    _store_clock(session, new_clock)
    if session.started_at is None and any(change.kind == "start" for change in changes):
        session.started_at = now
    if action == ClockAction.UNDO:
        session.undo = None
        if undo.action == ClockAction.FINISH:
            session.finished_at = None
    elif action in clockmath.UNDOABLE:
        session.undo = {"action": action, "at": _stamp(now), **_clock_json(before)}
    else:  # start, pause, resume: the clock moved on; an older action is no longer undone
        session.undo = None
    if new_clock.status == SessionStatus.FINISHED:
        session.finished_at = now
    detail = {"minutes": minutes} if action != ClockAction.UNDO else {"undid": undo.action}
    audit(viewer, "timer:" + action, f"session:{session.id}", detail)
    db.session.commit()
    return timer(session, now)
