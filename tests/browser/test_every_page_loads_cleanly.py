"""Every page a person can reach loads all it asks for and logs no error or warning.

A stylesheet that asks for a font or image the app does not serve, a script blocked by the
Content Security Policy, or a socket that fails to connect all show up here, on the page
they break, even where the page still looks right.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from playtest.models import Playbook, Session
from tests.browser import join, post_card, sign_in, wait_live
from tests.conftest import SAMPLES
from tests.server import seeded_app

# Pages that answer GET with HTML, by endpoint; test_every_page_of_the_url_map_is_listed
# keeps this in step with the app. The others answer with data (exports, QR, markdown).
PAGES = {
    "facilitation.front": "home: the join code form, or a facilitator's way to their playtests",
    "facilitation.front_again": "a join link without its code: a redirect to the form",
    "auth.login": "sign in",
    "facilitation.join": "join form, then the participant's live view",
    "playbooks.shared": "a playbook's share link",
    "playbooks.index": "playbook library",
    "playbooks.preview": "playbook preview",
    "facilitation.playtests": "playtests list",
    "facilitation.playtest": "a playtest's rounds and sessions",
    "facilitation.console": "facilitator console",
    "facilitation.projector": "projector",
    "summary.summary": "summary",
    "summary.report": "printable report",
    "summary.case_page": "one case's journey",
    "admin.users": "accounts, for admins",
    "auth.set_password": "a one-time set-password link",
    "actions.feedback_page": "“You said, we did”, for participants",
    "removals.remove_playtest": "confirmation before removing a playtest",
    "removals.remove_round": "confirmation before removing a round",
    "removals.remove_session": "confirmation before removing a session",
    "removals.remove_playbook": "confirmation before removing a playbook version",
}
NOT_PAGES = ("api.", "static")
DATA_SUFFIXES = (".csv", ".json", ".md", ".svg", ".xes")


@dataclass
class Trouble:
    """What went wrong on the pages one browser context opened."""

    problems: list[str] = field(default_factory=list)
    expected_status: dict[str, int] = field(default_factory=dict)

    def watch(self, page: Page) -> Page:
        page.on("console", lambda message: self._console(page, message))
        page.on("response", self._response)
        page.on("requestfailed", lambda request: self._failed(page, request))
        return page

    def _console(self, page: Page, message) -> None:
        if message.type not in ("error", "warning"):
            return
        # Chromium reports a page's own error status as a console error too.
        url = message.location.get("url", "")
        status = self.expected_status.get(url)
        if status and f"status of {status}" in message.text:
            return
        self.problems.append(f"{page.url}: console {message.type}: {message.text} ({url})")

    def _response(self, response) -> None:
        if response.status >= 400 and self.expected_status.get(response.url) != response.status:
            self.problems.append(f"{response.request.frame.url}: {response.status} {response.url}")

    def _failed(self, page: Page, request) -> None:
        # A page left while its socket still polls cancels that request: not a fault.
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("xhr", "fetch"):
            return
        self.problems.append(f"{page.url}: {request.failure} {request.url}")


def settle(page: Page) -> None:
    """Wait until the page has asked for everything it will: fonts and images included."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => null)")


@pytest.fixture
def reachable(live_session) -> dict[str, str]:
    """Paths that need ids: a playbook in the library, the session's playtest."""
    from playtest.auth.services import create_account, issue_password_link
    from playtest.extensions import db
    from playtest.playbooks.services import import_playbook

    with seeded_app(live_session.database_url):
        playbook = import_playbook((SAMPLES / "cross-functional-intake.md").read_bytes()).playbook
        playbook = db.session.get(Playbook, playbook.id)
        session = db.session.get(Session, live_session.session_id)
        playtest_id = session.round.playtest_id
        round_id = session.round_id
        session.round.playtest.feedback_token = f"feedback-{uuid.uuid4().hex}"
        session.round.playtest.feedback_enabled = True
        feedback = f"/y/{session.round.playtest.feedback_token}"
        db.session.commit()
        newcomer = create_account(f"newcomer-{uuid.uuid4().hex[:8]}@example.gov", "facilitator")
        return {
            "preview": f"/playbooks/{playbook.id}",
            "share": f"/p/{playbook.share_token}",
            "playtest": f"/playtests/{playtest_id}",
            "set_password": f"/set-password/{issue_password_link(newcomer)}",
            "feedback": feedback,
            "round": f"/rounds/{round_id}",
            "session": f"/sessions/{live_session.session_id}",
        }


def test_every_page_of_the_url_map_is_listed(browser_server):
    with seeded_app(browser_server.database_url) as app:
        rules = list(app.url_map.iter_rules())
    html_pages = {
        rule.endpoint
        for rule in rules
        if "GET" in rule.methods
        and not rule.endpoint.startswith(NOT_PAGES)
        and not rule.rule.endswith(DATA_SUFFIXES)
    }
    assert html_pages == set(PAGES), "list new pages in PAGES and visit them below"


def test_every_page_loads_everything_it_asks_for_and_logs_no_error(
    new_page, live_session, reachable
):
    base = live_session.url
    trouble = Trouble()
    visited = []

    def visit(page: Page, path: str, endpoint: str) -> Page:
        page.goto(base + path)
        settle(page)
        visited.append(endpoint)
        return page

    # People without an account: home, sign in, a share link, then joining a session.
    participant = trouble.watch(new_page())
    visit(participant, "/", "facilitation.front")
    visit(participant, "/join", "facilitation.front_again")
    visit(participant, "/login", "auth.login")
    visit(participant, reachable["share"], "playbooks.shared")
    visit(participant, reachable["set_password"], "auth.set_password")
    visit(participant, reachable["feedback"], "actions.feedback_page")
    visit(participant, f"/j/{live_session.join_code}", "facilitation.join")
    join(participant, base, live_session.join_code, "Ada", "Intake officer")
    settle(participant)
    post_card(participant, "The shared desk helped")
    participant.get_by_role("tab", name="Cases").click()
    participant.get_by_label("Case label").fill("C-104")
    participant.get_by_role("button", name="Open case").click()
    expect(participant.get_by_role("heading", name="C-104")).to_be_visible()
    participant.get_by_role("tab", name="Ratings").click()

    # The projector opened from its secret link, as the room's screen does.
    projector = trouble.watch(new_page())
    visit(projector, live_session.projector_url.removeprefix(base), "facilitation.projector")
    wait_live(projector)

    # A signed-in facilitator: every staff page, the live ones running.
    staff = trouble.watch(new_page())
    sign_in(staff, base, live_session.email, live_session.password)
    settle(staff)
    visit(staff, "/playbooks", "playbooks.index")
    visit(staff, reachable["preview"], "playbooks.preview")
    visit(staff, "/playtests", "facilitation.playtests")
    visit(staff, reachable["playtest"], "facilitation.playtest")
    visit(staff, live_session.console_url.removeprefix(base), "facilitation.console")
    wait_live(staff)
    live_session.control("start")
    expect(staff.get_by_text("Segment 1 of 2")).to_be_visible()
    summary = visit(staff, reachable["playtest"] + "/summary", "summary.summary")
    case_page = summary.locator(".pt-case-links a").first.get_attribute("href")  # C-104
    visit(staff, case_page, "summary.case_page")
    visit(staff, reachable["playtest"] + "/report", "summary.report")
    visit(staff, "/admin/users", "admin.users")  # the browser tests' account is the admin
    visit(staff, reachable["playtest"] + "/remove", "removals.remove_playtest")
    visit(staff, reachable["round"] + "/remove", "removals.remove_round")
    visit(staff, reachable["session"] + "/remove", "removals.remove_session")
    visit(staff, reachable["preview"] + "/remove", "removals.remove_playbook")

    # The friendly error page: its own 404 is the point, anything else on it is not.
    missing = f"{base}/playtests/999999"
    trouble.expected_status[missing] = 404
    response = staff.goto(missing)
    settle(staff)
    assert response.status == 404
    expect(staff.get_by_role("heading", level=1)).to_be_visible()

    assert set(visited) == set(PAGES)
    assert not trouble.problems, "\n".join(trouble.problems)


def test_the_join_qr_code_is_drawn_big_enough_to_scan(new_page, live_session):
    staff = new_page()
    sign_in(staff, live_session.url, live_session.email, live_session.password)
    staff.goto(live_session.console_url)
    wait_live(staff)
    projector = new_page(viewport={"width": 1920, "height": 1080})
    projector.goto(live_session.projector_url)
    wait_live(projector)

    for page, least in ((staff, 150), (projector, 300)):
        qr = page.get_by_role("img", name="QR code for the join link").locator("svg")
        expect(qr).to_be_visible()
        box = qr.bounding_box()
        assert box["width"] >= least, (page.url, box)
        assert box["height"] == pytest.approx(box["width"]), box
