"""A playtest's actions by API (DESIGN.md §10): members read them, facilitators change them.

GET/POST /api/v1/playtests/<id>/actions; PATCH /api/v1/actions/<id>.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask_babel import gettext as _

from playtest import access
from playtest.access import Need
from playtest.actions import services as actions
from playtest.actions.models import Action
from playtest.api.auth import current_staff, staff_required
from playtest.api.body import json_body
from playtest.extensions import db
from playtest.realtime import deliver

bp = Blueprint("actions_api", __name__)


@bp.get("/playtests/<int:playtest_id>/actions")
@staff_required()
def list_actions(playtest_id: int):
    playtest = access.playtest_for(current_staff(), playtest_id)
    return jsonify(actions.actions_payload(playtest.id))


@bp.post("/playtests/<int:playtest_id>/actions")
@staff_required()
def add_action(playtest_id: int):
    playtest = access.playtest_for(current_staff(), playtest_id, Need.FACILITATE)
    saved = actions.api_add(current_staff(), playtest.id, json_body())
    deliver(saved.deliveries)
    return jsonify(actions.action_payload(saved.action)), 201 if saved.created else 200


@bp.patch("/actions/<int:action_id>")
@staff_required()
def update_action(action_id: int):
    action = db.session.get(Action, action_id)
    if action is None:
        abort(404, description=_("Not found."))
    access.playtest_for(current_staff(), action.playtest_id, Need.FACILITATE)
    saved = actions.api_update(current_staff(), action, json_body())
    deliver(saved.deliveries)
    return jsonify(actions.action_payload(saved.action))
