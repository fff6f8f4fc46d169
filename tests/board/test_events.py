"""The reflection board over /live: posting, fan-out, anonymity, votes, moderation, private mode."""

from __future__ import annotations

import json

import pytest

from playtest.extensions import db
from playtest.models import Reflection, Vote
from tests.conftest import drain, emit, new_id

ALWAYS_ANONYMOUS = """Title: Anonymous retro
Anonymity: always
Votes: 1

## Reflect (30 min)
"""

NEVER_ANONYMOUS = """Title: Named retro
Anonymity: off

## Reflect (30 min)
"""


@pytest.fixture
def board(make, live):
    """A session with a facilitator console, a projector and two participants connected."""
    facilitator = make.facilitator()
    session = make.session()
    ada_token, ada = make.join(session, "Ada", "Intake officer")
    bea_token, bea = make.join(session, "Bea", "Policy advisor")
    staff_token = make.token(facilitator)
    clients = {
        "ada": live.participant(ada_token),
        "bea": live.participant(bea_token),
        "staff": live.staff(staff_token, session.id),
        "projector": live.connect({"session_id": session.id, "view_token": session.view_token}),
    }
    for client in clients.values():
        drain(client)
    return {
        "session": session,
        "tokens": (ada_token, bea_token),
        "staff_token": staff_token,
        **clients,
    }


def post(client, text="Shared desk cut the wait", lane="Highlights", **extra) -> dict:
    return emit(
        client, "reflection:add", {"client_id": new_id(), "lane": lane, "text": text, **extra}
    )


def test_a_card_reaches_every_other_screen(board):
    ack = post(board["ada"])
    assert ack["ok"] is True and ack["created"] is True
    card = ack["reflection"]
    for name in ("bea", "staff", "projector"):
        added = drain(board[name])["reflection:added"]
        assert [c["id"] for c in added] == [card["id"]], name
        assert added[0]["text"] == "Shared desk cut the wait"
        assert added[0]["author"]["display_name"] == "Ada"


def test_text_is_stored_verbatim_and_never_interpreted(board):
    payload = '<img src=x onerror=alert(1)> & "quotes"'
    ack = post(board["ada"], payload)
    assert ack["reflection"]["text"] == payload
    assert db.session.get(Reflection, ack["reflection"]["id"]).text == payload


def test_resending_the_same_client_id_returns_the_original_card(board):
    client_id = new_id()
    payload = {"client_id": client_id, "lane": "Blockers", "text": "No shared inbox"}
    first = emit(board["ada"], "reflection:add", payload)
    drain(board["bea"])
    second = emit(board["ada"], "reflection:add", {**payload, "text": "changed on resend"})
    assert second["ok"] is True and second["created"] is False
    assert second["reflection"]["id"] == first["reflection"]["id"]
    assert second["reflection"]["text"] == "No shared inbox"
    assert "reflection:added" not in drain(board["bea"])
    assert db.session.query(Reflection).count() == 1


def test_resend_after_a_forced_disconnect_posts_exactly_once(board, live):
    client_id = new_id()
    payload = {"client_id": client_id, "lane": "Blockers", "text": "Handoffs lose context"}
    emit(board["ada"], "reflection:add", payload)
    board["ada"].disconnect(namespace="/live")
    again = live.participant(board["tokens"][0])
    state = drain(again)["state"][0]
    assert [c["text"] for c in state["reflections"]] == ["Handoffs lose context"]
    ack = emit(again, "reflection:add", payload)
    assert ack["created"] is False
    assert db.session.query(Reflection).filter_by(client_id=client_id).count() == 1


def test_client_ids_are_per_participant(board):
    client_id = new_id()
    a = emit(
        board["ada"], "reflection:add", {"client_id": client_id, "lane": "Blockers", "text": "a"}
    )
    b = emit(
        board["bea"], "reflection:add", {"client_id": client_id, "lane": "Blockers", "text": "b"}
    )
    assert a["reflection"]["id"] != b["reflection"]["id"]


@pytest.mark.parametrize(
    "payload",
    [
        {"lane": "Highlights", "text": "no client id"},
        {"client_id": "a" * 36, "lane": "Nope", "text": "unknown lane"},
        {"client_id": "b" * 36, "lane": "highlights", "text": "lane names are verbatim"},
        {"client_id": "c" * 36, "lane": "Highlights", "text": "   "},
        {"client_id": "d" * 36, "lane": "Highlights", "text": "x" * 501},
        {"client_id": "e" * 36, "lane": "Highlights", "text": 42},
        {"client_id": "f" * 36, "lane": "Highlights", "text": "ok", "anonymous": "yes"},
    ],
)
def test_bad_cards_are_invalid_and_nothing_is_stored(board, payload):
    ack = emit(board["ada"], "reflection:add", payload)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert ack["error"]["message"]
    assert db.session.query(Reflection).count() == 0
    assert "reflection:added" not in drain(board["bea"])


def test_five_hundred_characters_is_allowed(board):
    assert post(board["ada"], "x" * 500)["ok"] is True


def test_staff_and_projector_cannot_post(board):
    for name in ("staff", "projector"):
        ack = post(board[name])
        assert ack["error"]["code"] == "forbidden", name


def test_posting_is_rate_limited_per_participant(app, board):
    for _ in range(30):
        assert post(board["ada"])["ok"] is True
    ack = post(board["ada"])
    assert ack["error"]["code"] == "rate_limited"
    assert db.session.query(Reflection).count() == 30
    assert post(board["bea"])["ok"] is True  # the limit is per person, not per room


# --- anonymity ---------------------------------------------------------------------------------


def every_payload(client) -> str:
    return json.dumps(client.get_received("/live"))


def test_anonymous_author_never_leaves_the_server_except_to_the_author(board, live, make, client):
    ack = post(board["ada"], "My manager blocks this", lane="Blockers", anonymous=True)
    card_id = ack["reflection"]["id"]
    assert ack["reflection"]["author"]["display_name"] == "Ada"  # the author's own ack
    emit(board["bea"], "reflection:vote", {"id": card_id, "on": True})
    # Every kind of client, live and on reconnect, and the HTTP state endpoint.
    staff_token = make.token(make.facilitator("second@example.gov"))
    fresh_staff = live.staff(staff_token, board["session"].id)
    fresh_bea = live.participant(board["tokens"][1])
    for name, socket in [
        ("bea", board["bea"]),
        ("staff", board["staff"]),
        ("projector", board["projector"]),
        ("fresh staff", fresh_staff),
        ("fresh bea", fresh_bea),
    ]:
        seen = every_payload(socket)
        assert "My manager blocks this" in seen, name
        if "staff" not in name:  # staff see who is online (presence), never who wrote what
            assert '"Ada"' not in seen, name
        for message in socket_messages(seen):
            for card in cards_in(message):
                if card.get("id") == card_id:
                    assert card["author"] is None, name
                    assert "client_id" not in card, name
    response = client.get(
        f"/api/v1/sessions/{board['session'].id}/state",
        headers={"Authorization": f"Bearer {staff_token}"},
    )
    card = next(c for c in response.get_json()["reflections"] if c["id"] == card_id)
    assert card["author"] is None


def socket_messages(dumped: str) -> list:
    return json.loads(dumped)


def cards_in(message: dict) -> list[dict]:
    args = message["args"][0] if message.get("args") else {}
    if message["name"] == "state":
        return args["reflections"]
    if message["name"] in ("reflection:added", "reflection:updated"):
        return [args]
    if message["name"] == "board:mode":
        return args["reflections"]
    return []


def test_the_author_sees_their_own_anonymous_card_as_theirs_after_reconnect(board, live):
    post(board["ada"], "Quietly: the form is broken", anonymous=True)
    board["ada"].disconnect(namespace="/live")
    again = live.participant(board["tokens"][0])
    card = drain(again)["state"][0]["reflections"][0]
    assert card["author"]["display_name"] == "Ada"
    assert card["client_id"]


def test_playbook_anonymity_always_forces_anonymous_cards(make, live):
    session = make.session(ALWAYS_ANONYMOUS)
    token, _ = make.join(session, "Ada", "")
    ada = live.participant(token)
    ack = post(ada, lane="Highlights", anonymous=False)
    assert ack["reflection"]["anonymous"] is True
    other_token, _ = make.join(session, "Bea", "")
    other = live.participant(other_token)
    assert drain(other)["state"][0]["reflections"][0]["author"] is None


def test_playbook_anonymity_off_refuses_anonymous_cards(make, live):
    session = make.session(NEVER_ANONYMOUS)
    token, _ = make.join(session, "Ada", "")
    ada = live.participant(token)
    ack = post(ada, lane="Highlights", anonymous=True)
    assert ack["error"]["code"] == "invalid"


def test_error_messages_do_not_reveal_anonymous_authors(board):
    card = post(board["ada"], "anon", anonymous=True)["reflection"]
    for event, payload in [
        ("reflection:edit", {"id": card["id"], "text": "hijack"}),
        ("reflection:delete", {"id": card["id"]}),
    ]:
        ack = emit(board["bea"], event, payload)
        assert ack["error"]["code"] == "forbidden"
        assert "Ada" not in ack["error"]["message"]


# --- edit, delete ------------------------------------------------------------------------------


def test_authors_edit_and_delete_their_own_cards(board):
    card = post(board["ada"], "first draft")["reflection"]
    drain(board["bea"])
    edited = emit(board["ada"], "reflection:edit", {"id": card["id"], "text": "second draft"})
    assert edited["reflection"]["text"] == "second draft"
    assert drain(board["bea"])["reflection:updated"][0]["text"] == "second draft"
    deleted = emit(board["ada"], "reflection:delete", {"id": card["id"]})
    assert deleted["ok"] is True
    update = drain(board["bea"])["reflection:updated"][0]
    assert update == {"id": card["id"], "deleted": True}
    assert emit(board["ada"], "reflection:delete", {"id": card["id"]})["ok"] is True  # resend


def test_others_cannot_edit_or_delete(board):
    card = post(board["ada"])["reflection"]
    assert (
        emit(board["bea"], "reflection:edit", {"id": card["id"], "text": "x"})["error"]["code"]
        == "forbidden"
    )
    assert (
        emit(board["staff"], "reflection:delete", {"id": card["id"]})["error"]["code"]
        == "forbidden"
    )
    assert db.session.get(Reflection, card["id"]).deleted is False


def test_cards_of_another_session_are_not_found(board, make, live):
    other_session = make.session(number=2)
    token, _ = make.join(other_session, "Cy", "Benefits officer")
    cy = live.participant(token)
    theirs = post(cy)["reflection"]
    for event, payload in [
        ("reflection:edit", {"id": theirs["id"], "text": "x"}),
        ("reflection:vote", {"id": theirs["id"], "on": True}),
    ]:
        assert emit(board["ada"], event, payload)["error"]["code"] in ("not_found", "forbidden")
    ack = emit(board["staff"], "reflection:hide", {"id": theirs["id"], "hidden": True})
    assert ack["error"]["code"] == "not_found"


# --- votes -------------------------------------------------------------------------------------


def test_votes_are_counted_capped_and_returned(board):
    cards = [post(board["bea"], f"card {i}")["reflection"]["id"] for i in range(4)]
    for card_id in cards[:3]:
        ack = emit(board["ada"], "reflection:vote", {"id": card_id, "on": True})
        assert ack["ok"] is True
    assert ack["votes_left"] == 0
    over = emit(board["ada"], "reflection:vote", {"id": cards[3], "on": True})
    assert over["error"]["code"] == "limit_reached"
    back = emit(board["ada"], "reflection:vote", {"id": cards[0], "on": False})
    assert back["votes_left"] == 1 and back["votes"] == 0
    again = emit(board["ada"], "reflection:vote", {"id": cards[1], "on": True})
    assert again["votes"] == 1  # voting twice on one card counts once
    updates = drain(board["staff"])["reflection:updated"]
    assert all(isinstance(u["votes"], int) for u in updates)
    assert "voters" not in json.dumps(updates)


def test_deleting_a_card_returns_its_votes(board):
    card = post(board["bea"])["reflection"]["id"]
    emit(board["ada"], "reflection:vote", {"id": card, "on": True})
    emit(board["bea"], "reflection:delete", {"id": card})
    assert db.session.query(Vote).count() == 0


def test_vote_needs_a_boolean(board):
    card = post(board["bea"])["reflection"]["id"]
    assert (
        emit(board["ada"], "reflection:vote", {"id": card, "on": "yes"})["error"]["code"]
        == "invalid"
    )


# --- moderation --------------------------------------------------------------------------------


def test_hiding_removes_a_card_from_participant_screens_but_keeps_it(board, live):
    card = post(board["ada"], "Client Jane Doe called")["reflection"]
    for name in ("bea", "staff", "projector"):
        drain(board[name])
    ack = emit(board["staff"], "reflection:hide", {"id": card["id"], "hidden": True})
    assert ack["ok"] is True
    for name in ("bea", "projector"):
        update = drain(board[name])["reflection:updated"][0]
        assert update["hidden"] is True and update["redacted"] is True
        assert "Jane" not in json.dumps(update), name
    staff_updates = drain(board["staff"])["reflection:updated"]
    assert any(u["text"] == "Client Jane Doe called" and u["hidden"] for u in staff_updates)
    assert db.session.get(Reflection, card["id"]).hidden is True
    reconnect = live.participant(board["tokens"][1])
    assert drain(reconnect)["state"][0]["reflections"] == []
    staff_again = live.staff(board["staff_token"], board["session"].id)
    assert drain(staff_again)["state"][0]["reflections"][0]["hidden"] is True


def test_only_facilitators_hide_and_group(board):
    card = post(board["ada"])["reflection"]["id"]
    assert (
        emit(board["bea"], "reflection:hide", {"id": card, "hidden": True})["error"]["code"]
        == "forbidden"
    )
    ack = emit(board["bea"], "reflection:group", {"ids": [card], "title": "Theme"})
    assert ack["error"]["code"] == "forbidden"


def test_grouping_names_a_theme_on_every_screen(board):
    ids = [post(board["ada"], f"c{i}", lane="Blockers")["reflection"]["id"] for i in range(3)]
    drain(board["bea"])
    ack = emit(board["staff"], "reflection:group", {"ids": ids[:2], "title": "Shared inbox"})
    assert ack["group"]["title"] == "Shared inbox"
    updates = drain(board["bea"])["reflection:updated"]
    assert {u["id"] for u in updates} == set(ids[:2])
    assert all(u["group"]["title"] == "Shared inbox" for u in updates)
    ungroup = emit(board["staff"], "reflection:group", {"ids": ids[:1], "title": ""})
    assert ungroup["group"] is None


# --- private mode ------------------------------------------------------------------------------


def test_private_mode_hides_others_cards_until_a_lane_is_revealed(board, live):
    assert emit(board["staff"], "board:mode", {"mode": "private"})["ok"] is True
    assert drain(board["bea"])["board:mode"][0]["mode"] == "private"
    for name in ("ada", "staff", "projector"):
        drain(board[name])
    card = post(board["ada"], "Private thought", lane="Blockers")["reflection"]
    assert "reflection:added" not in drain(board["bea"])
    assert "reflection:added" not in drain(board["projector"])
    assert drain(board["staff"])["reflection:added"][0]["text"] == "Private thought"
    late = live.participant(board["tokens"][1])
    assert drain(late)["state"][0]["reflections"] == []
    assert (
        emit(board["bea"], "reflection:vote", {"id": card["id"], "on": True})["error"]["code"]
        == "not_found"
    )
    emit(board["staff"], "board:reveal", {"lane": "Blockers"})
    revealed = drain(board["bea"])["board:mode"][0]
    assert revealed["revealed_lanes"] == ["Blockers"]
    assert [c["text"] for c in revealed["reflections"]] == ["Private thought"]
    assert emit(board["bea"], "reflection:vote", {"id": card["id"], "on": True})["ok"] is True


def test_board_mode_and_reveal_validate(board):
    assert emit(board["staff"], "board:mode", {"mode": "secret"})["error"]["code"] == "invalid"
    assert emit(board["staff"], "board:reveal", {"lane": "Nope"})["error"]["code"] == "invalid"
    assert emit(board["ada"], "board:mode", {"mode": "private"})["error"]["code"] == "forbidden"


def test_personal_information_is_flagged_for_the_facilitator(board):
    ack = post(board["ada"], "Call back on 0412 345 678 about file 99887766554")
    assert ack["reflection"]["pii_flag"] is True
    assert drain(board["staff"])["reflection:added"][0]["pii_flag"] is True
    assert post(board["ada"], "The intake form is too long")["reflection"]["pii_flag"] is False


def test_state_remembers_which_cards_i_voted_for(board, live):
    card = post(board["bea"])["reflection"]["id"]
    emit(board["ada"], "reflection:vote", {"id": card, "on": True})
    again = live.participant(board["tokens"][0])
    me = drain(again)["state"][0]["me"]
    assert me["voted"] == [card] and me["votes_left"] == 2


def test_opening_a_private_board_delivers_the_cards_it_makes_visible(board):
    emit(board["staff"], "board:mode", {"mode": "private"})
    emit(board["staff"], "board:reveal", {"lane": "Highlights"})
    post(board["ada"], "already revealed", lane="Highlights")
    post(board["ada"], "still private", lane="Blockers")
    drain(board["bea"])
    emit(board["staff"], "board:mode", {"mode": "open"})
    opened = drain(board["bea"])["board:mode"][0]
    assert opened["mode"] == "open"
    assert [c["text"] for c in opened["reflections"]] == ["still private"]
