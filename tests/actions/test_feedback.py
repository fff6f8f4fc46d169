""" "You said, we did": a secret link, no account, top cards and actions, never an author."""

from __future__ import annotations

import re

import pytest

from playtest.extensions import db
from playtest.models import AuditEntry, Playtest
from tests.auth import login, page_token
from tests.board.test_events import post
from tests.conftest import emit, new_id


@pytest.fixture
def staff(csrf_app, client, board):
    """Signed in as the board's facilitator (CSRF on), with cards and actions in the room."""
    login(client)
    return client


def switch(client, playtest_id: int, change: str):
    token = page_token(client, f"/playtests/{playtest_id}")
    return client.post(
        f"/playtests/{playtest_id}/feedback-link", data={"change": change, "csrf_token": token}
    )


def the_link(client, playtest_id: int) -> str | None:
    page = client.get(f"/playtests/{playtest_id}").get_data(as_text=True)
    found = re.search(r'href="https?://[^/"]+(/y/[^"]+)"', page)
    return found.group(1) if found else None


def test_the_page_shows_what_was_said_and_done_and_nobody_who(staff, board, app):
    playtest_id = board["session"].round.playtest_id
    post(board["ada"], "Nobody owns triage", lane="Blockers")
    post(board["bea"], "Shared desk works", lane="Highlights", anonymous=True)
    hidden = post(board["bea"], "Mrs Jones called", lane="Blockers")["reflection"]
    emit(board["staff"], "reflection:hide", {"id": hidden["id"], "hidden": True})
    emit(
        board["staff"],
        "action:add",
        {"client_id": new_id(), "text": "Name a triage owner", "owner": "Intake officer"},
    )
    assert the_link(staff, playtest_id) is None  # off until a facilitator turns it on
    assert switch(staff, playtest_id, "enable").status_code == 302
    link = the_link(staff, playtest_id)
    reader = app.test_client()  # no account
    page = reader.get(link)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for shown in ("You said, we did", "Baseline", "Nobody owns triage", "Shared desk works"):
        assert shown in text
    assert "Name a triage owner" in text and "Intake officer" in text and "Agreed" in text
    assert "Mrs Jones" not in text and "Ada" not in text and "Bea" not in text
    french = reader.get(link, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Vous avez dit, nous avons fait" in french and "Convenue" in french


def test_the_link_turns_off_and_a_new_one_retires_the_old(staff, board, app):
    playtest_id = board["session"].round.playtest_id
    switch(staff, playtest_id, "enable")
    first = the_link(staff, playtest_id)
    switch(staff, playtest_id, "regenerate")
    second = the_link(staff, playtest_id)
    reader = app.test_client()
    assert second != first
    assert reader.get(first).status_code == 404
    assert reader.get(second).status_code == 200
    switch(staff, playtest_id, "disable")
    assert reader.get(second).status_code == 404
    assert the_link(staff, playtest_id) is None
    switch(staff, playtest_id, "enable")  # on again: the same link as before it went off
    assert the_link(staff, playtest_id) == second
    audited = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert [a for a in audited if a.startswith("feedback:")] == [
        "feedback:enable",
        "feedback:regenerate",
        "feedback:disable",
        "feedback:enable",
    ]


def test_changing_the_link_needs_the_forms_csrf_token(staff, board):
    playtest_id = board["session"].round.playtest_id
    answer = staff.post(f"/playtests/{playtest_id}/feedback-link", data={"change": "enable"})
    assert answer.status_code in (400, 422)
    assert db.session.get(Playtest, playtest_id).feedback_enabled is False


def test_an_unknown_token_is_not_found(client):
    assert client.get("/y/nothing-here").status_code == 404
