"""WSGI entry point for gunicorn: `gunicorn -k gevent playtest.wsgi:app`.

Built without the migration commands: `playtest serve` (or `playtest init-db`) runs the
migrations before the workers start.
"""

from playtest import create_app
from playtest.realtime import freeze_startup_heap

app = create_app({"MIGRATION_COMMANDS": False})
# Each worker imports this module before it accepts a connection: the start-up heap is
# frozen now, not in the middle of the first burst of connects (a restart's reconnect storm).
freeze_startup_heap()
