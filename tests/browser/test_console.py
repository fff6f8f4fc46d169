"""The facilitator console drives the room: clock, moderation, private board, corrections."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser import LAPTOP, PHONE, card, join, lane, post_card, sign_in, wait_live
from tests.server import seeded_app


def open_console(new_page, live_session):
    page = new_page(LAPTOP)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(live_session.console_url)
    wait_live(page)
    return page


def test_console_controls_drive_the_participant_timer(live_session, new_page):
    console = open_console(new_page, live_session)
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    timer = ada.get_by_role("timer")
    expect(console.get_by_text("1 participant online")).to_be_visible()
    expect(console.get_by_role("button", name="Pause")).to_be_disabled()

    console.get_by_role("button", name="Start").click()
    expect(timer).to_have_text(re.compile(r"^19:[0-5]\d$"))
    expect(console.get_by_role("button", name="Start")).to_be_disabled()
    current = console.locator(".pt-agenda__item[aria-current=step]")
    expect(current).to_contain_text("Case work in pods")
    expect(current).to_contain_text("Planned 20 min")

    console.get_by_role("button", name="Pause").click()
    expect(ada.get_by_text("Paused", exact=True)).to_be_visible()
    # Frozen while paused: adding a minute now shows exactly one minute more.
    minutes, seconds = timer.inner_text().split(":")
    console.get_by_role("button", name="Extend +1 min").click()
    expect(timer).to_have_text(f"{int(minutes) + 1}:{seconds}")

    console.get_by_role("button", name="Resume").click()
    expect(ada.get_by_text("Segment 1 of 2")).to_be_visible()

    console.get_by_role("button", name="Next segment").click()
    expect(ada.locator("#pt-segment-title")).to_have_text("Reflect")
    expect(timer).to_have_text(re.compile(r"^(10:00|9:[0-5]\d)$"))
    expect(ada.get_by_text("Post your highlights, blockers and opportunities.")).to_be_visible()
    expect(console.locator("#pt-notes")).to_contain_text("No facilitator notes")
    expect(console.get_by_role("button", name="Next segment")).to_be_disabled()

    console.get_by_role("button", name="Extend +5 min").click()
    expect(timer).to_have_text(re.compile(r"^1[45]:[0-5]\d$"))

    console.get_by_role("button", name="Finish session").click()
    console.get_by_role("button", name="Yes, finish the session").click()
    expect(ada.get_by_text("This session has finished. Thank you")).to_be_visible()
    expect(ada.get_by_role("button", name="Post", exact=True)).to_be_disabled()
    expect(console.get_by_role("button", name="Resume")).to_be_disabled()


def test_the_agenda_shows_the_minutes_the_server_counted(live_session, new_page):
    """A console opened twelve minutes into an extended segment shows twelve minutes (the
    server's count, not a guess from what is left), and keeps them when the segment ends."""
    from playtest.extensions import db
    from playtest.models import SegmentRun, Session
    from playtest.timeutil import utcnow

    with seeded_app(live_session.database_url):
        session = db.session.get(Session, live_session.session_id)
        started = utcnow() - timedelta(minutes=12)
        session.status, session.segment_started_at, session.extension_s = "running", started, 300.0
        db.session.add(
            SegmentRun(session_id=session.id, segment_index=0, planned_min=20, started_at=started)
        )
        db.session.commit()
    console = open_console(new_page, live_session)
    current = console.locator(".pt-agenda__item[aria-current=step]")
    expect(current).to_contain_text(re.compile(r"Planned 20 min · 1[23] min so far"))

    console.get_by_role("button", name="Next segment").click()
    expect(console.locator(".pt-agenda__item[aria-current=step]")).to_contain_text("Reflect")
    first = console.locator(".pt-agenda__item").first
    expect(first).to_contain_text(re.compile(r"Planned 20 min · actual 1[23] min"))
    expect(console.get_by_role("button", name="Next segment")).to_be_disabled()
    expect(console.get_by_role("button", name="Previous segment")).to_be_enabled()


def test_the_join_qr_code_is_big_enough_to_scan(live_session, new_page):
    """DESIGN §9: at least 160 CSS px square on the projector at 1280x800, 120 on the console."""
    projector = new_page({"width": 1280, "height": 800})
    projector.goto(live_session.projector_url)
    wait_live(projector)
    box = projector.locator(".pt-qr svg").bounding_box()
    assert box["width"] >= 160 and box["height"] >= 160
    console = open_console(new_page, live_session)
    box = console.locator(".pt-qr svg").bounding_box()
    assert box["width"] >= 120 and box["height"] >= 120


def test_hiding_a_card_removes_it_from_participants_and_projector(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page(PHONE)
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")
    projector = new_page(LAPTOP)
    projector.goto(live_session.projector_url)
    wait_live(projector)
    console = open_console(new_page, live_session)
    post_card(ada, "Mr Jones at 12 High Street called again", lane="Blockers")
    # The browser warns of the street address first; Ada posts it anyway.
    ada.locator("#pt-composer-pii").get_by_role("button", name="Post anyway").click()
    post_card(ada, "Daily stand-up with policy works")
    for page in (ben, projector, console):
        expect(card(page, "Mr Jones at 12 High Street")).to_have_count(1)

    card(console, "Mr Jones at 12 High Street").get_by_role("button", name="Hide this card").click()

    for page in (ada, ben, projector):
        expect(card(page, "Mr Jones at 12 High Street")).to_have_count(0)
        expect(card(page, "Daily stand-up with policy works")).to_have_count(1)
    hidden = card(console, "Mr Jones at 12 High Street")
    expect(hidden).to_contain_text("Hidden from participants")
    hidden.get_by_role("button", name="Unhide this card").click()
    expect(card(ben, "Mr Jones at 12 High Street")).to_have_count(1)
    expect(card(projector, "Mr Jones at 12 High Street")).to_have_count(1)


def test_private_board_until_a_lane_is_revealed(live_session, new_page):
    console = open_console(new_page, live_session)
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page(PHONE)
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")

    console.get_by_role("button", name="Make the board private").click()
    expect(console.get_by_text("The board is private")).to_be_visible()
    post_card(ada, "Triage rota is unclear", lane="Blockers")
    expect(card(ada, "Triage rota is unclear")).not_to_contain_text("Waiting to send")
    expect(card(console, "Triage rota is unclear")).to_have_count(1)
    expect(card(ben, "Triage rota is unclear")).to_have_count(0)

    console.get_by_role("button", name="Reveal Blockers").click()
    expect(card(ben, "Triage rota is unclear")).to_have_count(1)
    expect(console.get_by_role("button", name="Reveal Blockers")).to_be_hidden()

    post_card(ada, "More pairing please", lane="Opportunities")
    expect(card(console, "More pairing please")).to_have_count(1)
    expect(card(ben, "More pairing please")).to_have_count(0)
    console.get_by_role("button", name="Open the board to everyone").click()
    expect(card(ben, "More pairing please")).to_have_count(1)
    expect(card(ben, "Triage rota is unclear")).to_have_count(1)


def test_grouping_cards_into_a_theme(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    post_card(ada, "Waiting for policy answers")
    post_card(ada, "Policy inbox is a black hole")
    console = open_console(new_page, live_session)
    expect(console.locator(".pt-card")).to_have_count(2)

    card(console, "Waiting for policy answers").get_by_label("Select").check()
    card(console, "Policy inbox is a black hole").get_by_label("Select").check()
    console.get_by_label("Group name").fill("Policy turnaround")
    console.get_by_role("button", name="Group selected cards").click()

    expect(console.get_by_text("Grouped 2 cards as “Policy turnaround”.")).to_be_visible()
    expect(lane(ada, "Highlights").get_by_text("Group: Policy turnaround")).to_have_count(2)


def test_counts_and_case_corrections(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ada.get_by_role("tab", name="Cases").click()
    ada.get_by_label("Case label").fill("C-301")
    ada.get_by_role("button", name="Open case").click()
    mine = ada.locator("#pt-my-cases .pt-case").filter(has_text="C-301")
    mine.get_by_role("button", name="Hand off case C-301").click()
    mine.get_by_label("Hand off to").select_option("Benefits officer")
    mine.get_by_role("button", name="Send hand-off").click()
    expect(mine).to_contain_text("With: Benefits officer")

    console = open_console(new_page, live_session)
    expect(console.locator("#pt-count-open")).to_have_text("1")
    expect(console.locator("#pt-count-handoffs")).to_have_text("1")

    console.get_by_role("button", name="Undo last hand-off for case C-301").click()

    expect(console.get_by_text("Corrected case C-301.")).to_be_visible()
    expect(console.locator("#pt-count-handoffs")).to_have_text("0")
    expect(mine).to_contain_text("With: Intake officer")
    expect(mine).to_contain_text("0 hand-offs")
