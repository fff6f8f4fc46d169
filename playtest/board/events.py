"""`/live` board events: thin wrappers that call board.services and fan out the result."""

from __future__ import annotations

from playtest.board import cards, posting, staff
from playtest.board import services as board
from playtest.extensions import db
from playtest.models import Session
from playtest.realtime import Viewer, deliver, emit_to, live_event, session_room


def _session(viewer: Viewer) -> Session:
    return db.session.get(Session, viewer.session_id)


@live_event("reflection:add")
def add(viewer: Viewer, payload: dict) -> dict:
    posted = posting.post_reflection(viewer, payload)
    deliver(posted.deliveries)
    return {"reflection": posted.own_view, "created": posted.created}


@live_event("reflection:edit")
def edit(viewer: Viewer, payload: dict) -> dict:
    card = board.edit_reflection(viewer, payload.get("id"), payload.get("text"))
    deliver(cards.deliveries(_session(viewer), card, "reflection:updated"))
    return {"reflection": cards.author_view(card)}


@live_event("reflection:delete")
def delete(viewer: Viewer, payload: dict) -> dict:
    card, released = board.delete_reflection(viewer, payload.get("id"))
    deliver([*cards.deliveries(_session(viewer), card, "reflection:updated"), *released])
    return {"id": card.id, "deleted": True}


@live_event("reflection:vote")
def vote(viewer: Viewer, payload: dict) -> dict:
    voted = board.vote(viewer, payload.get("id"), payload.get("on"))
    deliver(voted.deliveries)
    return {"id": voted.card_id, "votes": voted.votes, "votes_left": voted.votes_left}


@live_event("reflection:hide")
def hide(viewer: Viewer, payload: dict) -> dict:
    card, released = board.hide(viewer, payload.get("id"), payload.get("hidden"))
    deliver([*cards.deliveries(_session(viewer), card, "reflection:updated"), *released])
    return {"id": card.id, "hidden": card.hidden}


@live_event("reflection:group")
def group(viewer: Viewer, payload: dict) -> dict:
    grouped = board.group(viewer, payload.get("ids"), payload.get("title"))
    session = _session(viewer)
    for card in grouped:
        deliver(cards.deliveries(session, card, "reflection:updated"))
    first = grouped[0].group
    return {"group": {"id": first.id, "title": first.title} if first else None}


@live_event("board:mode")
def mode(viewer: Viewer, payload: dict) -> dict:
    session, shown = board.set_mode(viewer, payload.get("mode"))
    body = board.mode_payload(session, shown)
    emit_to("board:mode", body, session_room(session.id))
    return body


@live_event("board:reveal")
def reveal(viewer: Viewer, payload: dict) -> dict:
    session, shown = board.reveal(viewer, payload.get("lane"))
    body = board.mode_payload(session, shown)
    emit_to("board:mode", body, session_room(session.id))
    return {"mode": body["mode"], "revealed_lanes": body["revealed_lanes"]}


@live_event("reflection:staff_add")
def staff_add(viewer: Viewer, payload: dict) -> dict:
    posted = staff.post_as_facilitator(viewer, payload)
    deliver(posted.deliveries)
    return {"reflection": posted.own_view, "created": posted.created}
