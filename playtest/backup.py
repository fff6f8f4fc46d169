"""`playtest backup` and `playtest restore` for the SQLite default; the PostgreSQL recipe.

A backup goes through SQLite's online backup API (sqlite3.Connection.backup): a consistent
copy while the server keeps running (WAL: the copy reads one snapshot; writers carry on). A
restore checks that the file is a Playtest database first, refuses to overwrite a database
that holds data unless forced, and copies through the same API, so a running server sees
the restored data as a whole, never a half-written file.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from playtest import resources

SQLITE_HEADER = b"SQLite format 3\x00"
REQUIRED_TABLES = {"alembic_version", "users", "playtests", "sessions", "reflections"}


class BackupError(Exception):
    """A backup or restore that must not go ahead, with the reason in plain words."""


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for any other database."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def postgres_recipe(url: str) -> str:
    """How to back up and restore a PostgreSQL database (pg_dump's custom format)."""
    libpq = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return "\n".join(
        [
            "PostgreSQL: back up with pg_dump and restore with pg_restore, e.g.",
            f'  pg_dump --format=custom --file=playtest.dump "{libpq}"',
            f'  pg_restore --clean --if-exists --no-owner --dbname="{libpq}" playtest.dump',
            "(give the password with PGPASSWORD or ~/.pgpass, not on the command line).",
        ]
    )


def _private_file(path: Path) -> None:
    """Create `path` readable by its owner only; refuse to overwrite an existing file."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError as exc:
        raise BackupError(f"{path} already exists; choose a new file name.") from exc


def backup_sqlite(source: Path, target: Path) -> None:
    """A consistent online copy of the database at `source` into the new file `target`."""
    if not source.exists():
        raise BackupError(f"There is no database at {source}.")
    _private_file(target)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except Exception:
        dst.close()
        target.unlink(missing_ok=True)
        raise
    finally:
        src.close()
        dst.close()


def check_backup(path: Path) -> str:
    """The schema revision of a Playtest database file; BackupError if it is not one."""
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    with open(path, "rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database.")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not REQUIRED_TABLES <= tables:
            raise BackupError(f"{path} is a SQLite database, but not a Playtest one.")
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            raise BackupError(f"{path} is damaged: {integrity}")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a database: {exc}") from exc
    finally:
        conn.close()
    scripts = ScriptDirectory(str(resources.MIGRATIONS))
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"{path} was written by another version of Playtest (schema {revision}); "
            "restore it with that version."
        )
    return revision


def holds_data(path: Path) -> bool:
    """Whether the database at `path` has anything in it worth keeping (accounts or playtests)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        return any(
            conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
            for table in ("users", "playtests", "playbooks")
            if table in tables
        )
    finally:
        conn.close()


def restore_sqlite(backup: Path, target: Path, *, force: bool = False) -> str:
    """Copy a checked backup over the database at `target`; returns the backup's revision."""
    revision = check_backup(backup)
    if holds_data(target) and not force:
        raise BackupError(
            f"The database at {target} holds data, and a server may be using it. Stop the "
            "server (or be sure), then run the command again with --force to replace it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        _private_file(target)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return revision
