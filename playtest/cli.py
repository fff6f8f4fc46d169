"""Command line: `playtest ...` (also `flask --app playtest ...`)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from playtest import resources
from playtest.enums import AccountRole


def register(app: Flask) -> None:
    for command in (
        init_db,
        create_facilitator,
        create_token,
        revoke_tokens,
        reset_password,
        deactivate,
        activate,
        import_playbooks,
        demo,
        serve,
        report,
        purge,
        backup,
        restore,
    ):
        app.cli.add_command(command)


def upgrade_database() -> None:
    """Bring the schema to the latest migration (the only way the schema is created)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (runs the migrations)."""
    upgrade_database()
    click.echo(f"Database ready: {_safe_url(current_app.config['SQLALCHEMY_DATABASE_URI'])}")


@click.command("create-facilitator")
@click.argument("email")
@click.option("--password", help="At least 8 characters; prompted for when omitted.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in AccountRole]),
    help="facilitator for a new account (the first one becomes admin); kept for an existing one.",
)
@with_appcontext
def create_facilitator(email: str, password: str | None, role: str | None) -> None:
    """Create a staff account (or reset its password, and its role when given)."""
    from playtest.auth.services import create_user

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    click.echo(f"{user.role.capitalize()} {user.email} can sign in.")


@click.command("create-token")
@click.argument("email")
@with_appcontext
def create_token(email: str) -> None:
    """Print a new API token for a staff account (the token only, for scripts)."""
    from playtest.auth.services import find_user, issue_api_token

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}. Run create-facilitator first.")
    click.echo(issue_api_token(user))


def _account(email: str):
    from playtest.auth.services import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


@click.command("revoke-tokens")
@click.argument("email", required=False)
@click.option("--token", help="Revoke this one token (given in full) instead of all of EMAIL's.")
@with_appcontext
def revoke_tokens(email: str | None, token: str | None) -> None:
    """Revoke every API token of an account, or one token."""
    from playtest.auth import services as accounts
    from playtest.revocation import drop_staff_sockets

    if (email is None) == (token is None):
        raise click.UsageError("Give an EMAIL or --token, not both.")
    if token is not None:
        user = accounts.revoke_token(token)
        if user is None:
            raise click.ClickException("No such token (it may be revoked already).")
        click.echo(f"Revoked one API token of {user.email}.")
    else:
        user = _account(email)
        count = accounts.revoke_tokens(user)
        click.echo(f"Revoked {count} API token(s) of {user.email}.")
    drop_staff_sockets(user.id)


@click.command("reset-password")
@click.argument("email")
@click.option("--base-url", help="The server's address, e.g. https://playtest.example.gov")
@with_appcontext
def reset_password(email: str, base_url: str | None) -> None:
    """Sign an account out everywhere and print a one-time set-password link for it."""
    from playtest.auth.services import reset_account
    from playtest.config import SET_PASSWORD_LINK_HOURS
    from playtest.revocation import drop_staff_sockets

    user = _account(email)
    token = reset_account(user)
    drop_staff_sockets(user.id)
    path = f"/set-password/{token}"
    click.echo(f"{base_url.rstrip('/')}{path}" if base_url else path)
    click.echo(
        f"Send it to {user.email}: it works once, within {SET_PASSWORD_LINK_HOURS} hours.",
        err=True,
    )


@click.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate(email: str) -> None:
    """Deactivate an account: signed out everywhere; its tokens and links stop working."""
    from playtest.auth.services import set_active
    from playtest.revocation import drop_staff_sockets

    user = _account(email)
    set_active(user, False)
    drop_staff_sockets(user.id)
    click.echo(f"{user.email} is deactivated.")


@click.command("activate")
@click.argument("email")
@with_appcontext
def activate(email: str) -> None:
    """Reactivate a deactivated account."""
    from playtest.auth.services import set_active

    user = _account(email)
    set_active(user, True)
    click.echo(f"{user.email} can sign in again.")


@click.command("import-playbooks")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def import_playbooks(folder: Path) -> None:
    """Import every *.md playbook in FOLDER; report each one's problems with line numbers."""
    from playtest.playbooks.services import import_playbook

    failed = 0
    for path in sorted(folder.glob("*.md")):
        result = import_playbook(path.read_bytes(), filename=path.name)
        if result.errors:
            failed += 1
            click.echo(f"{path.name}: not imported")
            for problem in result.errors:
                where = f"line {problem.line}: " if problem.line else ""
                click.echo(f"  {where}{problem.message}")
            continue
        state = "imported" if result.created else "already there"
        pb = result.playbook
        click.echo(f"{path.name}: {state} as #{pb.id} “{pb.title}” version {pb.version}")
        for problem in result.warnings:
            where = f"line {problem.line}: " if problem.line else ""
            click.echo(f"  warning: {where}{problem.message}")
    if failed:
        raise click.ClickException(f"{failed} playbook(s) had problems")


@click.command("demo")
@click.option("--serve", "then_serve", is_flag=True, help="Start the server afterwards.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo(then_serve: bool, host: str, port: int) -> None:
    """Seed a realistic playtest (baseline + prototype round, 4 sessions each)."""
    from playtest.demo import seed_demo

    upgrade_database()
    info = seed_demo(resources.SAMPLE_PLAYBOOKS)
    click.echo(info.describe())
    if then_serve:
        _exec_server(host, port, workers=1)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve(host: str, port: int, workers: int) -> None:
    """Run the production server: gunicorn with gevent workers (websockets included)."""
    if workers > 1 and not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "Several workers need PLAYTEST_REDIS_URL (the Socket.IO message queue) "
            "and PostgreSQL; see README, Deployment."
        )
    upgrade_database()
    _exec_server(host, port, workers)


def _exec_server(host: str, port: int, workers: int) -> None:
    """Replace this process with gunicorn; the gevent worker monkey-patches before loading us."""
    env = dict(os.environ, PLAYTEST_ASYNC_MODE="gevent")
    env.setdefault("PLAYTEST_DATABASE_URL", current_app.config["SQLALCHEMY_DATABASE_URI"])
    env.setdefault("PLAYTEST_SECRET_KEY", current_app.config["SECRET_KEY"])
    click.echo(f"Playtest on http://{host}:{port}/ (workers: {workers}; Ctrl+C stops)")
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--worker-class",
        "gevent",
        "--workers",
        str(workers),
        "--worker-connections",
        "4000",
        "--bind",
        f"{host}:{port}",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        # Keys, join codes and tokens in URLs never reach the access log (accesslog.py).
        "--logger-class",
        "playtest.accesslog.RedactingLogger",
        "--log-level",
        "warning",
        "playtest.wsgi:app",
    ]
    sys.stdout.flush()
    os.execve(sys.executable, args, env)


@click.command("report")
@click.argument("playtest_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@with_appcontext
def report(playtest_id: int, output: Path | None, lang: str) -> None:
    """Write the printable HTML report of a playtest (to a file or standard output)."""
    from playtest.summary.report import render_report

    html = render_report(playtest_id, lang)
    if html is None:
        raise click.ClickException(f"No playtest #{playtest_id}.")
    if output:
        output.write_text(html, encoding="utf-8")
        click.echo(f"Report written to {output}")
    else:
        click.echo(html)


@click.command("purge")
@click.option("--older-than", "older_than", help="Age like 180d; playtests last active before.")
@click.option("--playtest", "playtest_id", type=int, help="One playtest by id.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def purge(older_than: str | None, playtest_id: int | None, yes: bool) -> None:
    """Delete personal data (names, free text), keeping the anonymous numbers."""
    from playtest.privacy import playtests_older_than, purge_playtest

    if (older_than is None) == (playtest_id is None):
        raise click.UsageError("Give exactly one of --older-than or --playtest.")
    if older_than is not None:
        if not older_than.endswith("d") or not older_than[:-1].isdigit():
            raise click.BadParameter("write the age in days, like 180d", param_hint="--older-than")
        ids = playtests_older_than(timedelta(days=int(older_than[:-1])))
    else:
        ids = [playtest_id]
    if not ids:
        click.echo("Nothing to purge.")
        return
    if not yes:
        click.confirm(f"Purge personal data of playtest(s) {ids}?", abort=True)
    for pid in ids:
        counts = purge_playtest(pid)
        click.echo(f"Playtest #{pid}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Write a consistent copy of the SQLite database to PATH (while the server runs)."""
    from playtest.backup import BackupError, backup_sqlite, postgres_recipe, sqlite_path

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    source = sqlite_path(url)
    if source is None:
        raise click.ClickException(postgres_recipe(url))
    try:
        backup_sqlite(source, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {source} to {path} (readable by you only).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@click.option(
    "--new-instance-id",
    is_flag=True,
    help="Give the restored copy its own instance id (a copy beside the original).",
)
@with_appcontext
def restore(path: Path, force: bool, new_instance_id: bool) -> None:
    """Replace the SQLite database with a backup made by `playtest backup`."""
    from playtest.backup import BackupError, postgres_recipe, restore_sqlite, sqlite_path

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = sqlite_path(url)
    if target is None:
        raise click.ClickException(postgres_recipe(url))
    from playtest.extensions import db

    db.session.remove()
    db.engine.dispose()  # no pooled connection of ours holds the old file open
    try:
        revision = restore_sqlite(path, target, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    upgrade_database()  # a backup from an earlier version gets this version's schema
    if new_instance_id:
        import secrets

        import sqlalchemy as sa

        from playtest.models import Instance

        db.session.execute(sa.update(Instance).values(instance_id=secrets.token_hex(8)))
        db.session.commit()
    click.echo(f"Restored {path} (schema {revision}) into {target}.")


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}@{host}"
    return url
