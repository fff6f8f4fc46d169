"""This installation's id, which namespaces everything it shares with other installations.

Two Playtest servers may share one Redis database (staging and production on an
organisation's one Redis). Ids restart at 1 in every database, so the Socket.IO channel and
every Redis key carry the instance id: the one stored in the database by the migration that
created it (models.Instance), shared by every process over that database, or
PLAYTEST_INSTANCE_ID when set (a restored copy of a database needs its own).
"""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DBAPIError

from playtest.extensions import db
from playtest.models import Instance

log = logging.getLogger(__name__)


def instance_id(app: Flask) -> str:
    """PLAYTEST_INSTANCE_ID, else the database's, else (not migrated yet) one for this process."""
    explicit = app.config.get("INSTANCE_ID")
    if explicit:
        return str(explicit)
    with app.app_context():
        try:
            stored = db.session.scalar(sa.select(Instance.instance_id).order_by(Instance.id))
        except DBAPIError:  # no schema yet: `playtest init-db` has not run
            db.session.rollback()
            stored = None
        finally:
            db.session.remove()
    if stored:
        return stored
    if app.config.get("REDIS_URL"):
        log.warning("no instance id in the database yet; run `playtest init-db`")
    return "unmigrated-" + secrets.token_hex(6)


def socketio_channel(app: Flask) -> str:
    """The Socket.IO message-queue channel: an explicit PLAYTEST_SOCKETIO_CHANNEL, else one
    per instance."""
    return app.config.get("SOCKETIO_CHANNEL") or f"playtest-{app.config['INSTANCE_ID']}"


def redis_key_prefix(app: Flask) -> str:
    """The prefix of every rate-limit key this instance writes to Redis."""
    return f"playtest:{app.config['INSTANCE_ID']}"
