"""Case work between roles, and before/after ratings, from participants' phones."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from playtest.models import Case, Rating
from tests.browser import PHONE, join

CASE_ACK = re.compile(r'^43/live,\d+\[\{"ok":\s?true,.*"case":')
CASE_UPDATED = re.compile(r'^42/live,\["case:updated",')
# Counts each case label in "Your cases" after every change to the list, keeping the most
# seen at once: a case shown twice for one frame is caught, not only a lasting duplicate.
COUNT_LABELS = """() => {
  window.ptMostLabels = {};
  const list = document.getElementById("pt-my-cases");
  new MutationObserver(() => {
    const now = {};
    for (const node of list.querySelectorAll(".pt-case__label")) {
      now[node.textContent] = (now[node.textContent] || 0) + 1;
    }
    for (const [label, n] of Object.entries(now)) {
      window.ptMostLabels[label] = Math.max(window.ptMostLabels[label] || 0, n);
    }
  }).observe(list, { childList: true, subtree: true, characterData: true });
}"""


def open_cases_tab(page):
    page.get_by_role("tab", name="Cases").click()


def open_case(page, label: str) -> None:
    page.get_by_label("Case label").fill(label)
    page.get_by_role("button", name="Open case").click()


class HeldFrames:
    """Sits on a page's /live socket and holds back the server's frames that `hold` picks.

    Lets a test choose the order in which the room's broadcast and the sender's ack arrive.
    """

    def __init__(self, page) -> None:
        self.hold: Callable[[str], bool] = lambda frame: False
        self.held: list[str] = []
        self.page_side = None
        page.route_web_socket(re.compile(r"/socket\.io/"), self._route)

    def _route(self, ws) -> None:
        self.page_side = ws
        server = ws.connect_to_server()
        server.on_message(self._from_server)

    def _from_server(self, frame) -> None:
        if isinstance(frame, str) and self.hold(frame):
            self.held.append(frame)
        else:
            self.page_side.send(frame)

    def release(self) -> None:
        self.hold = lambda frame: False
        frames, self.held = self.held, []
        for frame in frames:
            self.page_side.send(frame)


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


def test_an_opened_case_shows_once_whether_the_room_or_the_ack_comes_first(live_session, new_page):
    ada = new_page(PHONE)
    socket = HeldFrames(ada)
    join(ada, live_session.url, live_session.join_code, "Ada", "Intake officer")
    open_cases_tab(ada)
    ada.evaluate(COUNT_LABELS)
    mine = ada.locator("#pt-my-cases .pt-case")

    # The room's copy first: it replaces the "Waiting to send" copy before the ack comes.
    socket.hold = CASE_ACK.match
    open_case(ada, "C-300")
    first = mine.filter(has_text="C-300")
    expect(first.get_by_role("button", name="Hand off case C-300")).to_be_visible()
    expect(first).to_have_count(1)
    expect(first).not_to_contain_text("Waiting to send")
    assert len(socket.held) == 1, "the ack should still be held"
    socket.release()

    # The ack first, the room's copy after it: still one case.
    socket.hold = CASE_UPDATED.match
    open_case(ada, "C-301")
    second = mine.filter(has_text="C-301")
    expect(second.get_by_role("button", name="Hand off case C-301")).to_be_visible()
    assert len(socket.held) == 1, "the room's copy should still be held"
    socket.release()
    expect(second).to_have_count(1)

    # Two cases with one label are two cases: the room's copy of the first replaces only
    # the first's pending copy.
    socket.hold = CASE_ACK.match
    open_case(ada, "C-302")
    open_case(ada, "C-302")
    twins = mine.filter(has_text="C-302")
    expect(twins.get_by_role("button", name="Hand off case C-302")).to_have_count(1)
    expect(twins).to_have_count(2)
    expect(twins.filter(has_text="Waiting to send")).to_have_count(1)
    socket.release()
    expect(twins.get_by_role("button", name="Hand off case C-302")).to_have_count(2)
    expect(twins.filter(has_text="Waiting to send")).to_have_count(0)

    most = ada.evaluate("() => window.ptMostLabels")
    assert most == {"C-300": 1, "C-301": 1, "C-302": 2}, most
    assert live_session.rows(Case, label="C-300") == 1
    assert live_session.rows(Case, label="C-302") == 2


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
