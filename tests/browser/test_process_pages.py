"""The process maps, the case page and the report's executive summary in Chromium: on a phone
no chart is wider than its box (DESIGN.md §7: charts fit a phone), and axe finds no serious
violation on the new pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from playtest.demo import EMAIL, PASSWORD, seed_demo
from playtest.extensions import db
from playtest.models import Case, Round
from tests.browser import PHONE, describe_violations, sign_in
from tests.conftest import SAMPLES
from tests.server import seeded_app

# Every chart's box against its container's, and against the page's width.
TOO_WIDE = """() => [...document.querySelectorAll('svg.pt-chart')]
  .filter(svg => svg.getClientRects().length)
  .filter(svg => {
    const chart = svg.getBoundingClientRect();
    const box = svg.parentElement.getBoundingClientRect();
    return chart.width > box.width + 0.5 || chart.right > document.documentElement.clientWidth;
  })
  .map(svg => `${svg.id}: ${Math.round(svg.getBoundingClientRect().width)} px`)"""


@pytest.fixture
def demo(browser_server):
    server = browser_server
    with seeded_app(server.database_url):
        info = seed_demo(SAMPLES)
        case_id = db.session.scalar(
            sa.select(Case.id)
            .join(Round, Round.id == Case.round_id)
            .where(Round.playtest_id == info.playtest_id, Case.handoffs >= 2)
            .order_by(Case.id)
        )
    return server, info, case_id


def pages(info, case_id) -> list[str]:
    pid = info.playtest_id
    return [
        f"/playtests/{pid}/summary",
        f"/playtests/{pid}/cases/{case_id}",
        f"/playtests/{pid}/report",
    ]


def test_on_a_phone_no_chart_is_wider_than_its_box(demo, new_page):
    server, info, case_id = demo
    page = new_page(PHONE)
    sign_in(page, server.url, EMAIL, PASSWORD)
    for path in pages(info, case_id):
        page.goto(server.url + path)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        charts = page.locator("svg.pt-chart")
        assert charts.count() >= 1, path
        assert page.evaluate(TOO_WIDE) == [], path
        # Nor does the page itself scroll sideways.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], path


def test_the_new_pages_pass_axe(demo, new_page, axe):
    server, info, case_id = demo
    page = new_page()
    sign_in(page, server.url, EMAIL, PASSWORD)
    for path in pages(info, case_id):
        page.goto(server.url + path)
        violations = axe(page)
        assert not violations, (path, describe_violations(violations))


def test_the_summary_opens_with_the_headline_and_links_a_case(demo, new_page):
    server, info, case_id = demo
    page = new_page()
    sign_in(page, server.url, EMAIL, PASSWORD)
    page.goto(f"{server.url}/playtests/{info.playtest_id}/summary")
    first = page.locator("main h2").first
    expect(first).to_have_text("What changed")
    expect(page.locator(".pt-verdict__line").first).to_contain_text("faster")
    link = page.locator(".pt-case-links a").first
    link.click()
    expect(page.get_by_role("heading", level=2, name="Its journey, role by role")).to_be_visible()
    expect(page.locator("#chart-case circle")).not_to_have_count(0)
