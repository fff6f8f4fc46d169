""" "Since last time": a session opens with the last one's top cards and the open actions."""

from __future__ import annotations

import json

from playtest.extensions import db
from playtest.models import Reflection
from tests.board.test_events import post
from tests.conftest import drain, emit, new_id


def _state(live, token) -> dict:
    return drain(live.participant(token))["state"][0]


def test_the_first_session_of_a_playtest_has_nothing_to_carry_over(board, live):
    assert _state(live, board["tokens"][0])["carry_over"] is None


def test_session_two_opens_with_session_ones_top_cards_and_open_actions(board, make, live):
    first = board["session"]
    cards = [post(board["ada"], f"Blocker {n}", lane="Blockers")["reflection"] for n in range(5)]
    post(board["bea"], "A highlight", lane="Highlights", anonymous=True)
    hidden = post(board["bea"], "Names a client", lane="Blockers")["reflection"]
    for card, votes in zip(cards, [1, 4, 0, 3, 2], strict=True):
        db.session.get(Reflection, card["id"]).votes = votes
    db.session.get(Reflection, hidden["id"]).votes = 9
    db.session.commit()
    emit(board["staff"], "reflection:hide", {"id": hidden["id"], "hidden": True})
    kept = emit(board["staff"], "action:add", {"client_id": new_id(), "text": "Keep"})["action"]
    done = emit(board["staff"], "action:add", {"client_id": new_id(), "text": "Gone"})["action"]
    emit(board["staff"], "action:update", {"id": done["id"], "status": "done"})
    emit(board["staff"], "timer:control", {"action": "finish"})

    second = make.session(number=2, playtest=first.round.playtest)
    token, _ = make.join(second, "Ada", "Intake officer")
    carry = _state(live, token)["carry_over"]
    assert carry["from_session_id"] == first.id and carry["from_session_number"] == 1
    blockers = carry["top_cards"]["Blockers"]
    assert [c["text"] for c in blockers] == ["Blocker 1", "Blocker 3", "Blocker 4"]
    assert [c["votes"] for c in blockers] == [4, 3, 2]
    assert set(blockers[0]) == {"id", "text", "votes"}  # never an author
    assert [c["text"] for c in carry["top_cards"]["Highlights"]] == ["A highlight"]
    assert carry["top_cards"]["Opportunities"] == []
    assert "Bea" not in json.dumps(carry) and "Names a client" not in json.dumps(carry)
    assert [a["id"] for a in carry["open_actions"]] == [kept["id"]]


def test_a_rounds_first_session_carries_over_from_the_previous_round(board, make, live):
    first = board["session"]
    post(board["ada"], "From the baseline", lane="Opportunities")
    emit(board["staff"], "timer:control", {"action": "finish"})
    prototype = make.session(playtest=first.round.playtest, label="Prototype A")
    token, _ = make.join(prototype, "Ada", "Intake officer")
    carry = _state(live, token)["carry_over"]
    assert carry["from_session_id"] == first.id
    assert [c["text"] for c in carry["top_cards"]["Opportunities"]] == ["From the baseline"]


def test_nothing_carries_over_from_a_session_that_has_not_finished(board, make, live):
    second = make.session(number=2, playtest=board["session"].round.playtest)
    token, _ = make.join(second, "Ada", "Intake officer")
    assert _state(live, token)["carry_over"] is None
