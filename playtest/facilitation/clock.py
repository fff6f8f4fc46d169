"""Server-authoritative agenda clock: pure maths over stored timestamps (DESIGN.md §4).

Nothing here ticks. The session row stores a `Clock`; remaining time is computed from its
timestamps and the `now` the caller passes in, so a restart loses nothing and every answer
can be tested without waiting. The timer never auto-advances: past zero it runs negative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

STATUSES = ("not_started", "running", "paused", "finished")
ACTIONS = ("start", "pause", "resume", "next", "previous", "extend", "finish")
EXTEND_MIN_MINUTES = 1
EXTEND_MAX_MINUTES = 120

# Statuses in which a segment run is open (it has a start and no end yet).
_STARTED = ("running", "paused")


class ClockError(ValueError):
    """A timer action that cannot happen now; the message is shown to the facilitator."""


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def _require_aware(dt: datetime, name: str) -> None:
    # A naive datetime here is a programming error (the models hand back aware UTC),
    # so it is a plain ValueError, not a ClockError shown to a facilitator.
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {dt!r}")


def iso_ms(dt: datetime | None) -> str | None:
    """Format an aware datetime as ISO-8601 UTC with milliseconds, e.g. 2026-11-23T15:04:05.123Z."""
    if dt is None:
        return None
    _require_aware(dt, "dt")
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Clock:
    """The stored state of a session's clock; change it only through `control`."""

    status: str = "not_started"
    segment_index: int = 0
    segment_started_at: datetime | None = None
    paused_at: datetime | None = None
    paused_s: float = 0.0  # closed pauses accumulated in the current segment
    extension_s: float = 0.0  # extra time granted to the current segment

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown clock status {self.status!r}")
        if self.segment_index < 0:
            raise ValueError("segment_index cannot be negative")
        if self.status in _STARTED and self.segment_started_at is None:
            raise ValueError(f"a {self.status} clock needs segment_started_at")
        if self.status == "paused" and self.paused_at is None:
            raise ValueError("a paused clock needs paused_at")
        for name in ("segment_started_at", "paused_at"):
            value = getattr(self, name)
            if value is not None:
                _require_aware(value, name)


@dataclass(frozen=True)
class RunChange:
    """One change to the segment_runs log, so planned vs actual time can be reported."""

    kind: str  # "start" | "end"
    segment_index: int
    at: datetime
    paused_s: float = 0.0  # for "end": total pause inside that run, an open pause included
    extension_s: float = 0.0  # for "end": total extension granted to that run


def _planned(planned_s: Sequence[float], index: int) -> float:
    if not 0 <= index < len(planned_s):
        raise ClockError(f"This agenda has no segment {index + 1}.")
    return float(planned_s[index])


def run_paused_s(clock: Clock, now: datetime) -> float:
    """Total pause inside the current run at `now`, counting a pause that is still open."""
    _require_aware(now, "now")
    if clock.status != "paused":
        return clock.paused_s
    # If `now` is earlier than paused_at (clocks of two servers disagree) the open pause
    # counts as zero rather than giving time back.
    return clock.paused_s + max(0.0, (now - clock.paused_at).total_seconds())


def _elapsed_s(clock: Clock, now: datetime) -> float:
    """Running time of the current run, pauses excluded; frozen while paused."""
    stop = clock.paused_at if clock.status == "paused" else now
    return (stop - clock.segment_started_at).total_seconds() - clock.paused_s


def remaining_s(clock: Clock, planned_s: Sequence[float], now: datetime) -> float | None:
    """Seconds left in the current segment (negative in overtime); None once finished."""
    _require_aware(now, "now")
    if clock.status == "finished":
        return None
    budget = _planned(planned_s, clock.segment_index) + clock.extension_s
    if clock.status == "not_started":
        return budget
    return budget - _elapsed_s(clock, now)


def ends_at(clock: Clock, planned_s: Sequence[float], now: datetime) -> datetime | None:
    """When the current segment's time runs out; None unless running or paused.

    While paused the countdown is frozen, so the answer is `now` + the frozen remaining time.
    """
    _require_aware(now, "now")
    if clock.status == "running":
        budget = _planned(planned_s, clock.segment_index) + clock.extension_s + clock.paused_s
        return clock.segment_started_at + timedelta(seconds=budget)
    if clock.status == "paused":
        return now + timedelta(seconds=remaining_s(clock, planned_s, now))
    return None


def timer_payload(clock: Clock, planned_s: Sequence[float], now: datetime) -> dict:
    """The `timer` event / `state.timer` object clients count down from (DESIGN.md §5)."""
    return {
        "segment_index": clock.segment_index,
        "status": clock.status,
        "ends_at": iso_ms(ends_at(clock, planned_s, now)),
        "server_now": iso_ms(now),
        "remaining_s": remaining_s(clock, planned_s, now),
    }


def actual_minutes(
    started_at: datetime, ended_at: datetime | None, paused_s: float, now: datetime
) -> float:
    """Running minutes of one segment run, pauses excluded; an open run counts up to `now`."""
    stop = now if ended_at is None else ended_at
    return max(0.0, (stop - started_at).total_seconds() - paused_s) / 60.0


def _minutes_to_add(minutes: float | str | None) -> float:
    limits = f"{EXTEND_MIN_MINUTES} to {EXTEND_MAX_MINUTES}"
    if minutes is None:
        raise ClockError(f"Say how many minutes to add ({limits}).")
    if isinstance(minutes, bool):
        raise ClockError(f"Minutes to add must be a number from {limits}.")
    try:
        value = float(minutes)
    except (TypeError, ValueError):
        raise ClockError(f"Minutes to add must be a number from {limits}.") from None
    if not math.isfinite(value) or not EXTEND_MIN_MINUTES <= value <= EXTEND_MAX_MINUTES:
        raise ClockError(f"You can add {limits} minutes at a time.")
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
        status="running", segment_index=index, segment_started_at=now, extension_s=extension_s
    )
    return clock, RunChange(kind="start", segment_index=index, at=now)


def control(
    clock: Clock,
    action: str,
    planned_s: Sequence[float],
    now: datetime,
    minutes: float | None = None,
) -> tuple[Clock, list[RunChange]]:
    """Apply a facilitator's timer action; return the new clock and the segment_runs changes.

    Raises ClockError, with a message for the facilitator, when the action cannot happen now.
    """
    _require_aware(now, "now")
    if action not in ACTIONS:
        raise ClockError(f'Unknown timer action "{action}". Use one of: {", ".join(ACTIONS)}.')
    if clock.status == "finished":
        raise ClockError("This session is finished; its clock can no longer change.")
    index = clock.segment_index
    if action == "finish":
        # Allowed from any other status, before the start too; needs no agenda.
        return Clock(status="finished", segment_index=index), _end_run(clock, now)
    if not planned_s:
        raise ClockError("This session's agenda has no segments.")
    _planned(planned_s, index)

    if action == "start":
        if clock.status == "running":
            raise ClockError("The clock is already running.")
        if clock.status == "paused":
            raise ClockError("The clock is paused — use resume to carry on.")
        # Time added before the start belongs to the first segment's run.
        started, change = _start_run(index, now, clock.extension_s)
        return started, [change]

    if action == "pause":
        if clock.status == "not_started":
            raise ClockError("The session has not started yet — use start.")
        if clock.status == "paused":
            raise ClockError("The clock is already paused.")
        return Clock(
            status="paused",
            segment_index=index,
            segment_started_at=clock.segment_started_at,
            paused_at=now,
            paused_s=clock.paused_s,
            extension_s=clock.extension_s,
        ), []

    if action == "resume":
        if clock.status == "not_started":
            raise ClockError("The session has not started yet — use start.")
        if clock.status == "running":
            raise ClockError("The clock is already running.")
        return Clock(
            status="running",
            segment_index=index,
            segment_started_at=clock.segment_started_at,
            paused_s=run_paused_s(clock, now),
            extension_s=clock.extension_s,
        ), []

    if action in ("next", "previous"):
        target = index + 1 if action == "next" else index - 1
        if target >= len(planned_s):
            raise ClockError("This is the last segment — use finish to end the session.")
        if target < 0:
            raise ClockError("This is the first segment; there is no segment before it.")
        started, change = _start_run(target, now)
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
