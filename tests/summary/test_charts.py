"""The summary's SVG charts speak the reader's language: words translated, numbers localised."""

from __future__ import annotations

import re

import pytest

from playtest.summary.charts import figures
from playtest.summary.services import playtest_summary
from tests.summary.test_services import build_story

TICKS = re.compile(r'class="pt-chart__tick"[^>]*>([^<]*)<')


@pytest.fixture
def summary(make, monkeypatch) -> dict:
    return playtest_summary(build_story(make, monkeypatch)["playtest_id"])


def charts_in(app, summary: dict, lang: str) -> dict[str, str]:
    # A fresh app context: Flask-Babel keeps the locale it chose on `g`.
    with app.app_context(), app.test_request_context(f"/?lang={lang}"):
        return {key: str(chart) for key, chart in figures(summary).items()}


def round_id(summary: dict, label: str) -> int:
    return next(r["id"] for r in summary["rounds"] if r["label"] == label)


def test_charts_in_french_have_french_titles_axes_and_decimal_commas(app, summary):
    charts = charts_in(app, summary, "fr")

    handoffs = charts["rounds-handoffs"]
    assert (
        ">Transferts par dossier selon la ronde\u00a0: médiane et écart interquartile</title>"
        in handoffs
    )
    assert ">transferts par dossier</text>" in handoffs  # the axis unit
    assert "Baseline\u00a0: médiane 0,5, EI 0 à 1,25" in handoffs  # the description
    ticks = TICKS.findall(handoffs)
    assert "0,5" in ticks and not any("." in tick for tick in ticks)
    trend = charts[f"round-{round_id(summary, 'Baseline')}-trend-handoffs"]
    assert ">Séance 2<" in trend and ">aucune donnée</text>" in trend  # session 2 has no case
    assert ">note moyenne, de 1 à 5</text>" in charts["rounds-confidence"]
    assert "paires)" in charts["rounds-confidence"]


def test_charts_in_english_keep_their_words_and_decimal_points(app, summary):
    charts = charts_in(app, summary, "en")

    handoffs = charts["rounds-handoffs"]
    assert ">Handoffs per case by round: median and interquartile range</title>" in handoffs
    assert ">handoffs per case</text>" in handoffs
    assert "Baseline: median 0.5, IQR 0 to 1.25" in handoffs
    assert "0.5" in TICKS.findall(handoffs)
    trend = charts[f"round-{round_id(summary, 'Baseline')}-trend-handoffs"]
    assert ">Session 2<" in trend and ">no data</text>" in trend
