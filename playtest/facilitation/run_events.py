"""`/live` events of the run of show (DESIGN.md §9): role changes, agenda edits, the ready
check and after-ratings. Each handler calls a service, tells the room, and acks.
(`timer:control` itself is in events.py; moving into the last segment opens after-ratings.)"""

from __future__ import annotations

from playtest.cases import services as cases
from playtest.enums import ViewerKind
from playtest.extensions import db
from playtest.facilitation import agenda_edits, ready, roles
from playtest.facilitation import services as facilitation
from playtest.facilitation.events import presence_changed
from playtest.facilitation.snapshot import agenda_payload, me_payload
from playtest.models import Session
from playtest.playbooks.documents import localized_document
from playtest.realtime import (
    Viewer,
    attendance_room,
    emit_to,
    live_event,
    session_room,
    staff_room,
)

# What a facilitator's ack says of the person whose role they changed (not their votes or
# ratings: those are the participant's own).
_STAFF_SEES = ("participant_id", "display_name", "role", "role_label")


@live_event("me:role")
def change_role(viewer: Viewer, payload: dict) -> dict:
    attendance = roles.change_role(viewer, payload)
    session = db.session.get(Session, viewer.session_id)
    person = facilitation.participant_viewer(attendance)
    me = me_payload(session, person, attendance, localized_document(session, attendance.language))
    emit_to("me", me, attendance_room(attendance.id))
    presence_changed(session.id)
    if viewer.is_participant:
        return {"me": me}
    return {"me": {key: me[key] for key in _STAFF_SEES}}


@live_event("agenda:edit")
def edit_agenda(viewer: Viewer, payload: dict) -> dict:
    session = agenda_edits.edit_agenda(viewer, payload)
    # The room gets the agenda as participants see it, in the round's own language (screens
    # in the other one keep their titles by key); staff get theirs, with notes, after it.
    document = localized_document(session, session.round.playbook.language)
    room = Viewer(kind=ViewerKind.PROJECTOR, session_id=session.id)
    emit_to("agenda", agenda_payload(session, room, document), session_room(session.id))
    emit_to("agenda", agenda_payload(session, viewer, document), staff_room(session.id))
    emit_to("timer", facilitation.timer(session), session_room(session.id))  # the plan moved
    return {"agenda": agenda_payload(session, viewer, localized_document(session))}


def _ready_progress(session: Session) -> dict:
    return ready.progress(session, facilitation.presence(session.id)["online"])


@live_event("ready:ask")
def ask_ready(viewer: Viewer, payload: dict) -> dict:
    session = ready.ask(viewer)
    emit_to("ready:asked", ready.mine(session, None), session_room(session.id))
    progress = _ready_progress(session)
    emit_to("ready:progress", progress, staff_room(session.id))
    return {"progress": progress}


@live_event("ready:set")
def set_ready(viewer: Viewer, payload: dict) -> dict:
    session = ready.answer(viewer, payload.get("ready"))
    emit_to("ready:progress", _ready_progress(session), staff_room(session.id))
    return {"ready": ready.mine(session, viewer.participant_id)["ready"]}


@live_event("ratings:open")
def open_ratings(viewer: Viewer, payload: dict) -> dict:
    session = cases.open_after_ratings(viewer, payload.get("phase"))
    emit_to("ratings:open", {"phase": "after"}, session_room(session.id))
    return {"phase": "after"}
