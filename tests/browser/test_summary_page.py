"""The summary page and report in Chromium: charts, tables, and no serious axe violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from playtest.demo import BASELINE, EMAIL, PASSWORD, PROTOTYPE, seed_demo
from tests.browser import describe_violations, sign_in
from tests.conftest import SAMPLES
from tests.server import seeded_app


@pytest.fixture
def demo_server(browser_server):
    """The shared browser-test server, its database holding the demo playtest."""
    server = browser_server
    with seeded_app(server.database_url):
        info = seed_demo(SAMPLES)
    return server, info


def test_summary_page_renders_charts_and_tables_and_passes_axe(demo_server, new_page, axe):
    server, info = demo_server
    page = new_page()
    sign_in(page, server.url, EMAIL, PASSWORD)
    page.goto(f"{server.url}/playtests/{info.playtest_id}/summary")

    expect(page.get_by_role("heading", level=1)).to_have_text("Cross-functional intake workflow")
    expect(page.get_by_role("heading", name="Round against round")).to_be_visible()
    round_headings = page.locator("section.pt-round > h2").all_inner_texts()
    assert round_headings[0].startswith(BASELINE) and "Baseline" in round_headings[0][-10:]
    assert round_headings[1] == PROTOTYPE

    # Every chart is an SVG image in a figure with a caption and its numbers in a table.
    charts = page.locator("figure svg[role=img]")
    assert charts.count() >= 10
    first = page.locator("figure").first
    expect(first.locator("figcaption")).to_contain_text("Handoffs per case by round")
    expect(first.locator("table")).to_contain_text(BASELINE)
    box = first.locator("svg").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    assert page.locator("table").count() >= 20
    expect(page.get_by_text("n = 10").first).to_be_visible()

    # The comparison says the prototype needed fewer handoffs (negative Cliff's delta).
    comparison = page.locator("table[data-comparison]").first
    expect(comparison).to_contain_text("Mann–Whitney p")
    cliff = comparison.locator("[data-figure$='-handoffs-cliff']").inner_text()
    assert cliff.startswith("-")

    # A session's details open to its agenda chart (planned vs actual).
    details = page.locator("details.pt-session").first
    details.locator("summary").click()
    expect(details.locator("figure[id$='-agenda'] svg")).to_be_visible()

    violations = axe(page)
    assert not violations, describe_violations(violations)

    downloads = page.get_by_role("link", name="Cases (CSV)")
    expect(downloads).to_have_attribute(
        "href", f"/playtests/{info.playtest_id}/export.csv?table=cases"
    )


def test_report_page_is_printable_and_accessible(demo_server, new_page, axe):
    server, info = demo_server
    page = new_page()
    sign_in(page, server.url, EMAIL, PASSWORD)
    page.goto(f"{server.url}/playtests/{info.playtest_id}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cross-functional intake workflow")
    assert page.locator("svg[role=img]").count() >= 10
    # Sessions are open in the report, so print shows everything.
    assert page.locator("details[open]").count() == page.locator("details").count()
    violations = axe(page)
    assert not violations, describe_violations(violations)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_the_summary_page_in_french_writes_words_and_numbers_in_french(demo_server, new_page, axe):
    server, info = demo_server
    page = new_page()
    sign_in(page, server.url, EMAIL, PASSWORD)
    page.goto(f"{server.url}/playtests/{info.playtest_id}/summary?lang=fr")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    first = page.locator("figure").first
    expect(first.locator("svg title")).to_have_text(
        "Transferts par dossier selon la ronde\u00a0: médiane et écart interquartile"
    )
    # Inside the charts as in the tables, decimals have a comma: "3,25", never "3.25".
    confidence = page.locator("#figure-rounds-confidence svg desc").text_content()
    assert re.search(r"\d,\d", confidence) and not re.search(r"\d\.\d", confidence), confidence
    p_value = page.locator("[data-figure$='-time-p']").first.inner_text()
    assert "," in p_value and "." not in p_value, p_value
    expect(page.get_by_role("link", name="Dossiers (CSV)")).to_be_visible()
    violations = axe(page)
    assert not violations, describe_violations(violations)
