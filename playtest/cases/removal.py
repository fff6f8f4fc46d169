"""Corrections that keep the log honest (issue 16): a case deleted or its label renamed.

A participant may delete or rename their own case while their session runs; a facilitator
any case of the round, at any time. A deleted case goes with its whole event log, so its
label is in no export, summary or report afterwards; the digest listeners see the deleted
rows and bump every session they counted in. Audit entries name the case by id only.
"""

from __future__ import annotations

from flask_babel import gettext as _

from playtest import config
from playtest.cases.services import _case_in_round, _text
from playtest.enums import ViewerKind
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db
from playtest.guards import audit, require_open
from playtest.models import Case, Session
from playtest.realtime import Viewer
from playtest.security import looks_personal


def _case_they_may_change(viewer: Viewer, case_id: object) -> Case:
    if viewer.kind not in (ViewerKind.PARTICIPANT, ViewerKind.FACILITATOR):
        raise ActionError(ErrorCode.FORBIDDEN, _("Only participants and facilitators can do that."))
    session = db.session.get(Session, viewer.session_id)
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such session."))
    case = _case_in_round(session, case_id)
    if viewer.is_participant:
        require_open(session)
        if case.participant_id != viewer.participant_id:
            raise ActionError(ErrorCode.FORBIDDEN, _("You can only change cases you opened."))
    return case


def delete_case(viewer: Viewer, case_id: object) -> int:
    """Delete a case and its events; returns its id."""
    case = _case_they_may_change(viewer, case_id)
    deleted = case.id
    if viewer.is_facilitator:
        audit(viewer, "case:delete", f"case:{deleted}")
    db.session.delete(case)
    db.session.commit()
    return deleted


def rename_case(viewer: Viewer, case_id: object, label: object) -> Case:
    """Give a case a new label (e.g. one that named a client)."""
    case = _case_they_may_change(viewer, case_id)
    case.label = _text(label, config.LABEL_MAX_CHARS, _("case label"), required=True)
    case.pii_flag = looks_personal(case.label)
    if viewer.is_facilitator:
        audit(viewer, "case:rename", f"case:{case.id}")
    db.session.commit()
    return case
