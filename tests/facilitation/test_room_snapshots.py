"""A room's shared snapshot: built once for its participants and projectors, never stale.

Every socket that connects gets `state`; most of it is the same for the whole room and is
kept between connects (facilitation/snapshot.room_part). These tests change the room in each
way a room changes and check that the next phone to connect sees the change, and that what
is shared never leaks one person's view into another's.
"""

from __future__ import annotations

import pytest

from playtest.extensions import db
from playtest.models import Playtest, Reflection
from tests.conftest import drain, emit, new_id


@pytest.fixture
def room(make, live):
    """A session with a console and two participants; Ada's phone has already had its state,
    so the room's shared part is kept."""
    session = make.session()
    ada_token, _ = make.join(session, "Ada", "Intake officer")
    bea_token, _ = make.join(session, "Bea", "Policy advisor")
    clients = {
        "staff": live.staff(make.token(make.facilitator()), session.id),
        "ada": live.participant(ada_token),
        "bea": live.participant(bea_token),
    }
    for client in clients.values():
        drain(client)
    return {"session": session, "tokens": {"ada": ada_token, "bea": bea_token}, **clients}


def fresh_state(live, room, who: str) -> dict:
    """The state a phone gets when it connects now (a new tab, or a reconnect)."""
    client = live.participant(room["tokens"][who])
    state = drain(client)["state"][0]
    client.disconnect(namespace="/live")
    return state


def texts(state: dict) -> list[str]:
    return [card["text"] for card in state["reflections"]]


def post(client, text: str, lane: str = "Highlights", **extra) -> dict:
    ack = emit(
        client, "reflection:add", {"client_id": new_id(), "lane": lane, "text": text, **extra}
    )
    assert ack["ok"], ack
    return ack["reflection"]


def test_each_change_to_the_board_shows_to_the_next_phone_that_connects(live, room):
    assert texts(fresh_state(live, room, "bea")) == []
    card = post(room["ada"], "Shared desk cut the wait")
    assert texts(fresh_state(live, room, "bea")) == ["Shared desk cut the wait"]

    emit(room["ada"], "reflection:edit", {"id": card["id"], "text": "Shared desk cut waits"})
    assert texts(fresh_state(live, room, "bea")) == ["Shared desk cut waits"]

    assert emit(room["bea"], "reflection:vote", {"id": card["id"], "on": True})["ok"]
    seen = fresh_state(live, room, "ada")
    assert seen["reflections"][0]["votes"] == 1
    assert fresh_state(live, room, "bea")["me"]["voted"] == [card["id"]]
    assert fresh_state(live, room, "ada")["me"]["voted"] == []

    assert emit(room["staff"], "reflection:hide", {"id": card["id"], "hidden": True})["ok"]
    assert texts(fresh_state(live, room, "bea")) == []
    assert texts(fresh_state(live, room, "ada")) == []  # hidden from its author too


def test_in_private_mode_each_phone_sees_its_own_cards_and_the_revealed_lanes(live, room):
    assert emit(room["staff"], "board:mode", {"mode": "private"})["ok"]
    post(room["ada"], "Ada's blocker", lane="Blockers")
    post(room["bea"], "Bea's blocker", lane="Blockers")
    assert texts(fresh_state(live, room, "ada")) == ["Ada's blocker"]
    assert texts(fresh_state(live, room, "bea")) == ["Bea's blocker"]
    assert emit(room["staff"], "board:reveal", {"lane": "Blockers"})["ok"]
    assert texts(fresh_state(live, room, "bea")) == ["Ada's blocker", "Bea's blocker"]


def test_an_anonymous_card_names_its_author_only_to_them_however_often_the_room_connects(
    live, room, make
):
    post(room["ada"], "Quietly said", anonymous=True)
    for _ in range(2):  # the second round of connects is served from what the first built
        mine = fresh_state(live, room, "ada")["reflections"][0]
        theirs = fresh_state(live, room, "bea")["reflections"][0]
        assert mine["author"]["display_name"] == "Ada" and "client_id" in mine
        assert theirs["author"] is None and "client_id" not in theirs


def test_cases_opened_since_show_and_only_the_opener_gets_its_client_id(live, room):
    opened = emit(room["ada"], "case:open", {"client_id": new_id(), "label": "C-1"})
    assert opened["ok"], opened
    ada_cases = fresh_state(live, room, "ada")["cases"]
    bea_cases = fresh_state(live, room, "bea")["cases"]
    assert [c["label"] for c in ada_cases] == [c["label"] for c in bea_cases] == ["C-1"]
    assert "client_id" in ada_cases[0] and "client_id" not in bea_cases[0]
    handed = emit(
        room["ada"],
        "case:handoff",
        {"client_id": new_id(), "case_id": opened["case"]["id"], "to_role": "Policy advisor"},
    )
    assert handed["ok"], handed
    assert fresh_state(live, room, "bea")["cases"][0]["holder_role"] == "Policy advisor"


def test_the_clock_and_the_agenda_show_as_they_now_stand(live, room):
    assert fresh_state(live, room, "bea")["session"]["status"] == "not_started"
    assert emit(room["staff"], "timer:control", {"action": "start"})["ok"]
    state = fresh_state(live, room, "bea")
    assert state["session"]["status"] == "running"
    assert state["timer"]["status"] == "running"


def test_a_change_made_outside_any_socket_event_shows_too(live, room):
    """A write through the ORM anywhere (a page, the API, a script) makes the kept part stale."""
    fresh_state(live, room, "bea")
    playtest = db.session.get(Playtest, room["session"].round.playtest_id)
    playtest.title = "Renamed while the room was connected"
    db.session.commit()
    assert fresh_state(live, room, "bea")["session"]["playtest"]["title"] == (
        "Renamed while the room was connected"
    )
    db.session.execute(
        Reflection.__table__.insert().values(
            session_id=room["session"].id,
            participant_id=None,
            client_id=new_id(),
            lane="Highlights",
            text="Written by a bulk statement",
            author_role="Facilitator",
        )
    )
    db.session.commit()
    assert texts(fresh_state(live, room, "bea")) == ["Written by a bulk statement"]
