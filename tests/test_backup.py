"""`playtest backup` and `playtest restore`, and database files only their owner can read."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from playtest import _instance_secret, create_app
from playtest.extensions import db
from playtest.models import Playtest
from tests.conftest import Factory


def owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


@pytest.fixture
def sqlite_app(tmp_path, keep_logging):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live' / 'playtest.sqlite3'}",
            "DATABASE_URL": None,
            "REDIS_URL": None,
            "PRESENCE_HEARTBEAT": False,
        }
    )
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def titles(app) -> list[str]:
    with app.app_context():
        db.session.remove()
        return list(db.session.scalars(sa.select(Playtest.title).order_by(Playtest.id)))


def test_the_database_and_its_wal_files_are_created_for_their_owner_only(sqlite_app, tmp_path):
    database = tmp_path / "live" / "playtest.sqlite3"
    with sqlite_app.app_context():
        Factory(sqlite_app).session()  # a write, so the -wal and -shm files exist
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
            assert all(path.exists() for path in files)
            assert all(owner_only(path) for path in files), [oct(p.stat().st_mode) for p in files]


def test_the_instance_secret_is_created_for_its_owner_only(tmp_path):
    secret = _instance_secret(SimpleNamespace(instance_path=str(tmp_path)))
    path = tmp_path / "secret_key"
    assert owner_only(path) and path.read_text() == secret and len(secret) > 40
    assert _instance_secret(SimpleNamespace(instance_path=str(tmp_path))) == secret  # kept


def test_backup_and_restore_round_trip(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    with sqlite_app.app_context():
        make = Factory(sqlite_app)
        make.session()
        make.join(db.session.get(Playtest, 1).rounds[0].sessions[0])
    copy = tmp_path / "backups" / "playtest-monday.sqlite3"
    copy.parent.mkdir()
    made = runner.invoke(args=["backup", str(copy)])
    assert made.exit_code == 0, made.output
    assert owner_only(copy) and not Path(f"{copy}-wal").exists()  # one self-contained file
    assert runner.invoke(args=["backup", str(copy)]).exit_code != 0  # never overwrites

    with sqlite_app.app_context():
        from playtest.facilitation.services import create_playtest

        create_playtest("Made after the backup")
    assert titles(sqlite_app) == ["Intake playtest", "Made after the backup"]

    refused = runner.invoke(args=["restore", str(copy)])
    assert refused.exit_code != 0
    assert "holds data" in refused.output and "--force" in refused.output
    assert titles(sqlite_app) == ["Intake playtest", "Made after the backup"]

    restored = runner.invoke(args=["restore", str(copy), "--force"])
    assert restored.exit_code == 0, restored.output
    assert titles(sqlite_app) == ["Intake playtest"]


def test_restore_refuses_a_file_that_is_not_a_playtest_database(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (id INTEGER)")
    for path, message in (
        (text, "is not a SQLite database"),
        (other, "not a Playtest one"),
        (tmp_path / "missing.sqlite3", "There is no file"),
    ):
        result = runner.invoke(args=["restore", str(path), "--force"])
        assert result.exit_code != 0 and message in result.output, (path, result.output)


def test_postgresql_gets_the_pg_dump_recipe(keep_logging):
    app = create_app(
        {
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://app:s3cret@127.0.0.1:1/playtest",
            "DATABASE_URL": None,
        }
    )
    result = app.test_cli_runner().invoke(args=["backup", "playtest.dump"])
    assert result.exit_code != 0
    assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
    assert "s3cret" not in result.output
    assert not os.path.exists("playtest.dump")
