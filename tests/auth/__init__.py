"""Sign-in helpers for page tests: real forms, real CSRF tokens scraped from the page."""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')

PASSWORD = "correct horse"


def csrf_token(html: str | bytes) -> str:
    """The CSRF token of the first form on a page."""
    text = html.decode() if isinstance(html, bytes) else html
    match = _TOKEN_RE.search(text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def page_token(client, path: str) -> str:
    """GET a page and return its form's CSRF token."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return csrf_token(response.data)


def login(client, email: str = "facilitator@example.gov", password: str = PASSWORD):
    """Sign in through the login form, as a person would."""
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": page_token(client, "/login")},
    )
