"""Browser tests: real server, real Chromium, the pages people use.

Helpers shared by the tests live here; fixtures live in conftest.py.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
TIMEOUT_MS = 15_000


def wait_live(page: Page) -> None:
    """Wait until a live view has its `state` and an open socket."""
    expect(page.locator("#pt-live")).to_have_attribute("data-state", "live")


def join(page: Page, base_url: str, code: str, name: str, role: str) -> None:
    """Join a session through the form, as a participant would, and wait for the live view."""
    page.goto(f"{base_url}/j/{code}")
    page.get_by_label("Display name").fill(name)
    page.get_by_role("radio", name=role, exact=True).check()
    page.get_by_role("button", name="Join session").click()
    wait_live(page)


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def post_card(page: Page, text: str, lane: str | None = None) -> None:
    if lane:
        page.get_by_label("Lane").select_option(lane)
    page.get_by_label("Your reflection").fill(text)
    page.get_by_role("button", name="Post", exact=True).click()


def card(page: Page, text: str):
    """The card (list item) showing this text."""
    return page.locator(".pt-card").filter(has_text=text)


def lane(page: Page, name: str):
    return page.get_by_role("region", name=name, exact=True)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return "\n".join(lines)
