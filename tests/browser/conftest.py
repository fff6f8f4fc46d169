"""Fixtures for the browser tests: Chromium, a seeded session on a real server, and axe."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser import LAPTOP, TIMEOUT_MS
from tests.conftest import ROOT, Factory
from tests.server import seeded_app

CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium; `playwright install` cannot download browsers here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
AXE_SCRIPT = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_URL = "/static/vendor/axe-core/axe.min.js"
FACILITATOR_EMAIL = "browser-tests@example.gov"  # not the demo account: both share a server
FACILITATOR_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the run (skipped without it, unless it is required)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed"
        if os.environ.get("PLAYTEST_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and PLAYTEST_REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable]:
    """Open a page in a fresh browser context (its own cookies and storage: one person).

    Uncaught JavaScript errors on any page fail the test.
    """
    contexts = []
    errors: list[str] = []

    def open_page(viewport: dict = LAPTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)


@dataclass
class LiveSession:
    """A running server with a facilitator account and one scheduled session."""

    url: str
    database_url: str
    session_id: int
    join_code: str
    view_token: str
    api_token: str
    email: str = FACILITATOR_EMAIL
    password: str = FACILITATOR_PASSWORD

    @property
    def join_url(self) -> str:
        return f"{self.url}/j/{self.join_code}"

    @property
    def console_url(self) -> str:
        return f"{self.url}/sessions/{self.session_id}/console"

    @property
    def projector_url(self) -> str:
        return f"{self.url}/sessions/{self.session_id}/projector?key={self.view_token}"

    def rows(self, model, **filters) -> int:
        """How many rows of `model` this test's session holds (optionally filtered)."""
        from playtest.extensions import db

        if "session_id" in model.__table__.c:
            filters.setdefault("session_id", self.session_id)
        with seeded_app(self.database_url):
            query = sa.select(sa.func.count()).select_from(model).filter_by(**filters)
            return db.session.scalar(query)

    @contextmanager
    def staff_socket(self):
        """A /live connection with the facilitator's API token, as a script would use."""
        import socketio

        client = socketio.SimpleClient()
        client.connect(
            self.url,
            namespace="/live",
            auth={"token": self.api_token, "session_id": self.session_id},
            transports=["websocket"],
        )
        try:
            yield client
        finally:
            client.disconnect()

    def control(self, action: str, **extra) -> dict:
        """Send one timer:control as the facilitator and return the ack."""
        with self.staff_socket() as client:
            ack = client.call("timer:control", {"action": action, **extra}, timeout=10)
        assert ack["ok"], ack
        return ack


@pytest.fixture(scope="session")
def browser_server(tmp_path_factory):
    """One real server (gunicorn + gevent) for every browser test, on its own database.

    Starting a server costs 20-40 s on a loaded 2-core machine; each test still gets a
    playtest and session of its own, so tests cannot see each other's cards or cases.
    """
    from tests.conftest import PG_URL, create_pg_database, drop_pg_database
    from tests.server import ServerProcess

    folder = tmp_path_factory.mktemp("browser-server")
    url = create_pg_database(PG_URL) if PG_URL else f"sqlite:///{folder / 'browser.sqlite3'}"
    with seeded_app(url) as app:
        Factory(app).facilitator(FACILITATOR_EMAIL, FACILITATOR_PASSWORD)
    server = ServerProcess(url, folder / "server.log").start()
    yield server
    server.stop()
    if PG_URL:
        drop_pg_database(PG_URL, url)


@pytest.fixture
def live_session(browser_server) -> LiveSession:
    """A fresh playtest and session on the shared server, seeded as a facilitator would."""
    server = browser_server
    with seeded_app(server.database_url) as app:
        make = Factory(app)
        from playtest.auth.services import find_user

        token = make.token(find_user(FACILITATOR_EMAIL))
        session = make.session()
        return LiveSession(
            url=server.url,
            database_url=server.database_url,
            session_id=session.id,
            join_code=session.join_code,
            view_token=session.view_token,
            api_token=token,
        )


@pytest.fixture
def axe() -> Callable:
    """Run axe-core on a page; returns the serious and critical violations."""
    from playwright.sync_api import Error as PlaywrightError

    def run(page) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            try:
                page.add_script_tag(path=str(AXE_SCRIPT))
            except PlaywrightError as exc:
                # `path=` injects an inline script, which our CSP (script-src 'self') blocks
                # by design; load the same vendored file from /static instead.
                if "Content Security Policy" not in str(exc):
                    raise
                page.add_script_tag(url=AXE_URL)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        return [v for v in violations if v["impact"] in ("serious", "critical")]

    return run
