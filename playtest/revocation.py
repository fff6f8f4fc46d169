"""Ending an account's live access at once: its open staff sockets are disconnected.

Sign-out, deactivation, a new password and a removal from a playtest already stop a staff
socket at its next event (playtest/access.py, checked in realtime.live_event); this also
stops it receiving the room's events now. Sockets of other processes are reached through
the message queue (python-socketio forwards a disconnect for a sid it does not hold).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from playtest.extensions import db, socketio
from playtest.models import Connection, Round, Session
from playtest.realtime import NAMESPACE

log = logging.getLogger(__name__)


def drop_staff_sockets(user_id: int, playtest_id: int | None = None) -> int:
    """Disconnect the account's sockets (only those on the playtest's sessions, when given)."""
    query = sa.select(Connection.sid).where(Connection.user_id == user_id)
    if playtest_id is not None:
        query = (
            query.join(Session, Session.id == Connection.session_id)
            .join(Round, Round.id == Session.round_id)
            .where(Round.playtest_id == playtest_id)
        )
    sids = list(db.session.scalars(query))
    server = socketio.server
    for sid in sids:
        try:
            server.disconnect(sid, namespace=NAMESPACE)
        except Exception:  # gone already, or the queue is away: its next event is refused
            log.warning("could not disconnect socket %s", sid, exc_info=True)
    return len(sids)
