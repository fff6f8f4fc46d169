"""The accounts page and the playtest page's members section in Chromium: they work with a
keyboard and a mouse, pass axe on a phone and a laptop, in English and French."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from playtest.models import Session
from tests.browser import LAPTOP, PHONE, describe_violations, sign_in
from tests.server import seeded_app

# Set PLAYTEST_SCREENSHOTS=<folder> to keep the pages' screenshots for a person to look at.
SCREENSHOTS = os.environ.get("PLAYTEST_SCREENSHOTS")


def shoot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def overflows(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_an_admin_creates_an_account_and_gets_its_link(new_page, axe, live_session, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    if viewport == PHONE:  # the service navigation folds behind "Menu" (once its script runs)
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        menu.click()
    page.get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", name="Accounts", level=1)).to_be_visible()
    assert not overflows(page)
    violations = axe(page)
    assert not violations, describe_violations(violations)
    shoot(page, f"accounts-{viewport['width']}")

    page.get_by_role("button", name="Create account").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address")
    email = f"new-{uuid.uuid4().hex[:8]}@example.gov"
    page.get_by_label("Email address").fill(email)
    page.get_by_role("radio", name="Observer").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Account created")).to_be_visible()
    link = page.locator(".pt-set-password-link").inner_text()
    assert "/set-password/" in link
    violations = axe(page)
    assert not violations, describe_violations(violations)
    shoot(page, f"account-link-{viewport['width']}")

    newcomer = new_page(viewport=viewport)
    newcomer.goto(link)
    newcomer.get_by_label("New password", exact=True).fill("a long new password")
    newcomer.get_by_label("Confirm the new password").fill("a long new password")
    violations = axe(newcomer)
    assert not violations, describe_violations(violations)
    shoot(newcomer, f"set-password-{viewport['width']}")
    newcomer.get_by_role("button", name="Set password").click()
    expect(newcomer.get_by_text("Your password is set. Sign in with it.")).to_be_visible()
    sign_in(newcomer, live_session.url, email, "a long new password")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_owner_adds_and_removes_a_member(new_page, axe, live_session, viewport):
    from playtest.auth.services import create_user
    from playtest.extensions import db

    email = f"colleague-{uuid.uuid4().hex[:8]}@example.gov"
    with seeded_app(live_session.database_url):
        create_user(email, "correct horse", "facilitator")
        playtest_id = db.session.get(Session, live_session.session_id).round.playtest_id
    page = new_page(viewport=viewport)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(f"{live_session.url}/playtests/{playtest_id}#members")
    members = page.get_by_role("region", name="Members")
    expect(members.get_by_role("table")).to_contain_text(live_session.email)

    page.get_by_label("Email address").fill("nobody-here@example.gov")
    page.get_by_role("button", name="Add member").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("No account has that email")
    expect(page.get_by_label("Email address")).to_have_value("nobody-here@example.gov")
    violations = axe(page)
    assert not violations, describe_violations(violations)

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Role in this playtest").select_option("observer")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text(f"{email} is a member: observer.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Observer")
    assert not overflows(page)
    violations = axe(page)
    assert not violations, describe_violations(violations)
    page.locator("#members").scroll_into_view_if_needed()
    shoot(page, f"members-{viewport['width']}")

    row.get_by_role("button", name="Remove").click()
    expect(page.get_by_text(f"{email} is no longer a member.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=email)).to_have_count(0)


def test_the_members_section_in_french(new_page, axe, live_session):
    with seeded_app(live_session.database_url):
        from playtest.extensions import db

        playtest_id = db.session.get(Session, live_session.session_id).round.playtest_id
    page = new_page()
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(f"{live_session.url}/playtests/{playtest_id}?lang=fr")  # remembered from here on
    expect(page.get_by_role("heading", name="Membres")).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter le membre")).to_be_visible()
    page.goto(f"{live_session.url}/admin/users")
    expect(page.get_by_role("heading", name="Comptes", level=1)).to_be_visible()
    violations = axe(page)
    assert not violations, describe_violations(violations)
