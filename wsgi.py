"""WSGI entry point at the repo root, for `gunicorn -k gevent wsgi:app` recipes."""

from playtest.wsgi import app  # noqa: F401
