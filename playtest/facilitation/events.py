"""`/live` connect and disconnect, and the facilitator's timer controls."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room

from playtest.auth.services import user_for_api_token
from playtest.board.services import attendance_room, session_room, staff_room
from playtest.extensions import db, socketio
from playtest.facilitation import services as live
from playtest.facilitation.snapshot import presence_for, state
from playtest.i18n import viewer_language
from playtest.models import Attendance, Session
from playtest.realtime import (
    NAMESPACE,
    emit_to,
    forget,
    freeze_startup_heap,
    live_event,
    remember,
    start_heartbeat,
)


def _authenticate(auth: object) -> tuple[live.Viewer, Attendance | None, Session]:
    """Who is connecting, their attendance (participants only) and the session they look at.

    A participant token, a staff API token or cookie, or a view link; anything else is refused.
    """
    auth = auth if isinstance(auth, dict) else {}
    token = auth.get("token") if isinstance(auth.get("token"), str) else None
    session_id = auth.get("session_id")
    if session_id is not None and not isinstance(session_id, int):
        raise ConnectionRefusedError("session_id must be a number")
    attendance = live.attendance_for_token(token) if token else None
    if attendance is not None:
        if session_id is not None and session_id != attendance.session_id:
            raise ConnectionRefusedError("that token belongs to another session")
        session = live.session_for_live(attendance.session_id)
        return live.participant_viewer(attendance), attendance, session
    session = live.session_for_live(session_id) if session_id is not None else None
    if session is None:
        raise ConnectionRefusedError("unknown session or token")
    if token:
        user = user_for_api_token(token)  # marks the token used: committed with the connection
        if user is None:
            raise ConnectionRefusedError("unknown token")
        return live.staff_viewer(user, session_id), None, session
    view_token = auth.get("view_token")
    if isinstance(view_token, str):
        viewer = live.projector_viewer(session_id, view_token)
        if viewer is None:
            raise ConnectionRefusedError("unknown view link")
        return viewer, None, session
    if current_user.is_authenticated:
        return live.staff_viewer(current_user, session_id), None, session
    raise ConnectionRefusedError("sign in or join the session first")


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
    live.connected(request.sid, viewer, current_app.config["WORKER_ID"])
    snapshot["presence"] = presence_for(viewer, session.id)
    db.session.commit()
    start_heartbeat()
    freeze_startup_heap()
    emit("state", snapshot)
    if viewer.is_participant:
        announce_presence(viewer.session_id)


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_reason: object) -> None:
    viewer = forget(request.sid)
    session_id = live.disconnected(request.sid)
    if viewer is not None and viewer.is_participant and session_id is not None:
        announce_presence(session_id)


def announce_presence(session_id: int) -> None:
    """Counts to everyone (the projector shows them); names only to staff, sent last."""
    presence = live.presence(session_id)
    counts = {key: value for key, value in presence.items() if key != "people"}
    emit_to("presence", counts, session_room(session_id))
    emit_to("presence", presence, staff_room(session_id))


@live_event("timer:control")
def timer_control(viewer: live.Viewer, payload: dict) -> dict:
    minutes = payload.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int | float)):
        minutes = "invalid"
    timer = live.control_clock(viewer, payload.get("action"), minutes)
    emit_to("timer", timer, session_room(viewer.session_id))
    return {"timer": timer}
