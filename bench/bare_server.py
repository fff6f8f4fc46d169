"""The floor: a bare Flask-SocketIO broadcast server that the load generator can drive.

It answers the same client behaviour as Playtest's `/live` namespace — connect with
`auth={"token", "session_id"}` (gets a small `state`), `reflection:add` with an ack, and a
`reflection:added` broadcast to the session's room — with no database, no authentication
and no rules. Served exactly as `playtest serve` serves the app (gunicorn, same worker class
and Socket.IO options), so app/bare isolates what the app itself costs:

    PLAYTEST_ASYNC_MODE=gevent gunicorn -k gevent --worker-connections 4000 \
        --chdir bench bare_server:app

PLAYTEST_REDIS_URL (message queue) and PLAYTEST_SOCKETIO_CHANNEL are honoured, as in the app.
"""

from __future__ import annotations

import itertools
import os
from datetime import UTC, datetime

from flask import Flask, request
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

NAMESPACE = "/live"

app = Flask(__name__)
socketio = SocketIO(
    app,
    async_mode=os.environ.get("PLAYTEST_ASYNC_MODE", "gevent"),
    message_queue=os.environ.get("PLAYTEST_REDIS_URL") or None,
    channel=os.environ.get("PLAYTEST_SOCKETIO_CHANNEL", "playtest-bare"),
    # The same engine options as playtest/__init__.py.
    ping_interval=10,
    ping_timeout=20,
    max_http_buffer_size=64 * 1024,
)
# Card ids unique across worker processes: the pid in the high bits.
_card_ids = itertools.count(os.getpid() * 10_000_000)
_rooms: dict[str, str] = {}


@app.get("/login")
def login() -> str:
    """Readiness probe, at the path the app's own probe uses."""
    return "bare"


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth: object = None) -> None:
    session_id = auth.get("session_id") if isinstance(auth, dict) else None
    if not isinstance(session_id, int):
        raise ConnectionRefusedError("session_id must be a number")
    room = f"session:{session_id}"
    _rooms[request.sid] = room
    join_room(room)
    emit("state", {"session": {"id": session_id}, "reflections": []})


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_reason: object) -> None:
    _rooms.pop(request.sid, None)


@socketio.on("reflection:add", namespace=NAMESPACE)
def add(payload: object = None) -> dict:
    if not isinstance(payload, dict):
        return {"ok": False, "error": {"code": "invalid", "message": "one JSON object"}}
    # A card of the app's shape, so both servers send payloads of the same size.
    card = {
        "id": next(_card_ids),
        "lane": payload.get("lane"),
        "text": payload.get("text"),
        "votes": 0,
        "hidden": False,
        "anonymous": bool(payload.get("anonymous")),
        "group": None,
        "author": {"participant_id": 0, "display_name": "Bench", "role": "Intake officer"},
        "pii_flag": False,
        "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
    room = _rooms.get(request.sid)
    if room is None:
        return {"ok": False, "error": {"code": "forbidden", "message": "not connected"}}
    socketio.emit("reflection:added", card, to=room, namespace=NAMESPACE)
    return {"ok": True, "reflection": {**card, "client_id": payload.get("client_id")}}
