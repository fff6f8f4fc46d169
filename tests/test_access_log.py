"""The real server's access log holds no key, join code or token (playtest/accesslog.py)."""

from __future__ import annotations

import time

import pytest
import requests

from playtest.accesslog import redact
from playtest.auth.services import issue_password_link
from tests.conftest import Factory
from tests.server import seeded_app


@pytest.mark.parametrize(
    "line, kept",
    [
        ("GET /j/ACDEFGHJ HTTP/1.1", "GET /j/[redacted] HTTP/1.1"),
        (
            "GET /sessions/4/projector?key=s3cr3t&lang=fr HTTP/1.1",
            "GET /sessions/4/projector?key=[redacted]&lang=fr HTTP/1.1",
        ),
        ("http://pt.example.gov/p/abc123.md", "http://pt.example.gov/p/[redacted]"),
        ("/set-password/t0k3n", "/set-password/[redacted]"),
        ("/y/t0k3n", "/y/[redacted]"),
        ("GET /static/css/playtest.css HTTP/1.1", "GET /static/css/playtest.css HTTP/1.1"),
        ("GET /playtests/3/summary?lang=fr HTTP/1.1", "GET /playtests/3/summary?lang=fr HTTP/1.1"),
    ],
)
def test_secrets_in_a_request_line_are_redacted(line, kept):
    assert redact(line) == kept


def test_the_servers_access_log_carries_no_secret(fresh_database_url, server_factory, tmp_path):
    with seeded_app(fresh_database_url) as app:
        make = Factory(app)
        session = make.session()
        ada = make.facilitator("ada@example.gov")
        link = issue_password_link(ada)
        playbook = make.playbook()
        secrets = [session.join_code, session.view_token, link, playbook.share_token]
        paths = [
            f"/j/{session.join_code}",
            f"/sessions/{session.id}/projector?key={session.view_token}",
            f"/set-password/{link}",
            f"/p/{playbook.share_token}",
        ]
    log = tmp_path / "access.log"
    server = server_factory(log_path=log)
    for path in paths:
        referer = server.url + paths[1]  # as a static request from the projector would send it
        response = requests.get(server.url + path, headers={"Referer": referer}, timeout=10)
        assert response.status_code == 200, path
    deadline = time.monotonic() + 10
    while log.read_text().count("[redacted]") < len(paths) and time.monotonic() < deadline:
        time.sleep(0.1)
    written = log.read_text()
    assert written.count("GET /") >= len(paths)  # the access log is on, and in this file
    for secret in secrets:
        assert secret not in written
