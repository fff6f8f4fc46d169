"""axe-core finds no serious or critical problems on the live pages, in realistic states."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import (
    LAPTOP,
    PHONE,
    card,
    describe_violations,
    join,
    post_card,
    sign_in,
    wait_live,
)


def assert_accessible(axe, page, where: str) -> None:
    violations = axe(page)
    assert not violations, f"{where}:\n{describe_violations(violations)}"


def test_join_page(live_session, new_page, axe):
    page = new_page(PHONE)
    page.goto(live_session.join_url)
    assert_accessible(axe, page, "join form")

    page.get_by_role("button", name="Join session").click()  # nothing filled in
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(axe, page, "join form with errors")


def test_participant_view(live_session, new_page, axe):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    ben = new_page(PHONE)
    join(ben, live_session.url, live_session.join_code, "Ben", "Policy advisor")
    live_session.control("start")
    post_card(ben, "Someone else's card")
    post_card(ada, "My own card", lane="Opportunities")
    expect(card(ada, "Someone else's card")).to_have_count(1)
    card(ada, "Someone else's card").get_by_role("button", name="Vote for this card").click()
    expect(ada.get_by_text("Votes left: 2")).to_be_visible()
    card(ada, "My own card").get_by_role("button", name="Edit this card").click()
    post_card(ada, "Ring 07700 900123")  # the personal-information warning
    expect(ada.locator("#pt-composer-pii")).to_be_visible()
    assert_accessible(axe, ada, "participant board")

    ada.get_by_role("tab", name="Cases").click()
    ada.get_by_label("Case label").fill("C-104")
    ada.get_by_role("button", name="Open case").click()
    ada.get_by_role("button", name="Hand off case C-104").click()
    assert_accessible(axe, ada, "participant cases")

    ada.get_by_role("tab", name="Ratings").click()
    assert_accessible(axe, ada, "participant ratings")

    ada.context.set_offline(True)
    expect(ada.get_by_text("You are offline.")).to_be_visible()
    ada.get_by_role("tab", name="Board").click()
    post_card(ada, "Queued while offline")
    expect(card(ada, "Queued while offline")).to_contain_text("Waiting to send")
    assert_accessible(axe, ada, "participant offline")


def test_console(live_session, new_page, axe):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    post_card(ada, "A card to moderate")
    ada.get_by_role("tab", name="Cases").click()
    ada.get_by_label("Case label").fill("C-104")
    ada.get_by_role("button", name="Open case").click()
    expect(ada.locator("#pt-my-cases .pt-case")).not_to_contain_text("Waiting to send")

    page = new_page(LAPTOP)
    sign_in(page, live_session.url, live_session.email, live_session.password)
    page.goto(live_session.console_url)
    wait_live(page)
    page.get_by_role("button", name="Start").click()
    expect(card(page, "A card to moderate")).to_have_count(1)
    expect(page.locator("#pt-cases-body tr")).to_have_count(1)
    assert_accessible(axe, page, "console")

    page.get_by_role("button", name="Make the board private").click()
    page.get_by_role("button", name="Finish session").click()
    expect(page.get_by_role("button", name="Yes, finish the session")).to_be_visible()
    assert_accessible(axe, page, "console, private board, confirming finish")


def test_projector(live_session, new_page, axe):
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    post_card(ada, "Shown on the big screen")
    live_session.control("start")
    live_session.control("extend", minutes=1)

    page = new_page({"width": 1920, "height": 1080})
    page.goto(live_session.projector_url)
    wait_live(page)
    expect(card(page, "Shown on the big screen")).to_have_count(1)
    assert_accessible(axe, page, "projector (view link)")

    page.set_viewport_size(PHONE)
    assert_accessible(axe, page, "projector, narrow")

    staff = new_page(LAPTOP)
    sign_in(staff, live_session.url, live_session.email, live_session.password)
    staff.goto(f"{live_session.url}/sessions/{live_session.session_id}/projector")
    wait_live(staff)
    expect(card(staff, "Shown on the big screen")).to_have_count(1)
    assert_accessible(axe, staff, "projector (signed in)")
