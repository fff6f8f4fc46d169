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
        import_playbooks,
        demo,
        serve,
        report,
        purge,
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
    default=AccountRole.FACILITATOR.value,
    show_default=True,
)
@with_appcontext
def create_facilitator(email: str, password: str | None, role: str) -> None:
    """Create a staff account (or reset its password and role)."""
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


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}@{host}"
    return url
