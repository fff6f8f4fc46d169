"""The `playtest` command (console script and `python -m playtest`): the CLI over create_app.

A module of its own: the package imports cli.py to register the commands, and this module
imports the package for create_app, so no import goes round in a circle.
"""

from __future__ import annotations

from flask.cli import FlaskGroup

from playtest import create_app


def main() -> None:
    """Console script entry point."""
    group = FlaskGroup(create_app=create_app, add_default_commands=True, load_dotenv=False)
    group.help = "Playtest: run staff co-design playtests."
    group(prog_name="playtest")


if __name__ == "__main__":
    main()
