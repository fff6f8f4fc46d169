"""A participant on a phone: joining, the countdown, staying joined, posting offline."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from playtest.models import Reflection
from tests.browser import PHONE, card, join, post_card, wait_live


def test_phone_participant_joins_and_sees_the_countdown_move(live_session, new_page):
    page = new_page(PHONE)
    page.goto(live_session.join_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Small test playtest")
    page.get_by_label("Display name").fill("Ada")
    page.get_by_role("radio", name="Intake officer", exact=True).check()
    page.get_by_role("button", name="Join session").click()
    wait_live(page)

    timer = page.get_by_role("timer")
    expect(timer).to_have_text("20:00")
    expect(page.get_by_text("Waiting for the facilitator to start")).to_be_visible()
    expect(page.locator("#pt-segment-title")).to_have_text("Case work in pods")

    live_session.control("start")

    expect(page.get_by_text("Segment 1 of 2")).to_be_visible()
    expect(timer).to_have_text(re.compile(r"^19:[0-5]\d$"))
    first = timer.inner_text()
    expect(timer).not_to_have_text(first)  # it keeps counting down by itself
    # Screen readers hear the change of segment once, politely.
    expect(page.locator("#pt-announcer")).to_have_text(re.compile(r"^Now: Case work in pods"))
    expect(page.get_by_text("Work the cases together.")).to_be_visible()


def test_reloading_the_join_link_keeps_the_person_joined(live_session, new_page):
    page = new_page(PHONE)
    join(page, live_session.url, live_session.join_code, "Ada", "Intake officer")
    post_card(page, "The shared desk helped")
    expect(card(page, "The shared desk helped").get_by_text("You · Intake officer")).to_be_visible()

    page.goto(live_session.join_url)

    wait_live(page)
    expect(page.get_by_label("Display name")).to_have_count(0)
    expect(page.get_by_text("You are Ada (Intake officer).")).to_be_visible()
    mine = card(page, "The shared desk helped")
    expect(mine.get_by_role("button", name="Edit this card")).to_be_visible()


def test_a_card_posted_offline_waits_then_arrives_exactly_once(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page(PHONE)
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")

    ada.context.set_offline(True)
    expect(ada.locator("#pt-live")).to_have_attribute("data-state", "offline")
    expect(ada.get_by_text("You are offline.")).to_be_visible()
    post_card(ada, "Posted from the lift", lane="Blockers")

    pending = card(ada, "Posted from the lift")
    expect(pending).to_contain_text("Waiting to send")
    expect(ada.get_by_label("Your reflection")).to_have_value("")

    ada.context.set_offline(False)

    wait_live(ada)
    expect(pending).not_to_contain_text("Waiting to send")
    expect(card(ada, "Posted from the lift")).to_have_count(1)
    delivered = card(ben, "Posted from the lift")
    expect(delivered).to_have_count(1)
    expect(delivered).to_contain_text("Ada · Intake officer")
    assert live_session.rows(Reflection, text="Posted from the lift") == 1
    # A reload resends nothing: the outbox was emptied by the server's ack.
    ada.reload()
    wait_live(ada)
    expect(card(ada, "Posted from the lift")).to_have_count(1)
    assert live_session.rows(Reflection) == 1


def test_personal_information_is_flagged_before_posting(live_session, new_page):
    page = new_page(PHONE)
    join(page, live_session.url, live_session.join_code, "Ada", "Intake officer")

    post_card(page, "Call Mrs Smith on 07700 900123 about her claim")

    warning = page.locator("#pt-composer-pii")
    expect(warning).to_contain_text("personal information")
    expect(page.locator(".pt-card")).to_have_count(0)
    warning.get_by_role("button", name="Edit it").click()
    expect(page.get_by_label("Your reflection")).to_be_focused()
    page.get_by_label("Your reflection").fill("Call the claimant about her claim")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(card(page, "Call the claimant about her claim")).to_have_count(1)

    post_card(page, "Email me at ada@example.gov")
    warning.get_by_role("button", name="Post anyway").click()
    expect(card(page, "Email me at ada@example.gov")).not_to_contain_text("Waiting to send")


def test_keyboard_only_post_and_vote(live_session, new_page):
    page = new_page(PHONE)
    join(page, live_session.url, live_session.join_code, "Ada", "Intake officer")

    def tab_until(predicate: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate}; }}"):
                return
        raise AssertionError(f"never reached: {predicate}")

    tab_until("el.id === 'pt-composer-text'")
    page.keyboard.type("Pairing with policy sped things up")
    tab_until("el.tagName === 'BUTTON' && el.textContent.trim() === 'Post'")
    page.keyboard.press("Enter")

    posted = card(page, "Pairing with policy sped things up")
    expect(posted).not_to_contain_text("Waiting to send")
    expect(page.get_by_label("Your reflection")).to_be_focused()
    tab_until("el.dataset.action === 'vote'")
    page.keyboard.press("Enter")

    expect(posted.get_by_role("button", name="Remove vote")).to_be_focused()
    expect(posted).to_contain_text("1 vote")
    expect(page.get_by_text("Votes left: 2")).to_be_visible()
