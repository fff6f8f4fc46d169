"""`/live` action events: call actions.services, tell every screen of the playtest, ack."""

from __future__ import annotations

from playtest.actions import services as actions
from playtest.realtime import Viewer, deliver, live_event


def _ack(saved: actions.Saved) -> dict:
    deliver(saved.deliveries)
    return {"action": actions.action_payload(saved.action), "created": saved.created}


@live_event("action:add")
def add(viewer: Viewer, payload: dict) -> dict:
    return _ack(actions.add(viewer, payload))


@live_event("action:propose")
def propose(viewer: Viewer, payload: dict) -> dict:
    return _ack(actions.propose(viewer, payload))


@live_event("action:update")
def update(viewer: Viewer, payload: dict) -> dict:
    saved = actions.update(viewer, payload)
    deliver(saved.deliveries)
    return {"action": actions.action_payload(saved.action), "changed": saved.created}
