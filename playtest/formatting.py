"""Numbers and stored keys as a reader sees them, in the reader's language (Babel, via Flask-Babel).

One place for how a figure is written: "5.5" in English and "5,5" in French, on the summary
page, the report and inside the SVG charts alike. Numbers stay full precision until here.
Outside a request (tests, the CLI) they come out in English unless a locale is given.
"""

from __future__ import annotations

import math
from datetime import datetime

from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent
from flask import Flask
from flask_babel import format_datetime, get_locale, gettext

from playtest.enums import ActionStatus

MISSING = "–"  # what a table shows for a figure with no data


def _locale(locale: str | None) -> str:
    return locale or str(get_locale() or "en")


def finite(value: object) -> bool:
    """True for a number there is something to show of (not None, NaN, infinite or a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def format_number(value: object, digits: int = 2, locale: str | None = None) -> str:
    """A number with up to `digits` decimals (trailing zeros dropped); "–" when missing."""
    if not finite(value):
        return MISSING
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    text = format_decimal(value, pattern, locale=_locale(locale))
    return "0" if text == "-0" else text


def format_signed(value: object, digits: int = 2, locale: str | None = None) -> str:
    """Like format_number, with "+" before a number above zero (a change, an effect size)."""
    text = format_number(value, digits, locale)
    return "+" + text if finite(value) and value > 0 and text != "0" else text


def format_percent(value: object, locale: str | None = None) -> str:
    """A share (0.25) as a whole percent: "25%", or "25 %" in French."""
    if not finite(value):
        return MISSING
    return babel_percent(value, locale=_locale(locale))


def format_p(value: object, locale: str | None = None) -> str:
    """A p-value with three decimals, and "< 0.001" below that."""
    if not finite(value):
        return MISSING
    if value < 0.001:
        return "< " + format_decimal(0.001, "0.000", locale=_locale(locale))
    return format_decimal(value, "0.000", locale=_locale(locale))


def format_timestamp(iso: str) -> str:
    """An ISO-8601 UTC time ("2026-05-04T13:05:00.000Z") as a date and time in the UTC zone."""
    return format_datetime(datetime.fromisoformat(iso), "d MMM yyyy, HH:mm")


def session_status(status: str) -> str:
    """A session's stored status as a word."""
    words = {
        "not_started": gettext("Not started"),
        "running": gettext("Running"),
        "paused": gettext("Paused"),
        "finished": gettext("Finished"),
    }
    return words.get(status, status)


def segment_kind(kind: str) -> str:
    """A segment's stored kind as a word."""
    words = {
        "work": gettext("Case work"),
        "reflect": gettext("Reflect"),
        "discuss": gettext("Discuss"),
        "break": gettext("Break"),
        "plenary": gettext("Plenary"),
    }
    return words.get(kind, kind)


def action_status(status: str) -> str:
    """An action's stored status as a word (the same words on every page and report)."""
    words = {
        "proposed": gettext("Proposed"),
        "agreed": gettext("Agreed"),
        "trying": gettext("Trying"),
        "done": gettext("Done"),
        "dropped": gettext("Dropped"),
    }
    return words.get(status, status)


FILTERS = {
    "num": format_number,
    "signed": format_signed,
    "pct": format_percent,
    "pvalue": format_p,
    "timestamp": format_timestamp,
    "session_status": session_status,
    "segment_kind": segment_kind,
    "action_status": action_status,
}


def register(app: Flask) -> None:
    """Make every formatter a Jinja filter."""
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["action_statuses"] = tuple(ActionStatus)  # in their order
