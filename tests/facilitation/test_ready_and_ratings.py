"""The ready check, after-ratings opening at the end, and a board revealed lane by lane
(DESIGN.md §9), through the socket."""

from __future__ import annotations

import pytest

from tests.conftest import drain, emit


@pytest.fixture
def room(make, live):
    session = make.session()
    ada_token, _ = make.join(session, "Ada", "Intake officer")
    bo_token, _ = make.join(session, "Bo", "Policy advisor")
    clients = {
        "staff": live.staff(make.token(make.facilitator()), session.id),
        "observer": live.staff(
            make.token(make.facilitator("o@example.gov", role="observer")), session.id
        ),
        "ada": live.participant(ada_token),
        "bo": live.participant(bo_token),
    }
    for client in clients.values():
        drain(client)
    return {"session": session, **clients}


def test_a_ready_check_counts_answers_for_staff_only(room):
    assert emit(room["staff"], "timer:control", {"action": "start"})["ok"]
    asked = emit(room["staff"], "ready:ask", {})
    assert asked["ok"] and asked["progress"]["ready"] == 0
    assert drain(room["ada"])["ready:asked"] == [{"segment_index": 0}]
    assert emit(room["ada"], "ready:set", {"ready": True}) == {"ok": True, "ready": True}
    progress = drain(room["staff"])["ready:progress"][-1]
    assert progress["ready"] == 1 and progress["open"] is True
    assert "ready:progress" not in drain(room["bo"])  # counts are for staff
    # Saying it twice counts once; taking it back counts down.
    emit(room["ada"], "ready:set", {"ready": True})
    emit(room["bo"], "ready:set", {"ready": True})
    assert drain(room["staff"])["ready:progress"][-1]["ready"] == 2
    emit(room["bo"], "ready:set", {"ready": False})
    assert drain(room["staff"])["ready:progress"][-1]["ready"] == 1


def test_a_ready_check_clears_when_the_segment_changes(room):
    emit(room["staff"], "timer:control", {"action": "start"})
    emit(room["staff"], "ready:ask", {})
    emit(room["staff"], "timer:control", {"action": "next"})
    ack = emit(room["ada"], "ready:set", {"ready": True})
    assert ack["error"]["code"] == "invalid"
    state_ready = emit(room["ada"], "ready:set", {"ready": False})
    assert state_ready["ok"] is False


@pytest.mark.parametrize(
    ("who", "event", "payload", "code"),
    [
        ("ada", "ready:ask", {}, "forbidden"),
        ("observer", "ready:ask", {}, "forbidden"),
        ("staff", "ready:set", {"ready": True}, "forbidden"),
        ("ada", "ready:set", {"ready": "yes"}, "invalid"),
        ("ada", "ready:set", {}, "invalid"),
        ("ada", "ratings:open", {"phase": "after"}, "forbidden"),
        ("observer", "ratings:open", {"phase": "after"}, "forbidden"),
        ("staff", "ratings:open", {"phase": "before"}, "invalid"),
        ("staff", "ratings:open", {}, "invalid"),
    ],
)
def test_run_of_show_events_refuse_what_cannot_happen(room, who, event, payload, code):
    emit(room["staff"], "timer:control", {"action": "start"})
    emit(room["staff"], "ready:ask", {})
    ack = emit(room[who], event, payload)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert ack["error"]["message"]


def test_after_ratings_open_early_when_the_facilitator_says_so(room):
    early = emit(room["ada"], "rating:submit", {"phase": "after", "answers": {"0": 4}})
    assert early["error"]["message"] == "After-ratings open at the end of the session"
    assert emit(room["staff"], "ratings:open", {"phase": "after"}) == {"ok": True, "phase": "after"}
    assert drain(room["bo"])["ratings:open"] == [{"phase": "after"}]
    assert emit(room["ada"], "rating:submit", {"phase": "after", "answers": {"0": 4}})["ok"]


def test_everyone_is_asked_for_after_ratings_in_the_last_segment(room, live, make):
    emit(room["staff"], "timer:control", {"action": "start"})
    emit(room["staff"], "timer:control", {"action": "next"})  # Reflect: the last segment
    assert drain(room["ada"])["ratings:open"] == [{"phase": "after"}]
    state = drain(live.participant(make.join(room["session"], "Cy", "Intake officer")[0]))
    assert state["state"][0]["session"]["after_open"] is True


def test_revealing_every_lane_opens_the_board(room):
    assert emit(room["staff"], "board:mode", {"mode": "private"})["ok"]
    for lane in ("Highlights", "Blockers"):
        assert emit(room["staff"], "board:reveal", {"lane": lane})["ok"]
    assert drain(room["ada"])["board:mode"][-1]["mode"] == "private"
    emit(room["staff"], "board:reveal", {"lane": "Opportunities"})
    assert drain(room["ada"])["board:mode"][-1]["mode"] == "open"
