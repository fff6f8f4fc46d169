"""Ending sign-ins: sign-out, a new password and deactivation end every cookie and socket;
API tokens can be revoked; set-password links work once and expire."""

from __future__ import annotations

from datetime import timedelta

import pytest

from playtest.auth import services as accounts
from playtest.extensions import db
from playtest.models import PasswordLink, Session
from playtest.timeutil import utcnow
from tests.auth import PASSWORD, login, page_token
from tests.conftest import drain, emit


@pytest.fixture
def ada(make):
    return make.facilitator("ada@example.gov", PASSWORD)


def copied_cookie(client, app):
    """Another browser holding a copy of this client's login cookie (a stolen cookie)."""
    thief = app.test_client()
    cookie = client.get_cookie("session", domain="playtest.test")
    thief.set_cookie("session", cookie.value, domain="playtest.test")
    return thief


def status(session: Session) -> str:
    db.session.expire_all()
    return db.session.get(Session, session.id).status


def test_after_sign_out_a_copied_cookie_and_an_open_console_can_do_nothing(
    csrf_app, client, make, live, ada
):
    session = make.session()
    login(client, "ada@example.gov")
    thief = copied_cookie(client, csrf_app)
    assert thief.get("/playtests").status_code == 200
    console = live.connect({"session_id": session.id}, flask_client=thief)
    assert emit(console, "timer:control", {"action": "start"})["ok"]

    assert (
        client.post("/logout", data={"csrf_token": page_token(client, "/playtests")}).status_code
        == 302
    )
    assert thief.get("/playtests").status_code == 302  # to the sign-in page
    assert not console.is_connected("/live")  # the console's socket was closed too
    again = live.connect({"session_id": session.id}, flask_client=thief)
    assert not again.is_connected("/live")
    assert status(session) == "running"


def test_a_socket_that_missed_the_sign_out_cannot_pause_the_timer(
    csrf_app, client, make, live, ada
):
    """The sign-out was handled by another process: the socket's next event finds out."""
    session = make.session()
    login(client, "ada@example.gov")
    console = live.connect({"session_id": session.id}, flask_client=client)
    assert emit(console, "timer:control", {"action": "start"})["ok"]
    accounts.end_sessions(ada)  # what sign-out does, without closing this process's sockets
    refused = emit(console, "timer:control", {"action": "pause"})
    assert refused["error"] == {
        "code": "forbidden",
        "message": "You have been signed out. Sign in again.",
    }
    assert status(session) == "running"


def test_a_new_password_ends_every_earlier_sign_in(csrf_app, client, make, ada):
    login(client, "ada@example.gov")
    thief = copied_cookie(client, csrf_app)
    accounts.create_user("ada@example.gov", "a new long password")  # the CLI's reset
    assert thief.get("/playtests").status_code == 302
    assert client.get("/playtests").status_code == 302
    assert login(client, "ada@example.gov", "a new long password").status_code == 302
    assert client.get("/playtests").status_code == 200


def test_deactivation_ends_cookies_tokens_and_sockets(csrf_app, client, make, live, ada, runner):
    session = make.session()
    token = make.token(ada)
    login(client, "ada@example.gov")
    console = live.staff(token, session.id)
    result = runner.invoke(args=["deactivate", "ada@example.gov"])
    assert result.exit_code == 0, result.output
    assert client.get("/playtests").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/sessions/{session.id}/state", headers=headers).status_code == 403
    assert not console.is_connected("/live")
    assert login(client, "ada@example.gov").status_code == 400  # cannot sign in either
    assert runner.invoke(args=["activate", "ada@example.gov"]).exit_code == 0
    assert login(client, "ada@example.gov").status_code == 302


def test_revoked_tokens_stop_working_at_once(client, make, live, ada, runner):
    session = make.session()
    first, second = make.token(ada), make.token(ada)
    console = live.staff(first, session.id)
    drain(console)

    def state(token: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return client.get(f"/api/v1/sessions/{session.id}/state", headers=headers).status_code

    one = runner.invoke(args=["revoke-tokens", "--token", first])
    assert one.exit_code == 0 and "Revoked one API token of ada@example.gov" in one.output
    assert (state(first), state(second)) == (403, 200)
    refused = live.connect({"token": first, "session_id": session.id})
    assert not refused.is_connected("/live")
    everything = runner.invoke(args=["revoke-tokens", "ada@example.gov"])
    assert "Revoked 1 API token(s) of ada@example.gov" in everything.output
    assert state(second) == 403
    assert runner.invoke(args=["revoke-tokens", "--token", first]).exit_code != 0


def test_a_token_revoked_elsewhere_stops_the_socket_it_opened_at_its_next_event(make, live, ada):
    session = make.session()
    token = make.token(ada)
    console = live.staff(token, session.id)
    accounts.revoke_token(token)  # without closing this process's sockets
    assert emit(console, "timer:control", {"action": "start"})["error"]["code"] == "forbidden"


def test_a_set_password_link_works_once(csrf_app, client, make, ada, runner):
    result = runner.invoke(
        args=["reset-password", "ada@example.gov", "--base-url", "https://pt.example.gov/"]
    )
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("https://pt.example.gov/set-password/")
    path = link.removeprefix("https://pt.example.gov")
    assert login(client, "ada@example.gov").status_code == 400  # the old password is gone
    page = client.get(path)
    assert page.status_code == 200 and "ada@example.gov" in page.get_data(as_text=True)
    token = page_token(client, path)
    mismatch = client.post(
        path, data={"password": "long enough 1", "confirm": "long enough 2", "csrf_token": token}
    )
    assert mismatch.status_code == 400
    assert "The two passwords are not the same" in mismatch.get_data(as_text=True)
    short = client.post(path, data={"password": "short", "confirm": "short", "csrf_token": token})
    assert "The password must be 8 to 200 characters long" in short.get_data(as_text=True)
    done = client.post(
        path, data={"password": "long enough 1", "confirm": "long enough 1", "csrf_token": token}
    )
    assert done.status_code == 302 and done.location == "/login"
    assert login(client, "ada@example.gov", "long enough 1").status_code == 302
    assert client.get(path).status_code == 404  # used: gone


def test_a_set_password_link_expires_and_a_newer_one_replaces_it(client, ada):
    old = accounts.issue_password_link(ada)
    new = accounts.issue_password_link(ada)
    assert client.get(f"/set-password/{old}").status_code == 404
    assert client.get(f"/set-password/{new}").status_code == 200
    link = db.session.scalar(db.select(PasswordLink).where(PasswordLink.used_at.is_(None)))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/set-password/{new}").status_code == 404
    assert client.get("/set-password/not-a-real-link").status_code == 404
