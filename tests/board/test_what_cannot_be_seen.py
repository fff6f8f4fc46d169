"""Cards a participant may not see answer exactly like missing ones; votes on a hidden card
come back to their voters; malformed payloads get a clear `invalid`."""

from __future__ import annotations

import pytest

from playtest.extensions import db
from playtest.models import Reflection, Vote
from tests.board.test_events import post
from tests.conftest import drain, emit

MISSING = {"code": "not_found", "message": "That card is not on this board."}


def refusals(client, card_id: int) -> list[dict]:
    """What edit, delete and vote answer about this card id."""
    return [
        emit(client, "reflection:edit", {"id": card_id, "text": "changed"})["error"],
        emit(client, "reflection:delete", {"id": card_id})["error"],
        emit(client, "reflection:vote", {"id": card_id, "on": True})["error"],
    ]


def test_an_unrevealed_card_answers_like_a_missing_one(board):
    assert emit(board["staff"], "board:mode", {"mode": "private"})["ok"]
    card = post(board["ada"], lane="Blockers")["reflection"]
    assert refusals(board["bea"], card["id"]) == [MISSING] * 3
    assert refusals(board["bea"], 999999) == [MISSING] * 3
    # Once the lane is revealed Bea sees it: she may vote, and is told she cannot edit.
    assert emit(board["staff"], "board:reveal", {"lane": "Blockers"})["ok"]
    assert emit(board["bea"], "reflection:vote", {"id": card["id"], "on": True})["ok"]
    edit = emit(board["bea"], "reflection:edit", {"id": card["id"], "text": "changed"})
    assert edit["error"]["code"] == "forbidden"


def test_a_hidden_card_answers_like_a_missing_one_even_to_its_author(board):
    card = post(board["ada"])["reflection"]
    assert emit(board["staff"], "reflection:hide", {"id": card["id"], "hidden": True})["ok"]
    assert refusals(board["ada"], card["id"]) == [MISSING] * 3
    assert refusals(board["bea"], card["id"]) == [MISSING] * 3
    assert db.session.get(Reflection, card["id"]).deleted is False  # still in the record


def test_hiding_a_card_gives_its_votes_back_to_the_voters(board):
    card = post(board["ada"])["reflection"]
    other = post(board["ada"], text="Another one")["reflection"]
    first = emit(board["bea"], "reflection:vote", {"id": card["id"], "on": True})
    emit(board["bea"], "reflection:vote", {"id": other["id"], "on": True})
    assert first["votes_left"] == 2  # the small playbook gives three
    drain(board["bea"])
    assert emit(board["staff"], "reflection:hide", {"id": card["id"], "hidden": True})["ok"]
    heard = drain(board["bea"])
    assert heard["me:votes"] == [{"votes_left": 2, "voted": [other["id"]]}]
    assert "me:votes" not in drain(board["ada"])  # Ada did not vote for it
    assert db.session.get(Reflection, card["id"]).votes == 0
    assert db.session.query(Vote).filter_by(reflection_id=card["id"]).count() == 0
    # Shown again, it starts from no votes, and Bea may vote for it again.
    assert emit(board["staff"], "reflection:hide", {"id": card["id"], "hidden": False})["ok"]
    again = emit(board["bea"], "reflection:vote", {"id": card["id"], "on": True})
    assert again["votes"] == 1 and again["votes_left"] == 1


@pytest.mark.parametrize(
    "event, payload",
    [
        ("reflection:group", {"ids": [[1]], "title": "Printers"}),
        ("reflection:group", {"ids": [True], "title": "Printers"}),
        ("reflection:group", {"ids": [{"id": 1}], "title": "Printers"}),
        ("reflection:vote", {"id": True, "on": True}),
        ("reflection:hide", {"id": [1], "hidden": True}),
    ],
)
def test_wrong_element_types_are_invalid_not_a_crash(board, caplog, event, payload):
    post(board["ada"])
    who = board["staff"] if event != "reflection:vote" else board["bea"]
    ack = emit(who, event, payload)
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found"), ack
    assert "unexpected error" not in caplog.text


def test_a_deeply_nested_payload_is_invalid(board):
    nested: object = "x"
    for _ in range(40):
        nested = [nested]
    ack = emit(
        board["ada"], "reflection:add", {"client_id": "deep-000000", "lane": nested, "text": "x"}
    )
    assert ack["error"] == {"code": "invalid", "message": "The request is nested too deeply."}


def test_control_characters_are_stripped_from_cards(board):
    ack = post(board["ada"], text="Shared\x00 desk\x07\r\nworks\tbest\x1b")
    assert ack["reflection"]["text"] == "Shared desk\nworks\tbest"
    only_controls = post(board["ada"], text="\x00\x01\x02")
    assert only_controls["error"] == {
        "code": "invalid",
        "message": "Write something on the card first.",
    }
