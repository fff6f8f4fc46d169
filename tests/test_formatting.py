"""Numbers and stored keys as each reader writes them (playtest/formatting.py)."""

from __future__ import annotations

import pytest
from flask import render_template_string

from playtest.formatting import (
    format_number,
    format_p,
    format_percent,
    format_signed,
    segment_kind,
    session_status,
)

NNBSP = "\u202f"  # French groups thousands with a narrow no-break space
NBSP = "\u00a0"


@pytest.mark.parametrize(("lang", "written"), [("en", "5.5 and 20.8"), ("fr", "5,5 and 20,8")])
def test_the_num_filter_writes_a_decimal_as_the_reader_does(app, lang, written):
    with app.test_request_context(f"/?lang={lang}"):
        assert render_template_string("{{ 5.5 | num }} and {{ 20.84 | num(1) }}") == written


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["1,234.5", "+0.42", "0", "25%", "< 0.001", "0.046", "–", "–"]),
        (
            "fr",
            [f"1{NNBSP}234,5", "+0,42", "0", f"25{NBSP}%", "< 0,001", "0,046", "–", "–"],
        ),
    ],
)
def test_every_kind_of_figure_follows_the_locale(lang, expected):
    assert [
        format_number(1234.5, locale=lang),
        format_signed(0.421, locale=lang),
        format_signed(-0.0001, locale=lang),  # rounds to zero: no sign, no "-0"
        format_percent(0.25, locale=lang),
        format_p(0.0004, locale=lang),
        format_p(0.0456, locale=lang),
        format_number(None, locale=lang),
        format_p(float("nan"), locale=lang),
    ] == expected


@pytest.mark.parametrize(
    ("lang", "status", "kind"),
    [
        ("en", "Not started", "Case work"),
        ("fr", "Pas encore commencée", "Travail sur les dossiers"),
    ],
)
def test_stored_keys_read_as_words(app, lang, status, kind):
    with app.test_request_context(f"/?lang={lang}"):
        assert (session_status("not_started"), segment_kind("work")) == (status, kind)
        paused = render_template_string("{{ 'paused' | session_status }}")
        assert paused == {"en": "Paused", "fr": "En pause"}[lang]
