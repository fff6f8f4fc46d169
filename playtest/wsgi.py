"""WSGI entry point for gunicorn: `gunicorn -k gevent playtest.wsgi:app`.

Built without the migration commands: `playtest serve` (or `playtest init-db`) runs the
migrations before the workers start.
"""

from playtest import create_app

app = create_app({"MIGRATION_COMMANDS": False})
