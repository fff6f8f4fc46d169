"""The agenda clock: what a facilitator and the room see when the timer is driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playtest.enums import ClockAction
from playtest.facilitation.clock import (
    Clock,
    ClockError,
    ClockRefusal,
    RunChange,
    actual_minutes,
    allowed_actions,
    control,
    ends_at,
    remaining_s,
    run_paused_s,
    timer_payload,
)
from playtest.timeutil import iso_ms

ACTIONS = tuple(ClockAction)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
# Welcome 10 min, case work 45 min, reflect 20 min, discussion 15 min.
PLAN = [600.0, 2700.0, 1200.0, 900.0]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(actions: list[tuple], clock: Clock | None = None, plan=PLAN) -> tuple[Clock, list]:
    """Apply (action, minute[, extend minutes]) steps; return the clock and every RunChange."""
    clock = clock or Clock()
    log: list[RunChange] = []
    for action, minute, *extra in actions:
        clock, changes = control(clock, action, plan, at(minute), *extra)
        log.extend(changes)
    return clock, log


# --- naive datetimes --------------------------------------------------------------------------


def test_naive_datetimes_are_a_programming_error_not_a_clock_error():
    naive = datetime(2026, 11, 23, 9, 0)
    with pytest.raises(ValueError) as info:
        iso_ms(naive)
    assert not isinstance(info.value, ClockError)
    with pytest.raises(ValueError):
        remaining_s(Clock(), PLAN, naive)
    with pytest.raises(ValueError) as info:
        control(Clock(), "start", PLAN, naive)
    assert not isinstance(info.value, ClockError)
    with pytest.raises(ValueError):
        Clock(status="running", segment_started_at=naive)


def test_impossible_clock_states_cannot_be_built():
    with pytest.raises(ValueError):
        Clock(status="ticking")
    with pytest.raises(ValueError):
        Clock(status="running")  # running since when?
    with pytest.raises(ValueError):
        Clock(status="paused", segment_started_at=T0)  # paused since when?
    with pytest.raises(ValueError):
        Clock(segment_index=-1)


# --- before the start ------------------------------------------------------------------------


def test_not_started_shows_the_first_segments_full_time_and_no_end():
    clock = Clock()
    assert remaining_s(clock, PLAN, at(0)) == 600.0
    assert remaining_s(clock, PLAN, at(30)) == 600.0  # waiting does not eat the welcome
    assert ends_at(clock, PLAN, at(0)) is None


def test_timer_payload_before_start():
    assert timer_payload(Clock(), PLAN, at(0)) == {
        "segment_index": 0,
        "status": "not_started",
        "ends_at": None,
        "server_now": "2026-11-23T09:00:00.000Z",
        "remaining_s": 600.0,
        "actions": ["start", "next", "extend", "finish"],
        "run_started_at": None,
        "run_s": None,
        "plan": {
            "planned_end": None,
            "projected_end": None,
            "behind_s": None,
            "grows_from": None,
        },
        "warn_s": 120.0,
        "undo": None,
    }


# --- start, overtime -------------------------------------------------------------------------


def test_start_runs_the_first_segment_and_logs_its_start():
    clock, changes = control(Clock(), "start", PLAN, at(0))
    assert clock == Clock(status="running", segment_index=0, segment_started_at=at(0))
    assert changes == [RunChange(kind="start", segment_index=0, at=at(0))]
    assert remaining_s(clock, PLAN, at(4)) == 360.0
    assert ends_at(clock, PLAN, at(4)) == at(10)


def test_overtime_goes_negative_and_never_advances():
    clock, _ = run([("start", 0)])
    assert remaining_s(clock, PLAN, at(10)) == 0.0
    assert remaining_s(clock, PLAN, at(11.5)) == -90.0
    payload = timer_payload(clock, PLAN, at(11.5))
    assert payload["remaining_s"] == -90.0
    assert payload["segment_index"] == 0 and payload["status"] == "running"
    assert payload["ends_at"] == "2026-11-23T09:10:00.000Z"
    assert remaining_s(clock, PLAN, at(600)) == -590 * 60.0  # still segment 0 ten hours on


def test_remaining_is_a_float_even_for_whole_seconds():
    clock, _ = run([("start", 0)])
    assert isinstance(timer_payload(clock, PLAN, at(1))["remaining_s"], float)
    assert isinstance(timer_payload(Clock(), [600], at(0))["remaining_s"], float)


def test_clients_can_count_down_from_ends_at_and_server_now():
    clock, _ = run([("start", 0)])
    now = at(3) + timedelta(microseconds=456_789)
    payload = timer_payload(clock, PLAN, now)
    ends = datetime.fromisoformat(payload["ends_at"])
    server_now = datetime.fromisoformat(payload["server_now"])
    assert (ends - server_now).total_seconds() == pytest.approx(payload["remaining_s"], abs=1e-3)


def test_sub_second_precision_is_kept():
    clock, _ = run([("start", 0)])
    assert remaining_s(clock, PLAN, at(0) + timedelta(milliseconds=1500)) == 598.5


# --- pause and resume ------------------------------------------------------------------------


def test_remaining_is_frozen_while_paused():
    clock, _ = run([("start", 0), ("pause", 4)])
    assert clock.status == "paused" and clock.paused_at == at(4)
    for minute in (4, 5, 9, 60):
        assert remaining_s(clock, PLAN, at(minute)) == 360.0
        # ends_at slides with the clock so a client that ignores status still shows 6:00
        assert ends_at(clock, PLAN, at(minute)) == at(minute) + timedelta(seconds=360)


def test_resume_carries_on_from_where_it_paused():
    clock, changes = run([("start", 0), ("pause", 4), ("resume", 10)])
    assert changes == [RunChange("start", 0, at(0))]  # pausing is not a new run
    assert clock.status == "running" and clock.paused_at is None
    assert clock.paused_s == 360.0
    assert remaining_s(clock, PLAN, at(10)) == 360.0
    assert remaining_s(clock, PLAN, at(12)) == 240.0
    assert ends_at(clock, PLAN, at(12)) == at(16)


def test_several_pauses_add_up():
    clock, _ = run([("start", 0), ("pause", 1), ("resume", 2), ("pause", 3), ("resume", 6)])
    assert clock.paused_s == 240.0
    assert remaining_s(clock, PLAN, at(6)) == 600.0 - 2 * 60
    assert run_paused_s(clock, at(7)) == 240.0


def test_pause_during_overtime_keeps_the_overtime_frozen():
    clock, _ = run([("start", 0), ("pause", 12)])
    assert remaining_s(clock, PLAN, at(12)) == -120.0
    assert remaining_s(clock, PLAN, at(20)) == -120.0
    assert timer_payload(clock, PLAN, at(20))["ends_at"] == "2026-11-23T09:18:00.000Z"
    clock, _ = control(clock, "resume", PLAN, at(20))
    assert remaining_s(clock, PLAN, at(21)) == -180.0


def test_open_pause_counts_in_run_paused_s():
    clock, _ = run([("start", 0), ("pause", 1), ("resume", 2), ("pause", 5)])
    assert run_paused_s(clock, at(5)) == 60.0
    assert run_paused_s(clock, at(8)) == 240.0


def test_resume_after_a_backwards_server_clock_does_not_give_time_back():
    clock, _ = run([("start", 0), ("pause", 5)])
    clock, _ = control(clock, "resume", PLAN, at(4))  # another server's clock is behind
    assert clock.paused_s == 0.0


# --- extend ----------------------------------------------------------------------------------


def test_extend_while_running_moves_the_end():
    clock, changes = run([("start", 0), ("extend", 8, 5)])
    assert changes == [RunChange("start", 0, at(0))]  # no segment_runs change for an extension
    assert clock.extension_s == 300.0
    assert remaining_s(clock, PLAN, at(8)) == 420.0
    assert ends_at(clock, PLAN, at(8)) == at(15)


def test_extend_during_overtime_brings_the_timer_back_above_zero():
    clock, _ = run([("start", 0), ("extend", 12, 5)])
    assert remaining_s(clock, PLAN, at(12)) == 180.0


def test_extend_while_paused_adds_to_the_frozen_time():
    clock, _ = run([("start", 0), ("pause", 4), ("extend", 6, 10)])
    assert clock.status == "paused"
    assert remaining_s(clock, PLAN, at(6)) == 360.0 + 600.0
    assert remaining_s(clock, PLAN, at(30)) == 960.0
    clock, _ = control(clock, "resume", PLAN, at(30))
    assert remaining_s(clock, PLAN, at(31)) == 900.0
    assert ends_at(clock, PLAN, at(31)) == at(46)


def test_extensions_accumulate():
    clock, _ = run([("start", 0), ("extend", 1, 5), ("extend", 2, 2.5)])
    assert clock.extension_s == 450.0
    assert remaining_s(clock, PLAN, at(2)) == 600 + 450 - 120


def test_extend_before_start_lengthens_the_first_segment():
    clock, _ = run([("extend", -5, 5)])
    assert clock.status == "not_started"
    assert remaining_s(clock, PLAN, at(-5)) == 900.0
    clock, log = run([("start", 0), ("next", 16)], clock)
    assert log[1] == RunChange("end", 0, at(16), paused_s=0.0, extension_s=300.0)


@pytest.mark.parametrize("minutes", [1, 120, 1.5, "5"])
def test_extend_accepts_1_to_120_minutes(minutes):
    clock, _ = run([("start", 0), ("extend", 0, minutes)])
    assert clock.extension_s == float(minutes) * 60


@pytest.mark.parametrize(
    "minutes", [None, 0, 0.5, -5, 121, 1e9, float("nan"), float("inf"), True, "soon", [5]]
)
def test_extend_rejects_other_minutes_with_a_readable_message(minutes):
    clock, _ = run([("start", 0)])
    with pytest.raises(ClockError) as info:
        control(clock, "extend", PLAN, at(1), minutes)
    assert info.value.code in (
        ClockRefusal.MINUTES_MISSING,
        ClockRefusal.MINUTES_NOT_A_NUMBER,
        ClockRefusal.MINUTES_OUT_OF_RANGE,
    )
    assert info.value.params == {"min": 1, "max": 120}  # the limits the message names


# --- next / previous -------------------------------------------------------------------------


def test_next_ends_the_run_and_starts_the_next_segment_fresh():
    clock, log = run([("start", 0), ("pause", 3), ("resume", 4), ("extend", 5, 5), ("next", 12)])
    assert clock == Clock(status="running", segment_index=1, segment_started_at=at(12))
    assert log == [
        RunChange("start", 0, at(0)),
        RunChange("end", 0, at(12), paused_s=60.0, extension_s=300.0),
        RunChange("start", 1, at(12)),
    ]
    assert remaining_s(clock, PLAN, at(12)) == 2700.0


def test_next_while_paused_counts_the_open_pause_and_starts_running():
    clock, log = run([("start", 0), ("pause", 4), ("next", 9)])
    assert clock.status == "running" and clock.paused_at is None and clock.paused_s == 0.0
    assert log[-2] == RunChange("end", 0, at(9), paused_s=300.0, extension_s=0.0)
    assert remaining_s(clock, PLAN, at(10)) == 2640.0


def test_next_from_not_started_skips_to_segment_two_running():
    clock, log = run([("next", 0)])
    assert clock.status == "running" and clock.segment_index == 1
    assert log == [RunChange("start", 1, at(0))]  # segment 0 never ran: nothing to end


def test_next_on_the_last_segment_says_use_finish():
    clock, _ = run([("start", 0), ("next", 10), ("next", 55), ("next", 75)])
    assert clock.segment_index == 3
    with pytest.raises(ClockError) as info:
        control(clock, "next", PLAN, at(90))
    assert info.value.code == ClockRefusal.LAST_SEGMENT


def test_previous_without_the_time_left_restarts_the_earlier_segment_in_full():
    """The pure core alone knows no history: the service passes `left_s` (see
    test_run_of_show_clock.py for previous keeping the time a segment had left)."""
    clock, log = run([("start", 0), ("next", 10), ("previous", 11)])
    assert clock == Clock(status="running", segment_index=0, segment_started_at=at(11))
    assert log[3:] == [RunChange("end", 1, at(11)), RunChange("start", 0, at(11))]
    assert remaining_s(clock, PLAN, at(11)) == 600.0


def test_previous_on_the_first_segment_is_refused():
    for clock in (Clock(), run([("start", 0)])[0], run([("start", 0), ("pause", 1)])[0]):
        with pytest.raises(ClockError) as info:
            control(clock, "previous", PLAN, at(2))
        assert info.value.code == ClockRefusal.FIRST_SEGMENT


def test_next_does_not_carry_an_extension_into_the_next_segment():
    clock, _ = run([("start", 0), ("extend", 1, 30), ("next", 2)])
    assert clock.extension_s == 0.0
    assert remaining_s(clock, PLAN, at(2)) == 2700.0


# --- finish ----------------------------------------------------------------------------------


def test_finish_early_ends_the_current_run():
    clock, log = run([("start", 0), ("next", 10), ("finish", 30)])
    assert clock == Clock(status="finished", segment_index=1)
    assert log[-1] == RunChange("end", 1, at(30))
    assert timer_payload(clock, PLAN, at(31)) == {
        "segment_index": 1,
        "status": "finished",
        "ends_at": None,
        "server_now": "2026-11-23T09:31:00.000Z",
        "remaining_s": None,
        "actions": [],
        "run_started_at": None,
        "run_s": None,
        "plan": {
            "planned_end": None,
            "projected_end": None,
            "behind_s": None,
            "grows_from": None,
        },
        "warn_s": None,
        "undo": None,
    }


def test_finish_while_paused_counts_the_open_pause():
    clock, log = run([("start", 0), ("extend", 1, 3), ("pause", 2), ("finish", 7)])
    assert clock.status == "finished"
    assert log[-1] == RunChange("end", 0, at(7), paused_s=300.0, extension_s=180.0)


def test_finish_before_start_logs_no_run():
    clock, changes = control(Clock(), "finish", PLAN, at(0))
    assert clock.status == "finished"
    assert changes == []
    assert remaining_s(clock, PLAN, at(0)) is None


def test_finish_in_overtime():
    clock, log = run([("start", 0), ("finish", 25)])
    assert log[-1] == RunChange("end", 0, at(25))
    assert actual_minutes(log[0].at, log[-1].at, log[-1].paused_s, at(99)) == 25.0


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != ClockAction.UNDO])
def test_nothing_changes_after_finish(action):
    clock, _ = run([("start", 0), ("finish", 1)])
    with pytest.raises(ClockError) as info:
        control(clock, action, PLAN, at(2), 5)
    assert info.value.code == ClockRefusal.FINISHED


@pytest.mark.parametrize("action", ["stop", "", "START", "reset", None, "next "])
def test_unknown_actions_are_refused(action):
    with pytest.raises(ClockError) as info:
        control(Clock(), action, PLAN, at(0))
    assert info.value.code == ClockRefusal.UNKNOWN_ACTION
    assert info.value.params == {"action": str(action), "actions": ", ".join(ACTIONS)}


# --- every action from every status ----------------------------------------------------------


def _clock_in(status: str) -> Clock:
    steps = {
        "not_started": [],
        "running": [("start", 0), ("next", 10)],
        "paused": [("start", 0), ("next", 10), ("pause", 20)],
        "finished": [("start", 0), ("finish", 10)],
    }[status]
    return run(steps)[0]


# (status, action) -> resulting status, or why the clock refuses it.
MATRIX = {
    ("not_started", "start"): "running",
    ("not_started", "pause"): ClockRefusal.NOT_STARTED_USE_START,
    ("not_started", "resume"): ClockRefusal.NOT_STARTED_USE_START,
    ("not_started", "next"): "running",
    ("not_started", "previous"): ClockRefusal.FIRST_SEGMENT,
    ("not_started", "extend"): "not_started",
    ("not_started", "finish"): "finished",
    ("running", "start"): ClockRefusal.ALREADY_RUNNING,
    ("running", "pause"): "paused",
    ("running", "resume"): ClockRefusal.ALREADY_RUNNING,
    ("running", "next"): "running",
    ("running", "previous"): "running",
    ("running", "extend"): "running",
    ("running", "finish"): "finished",
    ("paused", "start"): ClockRefusal.PAUSED_USE_RESUME,
    ("paused", "pause"): ClockRefusal.ALREADY_PAUSED,
    ("paused", "resume"): "running",
    ("paused", "next"): "running",
    ("paused", "previous"): "running",
    ("paused", "extend"): "paused",
    ("paused", "finish"): "finished",
    **{("finished", action): ClockRefusal.FINISHED for action in ACTIONS},
    # With no undoable action behind it (see test_run_of_show_clock.py for undo itself).
    **{
        (status, "undo"): ClockRefusal.NOTHING_TO_UNDO
        for status in ("not_started", "running", "paused", "finished")
    },
}


@pytest.mark.parametrize(("status", "action"), sorted(MATRIX))
def test_every_action_from_every_status(status, action):
    expected = MATRIX[(status, action)]
    clock = _clock_in(status)
    if isinstance(expected, ClockRefusal):
        with pytest.raises(ClockError) as info:
            control(clock, action, PLAN, at(30), 5)
        assert info.value.code == expected
    else:
        new, _ = control(clock, action, PLAN, at(30), 5)
        assert new.status == expected
        assert timer_payload(new, PLAN, at(30))["status"] == expected


@pytest.mark.parametrize("status", ["not_started", "running", "paused", "finished"])
def test_the_actions_offered_are_exactly_those_the_clock_accepts(status):
    clock = _clock_in(status)  # in segment 2 of 4 once started: next and previous both work
    offered = timer_payload(clock, PLAN, at(30))["actions"]
    accepted = [a for a in ACTIONS if not isinstance(MATRIX[(status, a)], ClockRefusal)]
    assert offered == accepted == allowed_actions(clock, PLAN)


def test_next_and_previous_are_offered_only_where_a_segment_is_there():
    first, _ = run([("start", 0)])
    last, _ = run([("start", 0), ("next", 1), ("next", 2), ("next", 3)])
    assert "previous" not in allowed_actions(first, PLAN) and "next" in allowed_actions(first, PLAN)
    assert "next" not in allowed_actions(last, PLAN) and "previous" in allowed_actions(last, PLAN)
    assert allowed_actions(Clock(), []) == ["finish"]  # an empty agenda can still be finished


def test_the_timer_counts_the_open_run_without_its_pauses():
    clock, _ = run([("start", 0), ("pause", 2), ("resume", 5), ("extend", 6, 5)])
    payload = timer_payload(clock, PLAN, at(10))
    assert payload["run_started_at"] == "2026-11-23T09:00:00.000Z"
    assert payload["run_s"] == 7 * 60.0  # 10 minutes since the start, 3 of them paused
    paused, _ = control(clock, "pause", PLAN, at(12))
    assert timer_payload(paused, PLAN, at(40))["run_s"] == 9 * 60.0  # frozen while paused
    moved, _ = control(paused, "next", PLAN, at(41))
    assert timer_payload(moved, PLAN, at(41))["run_started_at"] == "2026-11-23T09:41:00.000Z"
    assert timer_payload(moved, PLAN, at(41))["run_s"] == 0.0
    assert timer_payload(Clock(), PLAN, at(0))["run_started_at"] is None


def test_refused_actions_leave_the_clock_untouched():
    clock = _clock_in("paused")
    with pytest.raises(ClockError):
        control(clock, "pause", PLAN, at(30))
    assert clock == _clock_in("paused")
    assert remaining_s(clock, PLAN, at(30)) == 2700.0 - 600.0


def test_start_on_an_empty_agenda_is_refused_but_finish_works():
    with pytest.raises(ClockError) as info:
        control(Clock(), "start", [], at(0))
    assert info.value.code == ClockRefusal.NO_SEGMENTS
    assert control(Clock(), "finish", [], at(0))[0].status == "finished"


# --- pure: time comes only from `now` --------------------------------------------------------


def test_results_depend_only_on_the_now_passed_in():
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    clock, _ = control(Clock(), "start", PLAN, long_ago)
    later = long_ago + timedelta(minutes=3)
    assert remaining_s(clock, PLAN, later) == 420.0
    assert timer_payload(clock, PLAN, later) == timer_payload(clock, PLAN, later)
    assert control(clock, "pause", PLAN, later) == control(clock, "pause", PLAN, later)


def test_control_returns_a_new_clock_and_leaves_the_old_one_alone():
    clock, _ = run([("start", 0)])
    paused, _ = control(clock, "pause", PLAN, at(1))
    assert clock.status == "running" and paused.status == "paused"
    with pytest.raises(AttributeError):
        clock.status = "paused"  # frozen


# --- actual minutes --------------------------------------------------------------------------


def test_actual_minutes_excludes_pauses():
    assert actual_minutes(at(0), at(50), 300.0, at(99)) == 45.0


def test_actual_minutes_of_an_open_run_counts_up_to_now():
    assert actual_minutes(at(0), None, 60.0, at(10)) == 9.0


def test_actual_minutes_is_never_negative():
    assert actual_minutes(at(10), at(9), 0.0, at(10)) == 0.0


# --- properties ------------------------------------------------------------------------------

steps = st.lists(
    st.tuples(
        st.sampled_from(["pause", "resume", "next", "previous", "extend", "pause", "resume"]),
        st.integers(min_value=0, max_value=3_600_000),  # ms since the previous step
        st.integers(min_value=1, max_value=120),
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(plan=st.lists(st.integers(60, 480 * 60), min_size=1, max_size=6), steps=steps)
def test_remaining_plus_running_time_equals_planned_plus_extension(plan, steps):
    """An independent model of running time agrees with the clock at every step."""
    now = T0
    clock, log = control(Clock(), "start", plan, now)
    running_ms = 0  # running time of the current run, pauses excluded, counted by the test
    total_running_ms = 0  # the same over the whole session
    extension_s = 0.0
    for action, gap_ms, minutes in steps:
        if clock.status == "running":
            running_ms += gap_ms
            total_running_ms += gap_ms
        now += timedelta(milliseconds=gap_ms)
        try:
            clock, changes = control(clock, action, plan, now, minutes)
        except ClockError:
            continue
        log.extend(changes)
        if action in ("next", "previous"):
            running_ms, extension_s = 0, 0.0
        elif action == "extend":
            extension_s += minutes * 60
        budget = plan[clock.segment_index] + extension_s
        assert remaining_s(clock, plan, now) == pytest.approx(budget - running_ms / 1000)
    clock, changes = control(clock, "finish", plan, now)
    log.extend(changes)

    # The log alternates start/end for the same segment, and the runs' actual minutes add up
    # to the time the clock was running.
    assert [change.kind for change in log] == ["start", "end"] * (len(log) // 2)
    total_min = 0.0
    for start, end in zip(log[::2], log[1::2], strict=True):
        assert start.segment_index == end.segment_index
        total_min += actual_minutes(start.at, end.at, end.paused_s, now)
    assert total_min == pytest.approx(total_running_ms / 60_000)
    assert remaining_s(clock, plan, now) is None


@settings(max_examples=100, deadline=None)
@given(pause_after_s=st.integers(0, 7200), waits=st.lists(st.integers(0, 10**6), max_size=5))
def test_a_paused_clock_shows_the_same_time_however_long_it_waits(pause_after_s, waits):
    clock, _ = control(Clock(), "start", PLAN, T0)
    paused_at = T0 + timedelta(seconds=pause_after_s)
    clock, _ = control(clock, "pause", PLAN, paused_at)
    frozen = 600.0 - pause_after_s
    now = paused_at
    for wait in waits:
        now += timedelta(seconds=wait)
        assert remaining_s(clock, PLAN, now) == frozen
