"""The room's first minute: a QR code people can scan, and a code they can type at `/`."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser import LAPTOP, describe_violations, sign_in, wait_live

PROJECTOR_SMALL = {"width": 1280, "height": 800}
CONSOLE_LAPTOP = {"width": 1366, "height": 768}


def scanned(page, selector: str = ".pt-qr") -> tuple[str, float]:
    """What a phone reads from the QR code on screen, and the code's rendered side in CSS px."""
    import zxingcpp
    from PIL import Image

    qr = page.locator(selector).first
    qr.scroll_into_view_if_needed()
    box = page.locator(f"{selector} svg").first.bounding_box()
    image = Image.open(io.BytesIO(qr.screenshot()))
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code could be read from the screenshot"
    return results[0].text, min(box["width"], box["height"])


@pytest.mark.parametrize("viewport", [PROJECTOR_SMALL, {"width": 1920, "height": 1080}])
def test_the_projector_shows_a_qr_code_a_phone_can_scan(live_session, new_page, viewport):
    page = new_page(viewport)
    page.goto(live_session.projector_url)
    wait_live(page)
    text, side = scanned(page)
    assert text == live_session.join_url
    assert side >= 160


def test_the_console_shows_a_qr_code_a_phone_can_scan(live_session, new_page):
    page = new_page(CONSOLE_LAPTOP)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(live_session.console_url)
    wait_live(page)
    text, side = scanned(page)
    assert text == live_session.join_url
    assert side >= 120


def test_a_code_typed_at_the_front_door_opens_the_join_form(live_session, new_page, axe):
    page = new_page(LAPTOP)
    page.goto(live_session.url + "/join")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert axe(page) == [], describe_violations(axe(page))

    page.get_by_label("Join code").fill("zz-top")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_text("No session has that code").first).to_be_visible()
    expect(page.get_by_label("Join code")).to_have_value("zz-top")
    assert axe(page) == [], describe_violations(axe(page))

    code = live_session.join_code.lower()
    page.get_by_label("Join code").fill(f"{code[:4]}-{code[4:]} ")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page).to_have_url(re.compile(f"/j/{live_session.join_code}$"))
    expect(page.get_by_label("Display name")).to_be_visible()


def test_a_wrong_role_is_fixed_by_the_participant_or_from_the_console(live_session, new_page, axe):
    from tests.browser import PHONE, join

    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ada.get_by_text("Picked the wrong role?").click()
    ada.get_by_label("Your role").select_option("Benefits officer")
    ada.get_by_role("button", name="Change role").click()
    expect(ada.locator("#pt-me")).to_have_text("You are Ada (Benefits officer).")
    expect(ada.get_by_text("Your role is now Benefits officer.")).to_be_visible()
    assert axe(ada) == [], describe_violations(axe(ada))

    console = new_page(CONSOLE_LAPTOP)
    sign_in(console, live_session.url, live_session.email, live_session.password)
    console.goto(live_session.console_url)
    wait_live(console)
    console.get_by_label("Participant", exact=True).select_option(label="Ada (Benefits officer)")
    console.get_by_label("New role").select_option("Policy advisor")
    console.get_by_role("button", name="Change role").click()
    expect(console.get_by_text("Ada is now Policy advisor.")).to_be_visible()
    expect(ada.locator("#pt-me")).to_have_text("You are Ada (Policy advisor).")
