"""The front door: people without an account type the join code; staff find "Sign in"."""

from __future__ import annotations

import re

from tests.auth import login


def test_a_code_typed_loosely_leads_to_its_session(client, make):
    session = make.session()
    loose = "-".join(session.join_code.lower()[i : i + 4] for i in (0, 4)).replace("-", " - ")
    response = client.get("/", query_string={"code": f"  {loose} "})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/j/{session.join_code}"


def test_an_unknown_code_stays_on_the_form_with_what_was_typed(client, make):
    make.session()
    response = client.get("/", query_string={"code": "zz-top-99"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "No session has that code" in html
    assert re.search(r'<input[^>]*name="code"[^>]*value="zz-top-99"', html)


def test_an_empty_code_asks_for_one(client):
    html = client.get("/", query_string={"code": "  "}).get_data(as_text=True)
    assert "Enter the join code shown on the screen." in html


def test_the_front_door_offers_staff_a_sign_in_link(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="code"' in html and "Join code" in html
    assert re.search(r'<a class="govuk-link" href="/login">Sign in</a>', html)


def test_a_mistyped_join_link_lands_on_the_form_with_its_code(client, make):
    make.session()
    response = client.get("/j/NOPE-123")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "No session has that code" in html
    assert re.search(r'name="code"[^>]*value="NOPE-123"', html)


def test_a_join_link_without_a_code_goes_to_the_front_door(client):
    for path in ("/j/", "/join"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/"


def test_a_signed_in_facilitator_goes_straight_to_their_playtests(client, make):
    make.facilitator()
    login(client)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/playtests"


def test_the_front_door_speaks_french(client):
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Rejoindre une séance" in html
