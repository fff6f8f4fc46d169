"""The printable report as one standalone HTML file (for `playtest report <id>`)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from playtest.summary.routes import summary_context


def _stylesheet() -> Markup:
    """summary.css, inlined: a file opened from disk has no server to fetch it from."""
    path = Path(current_app.static_folder or "") / "css" / "summary.css"
    return Markup(path.read_text(encoding="utf-8"))


def render_report(playtest_id: int, lang: str = "en") -> str | None:
    """The report page's HTML with its stylesheet inlined; None for an unknown playtest."""
    with current_app.test_request_context(f"/playtests/{playtest_id}/report"), force_locale(lang):
        context = summary_context(playtest_id)
        if context is None:
            return None
        return render_template(
            "summary/report.html",
            standalone=True,
            inline_css=_stylesheet(),
            lang=lang,
            **context,
        )
