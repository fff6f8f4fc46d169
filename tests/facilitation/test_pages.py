"""The playtest pages: create a playtest, add rounds, schedule sessions, mark the baseline."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from playtest.extensions import db
from playtest.facilitation import services as facilitation
from playtest.models import Playtest, Round, Session
from tests.auth import PASSWORD, csrf_token, login, page_token

THREE_SESSIONS = """\
Title: Three-session playtest
Sessions: 3

## Case work (40 min)
## Reflect (20 min)

# Session 2: Midpoint
## Check-in (10 min)
## Case work (30 min)
"""


@pytest.fixture
def staff(csrf_app, client, make):
    """A client signed in as a facilitator, with CSRF checks on."""
    make.facilitator()
    login(client)
    return client


@pytest.fixture
def playbook(make):
    return make.playbook()


def schedule(client, round_id: int, number: int | str, token: str):
    return client.post(
        f"/rounds/{round_id}/sessions", data={"number": str(number), "csrf_token": token}
    )


def sessions_of(round_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Session.number).where(Session.round_id == round_id).order_by(Session.number)
        )
    )


def schedule_buttons(html: str, round_id: int) -> list[int]:
    """The session numbers the page offers to schedule in one round."""
    forms = re.findall(
        rf'<form[^>]*action="/rounds/{round_id}/sessions"[^>]*>(.*?)</form>', html, re.DOTALL
    )
    return [int(re.search(r'name="number"[^>]*value="(\d+)"', f).group(1)) for f in forms]


def test_create_a_playtest(staff):
    token = page_token(staff, "/playtests")
    response = staff.post(
        "/playtests", data={"title": "Cross-functional intake workflow", "csrf_token": token}
    )
    assert response.status_code == 302
    playtest = db.session.scalar(sa.select(Playtest))
    assert response.location == f"/playtests/{playtest.id}"
    assert playtest.title == "Cross-functional intake workflow"

    html = staff.get(response.location).get_data(as_text=True)
    assert "Cross-functional intake workflow</h1>" in html
    listing = staff.get("/playtests").get_data(as_text=True)
    assert f'href="/playtests/{playtest.id}"' in listing


def test_a_playtest_needs_a_title(staff):
    token = page_token(staff, "/playtests")
    response = staff.post("/playtests", data={"title": "  ", "csrf_token": token})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html
    assert '<a href="#title">' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Playtest)) == 0


def test_forms_without_csrf_token_are_refused(staff, playbook):
    assert staff.post("/playtests", data={"title": "No token"}).status_code == 400
    playtest = facilitation.create_playtest("Intake")
    round_ = facilitation.add_round(playtest, "Baseline", playbook.id)
    assert staff.post(f"/rounds/{round_.id}/sessions", data={"number": "1"}).status_code == 400
    assert staff.post(f"/rounds/{round_.id}/baseline").status_code == 400
    assert sessions_of(round_.id) == []


FRENCH_PAIR = """\
Title: Petit essai
Language: fr
Sessions: 2
Duration: 30
Lanes: Points forts
       Obstacles
       Occasions

## Travail sur les dossiers (20 min) {: .work }
## Réflexion (10 min) {: .reflect }
"""


def test_a_round_pairs_only_with_the_other_language(staff, playbook, make):
    same_language = make.playbook(THREE_SESSIONS)
    playtest = facilitation.create_playtest("Intake")
    page = staff.get(f"/playtests/{playtest.id}").get_data(as_text=True)
    response = staff.post(
        f"/playtests/{playtest.id}",
        data={
            "label": "Baseline",
            "playbook_id": str(playbook.id),
            "paired_playbook_id": str(same_language.id),
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 400
    assert "other language" in response.get_data(as_text=True)
    assert playtest.rounds == []


def test_add_a_round(staff, playbook, make):
    paired = make.playbook(FRENCH_PAIR)
    playtest = facilitation.create_playtest("Intake")
    page = staff.get(f"/playtests/{playtest.id}").get_data(as_text=True)
    assert f'<option value="{playbook.id}">Small test playtest — v1 (en)</option>' in page

    response = staff.post(
        f"/playtests/{playtest.id}",
        data={
            "label": "Baseline — current process",
            "playbook_id": str(playbook.id),
            "paired_playbook_id": str(paired.id),
            "baseline": "y",
            "csrf_token": csrf_token(page),
        },
    )

    assert response.status_code == 302
    round_ = db.session.scalar(sa.select(Round))
    assert (round_.label, round_.playbook_id, round_.paired_playbook_id) == (
        "Baseline — current process",
        playbook.id,
        paired.id,
    )
    assert round_.is_baseline
    html = staff.get(f"/playtests/{playtest.id}").get_data(as_text=True)
    assert "Round added." in html
    assert "Baseline — current process" in html
    assert "Small test playtest, version 1" in html
    assert '<strong class="govuk-tag govuk-tag--turquoise pt-round__tag">Baseline</strong>' in html


def test_a_round_needs_a_label(staff, playbook):
    playtest = facilitation.create_playtest("Intake")
    token = page_token(staff, f"/playtests/{playtest.id}")
    response = staff.post(
        f"/playtests/{playtest.id}",
        data={"label": "", "playbook_id": str(playbook.id), "csrf_token": token},
    )
    assert response.status_code == 400
    assert '<a href="#label">' in response.get_data(as_text=True)
    assert playtest.rounds == []


def test_without_playbooks_the_page_points_to_the_library(staff):
    playtest = facilitation.create_playtest("Intake")
    html = staff.get(f"/playtests/{playtest.id}").get_data(as_text=True)
    assert "Upload a playbook to the library" in html
    assert 'name="label"' not in html


def test_schedule_sessions_one_to_n_and_no_more(staff, make):
    playbook = make.playbook(THREE_SESSIONS)
    playtest = facilitation.create_playtest("Intake")
    round_ = facilitation.add_round(playtest, "Prototype A", playbook.id)
    path = f"/playtests/{playtest.id}"

    html = staff.get(path).get_data(as_text=True)
    assert schedule_buttons(html, round_.id) == [1, 2, 3]
    assert "Midpoint" in html  # session 2's own title from the playbook

    token = csrf_token(html)
    for number in (1, 2, 3):
        response = schedule(staff, round_.id, number, token)
        assert response.status_code == 302
        assert response.location == path
    assert sessions_of(round_.id) == [1, 2, 3]

    html = staff.get(path).get_data(as_text=True)
    assert schedule_buttons(html, round_.id) == []
    for session in db.session.scalars(sa.select(Session)):
        assert session.join_code in html
        assert f'href="/sessions/{session.id}/console"' in html
        assert f'href="/sessions/{session.id}/projector"' in html
    assert html.count(">Not started</strong>") == 3

    # Session N+1 (and 0) are refused with a message; nothing is created.
    for number in (4, 0, "x"):
        schedule(staff, round_.id, number, token)
    assert sessions_of(round_.id) == [1, 2, 3]
    response = schedule(staff, round_.id, 4, token)
    page = staff.get(response.location).get_data(as_text=True)
    assert "Session number must be from 1 to 3." in page


def test_scheduling_a_session_twice_keeps_its_join_code(staff, playbook):
    playtest = facilitation.create_playtest("Intake")
    round_ = facilitation.add_round(playtest, "Baseline", playbook.id)
    token = page_token(staff, f"/playtests/{playtest.id}")
    schedule(staff, round_.id, 1, token)
    code = db.session.scalar(sa.select(Session.join_code))
    schedule(staff, round_.id, 1, token)
    assert sessions_of(round_.id) == [1]
    assert db.session.scalar(sa.select(Session.join_code)) == code


def test_mark_another_round_as_baseline(staff, playbook):
    playtest = facilitation.create_playtest("Intake")
    first = facilitation.add_round(playtest, "Current process", playbook.id)
    second = facilitation.add_round(playtest, "Shared case desk", playbook.id)
    path = f"/playtests/{playtest.id}"
    html = staff.get(path).get_data(as_text=True)
    # The first round is the baseline until another is marked, so only the second has a button.
    assert f'action="/rounds/{first.id}/baseline"' not in html
    assert f'action="/rounds/{second.id}/baseline"' in html

    response = staff.post(f"/rounds/{second.id}/baseline", data={"csrf_token": csrf_token(html)})

    assert response.status_code == 302
    db.session.refresh(playtest)
    assert playtest.baseline.id == second.id
    html = staff.get(path).get_data(as_text=True)
    assert "“Shared case desk” is now the baseline." in html
    assert f'action="/rounds/{first.id}/baseline"' in html
    assert f'action="/rounds/{second.id}/baseline"' not in html


def test_summary_and_report_are_linked(staff):
    playtest = facilitation.create_playtest("Intake")
    html = staff.get(f"/playtests/{playtest.id}").get_data(as_text=True)
    assert f'href="/playtests/{playtest.id}/summary"' in html
    assert f'href="/playtests/{playtest.id}/report"' in html


def test_observer_reads_but_cannot_change(csrf_app, client, make, playbook):
    make.facilitator("observer@example.gov", PASSWORD, role="observer")
    playtest = facilitation.create_playtest("Intake")
    round_ = facilitation.add_round(playtest, "Baseline", playbook.id)
    login(client, "observer@example.gov")

    html = client.get(f"/playtests/{playtest.id}").get_data(as_text=True)
    assert "Baseline" in html
    assert "Add a round" not in html and schedule_buttons(html, round_.id) == []
    assert "Start a playtest" not in client.get("/playtests").get_data(as_text=True)

    token = csrf_token(html)
    assert schedule(client, round_.id, 1, token).status_code == 403
    data = {"title": "Mine", "csrf_token": token}
    assert client.post("/playtests", data=data).status_code == 403
    assert sessions_of(round_.id) == []


def test_unknown_playtest_is_not_found(staff):
    assert staff.get("/playtests/999").status_code == 404
