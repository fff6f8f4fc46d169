"""The headline, the process blocks, the case page and the report's executive summary, against
the summary JSON they are drawn from (DESIGN.md §7, §11): the same numbers everywhere."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale

from playtest.extensions import db
from playtest.formatting import format_number, format_p, format_percent
from playtest.models import Case
from playtest.summary.services import playtest_summary
from tests.summary.test_casework import build_spanning_story
from tests.summary.test_routes import page_figures, sign_in
from tests.summary.test_services import BENEFITS, INTAKE, rounds_by_label


@pytest.fixture
def spanning(make, monkeypatch) -> dict:
    return build_spanning_story(make, monkeypatch)


@pytest.fixture
def reader(client, make, spanning):
    sign_in(client, make.facilitator())
    return client


def case_id(label: str) -> int:
    return db.session.query(Case.id).filter(Case.label == label).scalar()


def texts(page: str, pattern: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(pattern, page, re.S)
    ]


def test_the_summary_page_opens_with_the_headline_of_the_json(reader, spanning, app):
    pid = spanning["playtest_id"]
    page = reader.get(f"/playtests/{pid}/summary").get_data(as_text=True)
    # The first section after the title is the headline.
    after_title = page.split("</h1>", 1)[1]
    assert after_title.lstrip().startswith('<section class="pt-verdict" id="headline"')
    (comparison,) = playtest_summary(pid)["comparisons"]
    lines = texts(page, r'<li class="pt-verdict__line[^"]*" data-measure="[^"]+">(.*?)</li>')
    for line, expected in zip(lines, comparison["headline"], strict=True):
        assert line.startswith(expected["text"])
    # Two and three answered cases: too few to tell, and the line says it is directional only.
    assert "Directional only" in lines[0]


def test_the_process_tables_show_the_json_numbers(reader, spanning):
    pid = spanning["playtest_id"]
    figures = page_figures(reader.get(f"/playtests/{pid}/summary").get_data(as_text=True))
    summary = playtest_summary(pid)
    comparison = summary["comparisons"][0]
    for round_ in summary["rounds"]:
        rid = round_["id"]
        for index, edge in enumerate(round_["process"]["edges"]):
            assert figures[f"edge-{rid}-{index}"] == format_number(edge["count"], 0)
        for index, variant in enumerate(round_["process"]["variants"]):
            assert figures[f"variant-{rid}-{index}"] == format_number(variant["count"], 0)
        assert figures[f"round-{rid}-rework"] == format_percent(round_["process"]["rework_share"])
        working = round_["cases"]["working_time_to_answer_min"]["median"]
        assert figures[f"round-{rid}-working-median"] == format_number(working, 1)
    other = comparison["round_id"]
    assert figures[f"cmp-{other}-rework-p"] == format_p(comparison["rework_share"]["fisher_p"])
    working_p = comparison["working_time_to_answer_min"]["p_value"]
    assert figures[f"cmp-{other}-working-p"] == format_p(working_p)
    baseline = rounds_by_label(summary)["Baseline"]
    assert figures[f"round-{baseline['id']}-working-median"] == "15"  # not 1,448 minutes


def test_the_page_draws_both_maps_and_links_to_cases(reader, spanning):
    pid = spanning["playtest_id"]
    page = reader.get(f"/playtests/{pid}/summary").get_data(as_text=True)
    summary = playtest_summary(pid)
    prototype = rounds_by_label(summary)["Prototype"]["id"]
    for chart in (f"chart-cmp-{prototype}-process-base", f"chart-cmp-{prototype}-process-round"):
        assert f'id="{chart}"' in page
    # The prototype's map shows the baseline's step back to intake as gone.
    round_map = page.split(f'id="chart-cmp-{prototype}-process-round"', 1)[1].split("</svg>")[0]
    assert "pt-flow__edge--disappeared" in round_map
    assert "Disappeared" in page and "In both" in page
    # The still-open case C is one to follow; so is D, handed off twice.
    assert f'href="/playtests/{pid}/cases/{case_id("C")}"' in page
    assert f'href="/playtests/{pid}/cases/{case_id("D")}"' in page
    assert f'href="/playtests/{pid}/export.xes"' in page


def test_a_case_page_shows_the_journey_across_sessions(reader, spanning):
    pid = spanning["playtest_id"]
    response = reader.get(f"/playtests/{pid}/cases/{case_id('A')}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    figures = page_figures(page)
    assert figures["case-handoffs"] == "1"
    # 28 minutes of session 1 and 10 of session 2, though a day passed.
    assert "38 working minutes" in figures["case-minutes"]
    assert "1,448 minutes on the clock" in figures["case-minutes"]
    steps = texts(page, r"<tbody class=\"govuk-table__body\">(.*?)</tbody>")[0]
    assert steps.count("Opened") == 1 and steps.count("Handed off") == 1
    assert f"from {INTAKE}" in steps and BENEFITS in steps
    lanes = page.split('id="chart-case"', 1)[1].split("</svg>")[0]
    assert lanes.count('<circle class="pt-swim__event') == 3  # open, handoff, answer


def test_a_corrected_handoff_is_not_a_step_of_the_case(reader, spanning):
    pid = spanning["playtest_id"]
    page = reader.get(f"/playtests/{pid}/cases/{case_id('B')}").get_data(as_text=True)
    steps = texts(page, r"<tbody class=\"govuk-table__body\">(.*?)</tbody>")[0]
    assert "Policy" not in steps  # its handoff to policy was undone
    assert "A facilitator corrected 1 step" in page


def test_a_case_of_another_playtest_is_not_found_under_this_one(reader, spanning, make):
    other = make.session(number=1, label="Elsewhere")
    pid = spanning["playtest_id"]
    assert (
        reader.get(f"/playtests/{other.round.playtest_id}/cases/{case_id('A')}").status_code == 404
    )
    assert reader.get(f"/playtests/{pid}/cases/999999").status_code == 404


def test_the_report_opens_with_the_executive_summary(reader, spanning):
    pid = spanning["playtest_id"]
    page = reader.get(f"/playtests/{pid}/report").get_data(as_text=True)
    main = page.split("<main>", 1)[1]
    assert main.lstrip().startswith('<section class="pt-report__section pt-executive"')
    executive = main.split("</section>\n", 2)
    figures = page_figures(page)
    summary = playtest_summary(pid)
    for round_ in summary["rounds"]:
        time = round_["cases"]["time_to_answer_min"]
        assert figures[f"exec-{round_['id']}-time"].startswith(format_number(time["median"], 1))
        assert f'id="figure-exec-{round_["id"]}-process"' in page
    assert "What changed" in executive[0]


def test_the_headline_and_the_process_words_are_french_for_a_french_reader(client, make, spanning):
    sign_in(client, make.facilitator())
    pid = spanning["playtest_id"]
    page = client.get(f"/playtests/{pid}/summary?lang=fr").get_data(as_text=True)
    assert "Ce qui a changé" in page and "Ce qui est vraiment arrivé aux dossiers" in page
    with force_locale("fr"):
        (comparison,) = playtest_summary(pid)["comparisons"]
    assert html.escape(comparison["headline"][0]["text"], quote=False) in page
    assert "Too few" not in page
