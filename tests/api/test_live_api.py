"""JSON API for running playtests: create playtests, rounds, sessions; join; read state."""

from __future__ import annotations

import pytest

from playtest.extensions import db
from playtest.models import Session
from tests.conftest import SMALL_PLAYBOOK


@pytest.fixture
def staff(make):
    user = make.facilitator()
    return {"Authorization": f"Bearer {make.token(user)}"}


@pytest.fixture
def observer(make):
    user = make.facilitator("observer@example.gov", role="observer")
    return {"Authorization": f"Bearer {make.token(user)}"}


def setup_session(client, staff, make) -> dict:
    playbook = make.playbook(SMALL_PLAYBOOK)
    playtest = client.post("/api/v1/playtests", json={"title": "Intake"}, headers=staff)
    assert playtest.status_code == 201
    round_ = client.post(
        f"/api/v1/playtests/{playtest.json['id']}/rounds",
        json={"label": "Baseline — current process", "playbook_id": playbook.id},
        headers=staff,
    )
    assert round_.status_code == 201
    session = client.post(
        f"/api/v1/rounds/{round_.json['id']}/sessions", json={"number": 1}, headers=staff
    )
    assert session.status_code == 201
    return {"playtest": playtest.json, "round": round_.json, "session": session.json}


def join(client, code, name="Ada", role="Intake officer", **extra):
    return client.post(
        "/api/v1/join", json={"code": code, "display_name": name, "role": role, **extra}
    )


def test_facilitator_builds_a_playtest_and_schedules_sessions(client, staff, make):
    made = setup_session(client, staff, make)
    code = made["session"]["join_code"]
    assert len(code) == 8 and code.isalnum() and code.isupper()
    assert not set(code) & set("O0I1L")
    again = client.post(
        f"/api/v1/rounds/{made['round']['id']}/sessions", json={"number": 1}, headers=staff
    )
    assert again.status_code == 200 and again.json["id"] == made["session"]["id"]
    two = client.post(
        f"/api/v1/rounds/{made['round']['id']}/sessions", json={"number": 2}, headers=staff
    )
    assert two.status_code == 201
    three = client.post(
        f"/api/v1/rounds/{made['round']['id']}/sessions", json={"number": 3}, headers=staff
    )
    assert three.status_code == 422
    assert "1 to 2" in three.json["error"]["message"]


def test_first_round_is_the_baseline_unless_another_is_marked(client, staff, make):
    made = setup_session(client, staff, make)
    playbook = make.playbook(SMALL_PLAYBOOK)
    second = client.post(
        f"/api/v1/playtests/{made['playtest']['id']}/rounds",
        json={"label": "Prototype A", "playbook_id": playbook.id, "baseline": True},
        headers=staff,
    )
    from playtest.models import Playtest

    playtest = db.session.get(Playtest, made["playtest"]["id"])
    assert playtest.baseline.id == second.json["id"]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/playtests", {"title": "X"}),
        ("/api/v1/playtests/1/rounds", {"label": "X", "playbook_id": 1}),
        ("/api/v1/rounds/1/sessions", {"number": 1}),
    ],
)
def test_writes_need_a_facilitator_token(client, observer, make, path, body):
    make.session()  # playtest 1, round 1, with the observer as one of its observers
    assert client.post(path, json=body).status_code == 403
    assert client.post(path, json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
    response = client.post(path, json=body, headers=observer)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_unknown_objects_are_404_json(client, staff):
    response = client.post("/api/v1/rounds/999/sessions", json={"number": 1}, headers=staff)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/nothing-here").json["error"]["code"] == "not_found"


def test_join_returns_a_participant_token(client, staff, make):
    made = setup_session(client, staff, make)
    response = join(client, made["session"]["join_code"].lower())
    assert response.status_code == 201
    assert set(response.json) == {"participant_token", "session_id", "participant_id"}
    assert response.json["session_id"] == made["session"]["id"]


def test_join_with_previous_token_keeps_the_person_across_sessions(client, staff, make):
    made = setup_session(client, staff, make)
    second = client.post(
        f"/api/v1/rounds/{made['round']['id']}/sessions", json={"number": 2}, headers=staff
    ).json
    first = join(client, made["session"]["join_code"]).json
    again = join(client, second["join_code"], previous_token=first["participant_token"]).json
    assert again["participant_id"] == first["participant_id"]
    stranger = join(client, second["join_code"], "Bea").json
    assert stranger["participant_id"] != first["participant_id"]


def test_previous_token_from_another_playtest_starts_a_new_person(client, staff, make):
    made = setup_session(client, staff, make)
    elsewhere = make.session()
    theirs = join(client, elsewhere.join_code).json
    ours = join(client, made["session"]["join_code"], previous_token=theirs["participant_token"])
    assert ours.json["participant_id"] != theirs["participant_id"]


@pytest.mark.parametrize(
    "body, status",
    [
        ({"code": "NOPE1234", "display_name": "Ada", "role": "Intake officer"}, 404),
        ({"display_name": "Ada", "role": "Intake officer"}, 404),
        ({"code": "{code}", "display_name": "", "role": "Intake officer"}, 422),
        ({"code": "{code}", "display_name": "A" * 61, "role": "Intake officer"}, 422),
        ({"code": "{code}", "display_name": "Ada", "role": "Wizard"}, 422),
    ],
)
def test_join_refusals_are_clear(client, staff, make, body, status):
    made = setup_session(client, staff, make)
    body = {k: v.replace("{code}", made["session"]["join_code"]) for k, v in body.items()}
    response = client.post("/api/v1/join", json=body)
    assert response.status_code == status
    assert response.json["error"]["message"]


def test_join_a_finished_session_is_410(client, staff, make):
    made = setup_session(client, staff, make)
    session = db.session.get(Session, made["session"]["id"])
    session.status = "finished"
    db.session.commit()
    response = join(client, made["session"]["join_code"])
    assert response.status_code == 410
    assert response.json["error"]["code"] == "session_closed"


def test_join_is_rate_limited_per_ip_but_a_whole_room_fits(app, client, staff, make):
    made = setup_session(client, staff, make)
    code = made["session"]["join_code"]
    for i in range(60):
        assert join(client, code, f"Person {i}").status_code == 201, i
    limit = int(app.config["RATELIMIT_JOIN"].split("/")[0])
    statuses = [join(client, code, f"Extra {i}").status_code for i in range(limit - 60 + 1)]
    assert statuses[-1] == 429


def test_state_needs_staff_or_that_sessions_participant(client, staff, observer, make):
    made = setup_session(client, staff, make)
    sid = made["session"]["id"]
    token = join(client, made["session"]["join_code"]).json["participant_token"]
    mine = client.get(f"/api/v1/sessions/{sid}/state", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200 and mine.json["me"]["role"] == "Intake officer"
    assert client.get(f"/api/v1/sessions/{sid}/state", headers=staff).json["me"] is None
    # The observer sees the session once the owner makes them a member of its playtest.
    assert client.get(f"/api/v1/sessions/{sid}/state", headers=observer).status_code == 404
    added = client.post(
        f"/api/v1/playtests/{made['playtest']['id']}/members",
        json={"email": "observer@example.gov", "role": "observer"},
        headers=staff,
    )
    assert added.status_code == 201, added.json
    assert client.get(f"/api/v1/sessions/{sid}/state", headers=observer).status_code == 200
    assert client.get(f"/api/v1/sessions/{sid}/state").status_code == 403
    other = make.session()
    other_token = join(client, other.join_code).json["participant_token"]
    crossed = client.get(
        f"/api/v1/sessions/{sid}/state", headers={"Authorization": f"Bearer {other_token}"}
    )
    assert crossed.status_code == 404  # another session's token: as if it did not exist


def test_errors_are_json_never_a_stack_trace(client, staff):
    response = client.post(
        "/api/v1/playtests", data="not json", headers={**staff, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "Traceback" not in response.get_data(as_text=True)
    assert response.json["error"]["code"] == "invalid"
