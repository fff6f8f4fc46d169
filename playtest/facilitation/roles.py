"""Changing a participant's role mid-session (DESIGN.md §9): they fix their own, or a
facilitator fixes anyone's. Case events recorded later carry the new role; earlier ones
keep theirs."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from playtest.enums import ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.facilitation.services import set_role
from playtest.guards import audit, require, require_open
from playtest.models import Attendance, Session
from playtest.playbooks.documents import canonical_role, session_document
from playtest.realtime import Viewer, refresh_role


def _target(viewer: Viewer, participant_id: object) -> Attendance:
    """Whose role changes: the participant's own, or (for a facilitator) the one named."""
    if viewer.is_participant:
        if participant_id is not None and participant_id != viewer.participant_id:
            raise ActionError(ErrorCode.FORBIDDEN, _("You can only change your own role."))
        return db.session.get(Attendance, viewer.attendance_id)
    require(viewer, ViewerKind.FACILITATOR)
    if isinstance(participant_id, bool) or not isinstance(participant_id, int):
        raise ActionError(ErrorCode.INVALID, _("Say whose role to change (participant_id)."))
    attendance = db.session.scalar(
        sa.select(Attendance).where(
            Attendance.session_id == viewer.session_id,
            Attendance.participant_id == participant_id,
        )
    )
    if attendance is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("Nobody in this session has that id."))
    return attendance


def change_role(viewer: Viewer, payload: dict) -> Attendance:
    """Give a participant another of the playbook's roles; returns their attendance."""
    attendance = _target(viewer, payload.get("participant_id"))
    session = db.session.get(Session, viewer.session_id)
    require_open(session)
    if not session_document(session)["roles"]:
        raise ActionError(ErrorCode.INVALID, _("This session has no roles to choose from."))
    role = payload.get("role")
    role = canonical_role(session, role) if isinstance(role, str) else None
    if role is None:
        raise ActionError(ErrorCode.INVALID, _("Choose one of the roles listed."))
    if viewer.is_facilitator:
        audit(viewer, "me:role", f"participant:{attendance.participant_id}", {"role": role})
    set_role(attendance, role)
    db.session.commit()
    refresh_role(attendance.id, role)
    return attendance
