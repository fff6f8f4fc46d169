"""Server-authoritative agenda clock: pure maths over stored timestamps (DESIGN.md §4).

Nothing here ticks. The session row stores a `Clock`; remaining time is computed from its
timestamps and the `now` the caller passes in, so a restart loses nothing and every answer
can be tested without waiting. The timer never auto-advances: past zero it runs negative.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from playtest import config
from playtest.enums import ClockAction, SessionStatus
from playtest.timeutil import iso_ms, require_aware

_STATUSES = tuple(SessionStatus)
_ACTIONS = tuple(ClockAction)
# Statuses in which a segment run is open (it has a start and no end yet).
_STARTED = (SessionStatus.RUNNING, SessionStatus.PAUSED)
# The actions `undo` can reverse (start, pause and resume are undone by pressing another).
UNDOABLE = (ClockAction.NEXT, ClockAction.PREVIOUS, ClockAction.EXTEND, ClockAction.FINISH)


class ClockRefusal(StrEnum):
    """Why a timer action cannot happen now; the service words it in the facilitator's language."""

    UNKNOWN_ACTION = "unknown_action"  # params: action, actions
    FINISHED = "finished"
    NO_SEGMENTS = "no_segments"
    NO_SUCH_SEGMENT = "no_such_segment"  # params: number
    ALREADY_RUNNING = "already_running"
    PAUSED_USE_RESUME = "paused_use_resume"
    NOT_STARTED_USE_START = "not_started_use_start"
    ALREADY_PAUSED = "already_paused"
    LAST_SEGMENT = "last_segment"
    FIRST_SEGMENT = "first_segment"
    MINUTES_MISSING = "minutes_missing"  # params (these three): min, max
    MINUTES_NOT_A_NUMBER = "minutes_not_a_number"
    MINUTES_OUT_OF_RANGE = "minutes_out_of_range"
    NOTHING_TO_UNDO = "nothing_to_undo"  # params: minutes


class ClockError(ValueError):
    """A timer action that cannot happen now: `code` says why, `params` fill in the message."""

    def __init__(self, code: ClockRefusal, **params: object) -> None:
        super().__init__(f"{code}: {params}" if params else str(code))
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Clock:
    """The stored state of a session's clock; change it only through `control`."""

    status: str = SessionStatus.NOT_STARTED
    segment_index: int = 0
    segment_started_at: datetime | None = None
    paused_at: datetime | None = None
    paused_s: float = 0.0  # closed pauses accumulated in the current segment
    extension_s: float = 0.0  # extra time granted to the current segment

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise ValueError(f"unknown clock status {self.status!r}")
        if self.segment_index < 0:
            raise ValueError("segment_index cannot be negative")
        if self.status in _STARTED and self.segment_started_at is None:
            raise ValueError(f"a {self.status} clock needs segment_started_at")
        if self.status == SessionStatus.PAUSED and self.paused_at is None:
            raise ValueError("a paused clock needs paused_at")
        for name in ("segment_started_at", "paused_at"):
            value = getattr(self, name)
            if value is not None:
                require_aware(value, name)


@dataclass(frozen=True)
class RunChange:
    """One change to the segment_runs log, so planned vs actual time can be reported."""

    kind: str  # "start" | "end" | "reopen" (undo: the run an undone action ended goes on)
    segment_index: int
    at: datetime
    paused_s: float = 0.0  # for "end": total pause inside that run, an open pause included
    extension_s: float = 0.0  # for "end": total extension granted to that run
    ended_by: str | None = None  # for "end": "undo" when an undo reversed the run


@dataclass(frozen=True)
class Undo:
    """What `undo` needs: the action to reverse, when it was pressed, the clock before it."""

    action: str
    at: datetime
    before: Clock

    def open_until(self) -> datetime:
        return self.at + timedelta(seconds=config.UNDO_WINDOW_S)


def _planned(planned_s: Sequence[float], index: int) -> float:
    if not 0 <= index < len(planned_s):
        raise ClockError(ClockRefusal.NO_SUCH_SEGMENT, number=index + 1)
    return float(planned_s[index])


def run_paused_s(clock: Clock, now: datetime) -> float:
    """Total pause inside the current run at `now`, counting a pause that is still open."""
    require_aware(now, "now")
    if clock.status != SessionStatus.PAUSED:
        return clock.paused_s
    # If `now` is earlier than paused_at (clocks of two servers disagree) the open pause
    # counts as zero rather than giving time back.
    return clock.paused_s + max(0.0, (now - clock.paused_at).total_seconds())


def _elapsed_s(clock: Clock, now: datetime) -> float:
    """Running time of the current run, pauses excluded; frozen while paused."""
    stop = clock.paused_at if clock.status == SessionStatus.PAUSED else now
    return (stop - clock.segment_started_at).total_seconds() - clock.paused_s


def remaining_s(clock: Clock, planned_s: Sequence[float], now: datetime) -> float | None:
    """Seconds left in the current segment (negative in overtime); None once finished."""
    require_aware(now, "now")
    if clock.status == SessionStatus.FINISHED:
        return None
    budget = _planned(planned_s, clock.segment_index) + clock.extension_s
    if clock.status == SessionStatus.NOT_STARTED:
        return budget
    return budget - _elapsed_s(clock, now)


def ends_at(clock: Clock, planned_s: Sequence[float], now: datetime) -> datetime | None:
    """When the current segment's time runs out; None unless running or paused.

    While paused the countdown is frozen, so the answer is `now` + the frozen remaining time.
    """
    require_aware(now, "now")
    if clock.status == SessionStatus.RUNNING:
        budget = _planned(planned_s, clock.segment_index) + clock.extension_s + clock.paused_s
        return clock.segment_started_at + timedelta(seconds=budget)
    if clock.status == SessionStatus.PAUSED:
        return now + timedelta(seconds=remaining_s(clock, planned_s, now))
    return None


def run_s(clock: Clock, now: datetime) -> float | None:
    """Running seconds of the open run at `now`, pauses excluded; None when no run is open."""
    require_aware(now, "now")
    if clock.status not in _STARTED:
        return None
    return max(0.0, _elapsed_s(clock, now))


def warn_at_s(clock: Clock, planned_s: Sequence[float]) -> float | None:
    """Seconds left at which the clock turns amber: WARN_LEFT_S, or WARN_LEFT_SHARE of the
    segment's time if that comes earlier (DESIGN.md §9); None once finished."""
    if clock.status == SessionStatus.FINISHED:
        return None
    budget = _planned(planned_s, clock.segment_index) + clock.extension_s
    return max(float(config.WARN_LEFT_S), config.WARN_LEFT_SHARE * budget)


def plan(
    clock: Clock,
    planned_s: Sequence[float],
    now: datetime,
    started_at: datetime | None,
    finished_at: datetime | None = None,
) -> dict:
    """Where the session stands against its agenda (DESIGN.md §9).

    `planned_end` = the first start + every segment's planned time (pauses and extensions
    are not planned); `projected_end` = now + what is left of the current segment (none in
    overtime) + the planned time of the segments after it, or the finish once finished;
    `behind_s` = projected − planned (positive: late). All null before the first start.

    `grows_from`: from when on the projection moves with the clock, second for second (a
    paused clock: now; a running one: when its segment runs out), so a console can show it
    between timer events without knowing these rules; null when it stands still.
    """
    require_aware(now, "now")
    if started_at is None:
        return {"planned_end": None, "projected_end": None, "behind_s": None, "grows_from": None}
    planned_end = started_at + timedelta(seconds=sum(planned_s))
    grows_from = None
    if clock.status == SessionStatus.FINISHED:
        projected_end = finished_at or now
    else:
        left = max(remaining_s(clock, planned_s, now), 0.0)
        after = sum(planned_s[clock.segment_index + 1 :])
        projected_end = now + timedelta(seconds=left + after)
        if clock.status == SessionStatus.PAUSED:
            grows_from = now
        elif clock.status == SessionStatus.RUNNING:
            grows_from = max(now, ends_at(clock, planned_s, now))
    return {
        "planned_end": iso_ms(planned_end),
        "projected_end": iso_ms(projected_end),
        "behind_s": (projected_end - planned_end).total_seconds(),
        "grows_from": iso_ms(grows_from),
    }


def timer_payload(
    clock: Clock,
    planned_s: Sequence[float],
    now: datetime,
    *,
    started_at: datetime | None = None,
    finished_at: datetime | None = None,
    undo: Undo | None = None,
) -> dict:
    """The `timer` event / `state.timer` object clients count down from (DESIGN.md §5).

    Beyond §5: `actions` (what a facilitator may press now, in ClockAction order), and the
    open run of the current segment: `run_started_at` and `run_s`, its running seconds at
    `server_now` (pauses excluded), which clients count up from while it runs, as they count
    `remaining_s` down. Both are null when no run is open. From §9: `plan` (see `plan`),
    `warn_s` (amber at or below this many seconds left; red at zero) and `undo`
    (`{action, until}` while the last undoable action can be undone, else null).
    """
    undoable = undo is not None and now <= undo.open_until()
    return {
        "segment_index": clock.segment_index,
        "status": clock.status,
        "ends_at": iso_ms(ends_at(clock, planned_s, now)),
        "server_now": iso_ms(now),
        "remaining_s": remaining_s(clock, planned_s, now),
        "actions": allowed_actions(clock, planned_s, undoable),
        "run_started_at": iso_ms(clock.segment_started_at) if clock.status in _STARTED else None,
        "run_s": run_s(clock, now),
        "plan": plan(clock, planned_s, now, started_at, finished_at),
        "warn_s": warn_at_s(clock, planned_s) if planned_s else None,
        "undo": ({"action": undo.action, "until": iso_ms(undo.open_until())} if undoable else None),
    }


def actual_minutes(
    started_at: datetime, ended_at: datetime | None, paused_s: float, now: datetime
) -> float:
    """Running minutes of one segment run, pauses excluded; an open run counts up to `now`."""
    stop = now if ended_at is None else ended_at
    return max(0.0, (stop - started_at).total_seconds() - paused_s) / 60.0


def _minutes_to_add(minutes: float | str | None) -> float:
    limits = {"min": config.EXTEND_MIN_MINUTES, "max": config.EXTEND_MAX_MINUTES}
    if minutes is None:
        raise ClockError(ClockRefusal.MINUTES_MISSING, **limits)
    if isinstance(minutes, bool):
        raise ClockError(ClockRefusal.MINUTES_NOT_A_NUMBER, **limits)
    try:
        value = float(minutes)
    except (TypeError, ValueError):
        raise ClockError(ClockRefusal.MINUTES_NOT_A_NUMBER, **limits) from None
    if not math.isfinite(value) or not limits["min"] <= value <= limits["max"]:
        raise ClockError(ClockRefusal.MINUTES_OUT_OF_RANGE, **limits)
    return value


def _end_run(clock: Clock, now: datetime) -> list[RunChange]:
    if clock.status not in _STARTED:
        return []
    return [
        RunChange(
            kind="end",
            segment_index=clock.segment_index,
            at=now,
            paused_s=run_paused_s(clock, now),
            extension_s=clock.extension_s,
        )
    ]


def _start_run(index: int, now: datetime, extension_s: float = 0.0) -> tuple[Clock, RunChange]:
    clock = Clock(
        status=SessionStatus.RUNNING,
        segment_index=index,
        segment_started_at=now,
        extension_s=extension_s,
    )
    return clock, RunChange(kind="start", segment_index=index, at=now)


def refusal(
    clock: Clock, action: object, planned_s: Sequence[float], undoable: bool = False
) -> ClockError | None:
    """Why `action` cannot happen now, or None when it can (an extension's minutes aside).

    The one statement of the clock's rules: `control` refuses with it, and `allowed_actions`
    (what the console offers) is every action it lets through. `undoable`: whether an
    undoable action was pressed within the undo window (the caller knows the time).
    """
    if action not in _ACTIONS:
        return ClockError(
            ClockRefusal.UNKNOWN_ACTION, action=str(action), actions=", ".join(ClockAction)
        )
    if action == ClockAction.UNDO:  # after finish too: finishing by mistake is undoable
        if undoable:
            return None
        return ClockError(ClockRefusal.NOTHING_TO_UNDO, minutes=config.UNDO_WINDOW_S // 60)
    if clock.status == SessionStatus.FINISHED:
        return ClockError(ClockRefusal.FINISHED)
    if action == ClockAction.FINISH:
        return None  # allowed from any other status, before the start too; needs no agenda
    if not planned_s:
        return ClockError(ClockRefusal.NO_SEGMENTS)
    try:
        _planned(planned_s, clock.segment_index)
    except ClockError as error:
        return error
    status = clock.status
    if action == ClockAction.START:
        if status == SessionStatus.RUNNING:
            return ClockError(ClockRefusal.ALREADY_RUNNING)
        if status == SessionStatus.PAUSED:
            return ClockError(ClockRefusal.PAUSED_USE_RESUME)
    elif action in (ClockAction.PAUSE, ClockAction.RESUME):
        if status == SessionStatus.NOT_STARTED:
            return ClockError(ClockRefusal.NOT_STARTED_USE_START)
        if action == ClockAction.PAUSE and status == SessionStatus.PAUSED:
            return ClockError(ClockRefusal.ALREADY_PAUSED)
        if action == ClockAction.RESUME and status == SessionStatus.RUNNING:
            return ClockError(ClockRefusal.ALREADY_RUNNING)
    elif action == ClockAction.NEXT and clock.segment_index + 1 >= len(planned_s):
        return ClockError(ClockRefusal.LAST_SEGMENT)
    elif action == ClockAction.PREVIOUS and clock.segment_index == 0:
        return ClockError(ClockRefusal.FIRST_SEGMENT)
    return None


def allowed_actions(clock: Clock, planned_s: Sequence[float], undoable: bool = False) -> list[str]:
    """The actions a facilitator may press now, in ClockAction order."""
    return [
        action.value
        for action in ClockAction
        if refusal(clock, action, planned_s, undoable) is None
    ]


def left_after_run(
    planned_s: float, extension_s: float, started_at: datetime, ended_at: datetime, paused_s: float
) -> float:
    """Seconds a segment had left when its run ended (negative in overtime)."""
    return planned_s + extension_s - ((ended_at - started_at).total_seconds() - paused_s)


def _restore(undo: Undo, now: datetime) -> Clock:
    """The clock as it stood when the undone action was pressed; the seconds since are not
    charged to it (a running clock counts them as paused; a paused one stayed paused)."""
    before = undo.before
    if before.status != SessionStatus.RUNNING:
        return before
    return replace(before, paused_s=before.paused_s + max(0.0, (now - undo.at).total_seconds()))


def _undo(clock: Clock, undo: Undo, now: datetime) -> tuple[Clock, list[RunChange]]:
    if undo.action == ClockAction.EXTEND:
        # The segment never left: only the minutes added go (its time since counts as usual).
        return replace(clock, extension_s=undo.before.extension_s), []
    restored = _restore(undo, now)
    changes = []
    if undo.action in (ClockAction.NEXT, ClockAction.PREVIOUS):
        changes = [replace(change, ended_by="undo") for change in _end_run(clock, now)]
    if undo.before.status in _STARTED:
        changes.append(RunChange(kind="reopen", segment_index=restored.segment_index, at=now))
    return restored, changes


def control(
    clock: Clock,
    action: str,
    planned_s: Sequence[float],
    now: datetime,
    minutes: float | None = None,
    *,
    left_s: Mapping[int, float] | None = None,
    undo: Undo | None = None,
) -> tuple[Clock, list[RunChange]]:
    """Apply a facilitator's timer action; return the new clock and the segment_runs changes.

    `left_s`: seconds each segment that has run before had left when its last run ended;
    next and previous re-open such a segment with that time, not a fresh one. `undo`: the
    last undoable action (refused once it is older than the undo window).

    Raises ClockError, with a code the service words for the facilitator, when the action
    cannot happen now.
    """
    require_aware(now, "now")
    undoable = undo is not None and now <= undo.open_until()
    error = refusal(clock, action, planned_s, undoable)
    if error is not None:
        raise error
    if action == ClockAction.UNDO:
        return _undo(clock, undo, now)
    index = clock.segment_index
    if action == ClockAction.FINISH:
        return Clock(status=SessionStatus.FINISHED, segment_index=index), _end_run(clock, now)
    if action == ClockAction.START:
        # Time added before the start belongs to the first segment's run.
        started, change = _start_run(index, now, clock.extension_s)
        return started, [change]
    if action == ClockAction.PAUSE:
        return Clock(
            status=SessionStatus.PAUSED,
            segment_index=index,
            segment_started_at=clock.segment_started_at,
            paused_at=now,
            paused_s=clock.paused_s,
            extension_s=clock.extension_s,
        ), []
    if action == ClockAction.RESUME:
        return Clock(
            status=SessionStatus.RUNNING,
            segment_index=index,
            segment_started_at=clock.segment_started_at,
            paused_s=run_paused_s(clock, now),
            extension_s=clock.extension_s,
        ), []
    if action in (ClockAction.NEXT, ClockAction.PREVIOUS):
        target = index + 1 if action == ClockAction.NEXT else index - 1
        # A segment that ran before goes on with the time it had left, overtime included.
        carried = (left_s or {}).get(target)
        extension = 0.0 if carried is None else carried - _planned(planned_s, target)
        started, change = _start_run(target, now, extension)
        return started, [*_end_run(clock, now), change]
    added_s = _minutes_to_add(minutes) * 60.0  # extend
    return Clock(
        status=clock.status,
        segment_index=index,
        segment_started_at=clock.segment_started_at,
        paused_at=clock.paused_at,
        paused_s=clock.paused_s,
        extension_s=clock.extension_s + added_s,
    ), []
