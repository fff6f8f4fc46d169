"""The run of show's clock maths (DESIGN.md §9), hand-computed: the plan (planned and
projected end, minutes behind), amber thresholds, previous keeping the time a segment had
left, and undo restoring the earlier clock exactly."""

from __future__ import annotations

import pytest

from playtest.facilitation.clock import (
    Clock,
    ClockError,
    ClockRefusal,
    RunChange,
    Undo,
    control,
    left_after_run,
    plan,
    remaining_s,
    timer_payload,
    warn_at_s,
)
from tests.facilitation.test_clock import PLAN, T0, at, run

# PLAN: welcome 10 min, case work 45, reflect 20, discussion 15 = 90 min from 9:00 -> 10:30.
PLANNED_END = "2026-11-23T10:30:00.000Z"


def test_there_is_no_plan_before_the_first_start():
    assert plan(Clock(), PLAN, at(5), None) == {
        "planned_end": None,
        "projected_end": None,
        "behind_s": None,
        "grows_from": None,
    }


def test_on_time_the_projected_end_is_the_planned_end():
    clock, _ = run([("start", 0)])
    # 9:04 + 6 min left of the welcome + 45 + 20 + 15 = 10:30.
    assert plan(clock, PLAN, at(4), T0) == {
        "planned_end": PLANNED_END,
        "projected_end": PLANNED_END,
        "behind_s": 0.0,
        "grows_from": "2026-11-23T09:10:00.000Z",  # when the welcome runs out
    }


def test_overtime_pushes_the_finish_back_minute_for_minute():
    clock, _ = run([("start", 0)])
    # 9:13, the welcome 3 min over (nothing left of it) + 80 min planned after it = 10:33.
    result = plan(clock, PLAN, at(13), T0)
    assert result["projected_end"] == "2026-11-23T10:33:00.000Z"
    assert result["behind_s"] == 180.0


def test_a_pause_is_not_planned_so_it_makes_the_session_late():
    clock, _ = run([("start", 0), ("pause", 2)])
    # 9:07, 8 min of the welcome frozen + 80 = 10:35: five minutes behind, and growing.
    result = plan(clock, PLAN, at(7), T0)
    assert result["behind_s"] == 300.0
    assert result["grows_from"] == "2026-11-23T09:07:00.000Z"


def test_an_extension_is_not_planned_either():
    clock, _ = run([("start", 0), ("extend", 1, 5)])
    # 9:01, 14 min left (10 + 5 − 1) + 80 = 10:35.
    assert plan(clock, PLAN, at(1), T0)["behind_s"] == 300.0


def test_moving_on_early_puts_the_session_ahead():
    clock, _ = run([("start", 0), ("next", 5)])
    # 9:05 + 45 + 20 + 15 = 10:25: five minutes ahead.
    assert plan(clock, PLAN, at(5), T0)["behind_s"] == -300.0


def test_once_finished_the_projection_is_the_finish():
    clock, _ = run([("start", 0), ("finish", 70)])
    result = plan(clock, PLAN, at(80), T0, finished_at=at(70))
    assert result["projected_end"] == "2026-11-23T10:10:00.000Z"
    assert result["behind_s"] == -1200.0
    assert result["grows_from"] is None


def test_the_timer_carries_the_plan_and_the_amber_threshold():
    clock, _ = run([("start", 0), ("next", 10)])
    payload = timer_payload(clock, PLAN, at(20), started_at=T0)
    assert payload["plan"]["behind_s"] == 0.0
    assert payload["warn_s"] == 540.0  # 20 % of 45 min is later than 2 min


@pytest.mark.parametrize(
    ("segment", "extension", "warn"),
    [(0, 0.0, 120.0), (1, 0.0, 540.0), (2, 0.0, 240.0), (3, 0.0, 180.0), (0, 300.0, 180.0)],
)
def test_amber_comes_at_two_minutes_or_a_fifth_of_the_segment_whichever_is_later(
    segment, extension, warn
):
    clock = Clock(
        status="running", segment_index=segment, segment_started_at=T0, extension_s=extension
    )
    assert warn_at_s(clock, PLAN) == warn


def test_a_short_segment_warns_at_two_minutes():
    assert warn_at_s(Clock(), [300.0]) == 120.0


# --- previous keeps the time a segment had left ----------------------------------------------


def test_time_left_after_a_run_counts_its_overtime():
    # The welcome ran 17 minutes with one of them paused: 10 − 16 = 6 minutes over.
    assert left_after_run(600.0, 0.0, at(0), at(17), 60.0) == -360.0


def test_previous_reopens_a_segment_with_the_time_it_had_left_overtime_included():
    clock, _ = run([("start", 0)])
    clock, _ = control(clock, "next", PLAN, at(17) + _s(8))  # welcome 7:08 over
    left = {0: left_after_run(600.0, 0.0, at(0), at(17) + _s(8), 0.0)}
    assert left == {0: -428.0}
    back, changes = control(clock, "previous", PLAN, at(20), left_s=left)
    assert remaining_s(back, PLAN, at(20)) == -428.0  # -7:08, not a fresh 10:00
    assert remaining_s(back, PLAN, at(21)) == -488.0
    assert changes[-1] == RunChange("start", 0, at(20))


def test_next_into_a_segment_that_ran_before_also_keeps_its_time():
    clock, _ = run([("start", 0), ("next", 10), ("previous", 25)])
    # Case work ran 15 of its 45 minutes before previous.
    left = {1: left_after_run(2700.0, 0.0, at(10), at(25), 0.0)}
    again, _ = control(clock, "next", PLAN, at(26), left_s=left)
    assert remaining_s(again, PLAN, at(26)) == 1800.0


# --- undo ------------------------------------------------------------------------------------


def _s(seconds: float):
    from datetime import timedelta

    return timedelta(seconds=seconds)


def undo_after(steps: list[tuple]) -> tuple[Clock, Undo]:
    """Run `steps`; the last one is the undoable action: return the clock and its Undo."""
    before, _ = run(steps[:-1])
    action, minute, *extra = steps[-1]
    after, _ = control(before, action, PLAN, at(minute), *extra)
    return after, Undo(action=action, at=at(minute), before=before)


def test_undoing_next_restores_the_segment_as_it_stood_when_next_was_pressed():
    # Welcome: started 9:00, paused a minute at 9:03, next at 9:12 -> 1 min over.
    clock, undo = undo_after([("start", 0), ("pause", 3), ("resume", 4), ("next", 12)])
    assert remaining_s(undo.before, PLAN, at(12)) == -60.0
    restored, changes = control(clock, "undo", PLAN, at(14), undo=undo)
    assert restored.segment_index == 0 and restored.status == "running"
    assert remaining_s(restored, PLAN, at(14)) == -60.0  # the two minutes are not charged
    assert remaining_s(restored, PLAN, at(15)) == -120.0  # and it runs on from there
    assert changes == [
        RunChange("end", 1, at(14), ended_by="undo"),
        RunChange("reopen", 0, at(14)),
    ]


def test_undoing_next_from_a_paused_segment_leaves_it_paused_with_its_time():
    clock, undo = undo_after([("start", 0), ("pause", 3), ("next", 5)])
    restored, _ = control(clock, "undo", PLAN, at(8), undo=undo)
    assert restored == undo.before
    assert remaining_s(restored, PLAN, at(8)) == 420.0
    resumed, _ = control(restored, "resume", PLAN, at(9))
    assert remaining_s(resumed, PLAN, at(9)) == 420.0


def test_undoing_previous_goes_back_to_the_later_segment():
    clock, undo = undo_after([("start", 0), ("next", 10), ("previous", 30)])
    restored, _ = control(clock, "undo", PLAN, at(31), undo=undo)
    assert restored.segment_index == 1
    assert remaining_s(restored, PLAN, at(31)) == 2700.0 - 1200.0  # 20 min run before


def test_undoing_an_extension_takes_back_only_the_minutes_added():
    clock, undo = undo_after([("start", 0), ("extend", 2, 5)])
    restored, changes = control(clock, "undo", PLAN, at(3), undo=undo)
    assert restored.extension_s == 0.0 and changes == []
    assert remaining_s(restored, PLAN, at(3)) == 420.0  # the segment ran on meanwhile


def test_undoing_finish_reopens_the_segment_with_its_time():
    clock, undo = undo_after([("start", 0), ("next", 10), ("finish", 30)])
    restored, changes = control(clock, "undo", PLAN, at(31), undo=undo)
    assert restored.status == "running" and restored.segment_index == 1
    assert remaining_s(restored, PLAN, at(31)) == 1500.0  # 25 min, as when finish was pressed
    assert changes == [RunChange("reopen", 1, at(31))]


def test_undoing_next_before_the_start_goes_back_to_not_started():
    clock, undo = undo_after([("next", 0)])
    restored, changes = control(clock, "undo", PLAN, at(1), undo=undo)
    assert restored == Clock()
    assert changes == [RunChange("end", 1, at(1), ended_by="undo")]


def test_undo_is_refused_after_five_minutes():
    clock, undo = undo_after([("start", 0), ("next", 10)])
    assert control(clock, "undo", PLAN, at(15), undo=undo)[0].segment_index == 0
    with pytest.raises(ClockError) as info:
        control(clock, "undo", PLAN, at(15) + _s(0.001), undo=undo)
    assert info.value.code == ClockRefusal.NOTHING_TO_UNDO


def test_the_timer_offers_undo_until_the_window_closes():
    clock, undo = undo_after([("start", 0), ("next", 10)])
    payload = timer_payload(clock, PLAN, at(12), started_at=T0, undo=undo)
    assert payload["undo"] == {"action": "next", "until": "2026-11-23T09:15:00.000Z"}
    assert payload["actions"][-1] == "undo"
    later = timer_payload(clock, PLAN, at(16), started_at=T0, undo=undo)
    assert later["undo"] is None and "undo" not in later["actions"]
