"""Plumbing for the `/live` Socket.IO namespace: who each socket is, rooms, acks, delivery.

Handlers in <feature>/events.py are declared with `@live_event(name)`: they receive the
authenticated Viewer and the payload dict, call a service, and return the ack body. Services
take the Viewer and hand back Deliveries (event, room, payload) for the handler to send; this
module imports none of them.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_socketio import leave_room
from socketio import packet as socketio_packet
from sqlalchemy.exc import DBAPIError, OperationalError

from playtest import access, config
from playtest.enums import ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db, socketio
from playtest.i18n import select_locale, viewer_language
from playtest.models import Attendance
from playtest.security import clean_payload

NAMESPACE = "/live"
log = logging.getLogger(__name__)

STAFF_KINDS = (ViewerKind.FACILITATOR, ViewerKind.OBSERVER)


@dataclass(frozen=True)
class Viewer:
    """Who is acting or looking, and in which session. Every service checks this."""

    kind: ViewerKind
    session_id: int
    participant_id: int | None = None
    attendance_id: int | None = None
    role: str | None = None
    user_id: int | None = None
    # Staff only, checked again on every event (access.live_standing): the login cookie's
    # session version, or the API token the socket connected with.
    session_version: int | None = None
    token_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind in STAFF_KINDS

    @property
    def is_participant(self) -> bool:
        return self.kind == ViewerKind.PARTICIPANT

    @property
    def is_facilitator(self) -> bool:
        return self.kind == ViewerKind.FACILITATOR


@dataclass(frozen=True)
class Delivery:
    """One socket emit: an event name, a room and the payload for everyone in it."""

    event: str
    room: str
    payload: dict


def session_room(session_id: int) -> str:
    """Everyone looking at the session: participants, staff and projectors."""
    return f"session:{session_id}"


def staff_room(session_id: int) -> str:
    """The session's facilitators and observers."""
    return f"session:{session_id}:staff"


def attendance_room(attendance_id: int) -> str:
    """One participant's screens (tabs, phone and laptop) in one session."""
    return f"attendance:{attendance_id}"


class JsonPacket(socketio_packet.Packet):
    """Socket.IO's packet, told it carries no binary attachment by encoding its JSON once.

    The stock packet first walks the whole payload in Python looking for bytes (a reduce over
    a new list for every dict and list in it), then encodes it: for a room's `state` that walk
    cost more than the encoding. Here the JSON is encoded at once, in C; a payload holding
    bytes fails to encode, and then takes the stock path, attachments and all.
    """

    def __init__(
        self,
        packet_type: int = socketio_packet.EVENT,
        data: object = None,
        namespace: str | None = None,
        id: int | None = None,  # noqa: A002 (python-socketio's name)
        binary: bool | None = None,
        encoded_packet: object = None,
    ) -> None:
        self._json: str | None = None
        if binary is None and encoded_packet is None and data is not None:
            try:
                self._json = self.json.dumps(data, separators=(",", ":"))
                binary = False
            except TypeError:
                pass  # bytes in it: the stock check finds them
        super().__init__(packet_type, data, namespace, id, binary, encoded_packet)

    def encode(self) -> object:
        if self._json is None:
            return super().encode()
        # The stock format without attachments: type, "namespace," unless "/", id, JSON.
        encoded = str(self.packet_type)
        if self.namespace is not None and self.namespace != "/":
            encoded += self.namespace + ","
        if self.id is not None:
            encoded += str(self.id)
        return encoded + self._json


# sid -> Viewer for sockets connected to this process (set at connect, dropped at disconnect).
_viewers: dict[str, Viewer] = {}
# sid -> the language its person reads (acks speak it): set at connect, else at first event.
_languages: dict[str, str] = {}


def remember(sid: str, viewer: Viewer, language: str | None = None) -> None:
    """Keep who this socket is (and, when known at connect, its language) for its events."""
    _viewers[sid] = viewer
    if language:
        _languages[sid] = language


def forget(sid: str) -> Viewer | None:
    _languages.pop(sid, None)
    return _viewers.pop(sid, None)


def refresh_role(attendance_id: int, role: str) -> None:
    """A participant's role changed: their sockets on this process act in the new one."""
    for sid, viewer in list(_viewers.items()):
        if viewer.attendance_id == attendance_id:
            _viewers[sid] = replace(viewer, role=role)


def viewer_for(sid: str) -> Viewer | None:
    return _viewers.get(sid)


def error_ack(code: ErrorCode, message: str) -> dict:
    return {"ok": False, "error": {"code": str(code), "message": message}}


def live_event(name: str) -> Callable:
    """Register a handler for `name` that authenticates, validates and always acks."""

    def decorate(handler: Callable[[Viewer, dict], dict]) -> Callable:
        @socketio.on(name, namespace=NAMESPACE)
        @functools.wraps(handler)
        def wrapper(payload: object = None, *extra: object) -> dict:
            viewer = _viewers.get(request.sid)
            # Messages in the ack are in the sender's language, whoever else is in the room.
            with force_locale(_language(viewer)):
                return answer(viewer, payload, extra)

        def answer(viewer: Viewer | None, payload: object, extra: tuple) -> dict:
            if viewer is None:
                return error_ack(ErrorCode.FORBIDDEN, _("Not connected to a session."))
            if not isinstance(payload, dict) or extra:
                return error_ack(ErrorCode.INVALID, _("The payload must be one JSON object."))
            try:
                payload = clean_payload(payload)
                if viewer.is_staff:
                    viewer = _staff_now(viewer)
                return {"ok": True, **handler(viewer, payload)}
            except ActionError as exc:
                db.session.rollback()
                return exc.ack()
            except (OperationalError, DBAPIError):
                db.session.rollback()
                log.exception("database unavailable during %s", name)
                return error_ack(
                    ErrorCode.UNAVAILABLE,
                    _("Could not save just now. It will be sent again automatically."),
                )
            except Exception:  # never let a bad payload take the handler down
                db.session.rollback()
                log.exception("unexpected error in %s", name)
                return error_ack(ErrorCode.INVALID, _("That could not be done."))

        return wrapper

    return decorate


def _staff_now(viewer: Viewer) -> Viewer:
    """The staff viewer as its sign-in and membership stand now (one read per staff event).

    Signed out (or a new password, a deactivation, a revoked token) or no longer a member:
    the socket leaves the session's rooms at once, is forgotten, and the event is refused.
    A member whose role changed acts in the new one.
    """
    standing = access.live_standing(
        viewer.user_id, viewer.session_id, viewer.session_version, viewer.token_id
    )
    if standing.role is None:
        leave_room(session_room(viewer.session_id))
        leave_room(staff_room(viewer.session_id))
        forget(request.sid)
        _disconnect_after_ack(request.sid)
        if not standing.signed_in:
            raise ActionError(ErrorCode.FORBIDDEN, _("You have been signed out. Sign in again."))
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    kind = access.viewer_kind(standing.role)
    if kind != viewer.kind:
        viewer = replace(viewer, kind=kind)
        _viewers[request.sid] = viewer
    return viewer


def _disconnect_after_ack(sid: str) -> None:
    """Close the socket once the refusal's ack is on its way (the client then reconnects,
    and its connect is refused)."""
    server = socketio.server

    def close() -> None:
        socketio.sleep(0.05)
        server.disconnect(sid, namespace=NAMESPACE)

    socketio.start_background_task(close)


@socketio.on("*", namespace=NAMESPACE)
def unknown_event(event: str, *_args: object) -> dict:
    """Any event no handler is registered for: a clear ack, so no client waits for a timeout."""
    with force_locale(_language(_viewers.get(request.sid))):
        return error_ack(
            ErrorCode.UNKNOWN_EVENT, _("There is no event called “%(event)s”.", event=event)
        )


def _language(viewer: Viewer | None) -> str:
    """This socket's language: the participant's (Attendance.language), else the handshake's."""
    if viewer is None:
        return select_locale()
    language = _languages.get(request.sid)
    if language is None:
        try:
            attendance = (
                db.session.get(Attendance, viewer.attendance_id) if viewer.attendance_id else None
            )
        except (OperationalError, DBAPIError):
            db.session.rollback()  # the handler will say the database is away; ask again later
            return select_locale()
        language = _languages[request.sid] = viewer_language(attendance)
    return language


def deliver(deliveries: Iterable) -> None:
    """Emit each board/case Delivery (event, room, payload) to its room.

    Then yield once, so the sockets' writer greenlets send the fan-out now, before this
    handler's own wind-down (the ack, the app context's teardown) instead of after it.
    """
    for item in deliveries:
        socketio.emit(item.event, item.payload, to=item.room, namespace=NAMESPACE)
    socketio.sleep(0)


def emit_to(event: str, payload: dict, room: str) -> None:
    socketio.emit(event, payload, to=room, namespace=NAMESPACE)


_heap_frozen = False


def freeze_startup_heap() -> None:
    """Once per process, before its first socket (wsgi.py; else at the first connect): take
    what is loaded by then out of the garbage collector's way.

    A worker holds a million or so long-lived objects from its imports (Flask, SQLAlchemy,
    SciPy, Babel...) that every full garbage collection walks again: a 150 ms pause of the
    whole gevent worker, every few seconds under load, which was the app's p99 fan-out
    (bench/RESULTS.md). gc.freeze() parks them in a permanent generation, and the
    collector's thresholds become config.GC_THRESHOLDS (why: see there).
    """
    global _heap_frozen
    if _heap_frozen:
        return
    _heap_frozen = True
    gc.collect()  # freeze no garbage: one pause now, at the first connect
    gc.freeze()
    gc.set_threshold(*config.GC_THRESHOLDS)
