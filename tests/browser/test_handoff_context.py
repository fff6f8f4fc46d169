"""On a phone, a case passed to my role says who passed it and why."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import PHONE, join


def test_the_role_queue_shows_the_sending_role_and_the_reason(live_session, new_page, tmp_path):
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
    bea.screenshot(path=f"{tmp_path}/phone-role-queue-390.png", full_page=True)


def test_a_participant_renames_then_deletes_their_case_and_the_console_follows(
    live_session, new_page, tmp_path
):
    from tests.browser.test_console import open_console

    console = open_console(new_page, live_session)
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ada.get_by_role("tab", name="Cases").click()
    ada.get_by_label("Case label").fill("C-1O4 typo")
    ada.get_by_role("button", name="Open case").click()
    expect(console.locator("#pt-cases-body")).to_contain_text("C-1O4 typo")
    mine = ada.locator("#pt-my-cases li").first
    mine.get_by_text("Rename or delete").click()
    mine.get_by_label("New label").fill("C-105")
    mine.get_by_role("button", name="Rename", exact=True).click()
    expect(console.locator("#pt-cases-body")).to_contain_text("C-105")
    expect(console.locator("#pt-cases-body")).not_to_contain_text("C-1O4 typo")

    row = console.locator("#pt-cases-body tr").filter(has_text="C-105")
    row.get_by_text("Rename or delete").click()
    row.get_by_role("button", name="Delete case").click()
    expect(row).to_contain_text("Delete case C-105 and everything logged on it?")
    console.screenshot(path=f"{tmp_path}/console-case-delete-1366.png", full_page=True)
    row.get_by_role("button", name="Yes, delete it").click()
    expect(console.locator("#pt-cases-body tr")).to_have_count(0)
    expect(ada.locator("#pt-my-cases li")).to_have_count(0)
