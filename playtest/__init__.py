"""Playtest: run staff co-design playtests."""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from playtest import cli, errors, instance, resources, room_versions, security
from playtest import sqlite as sqlite_files
from playtest.auth.services import user_by_id
from playtest.config import SOCKET_MAX_MESSAGE_BYTES, Config, limits
from playtest.extensions import babel, csrf, db, limiter, login_manager, socketio
from playtest.i18n import select_locale
from playtest.realtime import JsonPacket
from playtest.room_versions import RoomAwareRedisManager


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, PLAYTEST_* environment, then `config` (tests) on top."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resources.TEMPLATES),
        static_folder=str(resources.STATIC),
    )
    app.config.from_object(Config)
    app.json.sort_keys = False  # keep lanes and keys in the order the API builds them
    app.config.from_prefixed_env("PLAYTEST")
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    _finish_config(app)

    db.init_app(app)
    _attach_database_listeners(app)
    _namespace_by_instance(app)
    if app.config["MIGRATION_COMMANDS"]:
        _attach_migrations(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(user_by_id)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    babel.init_app(app, locale_selector=select_locale)
    _import_socket_handlers()
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        **_message_queue(app),
        # Staff consoles reconnect by themselves; keep pings frequent so presence is honest.
        ping_interval=10,
        ping_timeout=20,
        max_http_buffer_size=SOCKET_MAX_MESSAGE_BYTES,
        json=None,
        serializer=JsonPacket,
    )

    errors.register_error_handlers(app)
    security.register_security_headers(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    cli.register(app)
    return app


def _message_queue(app: Flask) -> dict:
    """With Redis, Flask-SocketIO's Redis manager that also files every room announcement as
    a change to what cached room snapshots show (playtest/room_versions.py)."""
    url = app.config["REDIS_URL"]
    if not url:
        return {}
    manager = RoomAwareRedisManager(
        url, channel=instance.socketio_channel(app), room_versions=room_versions.versions(app)
    )
    return {"client_manager": manager, "message_queue": url}


def _attach_migrations(app: Flask) -> None:
    """Flask-Migrate, for `playtest init-db` and `flask db ...`.

    The web server's workers are built without it (playtest/wsgi.py): `playtest serve` has
    run the migrations before starting them, and Alembic with its templates is memory a
    worker would carry for nothing (bench/RESULTS.md, memory).
    """
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(resources.MIGRATIONS))


def _finish_config(app: Flask) -> None:
    """Derive what the environment did not set: database URL, secret key, limiter storage."""
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "playtest.sqlite3")
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        # Wait for another writer without stopping the server, in a file only we can read.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_files.engine_options(url)
        sqlite_files.create_private_file(url)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("WORKER_ID", uuid.uuid4().hex)


def _instance_secret(app: Flask) -> str:
    """A secret key generated once and kept in the instance folder (never in the repo),
    created readable by its owner only (never, even for a moment, by anyone else)."""
    path = Path(app.instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _namespace_by_instance(app: Flask) -> None:
    """The instance id (playtest/instance.py), and Redis rate-limit keys prefixed with it."""
    app.config["INSTANCE_ID"] = instance.instance_id(app)
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis", "rediss")):
        options = app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
        options.setdefault("key_prefix", instance.redis_key_prefix(app))


def _attach_database_listeners(app: Flask) -> None:
    """Once per engine of this app: SQLite's pragmas, closed-connection checks at checkout; and
    once for the ORM sessions, the listeners that keep the summary digests exact."""
    from playtest.summary.versions import watch_summary_rows

    with app.app_context():
        engines: list[Engine] = list(db.engines.values())
    for engine in engines:
        for name, listener in (
            ("connect", _sqlite_pragmas),
            ("checkout", _replace_closed_connections),
        ):
            if not event.contains(engine, name, listener):
                event.listen(engine, name, listener)
    watch_summary_rows(db.session)
    room_versions.watch_room_rows(db.session)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL so readers never block the writer; foreign keys on, as in PostgreSQL.

    synchronous=NORMAL is safe for every acked write when the process dies (a crash, kill -9,
    an OOM kill): in WAL mode each COMMIT has written its frames to the WAL file before it
    returns, so they are in the operating system's page cache and the next connection
    replays them; NORMAL only skips the fsync at each commit, which matters solely when the
    machine itself loses power or the kernel crashes (the last commits before that may then
    be lost; the database stays consistent). tests/test_faults.py kills the server with
    SIGKILL mid-post and finds every acked card. No mmap_size: it would make a worker's
    resident memory grow with the database file for no gain on the hot path's small reads.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _replace_closed_connections(
    dbapi_connection: Any, connection_record: Any, connection_proxy: Any
) -> None:
    """Hand out no PostgreSQL connection the server has closed since it was last used.

    A server that restarts, or terminates a backend, sends a FATAL message and closes the
    socket; a healthy idle connection has nothing to read. So peek at the socket, which costs
    no round trip (pool_pre_ping sends a query on every checkout). DisconnectionError makes
    the pool open a fresh connection in its place.
    """
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:  # SQLite: no server to go away
        return
    try:
        sock = socket.socket(fileno=os.dup(fileno()))
    except Exception as exc:  # psycopg already knows the connection is closed
        raise DisconnectionError("database connection closed") from exc
    with sock:
        sock.setblocking(False)
        try:
            sock.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            return  # nothing waiting: the connection is as the last user left it
        except OSError:
            pass  # reset by the server
    raise DisconnectionError("the database server closed this connection")


def _register_blueprints(app: Flask) -> None:
    from playtest.actions.routes import bp as actions_bp
    from playtest.admin.routes import bp as admin_bp
    from playtest.api.actions import bp as actions_api_bp
    from playtest.api.members import bp as members_api_bp
    from playtest.api.routes import bp as api_bp
    from playtest.auth.routes import bp as auth_bp
    from playtest.facilitation.routes import bp as facilitation_bp
    from playtest.language import bp as i18n_bp
    from playtest.playbooks.routes import bp as playbooks_bp
    from playtest.removals.routes import bp as removals_bp
    from playtest.summary.routes import bp as summary_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(i18n_bp)
    app.register_blueprint(playbooks_bp)
    app.register_blueprint(facilitation_bp)
    app.register_blueprint(summary_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(actions_bp)  # /y/<token>: "you said, we did"
    app.register_blueprint(removals_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")  # members_api nested in it
    for api in (api_bp, members_api_bp, actions_api_bp):
        csrf.exempt(api)  # bearer tokens, never cookies


def _import_socket_handlers() -> None:
    """Import the /live handlers *before* socketio.init_app.

    Flask-SocketIO keeps decorated handlers in a list only while it has no server; handlers
    imported after an app exists would reach that one server and no later app's.
    """
    from playtest.actions import events as _action_events  # noqa: F401
    from playtest.board import events as _board_events  # noqa: F401
    from playtest.cases import events as _case_events  # noqa: F401
    from playtest.facilitation import events as _live_events  # noqa: F401
    from playtest.facilitation import run_events as _run_events  # noqa: F401


def _register_template_helpers(app: Flask) -> None:
    from playtest import formatting
    from playtest.language import template_globals

    app.context_processor(template_globals)
    formatting.register(app)
    # Every limit a page shows or enforces, from config (templates never type a number).
    app.context_processor(lambda: {"limits": limits()})
