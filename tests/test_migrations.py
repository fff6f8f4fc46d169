"""`playtest init-db` builds the schema by migrations, and the migrations match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from playtest.extensions import db


def schema_differences(app) -> list:
    """What `flask db migrate` would write: models compared with the migrated database."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, db.metadata)


def test_init_db_creates_the_schema_by_migrations(fresh_app):
    result = fresh_app.test_cli_runner().invoke(args=["init-db"])

    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    with fresh_app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        version = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert {t.name for t in db.metadata.sorted_tables} | {"alembic_version"} == tables
    assert version


def test_models_and_migrations_agree(fresh_app):
    assert fresh_app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    assert schema_differences(fresh_app) == []


def test_init_db_twice_changes_nothing(fresh_app):
    runner = fresh_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert schema_differences(fresh_app) == []


def test_database_url_in_messages_hides_the_password(fresh_app):
    from playtest.cli import _safe_url

    assert _safe_url("postgresql+psycopg://app:s3cret@db:5432/pt") == (
        "postgresql+psycopg://app@db:5432/pt"
    )
