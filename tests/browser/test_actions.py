"""Actions in the room: added on the console, seen on every phone and on the projector."""

from __future__ import annotations

from playwright.sync_api import expect

from playtest.actions.models import Action
from tests.browser import LAPTOP, PHONE, describe_violations, join, post_card, wait_live
from tests.browser.test_console import open_console
from tests.browser.test_console_layout import inside_viewport
from tests.server import seeded_app


def actions_list(page):
    return page.locator("#pt-actions-list")


def test_an_action_added_on_the_console_shows_on_a_phone_and_the_projector(
    live_session, new_page, axe
):
    console = open_console(new_page, live_session)
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    projector = new_page({"width": 1920, "height": 1080})
    projector.goto(live_session.projector_url)
    wait_live(projector)

    console.get_by_label("Action", exact=True).fill("Intake checks eligibility first")
    console.get_by_label("Owner", exact=True).fill("Intake officer")
    console.get_by_label("Due by session").select_option("2")
    console.get_by_role("button", name="Add action").click()

    for page in (console, ada, projector):
        item = actions_list(page).locator("li").filter(has_text="Intake checks eligibility")
        expect(item).to_have_count(1)
        expect(item).to_contain_text("Agreed · Owner: Intake officer · Due by session 2")

    # Moved on from the console: every screen follows.
    console.locator("#pt-actions-list summary").click()
    console.get_by_label("Status", exact=True).select_option("trying")
    console.get_by_role("button", name="Save action: Intake checks eligibility first").click()
    expect(actions_list(ada)).to_contain_text("Trying · Owner: Intake officer")
    expect(actions_list(projector)).to_contain_text("Trying · Owner: Intake officer")
    assert live_session.rows(Action) == 1
    for page in (console, ada, projector):
        violations = axe(page)
        assert violations == [], describe_violations(violations)


def test_a_participant_proposes_an_action_about_a_card(live_session, new_page):
    console = open_console(new_page, live_session)
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    post_card(ada, "Nobody owns triage", lane="Blockers")

    ada.get_by_label("Propose an action").fill("Name a triage owner each morning")
    ada.get_by_label("About a card (optional)").select_option(label="Nobody owns triage")
    ada.get_by_role("button", name="Propose", exact=True).click()

    item = actions_list(console).locator("li").filter(has_text="Name a triage owner")
    expect(item).to_contain_text("Proposed · No owner yet · From session 1 · From 1 card")
    expect(item).not_to_contain_text("Ada")
    expect(actions_list(ada)).to_contain_text("Name a triage owner each morning")


def test_screenshots_of_the_actions(live_session, new_page, tmp_path):
    """Not an assertion of looks: pictures for a person to check (in pytest's tmp_path, which
    it keeps for the last few runs)."""
    console = open_console(new_page, live_session)
    console.get_by_label("Action", exact=True).fill("Weekly huddle between intake and benefits")
    console.get_by_label("Owner", exact=True).fill("Benefits officer")
    console.get_by_role("button", name="Add action").click()
    expect(actions_list(console).locator("li")).to_have_count(1)
    ada = new_page(PHONE)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    projector = new_page({"width": 1920, "height": 1080})
    projector.goto(live_session.projector_url)
    wait_live(projector)
    expect(actions_list(projector).locator("li")).to_have_count(1)
    console.set_viewport_size(LAPTOP | {"height": 768})
    console.locator("#pt-actions").screenshot(path=f"{tmp_path}/console-actions-1366.png")
    ada.locator("#pt-actions").scroll_into_view_if_needed()
    ada.screenshot(path=f"{tmp_path}/phone-actions-390.png")
    projector.screenshot(path=f"{tmp_path}/projector-1920.png", full_page=True)


def _second_session(live_session) -> tuple[int, str]:
    """Session 1 finished with a voted card and an open action; session 2 scheduled."""
    from playtest.actions.models import Action as ActionRow
    from playtest.extensions import db
    from playtest.facilitation import services as facilitation
    from playtest.models import Reflection, Session
    from playtest.timeutil import utcnow
    from tests.server import seeded_app

    with seeded_app(live_session.database_url):
        first = db.session.get(Session, live_session.session_id)
        _token, attendance = facilitation.join(first.join_code, "Ada", "Intake officer")
        db.session.add(
            Reflection(
                session_id=first.id,
                participant_id=attendance.participant_id,
                author_role="Intake officer",
                client_id="carry-card-1",
                lane="Blockers",
                text="Nobody owns triage",
                votes=3,
            )
        )
        db.session.add(
            ActionRow(
                playtest_id=first.round.playtest_id,
                round_id=first.round_id,
                origin_session_id=first.id,
                origin_session_number=1,
                client_id="carry-action-1",
                text="Name a triage owner",
                owner="Intake officer",
                status="trying",
                history=[],
            )
        )
        first.status, first.finished_at = "finished", utcnow()
        db.session.commit()
        second, _ = facilitation.schedule_session(first.round, 2)
        return second.id, second.join_code


def test_the_second_session_opens_with_since_last_time(live_session, new_page, tmp_path):
    session_id, code = _second_session(live_session)
    console = new_page(LAPTOP | {"height": 768})
    from tests.browser import sign_in

    sign_in(console, live_session.url, live_session.email, live_session.password)
    console.goto(f"{live_session.url}/sessions/{session_id}/console")
    wait_live(console)
    ada = new_page(PHONE)
    join(ada, live_session.url, code, "Ada", "Intake officer")
    for page in (console, ada):
        since = page.get_by_role("region", name="Since last time")
        expect(since).to_contain_text("From session 1")
        expect(since).to_contain_text("Nobody owns triage (3 votes)")
        expect(since).to_contain_text("Name a triage owner (Trying · Owner: Intake officer")
    # "Since last time" sits beside the board: the clock, Next and the board keep the screen.
    for part in (
        console.get_by_role("timer"),
        console.get_by_role("button", name="Next segment"),
        console.locator(".pt-lane").first.get_by_role("heading"),
        console.get_by_role("heading", name="Since last time"),
    ):
        assert inside_viewport(console, part), part
    console.screenshot(path=f"{tmp_path}/console-carry-over-1366.png")
    ada.screenshot(path=f"{tmp_path}/phone-carry-over-390.png")
    with seeded_app(live_session.database_url):
        from playtest.extensions import db
        from playtest.models import Session

        view_token = db.session.get(Session, session_id).view_token
    projector = new_page({"width": 1920, "height": 1080})
    projector.goto(f"{live_session.url}/sessions/{session_id}/projector?key={view_token}")
    wait_live(projector)
    expect(projector.get_by_role("region", name="Since last time")).to_contain_text(
        "Nobody owns triage"
    )
    projector.screenshot(path=f"{tmp_path}/projector-carry-over-1920.png")
    console.get_by_role("button", name="Start").click()
    console.get_by_role("button", name="Next segment").click()
    expect(ada.get_by_role("region", name="Since last time")).to_be_hidden()
    expect(console.get_by_role("region", name="Since last time")).to_be_hidden()


def test_you_said_we_did_opens_without_an_account(live_session, new_page, browser, axe, tmp_path):
    console = open_console(new_page, live_session)
    console.get_by_label("Action", exact=True).fill("Name a triage owner each morning")
    console.get_by_label("Owner", exact=True).fill("Intake officer")
    console.get_by_role("button", name="Add action").click()
    expect(actions_list(console).locator("li")).to_have_count(1)
    console.get_by_role("link", name="Playtests").click()
    console.get_by_role("link", name="Intake playtest").first.click()
    console.get_by_role("button", name="Turn the link on").click()
    link = console.locator("#feedback ~ p a.govuk-link")
    url = link.get_attribute("href")
    for name, size in (
        ("phone-390", PHONE),
        ("laptop-1366", {"width": 1366, "height": 768}),
        ("projector-1920", {"width": 1920, "height": 1080}),
    ):
        reader = new_page(size)  # a fresh context: no account
        reader.goto(url)
        expect(reader.get_by_role("heading", name="You said, we did")).to_be_visible()
        expect(reader.get_by_role("table")).to_contain_text("Name a triage owner each morning")
        reader.screenshot(path=f"{tmp_path}/you-said-we-did-{name}.png", full_page=True)
    violations = axe(reader)
    assert violations == [], describe_violations(violations)
