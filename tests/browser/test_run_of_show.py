"""The run of show in the browser: minutes behind and the projected finish, amber and red,
Undo, and the opt-in chime with its pulse (DESIGN.md §9)."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser import describe_violations, sign_in, wait_live
from tests.server import seeded_app

CONSOLE_LAPTOP = {"width": 1366, "height": 768}


def open_console(new_page, live_session, **options):
    page = new_page(CONSOLE_LAPTOP, **options)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(live_session.console_url)
    wait_live(page)
    return page


def run_for(live_session, minutes: float) -> None:
    """Make the running segment (and the session) have started `minutes` ago."""
    from playtest.extensions import db
    from playtest.models import SegmentRun, Session

    shift = timedelta(minutes=minutes)
    with seeded_app(live_session.database_url):
        session = db.session.get(Session, live_session.session_id)
        session.segment_started_at -= shift
        session.started_at -= shift
        runs = sa.select(SegmentRun).where(SegmentRun.session_id == session.id)
        for run in db.session.scalars(runs):
            run.started_at -= shift
        db.session.commit()


def test_the_console_says_how_far_behind_and_when_the_session_will_end(live_session, new_page, axe):
    live_session.control("start")
    run_for(live_session, 23)  # a 20-minute segment, 3 minutes over
    console = open_console(new_page, live_session)
    plan = console.locator("#pt-plan")
    expect(plan).to_contain_text("3 min behind")
    expect(plan).to_contain_text(re.compile(r"projected finish \d\d:\d\d \(planned \d\d:\d\d\)"))
    timer = console.locator("#pt-timer")
    expect(timer).to_have_class(re.compile("pt-timer--overtime"))
    expect(console.get_by_text("Overtime")).to_be_visible()
    assert axe(console) == [], describe_violations(axe(console))


def test_amber_shows_on_console_and_projector_when_time_is_nearly_up(live_session, new_page):
    live_session.control("start")
    run_for(live_session, 18.5)  # 1:30 left of 20 minutes
    console = open_console(new_page, live_session)
    projector = new_page({"width": 1280, "height": 800})
    projector.goto(live_session.projector_url)
    wait_live(projector)
    for page in (console, projector):
        expect(page.locator("#pt-timer")).to_have_class(re.compile("pt-timer--warn"))
        expect(page.get_by_text("Time is nearly up")).to_be_visible()


def test_undo_next_brings_the_segment_back(live_session, new_page):
    live_session.control("start")
    console = open_console(new_page, live_session)
    console.get_by_role("button", name="Next segment").click()
    expect(console.locator("#pt-segment-title")).to_have_text("Reflect")
    console.get_by_role("button", name="Undo next").click()
    expect(console.locator("#pt-segment-title")).to_have_text("Case work in pods")
    expect(console.get_by_role("timer")).to_have_text(re.compile(r"^19:[0-5]\d$"))
    expect(console.get_by_role("button", name="Undo next")).to_be_hidden()


def test_the_chime_is_off_until_turned_on_remembered_and_rings_at_zero(live_session, new_page):
    live_session.control("start")
    run_for(live_session, 20 - 3 / 60)  # three seconds left
    console = open_console(new_page, live_session, reduced_motion="reduce")
    chime = console.get_by_label("Chime when a segment's time is up (on this device)")
    expect(chime).not_to_be_checked()
    chime.check()
    console.reload()
    wait_live(console)
    expect(chime).to_be_checked()  # remembered on this device
    console.locator("#pt-timer").click()  # a gesture, as a facilitator's would be
    root = console.locator("#pt-live")
    expect(root).to_have_attribute("data-chimes", "1")
    timer = console.locator("#pt-timer")
    expect(timer).to_have_class(re.compile("pt-timer--pulse"))
    # Reduced motion: the pulse is a still outline, nothing animates.
    styles = timer.evaluate(
        "el => [getComputedStyle(el).animationName, getComputedStyle(el).outlineStyle]"
    )
    assert styles == ["none", "solid"]


def test_the_facilitator_bends_the_agenda_from_the_console(live_session, new_page, axe):
    live_session.control("start")
    console = open_console(new_page, live_session)
    items = console.locator("#pt-agenda > li")
    console.get_by_role("spinbutton", name="Minutes for Reflect").fill("15")
    console.get_by_role("button", name="Set minutes for Reflect").click()
    expect(items.nth(1)).to_contain_text("Planned 15 min")
    # The running segment offers no edits.
    expect(console.get_by_role("button", name="Remove Case work in pods")).to_have_count(0)

    console.get_by_text("Add a segment").click()
    console.get_by_label("Title").fill("Stretch")
    console.get_by_label("Minutes", exact=True).fill("3")
    console.get_by_label("Place").select_option(label="Before Reflect")
    console.get_by_role("button", name="Add segment").click()
    expect(items).to_have_count(3)
    expect(items.nth(1)).to_contain_text("Stretch")
    assert axe(console) == [], describe_violations(axe(console))

    console.get_by_role("button", name="Move Reflect earlier").click()
    expect(items.nth(1)).to_contain_text("Reflect")
    console.get_by_role("button", name="Remove Stretch").click()
    expect(items).to_have_count(2)
    # A refusal says why: the minutes of a segment are a whole number from 1 to 480.
    console.get_by_role("spinbutton", name="Minutes for Reflect").fill("0")
    console.get_by_role("button", name="Set minutes for Reflect").click()
    expect(console.locator("#pt-problems")).to_contain_text("whole number of minutes")


def test_ready_check_after_ratings_and_the_tab_that_fits_the_segment(live_session, new_page, axe):
    from tests.browser import PHONE, join

    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    console = open_console(new_page, live_session)
    console.get_by_role("button", name="Start").click()
    expect(ada.get_by_role("tab", name="Cases")).to_have_attribute("aria-selected", "false")

    console.get_by_role("button", name="Ask who is done").click()
    expect(ada.get_by_role("heading", name="Are you done?")).to_be_visible()
    assert axe(ada) == [], describe_violations(axe(ada))
    ada.get_by_role("button", name="I'm done").click()
    expect(console.get_by_text("Done: 1 of 1 online")).to_be_visible()
    expect(ada.get_by_role("button", name="Not yet")).to_be_visible()

    # After-ratings wait for the end.
    ada.get_by_role("tab", name="Ratings").click()
    expect(ada.get_by_text("After-ratings open at the end of the session.")).to_be_visible()
    ada.get_by_role("tab", name="Cases").click()

    console.get_by_role("button", name="Next segment").click()  # Reflect: the last segment
    expect(ada.get_by_role("heading", name="Are you done?")).to_be_hidden()  # a new segment
    expect(ada.get_by_role("tab", name="Board")).to_have_attribute("aria-selected", "true")
    expect(ada.get_by_role("heading", name="How do you feel now?")).to_be_visible()
    ada.get_by_role("button", name="Answer the questions").click()
    expect(ada.get_by_role("tab", name="Ratings")).to_have_attribute("aria-selected", "true")
    after = ada.locator("form[data-phase=after]")
    expect(after.get_by_role("radio", name="5 – Strongly agree").first).to_be_enabled()


def test_participants_are_told_the_board_is_private_until_every_lane_is_revealed(
    live_session, new_page
):
    from tests.browser import PHONE, join

    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    console = open_console(new_page, live_session)
    console.get_by_role("button", name="Make the board private").click()
    expect(ada.get_by_text("The board is private for now")).to_be_visible()
    for lane_name in ("Highlights", "Blockers", "Opportunities"):
        console.get_by_role("button", name=f"Reveal {lane_name}").click()
    expect(console.locator("#pt-mode-text")).to_have_text(
        "The board is open: everyone sees cards as they are posted."
    )
    expect(console.get_by_role("button", name="Make the board private")).to_be_visible()
    expect(ada.get_by_text("The board is private for now")).to_be_hidden()


def test_refusals_say_why_and_finish_offers_the_way_on(live_session, new_page, axe):
    from tests.browser import PHONE, join

    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ada.get_by_role("tab", name="Cases").click()
    ada.get_by_label("Case label").fill("C-104")
    ada.get_by_role("button", name="Open case").click()
    console = open_console(new_page, live_session)
    expect(console.locator("#pt-cases-body tr")).to_have_count(1)

    console.get_by_role("button", name="Finish session").click()
    console.get_by_role("button", name="Yes, finish the session").click()
    banner = console.get_by_role("region", name="Session finished")
    expect(banner.get_by_role("link", name="Read the summary")).to_be_visible()
    expect(banner.get_by_role("link", name="Schedule the next session")).to_be_visible()
    expect(console.get_by_text("its cases can no longer be corrected")).to_be_visible()
    assert axe(console) == [], describe_violations(axe(console))


def test_an_empty_group_name_is_refused_at_the_field(live_session, new_page):
    from tests.browser import PHONE, join, post_card

    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    post_card(ada, "The shared desk helped")
    console = open_console(new_page, live_session)
    console.locator(".pt-card").filter(has_text="The shared desk helped").get_by_role(
        "checkbox"
    ).check()
    console.get_by_role("button", name="Group selected cards").click()
    error = console.locator("#pt-group-name-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Enter a name for the group.")
