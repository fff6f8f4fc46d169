"""Security headers and small helpers every entry point shares."""

from __future__ import annotations

import re

from flask import Flask, Response, request
from flask_babel import gettext as _

from playtest.errors import ActionError, ErrorCode

# No inline scripts or styles anywhere: every asset is served from /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Personal information a card or case label should not carry (a warning, not a block).
# The browser compiles the same sources with the "i" flag (static/js/live-client.js), so each
# is written for both engines: case-insensitive, \b only beside ASCII letters, no Python-only
# syntax. tests/js/fixtures/personal-data.json holds samples both must agree on.
_MONTH_OR_NUMBER = r"(?:\d{1,2}|[a-zéèêûôàç]{3,9}\.?)"
_DAY = r"\d{1,2}(?:st|nd|rd|th|er)?"
_DATE = rf"{_DAY}[\s/.-]+{_MONTH_OR_NUMBER}[\s/.-]+\d{{2,4}}"
_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|place|terrace|court"
    "|gardens|grove|square|hill|park|row|mews|parade"
)
_RUE_TYPES = "rue|avenue|av\\.?|boulevard|bd|place|impasse|all[ée]e|chemin|route|quai|square"
_NOT_A_STREET_NAME = "(?!(?:minutes?|mins?|hours?|hrs?|days?|weeks?|people|cases?|times?)\\b)"
PII_PATTERN_SOURCES = [  # the browser warns with the same rules
    r"[\w.+-]+@[\w-]+\.[\w.-]+",  # email address
    r"(?:\+?\d[\s().-]?){9,}\d",  # phone numbers and long digit runs
    r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",  # NI number
    # Date of birth: "DOB 12/03/1980", "born 12 March 1980", "né le 12/03/1980".
    r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?|n[ée]e? le|date de naissance|ddn)"
    rf"\s*[:.-]?\s*(?:{_DATE}|[a-z]{{3,9}}\.?\s+{_DAY},?\s+\d{{2,4}})",
    # Street address: "12 High Street", "Flat 3, 14 Elm Road".
    rf"\b\d{{1,4}}[a-z]?,?\s+{_NOT_A_STREET_NAME}(?:[a-z'-]+\s+){{1,2}}(?:{_STREET_TYPES})\b",
    # Adresse : "12 rue de la Paix", "3 bis, avenue Foch".
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?:{_RUE_TYPES})\s+[a-zéèêàç'-]{{2,}}",
]
_PII_MATCHERS = [re.compile(source, re.IGNORECASE) for source in PII_PATTERN_SOURCES]


def looks_personal(text: str) -> bool:
    """True when text seems to hold an email, a phone or file number, an ID number, a date of
    birth or a street address."""
    return any(p.search(text) for p in _PII_MATCHERS)


# What a spreadsheet reads as the start of a formula: these signs (their full-width forms
# too), also after leading spaces, and a leading tab, carriage return or line feed.
_FORMULA_SIGNS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FORMULA_CONTROLS = ("\t", "\r", "\n")


def formula_safe(value: object) -> object:
    """Neutralise spreadsheet formula injection in exported text cells (a leading ')."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in _FORMULA_CONTROLS or value.lstrip(" \u00a0\u3000")[:1] in _FORMULA_SIGNS:
        return "'" + value
    return value


# --- text people send: no control characters --------------------------------------------------

# C0 and C1 controls and DEL, but tab and line feed (a card may have lines); a carriage return
# becomes a line feed.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PAYLOAD_MAX_DEPTH = 16


def strip_controls(text: str) -> str:
    """The text without NUL and other control characters (tabs and line breaks kept)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", text)


def strip_controls_filter(value: object) -> object:
    """The same for a form field (a WTForms filter)."""
    return strip_controls(value) if isinstance(value, str) else value


def clean_payload(value: object, depth: int = 0) -> object:
    """A socket payload or API body with control characters stripped from every string.

    Stripped rather than refused: a refused card would leave a phone's outbox without it, and
    the characters are invisible anyway. Deeper nesting than any request needs is `invalid`.
    """
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict | list) and depth >= PAYLOAD_MAX_DEPTH:
        raise ActionError(ErrorCode.INVALID, _("The request is nested too deeply."))
    if isinstance(value, dict):
        return {
            strip_controls(k) if isinstance(k, str) else k: clean_payload(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [clean_payload(item, depth + 1) for item in value]
    return value


REFERRER_POLICY = "strict-origin"


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # The origin only, never a path or query: a projector's key or a join code must not
        # travel in the Referer of the page's own requests (and so into access logs). Not
        # "no-referrer": Flask-WTF checks that HTTPS form posts come from this origin.
        response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=()")
        if request.endpoint != "static":
            # Pages, exports and API answers are personal (names, cards, keys, codes): no
            # browser or proxy may keep a copy.
            response.headers["Cache-Control"] = "private, no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response


def take_post_allowance(participant_id: int, per_minute: int | None = None) -> bool:
    """Count one post against the participant's sliding-minute allowance (shared via Redis)."""
    from flask import current_app
    from limits import RateLimitItemPerMinute

    from playtest.config import POSTS_PER_MINUTE
    from playtest.extensions import limiter

    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    item = RateLimitItemPerMinute(per_minute or POSTS_PER_MINUTE)
    return limiter.limiter.hit(item, "live-posts", str(participant_id))
