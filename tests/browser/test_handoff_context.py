"""On a phone, a case passed to my role says who passed it and why."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import PHONE, join


def test_the_role_queue_shows_the_sending_role_and_the_reason(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    bea = new_page(PHONE)
    join(bea, live_session.url, live_session.join_code, "Bea", "Policy advisor")
    ada.get_by_role("tab", name="Cases").click()
    ada.get_by_label("Case label").fill("C-88")
    ada.get_by_role("button", name="Open case").click()
    mine = ada.locator("#pt-my-cases li").filter(has_text="C-88")
    mine.get_by_role("button", name="Hand off case C-88").click()
    mine.get_by_label("Hand off to").select_option("Policy advisor")
    mine.get_by_label("Reason (optional)").fill("Needs a policy ruling")
    mine.get_by_role("button", name="Send hand-off").click()

    bea.get_by_role("tab", name="Cases").click()
    queued = bea.locator("#pt-role-queue li").filter(has_text="C-88")
    expect(queued).to_contain_text("Passed on by Intake officer")
    expect(queued).to_contain_text("Reason: Needs a policy ruling")
    bea.screenshot(path="/tmp/shots-h16/phone-role-queue-390.png", full_page=True)
