"""timer:control undo, previous keeping a segment's time, and the timer's plan, through the
socket and the database (DESIGN.md §9); a restart in the middle of an undo window."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from playtest.extensions import db
from playtest.facilitation import clock as clockmath
from playtest.facilitation.timekeeping import clock_of, planned_seconds, undo_of
from playtest.models import SegmentRun, Session
from playtest.timeutil import utcnow
from tests.conftest import Factory, drain, emit
from tests.facilitation.test_restart import Watcher
from tests.server import seeded_app


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def room(make, live):
    session = make.session()
    token, _ = make.join(session)
    staff = live.staff(make.token(make.facilitator()), session.id)
    participant = live.participant(token)
    drain(staff)
    drain(participant)
    return {"session": session, "staff": staff, "participant": participant}


def control(room, action: str, **extra) -> dict:
    ack = emit(room["staff"], "timer:control", {"action": action, **extra})
    assert ack["ok"], ack
    return ack["timer"]


def started_minutes_ago(session_id: int, minutes: float) -> None:
    """Make the running segment's run (and the session) have started `minutes` ago."""
    session = db.session.get(Session, session_id)
    shift = timedelta(minutes=minutes)
    session.segment_started_at -= shift
    session.started_at -= shift
    for run in db.session.scalars(sa.select(SegmentRun).where(SegmentRun.session_id == session_id)):
        run.started_at -= shift
    db.session.commit()


def test_the_plan_reaches_everyone_and_counts_overtime(room):
    state = control(room, "start")
    assert state["plan"]["behind_s"] == pytest.approx(0.0, abs=0.01)
    started_minutes_ago(room["session"].id, 23)  # the 20-minute segment is 3 minutes over
    timer = control(room, "extend", minutes=1)
    assert timer["plan"]["behind_s"] == pytest.approx(180.0, abs=0.5)
    planned_end = parse(timer["plan"]["planned_end"])
    first_start = db.session.get(Session, room["session"].id).started_at
    assert abs((planned_end - first_start).total_seconds() - 30 * 60) < 0.001  # 20 + 10 min
    assert drain(room["participant"])["timer"][-1]["plan"] == timer["plan"]


def test_previous_gives_a_segment_back_the_time_it_had_left(room):
    control(room, "start")
    started_minutes_ago(room["session"].id, 27)  # 7 minutes over the 20 planned
    control(room, "next")
    back = control(room, "previous")
    assert back["segment_index"] == 0
    assert back["remaining_s"] == pytest.approx(-420.0, abs=1.0)  # not a fresh 20:00


def test_undo_next_restores_the_segment_clock_exactly_and_logs_the_undo(room):
    control(room, "start")
    started_minutes_ago(room["session"].id, 5)
    control(room, "next")
    db.session.expire_all()
    session = db.session.get(Session, room["session"].id)
    record = undo_of(session)
    planned = planned_seconds(session)
    at_press = clockmath.remaining_s(record.before, planned, record.at)

    undone = control(room, "undo")
    assert undone["segment_index"] == 0 and undone["undo"] is None
    assert "undo" not in undone["actions"]
    db.session.expire_all()
    session = db.session.get(Session, room["session"].id)
    at_undo = clockmath.remaining_s(clock_of(session), planned, parse(undone["server_now"]))
    # Whatever the milliseconds between them, none is charged to the segment.
    assert at_undo == pytest.approx(at_press, abs=0.002)
    runs = db.session.scalars(
        sa.select(SegmentRun).where(SegmentRun.session_id == session.id).order_by(SegmentRun.id)
    ).all()
    assert [(r.segment_index, r.ended_by, r.ended_at is None) for r in runs] == [
        (0, None, True),  # the welcome goes on: its run is open again
        (1, "undo", False),  # the undone segment's run, ended by the undo
    ]
    again = emit(room["staff"], "timer:control", {"action": "undo"})
    assert again["ok"] is False and again["error"]["code"] == "invalid"
    assert "nothing to undo" in again["error"]["message"]


def test_undo_finish_reopens_the_session(room):
    control(room, "start")
    finished = control(room, "finish")
    assert finished["undo"]["action"] == "finish"
    assert (
        emit(
            room["participant"],
            "reflection:add",
            {"client_id": "x" * 36, "lane": "Highlights", "text": "late"},
        )["ok"]
        is False
    )
    reopened = control(room, "undo")
    assert reopened["status"] == "running"
    db.session.expire_all()
    assert db.session.get(Session, room["session"].id).finished_at is None
    card = {"client_id": "y" * 36, "lane": "Highlights", "text": "back on"}
    assert emit(room["participant"], "reflection:add", card)["ok"]


def test_undo_is_gone_after_five_minutes_or_another_clock_action(room):
    control(room, "start")
    control(room, "next")
    session = db.session.get(Session, room["session"].id)
    record = dict(session.undo)
    record["at"] = (utcnow() - timedelta(minutes=5, seconds=1)).isoformat()
    session.undo = record
    db.session.commit()
    ack = emit(room["staff"], "timer:control", {"action": "undo"})
    assert ack["error"]["code"] == "invalid"
    control(room, "extend", minutes=1)
    assert control(room, "pause")["undo"] is None  # pausing leaves nothing to undo


def test_participants_and_observers_cannot_undo(room, make, live):
    control(room, "start")
    control(room, "next")
    ack = emit(room["participant"], "timer:control", {"action": "undo"})
    assert ack["error"]["code"] == "forbidden"


def test_a_restart_in_the_middle_of_an_undo_window_loses_nothing(
    fresh_database_url, server_factory
):
    with seeded_app(fresh_database_url) as app:
        make = Factory(app)
        staff_token = make.token(make.facilitator())
        session_id = make.session().id
    server = server_factory()
    staff = Watcher(server.url, {"token": staff_token, "session_id": session_id})
    try:
        staff.wait_for(lambda: len(staff.states) == 1)
        assert staff.call("timer:control", {"action": "start"})["ok"]
        paused = staff.call("timer:control", {"action": "pause"})["timer"]
        moved = staff.call("timer:control", {"action": "next"})["timer"]
        assert moved["undo"]["action"] == "next"

        server.kill()
        server.start()

        staff.wait_for(lambda: len(staff.states) >= 2)
        timer = staff.states[-1]["timer"]
        assert timer["segment_index"] == 1 and timer["undo"] == moved["undo"]
        assert timer["plan"]["planned_end"] == moved["plan"]["planned_end"]
        undone = staff.call("timer:control", {"action": "undo"})
        assert undone["ok"], undone
        # Paused when next was pressed: back exactly as it was, to the microsecond.
        assert undone["timer"]["status"] == "paused" and undone["timer"]["segment_index"] == 0
        assert undone["timer"]["remaining_s"] == paused["remaining_s"]
    finally:
        staff.close()
