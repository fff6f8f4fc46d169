"""Actions over /live and the API (DESIGN.md §10): added, proposed, moved on, seen everywhere."""

from __future__ import annotations

import json

import pytest

from playtest.actions.models import Action
from playtest.extensions import db
from playtest.models import AuditEntry
from tests.board.test_events import post
from tests.conftest import drain, emit, new_id


def add(client, text="Intake checks eligibility before handing off", **extra) -> dict:
    return emit(client, "action:add", {"client_id": new_id(), "text": text, **extra})


def propose(client, text="A shared inbox for the pod", **extra) -> dict:
    return emit(client, "action:propose", {"client_id": new_id(), "text": text, **extra})


def test_an_action_added_on_the_console_reaches_every_screen(board):
    ack = add(board["staff"], owner="Benefits officer", due_session_number=2)
    assert ack["ok"] is True and ack["created"] is True
    action = ack["action"]
    assert action["status"] == "agreed"
    assert action["owner"] == "Benefits officer" and action["due_session_number"] == 2
    assert action["origin_session_number"] == 1
    assert action["history"][0]["status"] == "agreed"
    assert action["history"][0]["session_id"] == board["session"].id
    for name in ("ada", "bea", "staff", "projector"):
        updated = drain(board[name])["action:updated"]
        assert [a["id"] for a in updated] == [action["id"]], name
        assert updated[0] == action


def test_resending_an_action_returns_the_original_and_tells_nobody(board):
    payload = {"client_id": new_id(), "text": "Call back within a day"}
    first = emit(board["staff"], "action:add", payload)
    drain(board["ada"])
    second = emit(board["staff"], "action:add", {**payload, "text": "changed"})
    assert second["created"] is False and second["action"]["id"] == first["action"]["id"]
    assert second["action"]["text"] == "Call back within a day"
    assert "action:updated" not in drain(board["ada"])
    assert db.session.query(Action).count() == 1


def test_a_participant_proposes_and_nobody_learns_who(board, live, client):
    card = post(board["ada"], "Nobody owns the triage step")["reflection"]
    ack = propose(board["ada"], "Name a triage owner", source_ids=[card["id"]])
    assert ack["ok"] is True and ack["action"]["status"] == "proposed"
    assert ack["action"]["source_ids"] == [card["id"]]
    # Everything anyone could read: the ack, every screen's events, a fresh state for each
    # kind of screen, and the API.
    seen = [ack, *(drain(board[n]) for n in ("ada", "bea", "staff", "projector"))]
    seen.append(drain(live.participant(board["tokens"][1]))["state"][0])
    seen.append(drain(live.staff(board["staff_token"], board["session"].id))["state"][0])
    headers = {"Authorization": f"Bearer {board['staff_token']}"}
    playtest_id = board["session"].round.playtest_id
    seen.append(client.get(f"/api/v1/playtests/{playtest_id}/actions", headers=headers).json)
    found = [action for payload in seen for action in _actions_in(payload)]
    assert len(found) >= 6
    for action in found:
        assert set(action) == set(ack["action"]), "an action payload grew a field"
        text = json.dumps(action)
        assert "Ada" not in text and "Intake officer" not in text and "participant" not in text
    assert not {c.name for c in Action.__table__.columns} & {"participant_id", "attendance_id"}


def _actions_in(payload) -> list[dict]:
    """Every action object anywhere in a payload (a dict with a `history`)."""
    found = []
    if isinstance(payload, dict):
        if "history" in payload and "status" in payload:
            found.append(payload)
        for value in payload.values():
            found.extend(_actions_in(value))
    elif isinstance(payload, list):
        for value in payload:
            found.extend(_actions_in(value))
    return found


def test_the_facilitator_moves_an_action_through_its_statuses(board):
    action = add(board["staff"])["action"]
    for status in ("trying", "done"):
        ack = emit(board["staff"], "action:update", {"id": action["id"], "status": status})
        assert ack["ok"] is True and ack["action"]["status"] == status
    history = ack["action"]["history"]
    assert [h["status"] for h in history] == ["agreed", "trying", "done"]
    assert all(h["session_id"] == board["session"].id for h in history)
    updates = drain(board["bea"])["action:updated"]
    assert [a["status"] for a in updates] == ["agreed", "trying", "done"]
    edited = emit(
        board["staff"],
        "action:update",
        {"id": action["id"], "text": "Checks first", "owner": "Intake officer"},
    )
    assert edited["action"]["text"] == "Checks first"
    assert edited["action"]["owner"] == "Intake officer"
    assert len(edited["action"]["history"]) == 3  # text and owner are not status changes
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions.count("action:update") == 3


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("action:add", {"text": "x" * 301}),
        ("action:add", {"text": "   "}),
        ("action:add", {"text": "ok", "owner": "x" * 121}),
        ("action:add", {"text": "ok", "due_session_number": 0}),
        ("action:add", {"text": "ok", "source_ids": "12"}),
    ],
)
def test_bad_actions_are_invalid_and_nothing_is_stored(board, event, payload):
    ack = emit(board["staff"], event, {"client_id": new_id(), **payload})
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert ack["error"]["message"]
    assert db.session.query(Action).count() == 0
    assert "action:updated" not in drain(board["ada"])


def test_three_hundred_characters_is_allowed(board):
    assert add(board["staff"], "x" * 300)["ok"] is True


def test_an_unknown_status_is_invalid_and_changes_nothing(board):
    action = add(board["staff"])["action"]
    drain(board["ada"])
    ack = emit(board["staff"], "action:update", {"id": action["id"], "status": "finished"})
    assert ack["error"]["code"] == "invalid" and "proposed" in ack["error"]["message"]
    assert db.session.get(Action, action["id"]).status == "agreed"
    assert "action:updated" not in drain(board["ada"])


def test_participants_cannot_make_a_facilitators_change(board):
    action = add(board["staff"])["action"]
    assert add(board["ada"])["error"]["code"] == "forbidden"
    ack = emit(board["ada"], "action:update", {"id": action["id"], "status": "done"})
    assert ack["error"]["code"] == "forbidden"
    assert db.session.get(Action, action["id"]).status == "agreed"
    assert propose(board["staff"])["error"]["code"] == "forbidden"
    assert propose(board["projector"])["error"]["code"] == "forbidden"


def test_a_source_card_of_another_playtest_is_not_found(board, make):
    other = make.session(playtest=None)
    token, _ = make.join(other, "Cy", "Intake officer")
    foreign = _post_as(make, board, token, "Another team's card")
    ack = add(board["staff"], source_ids=[foreign])
    assert ack["error"]["code"] == "not_found"
    assert propose(board["ada"], source_ids=[foreign])["error"]["code"] == "not_found"
    assert db.session.query(Action).count() == 0


def _post_as(make, board, token, text) -> int:
    from playtest.extensions import socketio

    client = socketio.test_client(make.app, namespace="/live", auth={"token": token})
    try:
        return post(client, text)["reflection"]["id"]
    finally:
        client.disconnect(namespace="/live")


def test_a_card_of_another_session_of_the_playtest_can_be_a_source(board, make):
    session = board["session"]
    later = make.session(number=2, playtest=session.round.playtest)
    token, _ = make.join(later, "Ada", "Intake officer")
    card_id = _post_as(make, board, token, "Second session card")
    assert add(board["staff"], source_ids=[card_id])["action"]["source_ids"] == [card_id]


def test_a_hidden_card_is_not_found_for_a_participant_but_fine_for_staff(board):
    card = post(board["bea"], "Names a client")["reflection"]
    emit(board["staff"], "reflection:hide", {"id": card["id"], "hidden": True})
    assert propose(board["ada"], source_ids=[card["id"]])["error"]["code"] == "not_found"
    assert add(board["staff"], source_ids=[card["id"]])["ok"] is True


def test_an_action_of_another_playtest_is_not_found(board, make):
    other = make.session(playtest=None)
    staff = emit(board["staff"], "action:update", {"id": 999, "status": "done"})
    assert staff["error"]["code"] == "not_found"
    stray = Action(
        playtest_id=other.round.playtest_id,
        round_id=other.round_id,
        origin_session_number=1,
        client_id=new_id(),
        text="theirs",
        owner="",
        status="agreed",
        source_ids=[],
        history=[],
    )
    db.session.add(stray)
    db.session.commit()
    ack = emit(board["staff"], "action:update", {"id": stray.id, "status": "done"})
    assert ack["error"]["code"] == "not_found"
    assert db.session.get(Action, stray.id).status == "agreed"


def test_state_lists_the_playtests_actions_newest_first_after_a_reconnect(board, live):
    first = add(board["staff"], "First")["action"]
    second = propose(board["ada"], "Second")["action"]
    board["bea"].disconnect(namespace="/live")
    state = drain(live.participant(board["tokens"][1]))["state"][0]
    assert [a["id"] for a in state["actions"]] == [second["id"], first["id"]]


def test_proposing_after_the_session_finished_is_refused(board):
    emit(board["staff"], "timer:control", {"action": "finish"})
    assert propose(board["ada"])["error"]["code"] == "session_closed"
    assert add(board["staff"])["ok"] is True  # the facilitator still writes them down


# --- the API ---------------------------------------------------------------------------------


def test_the_api_lists_adds_and_updates_actions(board, client):
    headers = {"Authorization": f"Bearer {board['staff_token']}"}
    session = board["session"]
    base = f"/api/v1/playtests/{session.round.playtest_id}/actions"
    created = client.post(
        base,
        json={"text": "Weekly huddle", "owner": "Policy advisor", "session_id": session.id},
        headers=headers,
    )
    assert created.status_code == 201
    action = created.json
    assert action["status"] == "agreed" and action["owner"] == "Policy advisor"
    assert [a["id"] for a in drain(board["ada"])["action:updated"]] == [action["id"]]
    patched = client.patch(
        f"/api/v1/actions/{action['id']}", json={"status": "trying"}, headers=headers
    )
    assert patched.status_code == 200 and patched.json["status"] == "trying"
    assert [a["id"] for a in client.get(base, headers=headers).json] == [action["id"]]
    bad = client.patch(f"/api/v1/actions/{action['id']}", json={"status": "x"}, headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid"
    long = client.post(base, json={"text": "x" * 301, "session_id": session.id}, headers=headers)
    assert long.status_code == 422
    assert client.patch("/api/v1/actions/99999", json={}, headers=headers).status_code == 404


def test_the_api_refuses_a_session_of_another_playtest(board, client, make):
    other = make.session(playtest=None)
    headers = {"Authorization": f"Bearer {board['staff_token']}"}
    base = f"/api/v1/playtests/{board['session'].round.playtest_id}/actions"
    answer = client.post(base, json={"text": "x", "session_id": other.id}, headers=headers)
    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
