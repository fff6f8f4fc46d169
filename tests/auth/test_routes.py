"""Signing in and out of the staff pages."""

from __future__ import annotations

import re

import pytest

from tests.auth import PASSWORD, csrf_token, login, page_token


@pytest.fixture
def facilitator(csrf_app, make):
    return make.facilitator()


def error_message(html: bytes) -> str:
    """The first entry of the page's error summary, as text."""
    summary = re.search(rb'govuk-error-summary__list">(.*?)</ul>', html, re.DOTALL)
    assert summary, "no error summary on the page"
    return re.sub(rb"<[^>]+>", b"", summary.group(1)).decode().strip()


@pytest.mark.parametrize("path", ["/playbooks", "/playtests", "/playtests/1", "/playbooks/1"])
def test_staff_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_login_page_has_the_accessible_names(client):
    html = client.get("/login").get_data(as_text=True)
    assert ">Email address</label>" in html
    assert ">Password</label>" in html
    assert ">Sign in</button>" in html


def test_good_credentials_sign_in_and_open_the_library(client, facilitator):
    response = login(client, facilitator.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/playbooks").status_code == 200


def test_sign_in_follows_a_local_next_link_only(client, facilitator):
    token = page_token(client, "/login")
    data = {"email": facilitator.email, "password": PASSWORD, "csrf_token": token}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.status_code == 302
    assert "evil.example" not in response.location
    client.post("/logout", data={"csrf_token": page_token(client, "/playtests")})
    response = client.post("/login?next=/playbooks", data=data)
    assert response.location == "/playbooks"


def test_wrong_password_and_unknown_email_get_the_same_message(client, facilitator):
    token = page_token(client, "/login")
    wrong = client.post(
        "/login", data={"email": facilitator.email, "password": "not it", "csrf_token": token}
    )
    unknown = client.post(
        "/login", data={"email": "nobody@example.gov", "password": PASSWORD, "csrf_token": token}
    )
    assert wrong.status_code == unknown.status_code == 400
    assert error_message(wrong.data) == error_message(unknown.data)
    assert error_message(wrong.data)
    assert client.get("/playbooks").status_code == 302  # still signed out


def test_login_without_csrf_token_is_refused(client, facilitator):
    response = client.post("/login", data={"email": facilitator.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/playbooks").status_code == 302


def test_logout_is_a_post_with_csrf(client, facilitator):
    login(client, facilitator.email, PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/playbooks").status_code == 200  # so still signed in

    page = client.get("/playbooks").data
    response = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert response.location == "/login"
    assert client.get("/playbooks").status_code == 302


def test_login_is_rate_limited(app, client, facilitator):
    app.config["RATELIMIT_LOGIN"] = "3/minute"
    token = page_token(client, "/login")
    data = {"email": facilitator.email, "password": "guess", "csrf_token": token}
    statuses = [client.post("/login", data=data).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    # The right password does not get through either until the window passes.
    data["password"] = PASSWORD
    response = client.post("/login", data=data)
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)


def test_observer_signs_in_and_reads_but_sees_no_upload_form(client, make):
    make.facilitator("observer@example.gov", PASSWORD, role="observer")
    login(client, "observer@example.gov", PASSWORD)
    html = client.get("/playbooks").get_data(as_text=True)
    assert "Upload a playbook" not in html
