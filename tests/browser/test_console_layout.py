"""The console on a laptop: clock, controls and board on one screen, on a phone stacked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import (
    PHONE,
    card,
    describe_violations,
    join,
    lane,
    post_card,
    sign_in,
    wait_live,
)

SMALL_LAPTOP = {"width": 1366, "height": 768}
WIDE = {"width": 1920, "height": 1080}


def open_console(new_page, live_session, viewport):
    page = new_page(viewport)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(live_session.console_url)
    wait_live(page)
    return page


def inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] < size["height"]
    )


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", [SMALL_LAPTOP, WIDE], ids=["1366x768", "1920x1080"])
def test_clock_controls_and_board_share_the_first_screen(live_session, new_page, viewport, axe):
    console = open_console(new_page, live_session, viewport)
    first_lane = console.locator(".pt-lane").first
    for part in (
        console.get_by_role("timer"),
        console.get_by_role("button", name="Start"),
        console.get_by_role("button", name="Next segment"),
        first_lane.get_by_role("heading"),
    ):
        assert inside_viewport(console, part), part
    assert horizontal_overflow(console) <= 0
    assert not axe(console), describe_violations(axe(console))


def test_the_clock_stays_in_view_while_the_board_scrolls(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    for n in range(8):
        post_card(ada, f"A long enough card number {n} to fill the lane")
    console = open_console(new_page, live_session, SMALL_LAPTOP)
    console.get_by_role("button", name="Start").click()
    console.locator(".pt-card").last.scroll_into_view_if_needed()
    console.get_by_text("Cases", exact=True).scroll_into_view_if_needed()
    assert inside_viewport(console, console.get_by_role("timer"))
    assert inside_viewport(console, console.get_by_role("button", name="Next segment"))


def test_on_a_phone_the_console_stacks_without_overflow(live_session, new_page, axe):
    console = open_console(new_page, live_session, PHONE)
    assert inside_viewport(console, console.get_by_role("timer"))
    assert horizontal_overflow(console) <= 0
    side = console.locator(".pt-console-grid__side").bounding_box()
    main = console.locator(".pt-console-grid__main").bounding_box()
    assert side["y"] >= main["y"] + main["height"] - 1  # stacked, board first
    assert not axe(console), describe_violations(axe(console))


def test_a_card_posted_from_the_console_reaches_a_phone_labelled(live_session, new_page, axe):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    console = open_console(new_page, live_session, SMALL_LAPTOP)
    console.get_by_text("Post a card", exact=True).click()
    console.get_by_role("button", name="Post card").click()
    expect(console.get_by_text("Error: Write something on the card first.")).to_be_visible()
    console.get_by_label("Card text").fill("Remember the interpreter")
    console.locator("#pt-staff-card-lane").select_option("Blockers")
    console.get_by_role("button", name="Post card").click()
    on_phone = card(ada, "Remember the interpreter")
    expect(on_phone).to_contain_text("Facilitator")
    expect(lane(ada, "Blockers")).to_contain_text("Remember the interpreter")
    expect(card(console, "Remember the interpreter")).to_contain_text("Facilitator")
    assert not axe(console), describe_violations(axe(console))


def test_a_field_an_error_link_jumps_to_is_not_hidden_under_the_bar(live_session, new_page):
    """An error summary's link scrolls its field to the top of the window (GOV.UK Frontend
    calls scrollIntoView): the field lands below the sticky bar, not under it."""
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    for n in range(6):
        post_card(ada, f"Card {n} with enough words to take some room")
    console = open_console(new_page, live_session, SMALL_LAPTOP)
    console.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    label = console.locator("label[for=pt-group-name]")
    label.evaluate("element => element.scrollIntoView()")
    bar = console.locator(".pt-console-bar").bounding_box()
    assert label.bounding_box()["y"] >= bar["y"] + bar["height"]
