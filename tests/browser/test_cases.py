"""Case work between roles, and before/after ratings, from participants' phones."""

from __future__ import annotations

from playwright.sync_api import expect

from playtest.models import Case, Rating
from tests.browser import PHONE, join


def open_cases_tab(page):
    page.get_by_role("tab", name="Cases").click()


def test_a_case_handed_off_is_answered_by_the_other_role(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page(PHONE)
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")
    open_cases_tab(ada)
    open_cases_tab(ben)

    ada.get_by_label("Case label").fill("C-104")
    ada.get_by_label("Case type (optional)").fill("Housing benefit")
    ada.get_by_role("button", name="Open case").click()
    mine = ada.locator("#pt-my-cases .pt-case").filter(has_text="C-104")
    expect(mine).to_contain_text("With: Intake officer")
    expect(ben.locator("#pt-role-queue .pt-case")).to_have_count(0)

    mine.get_by_role("button", name="Hand off case C-104").click()
    mine.get_by_label("Hand off to").select_option("Policy advisor")
    mine.get_by_label("Reason (optional)").fill("Needs a policy view")
    mine.get_by_role("button", name="Send hand-off").click()
    expect(mine).to_contain_text("With: Policy advisor")
    expect(mine).to_contain_text("1 hand-off")

    queued = ben.locator("#pt-role-queue .pt-case").filter(has_text="C-104")
    expect(queued).to_be_visible()
    expect(ben.get_by_role("tab", name="Cases")).to_contain_text("1 waiting")
    queued.get_by_role("button", name="Mark answered case C-104").click()
    queued.get_by_label("Outcome (optional)").fill("Eligible")
    queued.get_by_role("button", name="Save answer").click()
    expect(ben.locator("#pt-role-queue .pt-case")).to_have_count(0)

    expect(mine.locator(".pt-case__tag")).to_have_text("Answered")
    expect(mine).to_contain_text("Outcome: Eligible")
    expect(mine.get_by_role("button", name="Hand off case C-104")).to_be_hidden()
    assert live_session.rows(Case, status="answered", handoffs=1) == 1


def test_a_case_opened_offline_is_recorded_once(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    open_cases_tab(ada)

    ada.context.set_offline(True)
    ada.get_by_label("Case label").fill("C-200")
    ada.get_by_role("button", name="Open case").click()
    pending = ada.locator("#pt-my-cases .pt-case").filter(has_text="C-200")
    expect(pending).to_contain_text("Waiting to send")
    expect(pending.get_by_role("button", name="Hand off case C-200")).to_be_hidden()

    ada.context.set_offline(False)
    expect(pending).not_to_contain_text("Waiting to send")
    expect(pending.get_by_role("button", name="Hand off case C-200")).to_be_visible()
    assert live_session.rows(Case, label="C-200") == 1


def test_ratings_are_saved_and_closed_by_the_facilitator(live_session, new_page):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ada.get_by_role("tab", name="Ratings").click()

    before = ada.locator("form[data-phase=before]")
    question = before.get_by_role("group", name="I know who to ask")
    question.get_by_role("radio", name="4 – Agree").check()
    before.get_by_role("group", name="I feel connected").get_by_role(
        "radio", name="2 – Disagree"
    ).check()
    before.get_by_role("button", name="Save answers before the session").click()
    expect(before.get_by_text("Saved: 2 answers.")).to_be_visible()
    assert live_session.rows(Rating, phase="before") == 2

    ada.reload()
    ada.get_by_role("tab", name="Ratings").click()
    expect(question.get_by_role("radio", name="4 – Agree")).to_be_checked()

    with live_session.staff_socket() as staff:
        ack = staff.call("rating:close", {"phase": "after", "closed": True}, timeout=10)
    assert ack["ok"], ack
    after = ada.locator("form[data-phase=after]")
    expect(after.get_by_text("The facilitator has closed these questions.")).to_be_visible()
    expect(after.get_by_role("radio", name="5 – Strongly agree").first).to_be_disabled()
    expect(before.get_by_role("radio", name="5 – Strongly agree").first).to_be_enabled()
