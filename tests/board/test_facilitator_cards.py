"""A facilitator posts a card from the console: everyone sees it labelled as theirs."""

from __future__ import annotations

import pytest

from playtest.extensions import db
from playtest.models import Reflection
from tests.conftest import drain, emit, new_id


def staff_post(client, text="Remember the interpreter", lane="Highlights", **extra) -> dict:
    payload = {"client_id": new_id(), "lane": lane, "text": text, **extra}
    return emit(client, "reflection:staff_add", payload)


def test_every_screen_receives_the_card_labelled_as_a_facilitators(board):
    ack = staff_post(board["staff"])
    assert ack["ok"] is True and ack["created"] is True
    card = ack["reflection"]
    assert card["facilitator"] is True and card["author"] is None
    for name in ("ada", "bea", "staff", "projector"):
        added = drain(board[name])["reflection:added"]
        assert [c["id"] for c in added] == [card["id"]], name
        assert added[0]["facilitator"] is True and added[0]["author"] is None, name
    row = db.session.get(Reflection, card["id"])
    assert row.participant_id is None and row.author_user_id is not None


def test_a_participants_card_is_not_a_facilitators(board):
    ack = emit(
        board["ada"], "reflection:add", {"client_id": new_id(), "lane": "Highlights", "text": "x"}
    )
    assert ack["reflection"]["facilitator"] is False


def test_the_same_client_id_posts_once(board):
    client_id = new_id()
    first = emit(
        board["staff"],
        "reflection:staff_add",
        {"client_id": client_id, "lane": "Highlights", "text": "Once"},
    )
    again = emit(
        board["staff"],
        "reflection:staff_add",
        {"client_id": client_id, "lane": "Highlights", "text": "Once"},
    )
    assert again["ok"] is True and again["created"] is False
    assert again["reflection"]["id"] == first["reflection"]["id"]
    assert db.session.query(Reflection).filter_by(client_id=client_id).count() == 1


def test_a_state_after_reconnecting_keeps_the_label(board, live):
    staff_post(board["staff"])
    state = drain(live.participant(board["tokens"][0]))["state"][0]
    assert [c["facilitator"] for c in state["reflections"]] == [True]


def test_participants_and_the_projector_cannot_use_it(board):
    for name in ("ada", "projector"):
        ack = staff_post(board[name])
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", name


def test_an_observer_is_forbidden(board, make, live):
    observer = make.facilitator("observer@example.gov", role="observer")
    client = live.staff(make.token(observer), board["session"].id)
    drain(client)
    ack = staff_post(client)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert db.session.query(Reflection).count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"lane": "Highlights", "text": "no client id"},
        {"client_id": "x", "lane": "No such lane", "text": "t"},
        {"client_id": "x", "lane": "Highlights", "text": "   "},
        {"client_id": "x", "lane": "Highlights", "text": 5},
        {"client_id": "x", "lane": "Highlights", "text": "y" * 100_000},
    ],
)
def test_bad_payloads_are_invalid(board, payload):
    if payload.get("client_id") == "x":
        payload = {**payload, "client_id": new_id()}
    ack = emit(board["staff"], "reflection:staff_add", payload)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack


def test_a_finished_session_refuses_it(board):
    emit(board["staff"], "timer:control", {"action": "start"})
    emit(board["staff"], "timer:control", {"action": "finish"})
    ack = staff_post(board["staff"])
    assert ack["ok"] is False and ack["error"]["code"] == "session_closed"


def test_summary_export_and_purge_count_a_facilitators_card(board, client, make):
    from playtest.privacy import purge_playtest
    from playtest.summary.services import playtest_summary
    from tests.summary.test_export import read_csv

    staff_post(board["staff"], "From the front")
    emit(
        board["ada"],
        "reflection:add",
        {"client_id": new_id(), "lane": "Highlights", "text": "Mine"},
    )
    emit(board["staff"], "timer:control", {"action": "start"})
    emit(board["staff"], "timer:control", {"action": "finish"})
    playtest_id = board["session"].round.playtest_id
    (round_,) = playtest_summary(playtest_id)["rounds"]
    assert round_["lanes"]["Highlights"] == 2
    headers = {"Authorization": f"Bearer {board['staff_token']}"}
    rows = {r["text"]: r for r in read_csv(client, headers, playtest_id, "reflections")}
    assert (
        rows["From the front"]["author_participant_id"],
        rows["From the front"]["author_role"],
    ) == ("", "")
    assert rows["Mine"]["author_participant_id"] != ""
    assert purge_playtest(playtest_id)["cards"] == 2
