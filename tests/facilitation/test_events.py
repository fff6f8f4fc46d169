"""The /live namespace: who may connect, the state snapshot, timer controls, presence."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from playtest import config
from playtest.extensions import db, socketio
from playtest.models import SegmentRun, Session
from playtest.timeutil import iso_ms
from tests.conftest import drain, emit, new_id


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def brisk_presence(monkeypatch):
    """Announcement rounds 0.1 s apart instead of a second, so presence tests wait less."""
    monkeypatch.setattr(config, "PRESENCE_COALESCE_S", 0.1)


def presence_seen(app, *clients, timeout: float = 10) -> list[list[dict]]:
    """Each client's `presence` events, once the batched announcements have all gone out.

    Presence is announced by a background task, once per burst of connects and disconnects
    (facilitation/events.py): wait, within a bound, until it has nothing left to announce.
    """
    seen: list[list[dict]] = [[] for _ in clients]
    deadline = time.monotonic() + timeout
    while True:
        changes = app.extensions.get("playtest.presence_changes")
        idle = changes is None or not changes.announcing
        for events, client in zip(seen, clients, strict=True):
            events.extend(drain(client).get("presence", []))
        if idle:
            return seen
        assert time.monotonic() < deadline, "presence was still being announced"
        time.sleep(0.02)


@pytest.fixture
def room(make):
    """A session with a facilitator token, an observer token and one joined participant."""
    facilitator = make.facilitator()
    observer = make.facilitator("observer@example.gov", role="observer")
    session = make.session()
    token, attendance = make.join(session)
    return {
        "session": session,
        "staff_token": make.token(facilitator),
        "observer_token": make.token(observer),
        "participant_token": token,
        "attendance": attendance,
    }


def test_connect_without_credentials_is_refused(live):
    client = live.connect(auth=None)
    assert not client.is_connected("/live")


def test_connect_with_unknown_token_is_refused(live, room):
    client = live.connect({"token": "not-a-token", "session_id": room["session"].id})
    assert not client.is_connected("/live")


def test_participant_token_is_bound_to_its_session(live, room, make):
    other = make.session(number=2)
    client = live.connect({"token": room["participant_token"], "session_id": other.id})
    assert not client.is_connected("/live")


def test_state_on_connect_has_the_documented_shape(live, room):
    client = live.participant(room["participant_token"])
    state = drain(client)["state"][0]
    assert set(state) >= {
        "session",
        "agenda",
        "timer",
        "lanes",
        "board_mode",
        "reflections",
        "me",
        "cases",
        "presence",
    }
    assert state["lanes"] == ["Highlights", "Blockers", "Opportunities"]
    assert state["me"]["role"] == "Intake officer"
    assert state["me"]["votes_left"] == 3
    assert state["board_mode"] == "open"
    assert state["timer"]["status"] == "not_started"
    assert state["timer"]["remaining_s"] == 20 * 60
    assert [s["title"] for s in state["agenda"]["segments"]] == ["Case work in pods", "Reflect"]


def test_participants_never_receive_facilitator_notes(live, room):
    participant = live.participant(room["participant_token"])
    staff = live.staff(room["staff_token"], room["session"].id)
    p_segments = drain(participant)["state"][0]["agenda"]["segments"]
    s_segments = drain(staff)["state"][0]["agenda"]["segments"]
    assert all("notes_html" not in seg for seg in p_segments)
    assert "Watch the handoffs" in s_segments[0]["notes_html"]


def test_staff_state_has_no_me_but_has_rating_progress(live, room):
    staff = live.staff(room["staff_token"], room["session"].id)
    state = drain(staff)["state"][0]
    assert state["me"] is None
    assert state["rating_progress"]["participants"] == 1


def test_facilitator_starts_the_clock_and_everyone_hears(live, room):
    participant = live.participant(room["participant_token"])
    staff = live.staff(room["staff_token"], room["session"].id)
    drain(participant), drain(staff)
    ack = emit(staff, "timer:control", {"action": "start"})
    assert ack["ok"] is True
    timer = drain(participant)["timer"][0]
    assert timer["status"] == "running"
    assert timer["segment_index"] == 0
    ends = parse_iso(timer["ends_at"]) - parse_iso(timer["server_now"])
    assert 20 * 60 - 1 <= ends.total_seconds() <= 20 * 60
    assert 20 * 60 - 1 <= timer["remaining_s"] <= 20 * 60


@pytest.mark.parametrize("who", ["participant_token", "observer_token"])
def test_only_facilitators_control_the_clock(live, room, who):
    if who == "participant_token":
        client = live.participant(room[who])
    else:
        client = live.staff(room[who], room["session"].id)
    ack = emit(client, "timer:control", {"action": "start"})
    assert ack == {"ok": False, "error": {"code": "forbidden", "message": ack["error"]["message"]}}
    assert db.session.get(Session, room["session"].id).status == "not_started"


def test_staff_token_for_one_session_cannot_steer_another_by_connecting_to_it(live, room, make):
    """Staff tokens are per account; the session is chosen at connect and events stay in it."""
    other = make.session(number=2)
    staff = live.staff(room["staff_token"], room["session"].id)
    emit(staff, "timer:control", {"action": "start"})
    assert db.session.get(Session, other.id).status == "not_started"


@pytest.mark.parametrize(
    "sequence, expected_status, expected_index",
    [
        (["start", "pause"], "paused", 0),
        (["start", "pause", "resume"], "running", 0),
        (["start", "next"], "running", 1),
        (["start", "next", "previous"], "running", 0),
        (["start", "finish"], "finished", 0),
        (["finish"], "finished", 0),
    ],
)
def test_timer_actions_move_the_stored_clock(live, room, sequence, expected_status, expected_index):
    staff = live.staff(room["staff_token"], room["session"].id)
    for action in sequence:
        assert emit(staff, "timer:control", {"action": action})["ok"], action
    session = db.session.get(Session, room["session"].id)
    db.session.refresh(session)
    assert (session.status, session.segment_index) == (expected_status, expected_index)


def test_extend_adds_minutes_to_the_running_segment(live, room):
    staff = live.staff(room["staff_token"], room["session"].id)
    emit(staff, "timer:control", {"action": "start"})
    ack = emit(staff, "timer:control", {"action": "extend", "minutes": 5})
    assert 25 * 60 - 2 <= ack["timer"]["remaining_s"] <= 25 * 60


@pytest.mark.parametrize(
    "payload",
    [
        {"action": "explode"},
        {"action": "extend", "minutes": -3},
        {"action": "extend", "minutes": "lots"},
        {"action": "previous"},
        {"action": "pause"},
    ],
)
def test_bad_timer_actions_are_invalid_and_change_nothing(live, room, payload):
    staff = live.staff(room["staff_token"], room["session"].id)
    ack = emit(staff, "timer:control", payload)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert ack["error"]["message"]
    assert db.session.get(Session, room["session"].id).status == "not_started"


def test_actions_after_finish_are_session_closed(live, room):
    staff = live.staff(room["staff_token"], room["session"].id)
    participant = live.participant(room["participant_token"])
    emit(staff, "timer:control", {"action": "finish"})
    ack = emit(staff, "timer:control", {"action": "start"})
    assert ack["error"]["code"] == "session_closed"
    ack = emit(
        participant, "reflection:add", {"client_id": "a" * 36, "lane": "Blockers", "text": "x"}
    )
    assert ack["error"]["code"] == "session_closed"


def test_segment_runs_log_planned_and_actual(live, room):
    staff = live.staff(room["staff_token"], room["session"].id)
    for action in ("start", "pause", "resume", "next", "finish"):
        emit(staff, "timer:control", {"action": action})
    runs = db.session.scalars(
        db.select(SegmentRun)
        .where(SegmentRun.session_id == room["session"].id)
        .order_by(SegmentRun.id)
    ).all()
    assert [(r.segment_index, r.planned_min) for r in runs] == [(0, 20), (1, 10)]
    assert all(r.ended_at is not None for r in runs)
    assert runs[0].ended_at <= runs[1].started_at


def test_clock_survives_a_new_app_instance(app, live, room, tmp_path):
    """The clock is timestamps in the database: a fresh process computes the same remaining time."""
    staff = live.staff(room["staff_token"], room["session"].id)
    emit(staff, "timer:control", {"action": "start"})
    emit(staff, "timer:control", {"action": "pause"})
    paused_remaining = emit(staff, "timer:control", {"action": "extend", "minutes": 1})["timer"][
        "remaining_s"
    ]
    from playtest import create_app

    again = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "DATABASE_URL": None,
            "PRESENCE_HEARTBEAT": False,
        }
    )
    with again.app_context():
        client = socketio.test_client(
            again, namespace="/live", auth={"token": room["participant_token"]}
        )
        timer = drain(client)["state"][0]["timer"]
        client.disconnect(namespace="/live")
        db.session.remove()
        db.engine.dispose()  # this second app's pool would otherwise outlive the test
    assert timer["status"] == "paused"
    assert timer["remaining_s"] == pytest.approx(paused_remaining, abs=0.01)


def test_presence_counts_participants_by_role_for_staff(app, live, room, make, brisk_presence):
    staff = live.staff(room["staff_token"], room["session"].id)
    drain(staff)
    token_b, _ = make.join(room["session"], name="Bea", role="Policy advisor")
    live.participant(room["participant_token"])
    second = live.participant(token_b)
    [events] = presence_seen(app, staff)
    presence = events[-1]
    assert presence["online"] == 2
    assert presence["by_role"] == {"Intake officer": 1, "Policy advisor": 1}
    assert sorted(p["display_name"] for p in presence["people"]) == ["Ada", "Bea"]
    assert presence["staff"] == 1
    second.disconnect(namespace="/live")
    [events] = presence_seen(app, staff)
    assert events[-1]["online"] == 1
    assert [p["display_name"] for p in events[-1]["people"]] == ["Ada"]


def test_a_burst_of_joins_and_leaves_ends_with_the_right_presence_everywhere(
    app, live, make, brisk_presence
):
    session = make.session()
    staff = live.staff(make.token(make.facilitator()), session.id)
    projector = live.connect({"session_id": session.id, "view_token": session.view_token})
    roles = ["Intake officer", "Benefits officer", "Policy advisor"]
    people = [
        live.participant(make.join(session, name=f"Person {i:02}", role=roles[i % 3])[0])
        for i in range(12)
    ]
    for person in people[::3]:  # four leave again straight away
        person.disconnect(namespace="/live")
    staying = [p for i, p in enumerate(people) if i % 3]
    drain(staying[-1])
    staff_events, projector_events, person_events = presence_seen(app, staff, projector, staying[0])
    expected = {"online": 8, "by_role": {"Benefits officer": 4, "Policy advisor": 4}, "staff": 1}
    for events in (staff_events, projector_events, person_events):
        # The latest announcement wins, whatever was announced mid-burst.
        merged = {key: value for event in events for key, value in event.items()}
        assert {key: merged[key] for key in expected} == expected
    assert [p["display_name"] for p in staff_events[-1]["people"]] == [
        f"Person {i:02}" for i in range(12) if i % 3
    ]
    assert all("people" not in event for event in projector_events + person_events)
    # A late joiner's own snapshot already counts everyone, itself included.
    late = live.participant(make.join(session, name="Late", role="Intake officer")[0])
    assert drain(late)["state"][0]["presence"]["online"] == 9


def test_participants_get_presence_counts_without_names(live, room):
    participant = live.participant(room["participant_token"])
    presence = drain(participant)["state"][0]["presence"]
    assert presence["online"] == 1
    assert "people" not in presence


def test_a_participants_counts_are_the_consoles_numbers_without_the_names(live, make):
    session = make.session()
    staff = live.staff(make.token(make.facilitator()), session.id)
    tokens = [
        make.join(session, name=name, role=role)[0]
        for name, role in [
            ("Zoe", "Policy advisor"),
            ("Ada", "Intake officer"),
            ("Bea", "Policy advisor"),
            ("Cy", "Benefits officer"),
        ]
    ]
    for token in tokens:
        live.participant(token)
    live.participant(tokens[0])  # Zoe's second tab: still one person
    late = live.participant(make.join(session, name="Dee", role="Intake officer")[0])
    counts = drain(late)["state"][0]["presence"]
    staff.disconnect(namespace="/live")
    console = live.staff(make.token(make.facilitator()), session.id)
    full = drain(console)["state"][0]["presence"]
    assert counts == {key: value for key, value in full.items() if key != "people"}
    assert counts["online"] == 5 and counts["staff"] == 1
    assert counts["by_role"] == {"Intake officer": 2, "Benefits officer": 1, "Policy advisor": 2}
    assert list(counts["by_role"]) == list(full["by_role"])


def test_projector_view_link_connects_read_only(live, room):
    session = room["session"]
    projector = live.connect({"session_id": session.id, "view_token": session.view_token})
    assert projector.is_connected("/live")
    assert drain(projector)["state"][0]["me"] is None
    ack = emit(projector, "timer:control", {"action": "start"})
    assert ack["error"]["code"] == "forbidden"
    wrong = live.connect({"session_id": session.id, "view_token": "guess"})
    assert not wrong.is_connected("/live")


@pytest.mark.parametrize("payload", [None, "text", 42, ["list"]])
def test_non_object_payloads_are_invalid(live, room, payload):
    staff = live.staff(room["staff_token"], room["session"].id)
    ack = staff.emit("timer:control", payload, namespace="/live", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"


def test_logged_in_facilitator_cookie_connects(app, live, room):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(
        "/login", data={"email": "facilitator@example.gov", "password": "correct horse"}
    )
    assert response.status_code == 302
    socket = live.connect({"session_id": room["session"].id}, flask_client=client)
    assert socket.is_connected("/live")
    assert emit(socket, "timer:control", {"action": "start"})["ok"] is True


def test_projector_hears_presence_counts_but_never_names(app, live, room, make, brisk_presence):
    session = room["session"]
    projector = live.connect({"session_id": session.id, "view_token": session.view_token})
    drain(projector)
    live.participant(room["participant_token"])
    [events] = presence_seen(app, projector)
    assert events[-1]["online"] == 1
    assert all("people" not in presence for presence in events)


def test_staff_agenda_carries_actual_minutes_so_far(live, room):
    staff = live.staff(room["staff_token"], room["session"].id)
    emit(staff, "timer:control", {"action": "start"})
    emit(staff, "timer:control", {"action": "next"})
    again = live.staff(room["staff_token"], room["session"].id)
    segments = drain(again)["state"][0]["agenda"]["segments"]
    assert 0 <= segments[0]["actual_min"] < 0.5
    assert segments[1]["actual_min"] is not None
    participant = live.participant(room["participant_token"])
    assert "actual_min" not in drain(participant)["state"][0]["agenda"]["segments"][0]


# --- the server decides: what a facilitator may press, and the open run -----------------------


def test_the_timer_says_what_a_facilitator_may_press_now(live, room):
    staff = live.staff(room["staff_token"], room["session"].id)
    participant = live.participant(room["participant_token"])
    assert drain(staff)["state"][0]["timer"]["actions"] == ["start", "next", "extend", "finish"]
    emit(staff, "timer:control", {"action": "start"})
    assert drain(participant)["timer"][0]["actions"] == ["pause", "next", "extend", "finish"]
    paused = emit(staff, "timer:control", {"action": "pause"})["timer"]
    assert paused["actions"] == ["resume", "next", "extend", "finish"]
    last = emit(staff, "timer:control", {"action": "next"})["timer"]  # 2 segments: the last
    # Next was paused-then-pressed: it can be undone for five minutes.
    assert last["actions"] == ["pause", "previous", "extend", "finish", "undo"]
    # After finish only undoing it is left.
    assert emit(staff, "timer:control", {"action": "finish"})["timer"]["actions"] == ["undo"]


def test_the_timer_carries_the_open_run_so_consoles_count_its_minutes(live, room):
    staff = live.staff(room["staff_token"], room["session"].id)
    before = drain(staff)["state"][0]["timer"]
    assert before["run_started_at"] is None and before["run_s"] is None
    started = emit(staff, "timer:control", {"action": "start"})["timer"]
    assert started["run_started_at"] == started["server_now"]
    assert started["run_s"] == 0.0
    again = live.staff(room["staff_token"], room["session"].id)
    timer = drain(again)["state"][0]["timer"]
    assert timer["run_started_at"] == started["run_started_at"]  # the same run
    assert 0.0 <= timer["run_s"] < 60
    moved = emit(staff, "timer:control", {"action": "next"})["timer"]
    assert moved["run_started_at"] == moved["server_now"] != started["run_started_at"]
    run = db.session.scalars(db.select(SegmentRun).order_by(SegmentRun.id)).first()
    assert iso_ms(run.ended_at) == moved["server_now"]  # the old run ended as the new began


def test_a_refused_timer_action_says_why_in_words(live, room):
    staff = live.staff(room["staff_token"], room["session"].id)
    refused = emit(staff, "timer:control", {"action": "pause"})["error"]
    assert refused == {
        "code": "invalid",
        "message": "The session has not started yet — use start.",
    }
    emit(staff, "timer:control", {"action": "start"})
    too_long = emit(staff, "timer:control", {"action": "extend", "minutes": 500})["error"]
    assert too_long["message"] == (
        f"You can add {config.EXTEND_MIN_MINUTES} to {config.EXTEND_MAX_MINUTES} minutes at a time."
    )


# --- the projector sees what the room sees ----------------------------------------------------


def test_a_signed_in_facilitators_projector_connects_as_the_room_does(app, live, room, make):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/login", data={"email": "facilitator@example.gov", "password": "correct horse"})
    session = room["session"]
    page = client.get(f"/sessions/{session.id}/projector").get_data(as_text=True)
    assert f'data-view-token="{session.view_token}"' in page  # no ?key= needed when signed in

    author = live.participant(room["participant_token"])
    card = emit(author, "reflection:add", {"client_id": new_id(), "lane": "Blockers", "text": "Hi"})
    staff = live.staff(room["staff_token"], session.id)
    emit(staff, "reflection:hide", {"id": card["reflection"]["id"], "hidden": True})

    # The page's socket sends the view key, cookie or not: it gets the room's board.
    projector = live.connect(
        {"session_id": session.id, "view_token": session.view_token}, flask_client=client
    )
    state = drain(projector)["state"][0]
    assert state["reflections"] == []  # the hidden card never reaches it
    assert "people" not in state["presence"]  # nor anyone's name
    assert emit(projector, "timer:control", {"action": "start"})["error"]["code"] == "forbidden"
