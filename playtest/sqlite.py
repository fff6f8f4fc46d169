"""SQLite under gevent: a statement that finds the database locked waits without stopping
the server, and database files are created readable by their owner only.

SQLite's own busy handler (sqlite3's `timeout`) sleeps inside C while it waits for another
writer: under gevent that stops the whole worker, every page, socket and static file with it.
So the busy timeout is 0 and a locked statement (or COMMIT) is retried here, sleeping in
short, growing steps with time.sleep, which gevent's monkey-patching turns into a yield: the
other greenlets run while this one waits. Both are safe to retry: a statement refused with
SQLITE_BUSY did nothing, and a refused COMMIT leaves the transaction open. After
config.SQLITE_BUSY_WAIT_S the error goes up as it would have (the socket ack says
`unavailable`, and the browser's outbox sends the action again).

Why not gevent's threadpool for every statement: each would cross threads (and sqlite3
would need check_same_thread off), slowing the common, unlocked case on the hot path to help
the rare locked one; this costs a Python call per statement and nothing while unlocked.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from playtest import config

_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
# In WAL mode a transaction whose snapshot is stale cannot write however long it waits.
_BUSY_SNAPSHOT = sqlite3.SQLITE_BUSY | (2 << 8)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return "locked" in str(error)
    return code != _BUSY_SNAPSHOT and (code & 0xFF) in _BUSY_CODES


def _retrying(call: Any, *args: Any) -> Any:
    """Run `call`, sleeping (cooperatively) and trying again while the database is locked."""
    deadline = None
    delay = config.SQLITE_RETRY_FIRST_S
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            now = time.monotonic()
            deadline = deadline or now + config.SQLITE_BUSY_WAIT_S
            if now >= deadline:
                raise
            time.sleep(min(delay, deadline - now))
            delay = min(delay * 2, config.SQLITE_RETRY_MAX_S)


class YieldingCursor(sqlite3.Cursor):
    """A cursor whose statements wait for a locked database cooperatively."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return _retrying(super().execute, sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        return _retrying(super().executemany, sql, parameters)


class YieldingConnection(sqlite3.Connection):
    """A connection whose cursors and COMMITs wait for a locked database cooperatively."""

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:
        return super().cursor(factory or YieldingCursor)

    def commit(self) -> None:
        _retrying(super().commit)


def engine_options(url: str) -> dict:
    """SQLAlchemy engine options for a SQLite URL: no busy wait in C, our connection class."""
    return {"connect_args": {"timeout": 0, "factory": YieldingConnection}}


def create_private_file(url: str) -> None:
    """Create the URL's database file readable and writable by its owner only, if it does not
    exist yet; SQLite gives its -wal and -shm files the same permissions."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
