"""`/live` case and rating events: call cases.services, tell the room, ack."""

from __future__ import annotations

from playtest.cases import removal
from playtest.cases import services as cases
from playtest.extensions import db
from playtest.models import Session
from playtest.realtime import Viewer, emit_to, live_event, session_room, staff_room


def _announce(viewer: Viewer, case) -> dict:
    payload = cases.case_payload(case)
    emit_to("case:updated", payload, session_room(viewer.session_id))
    return payload


def _case_ack(viewer: Viewer, case, created: bool) -> dict:
    payload = _announce(viewer, case) if created else cases.case_payload(case)
    payload.update(cases.case_payload(case, viewer))
    return {"case": payload, "created": created}


@live_event("case:open")
def open_case(viewer: Viewer, payload: dict) -> dict:
    return _case_ack(viewer, *cases.open_case(viewer, payload))


@live_event("case:handoff")
def handoff(viewer: Viewer, payload: dict) -> dict:
    return _case_ack(viewer, *cases.handoff(viewer, payload))


@live_event("case:answer")
def answer(viewer: Viewer, payload: dict) -> dict:
    return _case_ack(viewer, *cases.answer(viewer, payload))


@live_event("case:correct")
def correct(viewer: Viewer, payload: dict) -> dict:
    return {"case": _announce(viewer, cases.correct(viewer, payload))}


@live_event("case:delete")
def delete_case(viewer: Viewer, payload: dict) -> dict:
    case_id = removal.delete_case(viewer, payload.get("case_id"))
    emit_to("case:updated", {"id": case_id, "deleted": True}, session_room(viewer.session_id))
    return {"id": case_id, "deleted": True}


@live_event("case:rename")
def rename_case(viewer: Viewer, payload: dict) -> dict:
    case = removal.rename_case(viewer, payload.get("case_id"), payload.get("label"))
    return {"case": _announce(viewer, case)}


@live_event("rating:submit")
def submit_rating(viewer: Viewer, payload: dict) -> dict:
    result = cases.submit_ratings(viewer, payload)
    session = db.session.get(Session, viewer.session_id)
    emit_to("rating:progress", cases.rating_progress(session), staff_room(session.id))
    return result


@live_event("rating:close")
def close_rating(viewer: Viewer, payload: dict) -> dict:
    session = cases.close_ratings(viewer, payload.get("phase"), payload.get("closed"))
    progress = cases.rating_progress(session)
    emit_to("rating:progress", progress, staff_room(session.id))
    emit_to(
        "ratings:closed", {"closed_phases": progress["closed_phases"]}, session_room(session.id)
    )
    return progress
