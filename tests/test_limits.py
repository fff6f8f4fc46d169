"""One place per fact: every limit lives in config, and pages, scripts and messages follow it."""

from __future__ import annotations

import json
import re

import pytest

from playtest import config
from tests.auth import login
from tests.conftest import drain, emit, new_id


def participant_page(client, make, session) -> str:
    token, _attendance = make.join(session)
    client.set_cookie(f"pt_s{session.id}", token, domain="playtest.test")
    response = client.get(f"/j/{session.join_code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def page_limits(html: str) -> dict:
    """The limits a live page hands its script (<script type="application/json" id="pt-limits">)."""
    match = re.search(r'<script type="application/json" id="pt-limits">(.*?)</script>', html)
    assert match, "the page carries no limits for its script"
    return json.loads(match.group(1))


@pytest.fixture
def tighter(monkeypatch):
    """Other limits than the defaults, so a number typed anywhere but config would show."""
    monkeypatch.setattr(config, "TEXT_MAX_CHARS", 280)
    monkeypatch.setattr(config, "LABEL_MAX_CHARS", 24)
    monkeypatch.setattr(config, "CASE_TYPE_MAX_CHARS", 40)
    monkeypatch.setattr(config, "GROUP_TITLE_MAX_CHARS", 90)
    monkeypatch.setattr(config, "PLAYBOOK_MAX_BYTES", 128 * 1024)


def test_the_participant_page_hands_its_script_configs_limits(client, make):
    html = participant_page(client, make, make.session())
    assert page_limits(html) == config.limits()
    assert page_limits(html)["text_max"] == 500 and page_limits(html)["likert_max"] == 5


def test_the_participant_page_follows_config(client, make, tighter):
    html = participant_page(client, make, make.session())
    assert page_limits(html)["text_max"] == 280
    assert 'id="pt-composer-text" name="text" rows="4" maxlength="280"' in html
    assert "You can enter up to 280 characters" in html
    assert 'name="label" type="text" maxlength="24"' in html
    assert 'name="case_type" type="text" maxlength="40"' in html


def test_the_server_refuses_with_the_same_numbers(live, make, tighter):
    session = make.session()
    token, _attendance = make.join(session)
    phone = live.participant(token)
    drain(phone)
    card = emit(
        phone, "reflection:add", {"client_id": new_id(), "lane": "Blockers", "text": "x" * 281}
    )
    assert card["error"]["message"] == "Cards can be up to 280 characters."
    label = emit(phone, "case:open", {"client_id": new_id(), "label": "C" * 25})
    assert label["error"]["message"] == "The case label can be up to 24 characters."
    rating = emit(phone, "rating:submit", {"phase": "before", "answers": {"0": 6}})
    assert rating["error"]["message"] == "Answers are from 1 to 5."


def test_the_console_and_the_library_follow_config(csrf_app, client, make, tighter):
    make.facilitator()
    login(client)
    session = make.session()
    console = client.get(f"/sessions/{session.id}/console").get_data(as_text=True)
    assert 'id="pt-group-name" name="title" type="text" maxlength="90"' in console
    assert page_limits(console)["group_title_max"] == 90
    library = client.get("/playbooks").get_data(as_text=True)
    assert "A .md or .txt file, up to 128 KiB, saved as UTF-8." in library
