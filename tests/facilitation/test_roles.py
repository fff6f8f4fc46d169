"""me:role: a participant fixes their own role; a facilitator fixes anyone's (DESIGN.md §9)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from playtest.extensions import db
from playtest.models import CaseEvent
from tests.conftest import drain, emit, new_id


@pytest.fixture
def room(make, live):
    session = make.session()
    token, ada = make.join(session, "Ada", "Intake officer")
    other_token, bo = make.join(session, "Bo", "Policy advisor")
    facilitator = make.facilitator()
    observer = make.facilitator("observer@example.gov", role="observer")
    clients = {
        "ada": live.participant(token),
        "bo": live.participant(other_token),
        "staff": live.staff(make.token(facilitator), session.id),
        "observer": live.staff(make.token(observer), session.id),
    }
    for client in clients.values():
        drain(client)
    return {"session": session, "ada_attendance": ada, "bo_attendance": bo, **clients}


def opened_role(client) -> str:
    ack = emit(client, "case:open", {"client_id": new_id(), "label": "C-1"})
    assert ack["ok"], ack
    return ack["case"]["holder_role"]


def test_a_participant_changes_their_own_role_and_later_cases_use_it(room):
    before = emit(room["ada"], "case:open", {"client_id": new_id(), "label": "C-1"})["case"]
    ack = emit(room["ada"], "me:role", {"role": "Benefits officer"})
    assert ack["ok"], ack
    assert ack["me"]["role"] == "Benefits officer"
    assert ack["me"]["role_label"] == "Benefits officer"
    assert ack["me"]["display_name"] == "Ada"
    assert "votes_left" in ack["me"]
    assert drain(room["ada"])["me"][0]["role"] == "Benefits officer"
    assert opened_role(room["ada"]) == "Benefits officer"
    # The case opened before keeps the role it was opened in.
    first = db.session.scalar(
        sa.select(CaseEvent).where(CaseEvent.case_id == before["id"]).order_by(CaseEvent.id)
    )
    assert first.to_role == "Intake officer"


def test_a_facilitator_changes_anyones_role_and_tells_them(room):
    ack = emit(
        room["staff"],
        "me:role",
        {"participant_id": room["bo_attendance"].participant_id, "role": "Intake officer"},
    )
    assert ack["ok"], ack
    assert ack["me"] == {
        "participant_id": room["bo_attendance"].participant_id,
        "display_name": "Bo",
        "role": "Intake officer",
        "role_label": "Intake officer",
    }
    assert drain(room["bo"])["me"][0]["role"] == "Intake officer"
    assert "me" not in drain(room["ada"])  # nobody else is told
    assert opened_role(room["bo"]) == "Intake officer"


@pytest.mark.parametrize(
    ("who", "payload", "code"),
    [
        ("ada", {"role": "Astronaut"}, "invalid"),
        ("ada", {"role": 3}, "invalid"),
        ("ada", {}, "invalid"),
        ("ada", {"role": ["Intake officer"]}, "invalid"),
        ("ada", {"role": "Policy advisor", "participant_id": "bo"}, "forbidden"),
        ("staff", {"role": "Policy advisor"}, "invalid"),
        ("staff", {"role": "Policy advisor", "participant_id": True}, "invalid"),
        ("staff", {"role": "Policy advisor", "participant_id": 999999}, "not_found"),
        ("observer", {"role": "Policy advisor", "participant_id": 1}, "forbidden"),
    ],
)
def test_a_role_change_that_cannot_happen_says_why(room, who, payload, code):
    ack = emit(room[who], "me:role", payload)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert ack["error"]["message"]
    db.session.expire_all()
    assert room["ada_attendance"].role == "Intake officer"


def test_a_participant_cannot_change_someone_elses_role(room):
    ack = emit(
        room["ada"],
        "me:role",
        {"role": "Policy advisor", "participant_id": room["bo_attendance"].participant_id},
    )
    assert ack["error"]["code"] == "forbidden"
    db.session.expire_all()
    assert room["bo_attendance"].role == "Policy advisor"


def test_a_participant_of_another_session_is_not_found(room, make):
    elsewhere = make.session(label="Prototype")
    _token, carla = make.join(elsewhere, "Carla", "Intake officer")
    ack = emit(
        room["staff"], "me:role", {"participant_id": carla.participant_id, "role": "Policy advisor"}
    )
    assert ack["error"]["code"] == "not_found"


def test_no_role_changes_after_the_session_finished(room):
    assert emit(room["staff"], "timer:control", {"action": "finish"})["ok"]
    ack = emit(room["ada"], "me:role", {"role": "Policy advisor"})
    assert ack["error"]["code"] == "session_closed"
