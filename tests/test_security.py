"""Security by default: headers, cookies, escaping, no stack traces, no account probing."""

from __future__ import annotations

import pytest

from playtest.security import CONTENT_SECURITY_POLICY, formula_safe


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The origin only: keys and codes in a URL never travel in a Referer.
    assert response.headers["Referrer-Policy"] == "strict-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


def test_behind_tls_cookies_are_secure_and_hsts_is_sent(app, client, make):
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["WTF_CSRF_ENABLED"] = False
    make.facilitator()
    response = client.post(
        "/login", data={"email": "facilitator@example.gov", "password": "correct horse"}
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_no_inline_scripts_or_styles_in_any_page(client, make):
    session = make.session()
    pages = ["/login", f"/j/{session.join_code}"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and '<script type="text/javascript">' not in html, path
        assert " style=" not in html and "<style" not in html, path
        assert " onclick=" not in html.lower(), path


@pytest.mark.parametrize(
    "name",
    ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "{{7*7}}zq"],
)
def test_display_names_render_as_text(client, make, name):
    session = make.session()
    token, attendance = make.join(session, name, "Intake officer")
    client.set_cookie(f"pt_s{session.id}", token, domain="playtest.test")
    html = client.get(f"/j/{session.join_code}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    # No template evaluation of names: "{{7*7}}zq" would render as "49zq" (the letters keep a
    # random token on the page that happens to hold "49" from failing the test).
    assert "49zq" not in html


def test_unexpected_errors_show_a_friendly_page_without_a_stack_trace(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    page = client.get("/boom")
    assert page.status_code == 500
    text = page.get_data(as_text=True)
    assert "Traceback" not in text and "secret internals" not in text
    api = client.get("/boom", headers={"Accept": "application/json"})
    assert api.get_json()["error"]["code"] == "error"
    assert "secret" not in api.get_data(as_text=True)


def test_login_errors_do_not_reveal_which_accounts_exist(app, client, make):
    app.config["WTF_CSRF_ENABLED"] = False
    make.facilitator()
    unknown = client.post("/login", data={"email": "nobody@example.gov", "password": "x" * 12})
    wrong = client.post("/login", data={"email": "facilitator@example.gov", "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 400

    def without_email(response) -> str:
        text = response.get_data(as_text=True)
        return text.replace("nobody@example.gov", "").replace("facilitator@example.gov", "")

    assert without_email(unknown) == without_email(wrong)


@pytest.mark.parametrize(
    "cell, safe",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("ok", "ok"),
    ],
)
def test_exported_cells_cannot_become_formulas(cell, safe):
    assert formula_safe(cell) == safe
