"""The ready check (DESIGN.md §9): the facilitator asks "Are you done?" for the current
segment, participants answer, staff see counts only. It clears when the segment changes."""

from __future__ import annotations

from flask_babel import gettext as _

from playtest.enums import SessionStatus, ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.guards import audit, require, require_open
from playtest.models import Session
from playtest.realtime import Viewer


def current_check(session: Session) -> dict | None:
    """The open ready check, or None (none asked, or asked in a segment that has ended)."""
    check = session.ready_check
    if not check or session.status == SessionStatus.FINISHED:
        return None
    return check if check.get("segment_index") == session.segment_index else None


def ask(viewer: Viewer) -> Session:
    """Open a ready check for the current segment (asking again starts it afresh)."""
    require(viewer, ViewerKind.FACILITATOR)
    session = _open_session(viewer)
    session.ready_check = {"segment_index": session.segment_index, "ready": []}
    audit(viewer, "ready:ask", f"session:{session.id}", {"segment_index": session.segment_index})
    db.session.commit()
    return session


def answer(viewer: Viewer, ready: object) -> Session:
    """A participant says they are done (or not after all)."""
    require(viewer, ViewerKind.PARTICIPANT)
    if not isinstance(ready, bool):
        raise ActionError(ErrorCode.INVALID, _("Say ready: true or false."))
    session = _open_session(viewer)
    check = current_check(session)
    if check is None:
        raise ActionError(
            ErrorCode.INVALID, _("The facilitator has not asked whether you are done.")
        )
    others = [pid for pid in check["ready"] if pid != viewer.participant_id]
    session.ready_check = {**check, "ready": [*others, viewer.participant_id] if ready else others}
    db.session.commit()
    return session


def mine(session: Session, participant_id: int | None) -> dict | None:
    """What a viewer sees of the open check: its segment, and (participants) their answer."""
    check = current_check(session)
    if check is None:
        return None
    out = {"segment_index": check["segment_index"]}
    if participant_id is not None:
        out["ready"] = participant_id in check["ready"]
    return out


def progress(session: Session, online: int) -> dict:
    """`ready:progress` for staff: counts only (`of` = participants online)."""
    check = current_check(session)
    ready = len(check["ready"]) if check else 0
    return {
        "segment_index": session.segment_index,
        "open": check is not None,
        "ready": ready,
        "of": online,
    }


def _open_session(viewer: Viewer) -> Session:
    session = db.session.get(Session, viewer.session_id, with_for_update=True)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    require_open(session)
    return session
