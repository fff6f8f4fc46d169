"""Security headers and small helpers every entry point shares."""

from __future__ import annotations

import re

from flask import Flask, Response

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
_PII_PATTERNS = [
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # email address
    re.compile(r"(?:\+?\d[\s().-]?){9,}\d"),  # phone numbers and long digit runs
    re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE),  # NI number
]


PII_PATTERN_SOURCES = [p.pattern for p in _PII_PATTERNS]  # the browser warns with the same rules


def looks_personal(text: str) -> bool:
    """True when text seems to contain an email, a phone or file number, or an ID number."""
    return any(p.search(text) for p in _PII_PATTERNS)


def formula_safe(value: object) -> object:
    """Neutralise spreadsheet formula injection in exported text cells."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=()")
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
