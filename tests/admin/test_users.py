"""/admin/users: admins create, reset and deactivate accounts and revoke their tokens."""

from __future__ import annotations

import re

import pytest

from playtest.auth.services import find_user
from playtest.extensions import db
from playtest.models import ApiToken
from tests.auth import PASSWORD, csrf_token, login, page_token


@pytest.fixture
def admin(make):
    user = make.facilitator("admin@example.gov", PASSWORD)
    assert user.role == "admin"  # the first facilitator account is the instance's admin
    return user


@pytest.fixture
def staff(make, admin):
    return make.facilitator("ada@example.gov", PASSWORD)


@pytest.fixture
def signed_in_admin(csrf_app, client, admin):
    login(client, "admin@example.gov")
    return client


def link_on(html: str) -> str:
    match = re.search(
        r'<code class="pt-set-password-link">https?://[^/]+(/set-password/[^<]+)</code>', html
    )
    assert match, "no set-password link on the page"
    return match.group(1)


def test_only_admins_open_the_accounts_page(csrf_app, client, admin, staff):
    login(client, "ada@example.gov")
    assert client.get("/admin/users").status_code == 403
    assert "/admin/users" not in client.get("/playtests").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": page_token(client, "/playtests")})
    login(client, "admin@example.gov")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "ada@example.gov" in page and "admin@example.gov" in page
    assert 'href="/admin/users"' in client.get("/playtests").get_data(as_text=True)


def test_an_admin_creates_an_account_and_hands_over_a_one_time_link(signed_in_admin, app):
    client = signed_in_admin
    token = page_token(client, "/admin/users")
    assert (
        client.post(
            "/admin/users", data={"email": "new@example.gov", "role": "observer"}
        ).status_code
        == 400
    )
    bad = client.post(
        "/admin/users", data={"email": "not an email", "role": "observer", "csrf_token": token}
    )
    assert (
        bad.status_code == 400
        and "Enter an email address like name@example.gov" in bad.get_data(as_text=True)
    )
    created = client.post(
        "/admin/users", data={"email": "New@Example.gov", "role": "observer", "csrf_token": token}
    )
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    assert "Account created" in html and "new@example.gov" in html
    assert find_user("new@example.gov").role == "observer"
    path = link_on(html)
    newcomer = app.test_client()
    form = page_token(newcomer, path)
    set_it = newcomer.post(
        path, data={"password": "long enough!", "confirm": "long enough!", "csrf_token": form}
    )
    assert set_it.status_code == 302
    assert login(newcomer, "new@example.gov", "long enough!").status_code == 302


def test_an_email_already_taken_is_refused_with_a_message(signed_in_admin, staff):
    token = page_token(signed_in_admin, "/admin/users")
    taken = signed_in_admin.post(
        "/admin/users",
        data={"email": "ada@example.gov", "role": "facilitator", "csrf_token": token},
    )
    assert taken.status_code == 400
    assert "There is already an account with that email address." in taken.get_data(as_text=True)


def test_resetting_signs_the_account_out_and_replaces_its_password(signed_in_admin, app, staff):
    ada = app.test_client()
    login(ada, "ada@example.gov")
    token = page_token(signed_in_admin, "/admin/users")
    reset = signed_in_admin.post(f"/admin/users/{staff.id}/reset", data={"csrf_token": token})
    assert reset.status_code == 200 and "Password reset" in reset.get_data(as_text=True)
    assert ada.get("/playtests").status_code == 302
    assert login(ada, "ada@example.gov").status_code == 400
    path = link_on(reset.get_data(as_text=True))
    assert ada.get(path).status_code == 200


def test_deactivating_and_reactivating_an_account(signed_in_admin, app, admin, staff):
    ada = app.test_client()
    login(ada, "ada@example.gov")
    token = page_token(signed_in_admin, "/admin/users")
    off = signed_in_admin.post(f"/admin/users/{staff.id}/deactivate", data={"csrf_token": token})
    assert off.status_code == 302
    page = signed_in_admin.get("/admin/users").get_data(as_text=True)
    assert "ada@example.gov is deactivated and signed out." in page and "Deactivated" in page
    assert ada.get("/playtests").status_code == 302
    myself = signed_in_admin.post(f"/admin/users/{admin.id}/deactivate", data={"csrf_token": token})
    assert myself.status_code == 302
    assert "You cannot deactivate your own account." in signed_in_admin.get(
        "/admin/users"
    ).get_data(as_text=True)
    assert find_user("admin@example.gov").active
    on = signed_in_admin.post(f"/admin/users/{staff.id}/reactivate", data={"csrf_token": token})
    assert on.status_code == 302 and find_user("ada@example.gov").active


def test_revoking_an_accounts_tokens_from_the_page(signed_in_admin, make, staff):
    token = make.token(staff)
    make.token(staff)
    page = signed_in_admin.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{staff.id}/revoke-tokens"' in page
    form = csrf_token(page)
    revoked = signed_in_admin.post(
        f"/admin/users/{staff.id}/revoke-tokens", data={"csrf_token": form}
    )
    assert revoked.status_code == 302
    assert "Revoked 2 API tokens of ada@example.gov." in signed_in_admin.get(
        "/admin/users"
    ).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0
    headers = {"Authorization": f"Bearer {token}"}
    assert signed_in_admin.get("/api/v1/playtests/1/summary", headers=headers).status_code == 403


def test_accounts_pages_in_french(signed_in_admin, staff):
    page = signed_in_admin.get("/admin/users", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Comptes" in page and "Créer un compte" in page
