"""WSGI entry point for gunicorn: `gunicorn -k gevent playtest.wsgi:app`."""

from playtest import create_app

app = create_app()
