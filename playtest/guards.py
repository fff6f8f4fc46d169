"""What every live service checks before a change, and the record it leaves of one.

The board, cases and facilitation services all apply these, so they live below all three:
the viewer's kind (`require`), a session still open (`require_open`), an exactly-once key
(`require_client_id`), and the audit trail of staff changes (`audit`).
"""

from __future__ import annotations

from flask_babel import gettext as _

from playtest import config
from playtest.enums import SessionStatus, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.models import AuditEntry, Session
from playtest.realtime import Viewer


def require(viewer: Viewer, kind: ViewerKind) -> None:
    """Refuse with `forbidden` unless the viewer is of this kind."""
    if viewer.kind != kind:
        who = {ViewerKind.PARTICIPANT: _("participants"), ViewerKind.FACILITATOR: _("facilitators")}
        raise ActionError(ErrorCode.FORBIDDEN, _("Only %(who)s can do that.", who=who[kind]))


def require_open(session: Session) -> None:
    """Refuse with `session_closed` once the session has finished."""
    if session.status == SessionStatus.FINISHED:
        raise ActionError(ErrorCode.SESSION_CLOSED, _("This session has finished."))


def require_client_id(value: object) -> str:
    """The exactly-once key a participant's action carries (DESIGN.md §5), or `invalid`."""
    if not isinstance(value, str) or not (
        config.CLIENT_ID_MIN_CHARS <= len(value) <= config.CLIENT_ID_MAX_CHARS
    ):
        raise ActionError(ErrorCode.INVALID, _("Every action needs a client_id (a UUID)."))
    return value


def audit(viewer: Viewer, action: str, target: str, detail: dict | None = None) -> None:
    """Record who changed what (added to the caller's transaction)."""
    db.session.add(
        AuditEntry(
            session_id=viewer.session_id,
            user_id=viewer.user_id,
            action=action,
            target=target,
            detail=detail or {},
        )
    )
