"""agenda:edit: the facilitator bends the agenda while the session runs (DESIGN.md §9)."""

from __future__ import annotations

from datetime import datetime

import pytest

from playtest.facilitation import agenda
from playtest.facilitation.agenda import AgendaError, AgendaRefusal
from tests.conftest import drain, emit

PLAYBOOK = [
    {"title": "Welcome", "minutes": 10, "kind": "plenary"},
    {"title": "Case work", "minutes": 45, "kind": "work"},
    {"title": "Reflect", "minutes": 20, "kind": "reflect"},
    {"title": "Discussion", "minutes": 15, "kind": "discuss"},
]
THREE = """\
Title: Three segments
Roles: Intake officer
       Policy advisor

## Welcome (10 min) {: .plenary }
## Case work (20 min) {: .work }
## Reflect (10 min) {: .reflect }
"""


def minutes_between(earlier: str, later: str) -> float:
    parse = datetime.fromisoformat
    return (parse(later) - parse(earlier)).total_seconds() / 60


def titles(segments) -> list[str]:
    return [seg["title"] for seg in segments]


# --- the pure rules --------------------------------------------------------------------------


def test_a_session_starts_with_the_playbooks_agenda_with_stable_keys():
    copied = agenda.from_playbook(PLAYBOOK)
    assert [seg["key"] for seg in copied] == ["p0", "p1", "p2", "p3"]
    assert all(seg["original_min"] == seg["minutes"] and not seg["edited"] for seg in copied)


def test_move_minutes_insert_and_remove_keep_keys_and_mark_edits():
    plan = agenda.from_playbook(PLAYBOOK)
    free = agenda.first_free("running", 0, [0])  # the welcome is running
    assert free == 1
    plan = agenda.edit(plan, {"op": "move", "index": 3, "to": 1}, free, "x")
    assert titles(plan) == ["Welcome", "Discussion", "Case work", "Reflect"]
    plan = agenda.edit(plan, {"op": "minutes", "index": 2, "minutes": 30}, free, "x")
    plan = agenda.edit(
        plan,
        {"op": "insert", "at": 2, "title": " Break ", "minutes": 5, "kind": "break"},
        free,
        "n1",
    )
    plan = agenda.edit(plan, {"op": "remove", "index": 4}, free, "x")
    assert [(s["key"], s["title"], s["minutes"], s["original_min"], s["edited"]) for s in plan] == [
        ("p0", "Welcome", 10, 10, False),
        ("p3", "Discussion", 15, 15, True),
        ("n1", "Break", 5, None, True),
        ("p1", "Case work", 30, 45, True),
    ]


def test_the_same_minutes_or_place_is_not_an_edit():
    plan = agenda.from_playbook(PLAYBOOK)
    plan = agenda.edit(plan, {"op": "minutes", "index": 2, "minutes": 20}, 1, "x")
    plan = agenda.edit(plan, {"op": "move", "index": 3, "to": 3}, 1, "x")
    assert not any(seg["edited"] for seg in plan)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"op": "minutes", "index": 1, "minutes": 5}, AgendaRefusal.STARTED),  # current
        ({"op": "minutes", "index": 0, "minutes": 5}, AgendaRefusal.STARTED),  # finished
        ({"op": "remove", "index": 1}, AgendaRefusal.STARTED),
        ({"op": "move", "index": 1, "to": 3}, AgendaRefusal.STARTED),
        ({"op": "move", "index": 3, "to": 1}, AgendaRefusal.BAD_POSITION),
        (
            {"op": "insert", "at": 1, "title": "x", "minutes": 5, "kind": "work"},
            AgendaRefusal.BAD_POSITION,
        ),
        ({"op": "minutes", "index": 9, "minutes": 5}, AgendaRefusal.NO_SUCH_SEGMENT),
        ({"op": "minutes", "index": "2", "minutes": 5}, AgendaRefusal.NO_SUCH_SEGMENT),
        ({"op": "minutes", "index": True, "minutes": 5}, AgendaRefusal.NO_SUCH_SEGMENT),
        ({"op": "minutes", "index": 2, "minutes": 0}, AgendaRefusal.BAD_MINUTES),
        ({"op": "minutes", "index": 2, "minutes": 2.5}, AgendaRefusal.BAD_MINUTES),
        ({"op": "minutes", "index": 2, "minutes": 481}, AgendaRefusal.BAD_MINUTES),
        (
            {"op": "insert", "at": 2, "title": "  ", "minutes": 5, "kind": "work"},
            AgendaRefusal.BAD_TITLE,
        ),
        (
            {"op": "insert", "at": 2, "title": "Lunch", "minutes": 5, "kind": "nap"},
            AgendaRefusal.BAD_KIND,
        ),
        ({"op": "shuffle"}, AgendaRefusal.UNKNOWN_OP),
        ({}, AgendaRefusal.UNKNOWN_OP),
    ],
)
def test_edits_to_what_has_started_or_malformed_edits_are_refused(payload, code):
    plan = agenda.from_playbook(PLAYBOOK)
    free = agenda.first_free("running", 1, [0, 1])
    with pytest.raises(AgendaError) as info:
        agenda.edit(plan, payload, free, "x")
    assert info.value.code == code


def test_a_segment_that_ran_before_stays_put_after_previous():
    # Segment 2 ran, then the facilitator went back to 1: 2 has started, so from 3 on.
    assert agenda.first_free("running", 1, [0, 1, 2]) == 3
    assert agenda.first_free("not_started", 0, []) == 0


# --- through the socket ----------------------------------------------------------------------


@pytest.fixture
def room(make, live):
    session = make.session(THREE)
    token, _ = make.join(session)
    staff = live.staff(make.token(make.facilitator()), session.id)
    observer = live.staff(
        make.token(make.facilitator("o@example.gov", role="observer")), session.id
    )
    participant = live.participant(token)
    for client in (staff, observer, participant):
        drain(client)
    return {"session": session, "staff": staff, "observer": observer, "participant": participant}


def test_an_edit_reaches_every_client_and_moves_the_plan(room):
    started = emit(room["staff"], "timer:control", {"action": "start"})["timer"]
    for client in (room["staff"], room["participant"]):
        drain(client)
    ack = emit(room["staff"], "agenda:edit", {"op": "minutes", "index": 2, "minutes": 25})
    assert ack["ok"], ack
    segments = ack["agenda"]["segments"]
    assert [(s["key"], s["minutes"], s["edited"], s["editable"]) for s in segments] == [
        ("p0", 10, False, False),
        ("p1", 20, False, True),
        ("p2", 25, True, True),
    ]
    seen = drain(room["participant"])
    assert seen["agenda"][-1]["segments"][2]["minutes"] == 25
    assert "notes_html" not in seen["agenda"][-1]["segments"][2]
    # The plan is the agenda as edited: both ends move 15 minutes, the session is on time.
    plan = seen["timer"][-1]["plan"]
    assert plan["behind_s"] == pytest.approx(0, abs=1)
    assert minutes_between(started["plan"]["planned_end"], plan["planned_end"]) == 15
    staff_copy = drain(room["staff"])["agenda"][-1]
    assert staff_copy["segments"][2]["editable"] is True


def test_inserting_and_moving_change_what_next_runs(room):
    emit(room["staff"], "timer:control", {"action": "start"})
    insert = {"op": "insert", "at": 1, "title": "Stretch", "minutes": 3, "kind": "break"}
    assert emit(room["staff"], "agenda:edit", insert)["ok"]
    moved = emit(room["staff"], "agenda:edit", {"op": "move", "index": 3, "to": 1})
    assert titles(moved["agenda"]["segments"]) == ["Welcome", "Reflect", "Stretch", "Case work"]
    timer = emit(room["staff"], "timer:control", {"action": "next"})["timer"]
    assert timer["segment_index"] == 1 and timer["remaining_s"] == pytest.approx(600, abs=1)


@pytest.mark.parametrize(
    ("who", "payload", "code"),
    [
        ("participant", {"op": "remove", "index": 2}, "forbidden"),
        ("observer", {"op": "remove", "index": 2}, "forbidden"),
        ("staff", {"op": "remove", "index": 0}, "invalid"),  # the current segment
        ("staff", {"op": "minutes", "index": 1, "minutes": "ten"}, "invalid"),
        ("staff", {"op": "move", "index": 2, "to": 0}, "invalid"),
        ("staff", {"op": 7}, "invalid"),
    ],
)
def test_edits_that_cannot_happen_say_why(room, who, payload, code):
    emit(room["staff"], "timer:control", {"action": "start"})
    ack = emit(room[who], "agenda:edit", payload)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert ack["error"]["message"]


def test_a_finished_session_keeps_its_agenda(room):
    emit(room["staff"], "timer:control", {"action": "finish"})
    ack = emit(room["staff"], "agenda:edit", {"op": "remove", "index": 2})
    assert ack["error"]["code"] == "session_closed"


def test_the_segments_export_keeps_the_playbooks_minutes_beside_the_edited_plan(room):
    from playtest.summary.export import table_rows

    emit(room["staff"], "timer:control", {"action": "start"})
    emit(room["staff"], "agenda:edit", {"op": "minutes", "index": 2, "minutes": 25})
    insert = {"op": "insert", "at": 1, "title": "Stretch", "minutes": 3, "kind": "break"}
    emit(room["staff"], "agenda:edit", insert)
    rows = table_rows(room["session"].round.playtest_id, "segments")
    assert [(r["title"], r["planned_min"], r["original_min"], r["edited"]) for r in rows] == [
        ("Welcome", 10.0, 10, False),
        ("Stretch", 3.0, None, True),
        ("Case work", 20.0, 20, False),
        ("Reflect", 25.0, 10, True),
    ]


def test_a_restart_keeps_an_edited_agenda_and_the_clock(fresh_database_url, server_factory):
    from tests.conftest import Factory
    from tests.facilitation.test_restart import Watcher
    from tests.server import seeded_app

    with seeded_app(fresh_database_url) as app:
        make = Factory(app)
        staff_token = make.token(make.facilitator())
        session_id = make.session(THREE).id
    server = server_factory()
    staff = Watcher(server.url, {"token": staff_token, "session_id": session_id})
    try:
        staff.wait_for(lambda: len(staff.states) == 1)
        assert staff.call("timer:control", {"action": "start"})["ok"]
        insert = {"op": "insert", "at": 1, "title": "Stretch", "minutes": 3, "kind": "break"}
        edited = staff.call("agenda:edit", insert)["agenda"]
        paused = staff.call("timer:control", {"action": "pause"})["timer"]

        server.kill()
        server.start()

        staff.wait_for(lambda: len(staff.states) >= 2)
        state = staff.states[-1]

        def plan(segments):  # what was planned, not the minutes counted since
            return [{k: v for k, v in seg.items() if k != "actual_min"} for seg in segments]

        assert plan(state["agenda"]["segments"]) == plan(edited["segments"])
        assert state["timer"]["remaining_s"] == paused["remaining_s"]
        assert state["timer"]["plan"]["planned_end"] == paused["plan"]["planned_end"]
        assert staff.call("timer:control", {"action": "resume"})["ok"]
        moved = staff.call("timer:control", {"action": "next"})["timer"]
        assert moved["segment_index"] == 1 and moved["remaining_s"] == pytest.approx(180, abs=1)
    finally:
        staff.close()
