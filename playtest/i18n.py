"""Which language each person reads (English or French): the locale choice, and nothing else.

Each person picks a language (the toggle on every page, remembered; `?lang=` on a link is
remembered too; default from the browser's Accept-Language). The toggle itself is an edge
(playtest/language.py); which texts a person reads in a paired round is
playbooks/documents.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import has_request_context, request, session
from flask_babel import get_locale

from playtest.config import LANGUAGES

if TYPE_CHECKING:
    from playtest.models import Attendance

COOKIE = "lang"


def chosen_language() -> str | None:
    """What the person chose: `?lang=`, then this browser session, then the remembered cookie."""
    if not has_request_context():
        return None
    for chosen in (request.args.get("lang"), session.get("lang"), request.cookies.get(COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return None


def select_locale() -> str:
    """The person's choice, else the browser's Accept-Language, else English."""
    if not has_request_context():
        return "en"  # CLI and background work; callers force a locale when they need another
    return chosen_language() or request.accept_languages.best_match(LANGUAGES) or "en"


def current_language() -> str:
    return str(get_locale() or "en")


def viewer_language(attendance: Attendance | None = None) -> str:
    """A participant's language is the one they joined (or last viewed the page) in;
    anyone else's comes from their request (for a socket, its handshake)."""
    if attendance is not None and attendance.language in LANGUAGES:
        return attendance.language
    return select_locale()
