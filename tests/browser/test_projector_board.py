"""The projector during reflection and discussion: the board takes the screen, sorted by
votes, groups as titled clusters, nothing cut off, and a long board pages by itself; after
finish it says "Session finished" (DESIGN.md §9)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import wait_live
from tests.conftest import Factory
from tests.server import seeded_app

# Everything on the page stays inside the window (the board scrolls inside itself).
OVERFLOW = """() => {
  const w = innerWidth, h = innerHeight, out = [];
  const page = document.scrollingElement;
  if (page.scrollHeight > h + 1 || page.scrollWidth > w + 1) out.push("the page scrolls");
  const board = document.getElementById("pt-board");
  for (const el of document.querySelectorAll("#pt-live *")) {
    if (board.contains(el) || el.closest("[hidden]") || !el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    const outside = r.right > w + 1 || r.bottom > h + 1 || r.left < -1 || r.top < -1;
    if (outside) out.push(el.className || el.tagName);
  }
  const b = board.getBoundingClientRect();
  if (b.bottom > h + 1 || b.right > w + 1) out.push("the board");
  return out;
}"""


def fill_the_board(live_session) -> None:
    """Thirty cards over three lanes from three people, two of them grouped, one voted up;
    the session in its Reflect segment."""
    from playtest.board import posting
    from playtest.board import services as board
    from playtest.extensions import db
    from playtest.facilitation import services as facilitation
    from playtest.facilitation.timekeeping import control_clock
    from playtest.models import Session

    with seeded_app(live_session.database_url) as app:
        make = Factory(app)
        session = db.session.get(Session, live_session.session_id)
        staff = facilitation.staff_viewer(make.facilitator("proj@example.gov"), session.id)
        control_clock(staff, "start")
        control_clock(staff, "next")
        people = [
            facilitation.participant_viewer(make.join(session, f"Person {i}", "Intake officer")[1])
            for i in range(3)
        ]
        ids = []
        for n in range(30):
            who = people[n % 3]
            lane = ("Highlights", "Blockers", "Opportunities")[n % 3]
            text = f"Card {n}: the shared desk made a difference to how we worked today"
            posted = posting.post_reflection(
                who, {"client_id": f"card-{n:04d}-0000000000", "lane": lane, "text": text}
            )
            ids.append(posted.card.id)
        board.vote(people[1], ids[27], True)
        board.group(staff, [ids[0], ids[3]], "Shared desk")


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_the_board_takes_the_projector_and_nothing_is_cut_off(
    live_session, new_page, size, tmp_path
):
    fill_the_board(live_session)
    page = new_page({"width": size[0], "height": size[1]})
    page.goto(live_session.projector_url)
    wait_live(page)
    expect(page.locator("#pt-live")).to_have_class(re.compile("pt-projector--board"))
    highlights = page.locator("section[data-lane=Highlights] .pt-card")
    expect(highlights).to_have_count(10)
    # Most votes first; the group is one cluster with its title.
    expect(highlights.first).to_contain_text("Card 27")
    cluster = page.locator(".pt-card--group-start")
    expect(cluster).to_have_count(1)
    expect(cluster).to_contain_text("Shared desk")
    assert page.evaluate(OVERFLOW) == []
    board = page.locator("#pt-board")
    assert board.evaluate("b => b.scrollHeight > b.clientHeight")  # more than one screen
    expect(board).to_have_attribute("data-pages", "1", timeout=20_000)  # it turned a page
    page.screenshot(path=f"{tmp_path}/projector-board-{size[0]}.png")


def test_after_finish_the_projector_says_session_finished(live_session, new_page):
    page = new_page({"width": 1280, "height": 800})
    page.goto(live_session.projector_url)
    wait_live(page)
    live_session.control("finish")
    expect(page.get_by_text("Session finished")).to_be_visible()
    expect(page.get_by_role("timer")).to_be_hidden()
