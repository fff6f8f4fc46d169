"""`/live` connect and disconnect, presence (announcements and the heartbeat), and the
facilitator's timer controls."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from flask import Flask, current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room
from werkzeug.exceptions import HTTPException

from playtest import access, config
from playtest.auth.services import api_token_row
from playtest.cases import services as cases
from playtest.errors import ActionError
from playtest.extensions import db, socketio
from playtest.facilitation import services as facilitation
from playtest.facilitation.snapshot import presence_for, state
from playtest.i18n import viewer_language
from playtest.models import Attendance, Session
from playtest.realtime import (
    NAMESPACE,
    Delivery,
    Viewer,
    attendance_room,
    emit_to,
    forget,
    freeze_startup_heap,
    live_event,
    remember,
    session_room,
    staff_room,
)

log = logging.getLogger(__name__)


def _authenticate(auth: object) -> tuple[Viewer, Attendance | None, Session]:
    """Who is connecting, their attendance (participants only) and the session they look at.

    A participant token, a staff API token or cookie, or a view link; anything else is refused.
    """
    auth = auth if isinstance(auth, dict) else {}
    token = auth.get("token") if isinstance(auth.get("token"), str) else None
    session_id = auth.get("session_id")
    if session_id is not None and not isinstance(session_id, int):
        raise ConnectionRefusedError("session_id must be a number")
    attendance = facilitation.attendance_for_token(token) if token else None
    if attendance is not None:
        if session_id is not None and session_id != attendance.session_id:
            raise ConnectionRefusedError("that token belongs to another session")
        session = facilitation.session_for_live(attendance.session_id)
        return facilitation.participant_viewer(attendance), attendance, session
    session = facilitation.session_for_live(session_id) if session_id is not None else None
    if session is None:
        raise ConnectionRefusedError("unknown session or token")
    if token:
        row = api_token_row(token)  # marks the token used: committed with the connection
        if row is None:
            raise ConnectionRefusedError("unknown token")
        return _staff(row.user, session, row.id), None, session
    view_token = auth.get("view_token")
    if isinstance(view_token, str):
        viewer = facilitation.projector_viewer(session_id, view_token)
        if viewer is None:
            raise ConnectionRefusedError("unknown view link")
        return viewer, None, session
    if current_user.is_authenticated:
        return _staff(current_user, session, None), None, session
    raise ConnectionRefusedError("sign in or join the session first")


def _staff(user, session: Session, token_id: int | None) -> Viewer:
    """A member of the session's playtest, as their role there lets them; else refused."""
    try:
        _session, role = access.session_access(user, session.id)
    except (HTTPException, ActionError) as exc:
        # The same refusal as an unknown session: a non-member learns nothing.
        raise ConnectionRefusedError("unknown session or token") from exc
    return facilitation.staff_viewer(user, session.id, role, token_id)


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth: object = None) -> None:
    viewer, attendance, session = _authenticate(auth)
    join_room(session_room(session.id))
    if viewer.is_staff:
        join_room(staff_room(session.id))
    if viewer.attendance_id:
        join_room(attendance_room(viewer.attendance_id))
    # The language now, from the attendance already in hand: otherwise each socket's first
    # event (often its only post) would read the attendance again.
    remember(request.sid, viewer, viewer_language(attendance))
    snapshot = state(session, viewer, attendance, presence=False)
    # The socket is recorded after the snapshot's reads, in the same transaction, so the row
    # locks its INSERT takes last only until the commit below (and nothing read is expired
    # and read again), and before presence is counted, so the snapshot counts this socket.
    facilitation.connected(request.sid, viewer, current_app.config["WORKER_ID"])
    snapshot["presence"] = presence_for(viewer, session.id)
    db.session.commit()
    start_heartbeat()
    freeze_startup_heap()
    emit("state", snapshot)
    if viewer.is_participant:
        presence_changed(viewer.session_id)


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_reason: object) -> None:
    viewer = forget(request.sid)
    session_id = facilitation.disconnected(request.sid)
    if viewer is not None and viewer.is_participant and session_id is not None:
        presence_changed(session_id)


# --- presence: announced once per burst of connects and disconnects -------------------------


_heartbeat_started = False


def start_heartbeat() -> None:
    """Once per process: keep this worker's presence rows fresh while it lives."""
    global _heartbeat_started
    if _heartbeat_started or not current_app.config.get("PRESENCE_HEARTBEAT", True):
        return
    _heartbeat_started = True
    app = current_app._get_current_object()
    socketio.start_background_task(_heartbeat_loop, app)


def _heartbeat_loop(app: Flask) -> None:
    while True:
        socketio.sleep(config.PRESENCE_HEARTBEAT_S)
        with app.app_context():
            try:
                facilitation.heartbeat(app.config["WORKER_ID"])
            except Exception:  # the database may be briefly away; try again next beat
                db.session.rollback()
                log.warning("presence heartbeat failed", exc_info=True)


def presence_deliveries(session_id: int) -> list[Delivery]:
    """Counts to everyone (the projector shows them); names only to staff, sent last."""
    presence = facilitation.presence(session_id)
    counts = {key: value for key, value in presence.items() if key != "people"}
    return [
        Delivery("presence", session_room(session_id), counts),
        Delivery("presence", staff_room(session_id), presence),
    ]


@dataclass
class _PresenceChanges:
    """Sessions whose presence changed since this app's announcer last looked."""

    sessions: set[int] = field(default_factory=set)
    announcing: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def presence_changed(session_id: int) -> None:
    """Someone came or went: announce the session's presence soon, once for the whole burst.

    Announcing on every connect costs N broadcasts to N sockets when a room of N phones
    (re)connects at once. Instead one background task per app announces each changed session
    at most once per PRESENCE_COALESCE_S: the first change at once, later ones in the next
    round. Each round reads presence from the database after the changes it covers were
    committed, so the round after the last change carries the final count. The connecting
    socket itself needs no announcement: its `state` already counts it.
    """
    app = current_app._get_current_object()
    changes = app.extensions.get("playtest.presence_changes")
    if changes is None:
        changes = app.extensions.setdefault("playtest.presence_changes", _PresenceChanges())
    with changes.lock:
        changes.sessions.add(session_id)
        if changes.announcing:
            return
        changes.announcing = True
    socketio.start_background_task(_announce_presence, app, changes, socketio.server)


def _announce_presence(app: Flask, changes: _PresenceChanges, server: object) -> None:
    """Announce changed sessions in rounds, until a round finds none; then stop."""
    # With several processes (a message queue), another process may read presence just
    # before a change here and deliver it just after our announcement of the change. Each
    # changed session is announced once more a round later, so the last word in the room was
    # read at least PRESENCE_COALESCE_S after the last change.
    shared = bool(app.config.get("REDIS_URL"))
    again: set[int] = set()
    while True:
        with changes.lock:
            changed, changes.sessions = changes.sessions, set()
            due = changed | again
            # socketio.server is replaced only when another app is created (tests do, per test):
            # this app's announcer then stops.
            if not due or socketio.server is not server:
                changes.announcing = False
                return
        failed = set()
        with app.app_context():
            for session_id in sorted(due):
                try:
                    for item in presence_deliveries(session_id):
                        server.emit(item.event, item.payload, to=item.room, namespace=NAMESPACE)
                except Exception:  # the database may be briefly away: try again next round
                    db.session.rollback()
                    log.warning("presence announcement failed", exc_info=True)
                    failed.add(session_id)
        if failed:
            with changes.lock:
                changes.sessions |= failed
        again = changed if shared else set()
        socketio.sleep(config.PRESENCE_COALESCE_S)


@live_event("timer:control")
def timer_control(viewer: Viewer, payload: dict) -> dict:
    minutes = payload.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int | float)):
        minutes = "invalid"
    timer = facilitation.control_clock(viewer, payload.get("action"), minutes)
    emit_to("timer", timer, session_room(viewer.session_id))
    if payload.get("action") in ("next", "previous", "undo", "start"):
        # Into the last segment: after-ratings open, and everyone is asked for them (§9).
        session = db.session.get(Session, viewer.session_id)
        if cases.after_ratings_open(session):
            emit_to("ratings:open", {"phase": "after"}, session_room(session.id))
    return {"timer": timer}
