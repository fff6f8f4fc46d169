"""Shared fixtures: a real database (SQLite file, or PostgreSQL when configured), clients, data."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from playtest import create_app
from playtest.extensions import db, socketio

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "playbooks"
PG_URL = os.environ.get("PLAYTEST_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("PLAYTEST_TEST_REDIS_URL")
REQUIRE_SERVICES = bool(os.environ.get("CI")) or os.environ.get("PLAYTEST_REQUIRE_BROWSER") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI every service is present, so a skipped test is a failure, not a pass."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be skipped: {report.longrepr}"


def _pg_admin_url(url: str) -> sa.URL:
    return sa.make_url(url).set(drivername="postgresql+psycopg")


def create_pg_database(base_url: str) -> str:
    """A fresh, uniquely named database on the test server (the suite never touches `test`)."""
    name = f"pt_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(_pg_admin_url(base_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return _pg_admin_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(base_url: str, url: str) -> None:
    name = sa.make_url(url).database
    engine = sa.create_engine(_pg_admin_url(base_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """One PostgreSQL database for the whole run when PLAYTEST_TEST_DATABASE_URL is set."""
    if not PG_URL:
        yield None
        return
    url = create_pg_database(PG_URL)
    yield url
    drop_pg_database(PG_URL, url)


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own, for tests that run migrations or real server processes."""
    if PG_URL:
        url = create_pg_database(PG_URL)
        yield url
        drop_pg_database(PG_URL, url)
    else:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"


_pg_schema_ready = False


@pytest.fixture
def app(tmp_path: Path, pg_database: str | None):
    global _pg_schema_ready
    url = pg_database or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "DATABASE_URL": None,
            "REDIS_URL": None,
            "PRESENCE_HEARTBEAT": False,
            "SERVER_NAME": "playtest.test",
        }
    )
    app.instance_path = str(tmp_path / "instance")

    @app.before_request
    def fresh_request_caches():
        # Tests keep one app context open, and Flask reuses it for test-client requests; in
        # production every request has its own. Drop what extensions cache on the context.
        from flask import g
        from flask_babel import refresh

        refresh()
        g.pop("_login_user", None)
        g.pop("csrf_token", None)  # Flask-WTF's token for this request's browser session

    with app.app_context():
        if pg_database and not _pg_schema_ready:
            db.drop_all()
            db.create_all()
            _pg_schema_ready = True
        elif not pg_database:
            db.create_all()
        yield app
        db.session.remove()
        if pg_database:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_app(app):
    """The app with CSRF checks on, as in production (tests post the real token)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


# --- data ------------------------------------------------------------------------------------


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


SMALL_PLAYBOOK = """Title: Small test playtest
Sessions: 2
Duration: 30
Lanes: Highlights
       Blockers
       Opportunities
Roles: Intake officer
       Benefits officer
       Policy advisor
Questions: I know who to ask
           I feel connected
Votes: 3

Welcome, everyone.

## Case work in pods (20 min) {: .work }
Work the cases together.

### Facilitator notes
Watch the handoffs.

## Reflect (10 min) {: .reflect }
Post your highlights, blockers and opportunities.
"""


class Factory:
    """Builds real rows through the services, as a facilitator would.

    Accounts and playtests made here share one team, as the tests written before playtests
    had members expect: a playtest made with no creator has every account as a member
    (members.services.founding_members), and `facilitator()` also makes the new account a
    member of every playtest there is (owner; observer for an observer account), unless
    `member=False` (an outsider, for the tests of who may see what).
    """

    def __init__(self, app):
        self.app = app

    def facilitator(
        self,
        email="facilitator@example.gov",
        password="correct horse",
        role="facilitator",
        member=True,
    ):
        import sqlalchemy as sa

        from playtest.auth.services import create_user
        from playtest.extensions import db
        from playtest.models import Playtest, PlaytestMember

        user = create_user(email, password, role)
        if member:
            joined = set(
                db.session.scalars(
                    sa.select(PlaytestMember.playtest_id).where(PlaytestMember.user_id == user.id)
                )
            )
            part = "observer" if user.role == "observer" else "owner"
            for playtest_id in db.session.scalars(sa.select(Playtest.id)):
                if playtest_id not in joined:
                    db.session.add(
                        PlaytestMember(playtest_id=playtest_id, user_id=user.id, role=part)
                    )
            db.session.commit()
        return user

    def token(self, user) -> str:
        from playtest.auth.services import issue_api_token

        return issue_api_token(user)

    def playbook(self, source: str | bytes = SMALL_PLAYBOOK):
        from playtest.playbooks.services import import_playbook

        result = import_playbook(source)
        assert not result.errors, result.errors
        return result.playbook

    def session(
        self, source: str | bytes = SMALL_PLAYBOOK, number: int = 1, playtest=None, label="Baseline"
    ):
        from playtest.facilitation import services as facilitation

        playbook = self.playbook(source)
        playtest = playtest or facilitation.create_playtest("Intake playtest")
        round_ = next((r for r in playtest.rounds if r.label == label), None)
        if round_ is None:
            round_ = facilitation.add_round(playtest, label, playbook.id)
        session, _ = facilitation.schedule_session(round_, number)
        return session

    def join(self, session, name="Ada", role="Intake officer", previous_token=None):
        from playtest.facilitation import services as facilitation

        return facilitation.join(session.join_code, name, role, previous_token)


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


class LiveClients:
    """Socket.IO test clients on /live, closed at the end of the test."""

    def __init__(self, app):
        self.app = app
        self.clients = []

    def connect(self, auth=None, flask_client=None):
        client = socketio.test_client(
            self.app, namespace="/live", auth=auth, flask_test_client=flask_client
        )
        self.clients.append(client)
        return client

    def participant(self, token: str):
        client = self.connect({"token": token})
        assert client.is_connected("/live")
        return client

    def staff(self, api_token: str, session_id: int):
        client = self.connect({"token": api_token, "session_id": session_id})
        assert client.is_connected("/live")
        return client

    def close(self):
        for client in self.clients:
            if client.is_connected("/live"):
                client.disconnect(namespace="/live")


@pytest.fixture
def live(app) -> Iterator[LiveClients]:
    clients = LiveClients(app)
    yield clients
    clients.close()


def drain(client) -> dict[str, list]:
    """Every event this client got since the last drain, payloads grouped by event name."""
    out: dict[str, list] = {}
    for message in client.get_received("/live"):
        out.setdefault(message["name"], []).append(message["args"][0])
    return out


def emit(client, event: str, payload) -> dict:
    return client.emit(event, payload, namespace="/live", callback=True)


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def server_factory(fresh_database_url: str, tmp_path: Path):
    """Start real server processes on the test database; all stopped at the end."""
    from tests.server import ServerProcess

    servers: list[ServerProcess] = []

    def start(**kwargs) -> ServerProcess:
        kwargs.setdefault("log_path", tmp_path / f"server-{len(servers)}.log")
        server = ServerProcess(fresh_database_url, **kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """Alembic's env.py reconfigures logging (fileConfig); put it back for the other tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = {
        name: (logger.disabled, logger.level)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:], root.level = handlers, level
    for name, (disabled, logger_level) in loggers.items():
        logger = logging.getLogger(name)
        logger.disabled, logger.level = disabled, logger_level


@pytest.fixture
def fresh_app(fresh_database_url: str, tmp_path: Path, keep_logging):
    """A second app on an empty database of its own (the usual fixtures use create_all)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": fresh_database_url,
            "DATABASE_URL": None,
            "REDIS_URL": None,
            "PRESENCE_HEARTBEAT": False,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
