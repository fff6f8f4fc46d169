"""A playtest's members by API (DESIGN.md §12): owners change them, members read them.

GET/POST /api/v1/playtests/<id>/members {email, role};
DELETE /api/v1/playtests/<id>/members/<user_id>.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from playtest import access
from playtest.access import Need
from playtest.api.auth import current_staff, staff_required
from playtest.api.body import json_body
from playtest.members import services as members

bp = Blueprint("members_api", __name__)


@bp.get("/playtests/<int:playtest_id>/members")
@staff_required()
def list_members(playtest_id: int):
    playtest = access.playtest_for(current_staff(), playtest_id)
    return jsonify([members.member_payload(m) for m in members.members_of(playtest)])


@bp.post("/playtests/<int:playtest_id>/members")
@staff_required()
def add_member(playtest_id: int):
    playtest = access.playtest_for(current_staff(), playtest_id, Need.OWN)
    body = json_body()
    member, created = members.add_member(
        current_staff(), playtest, body.get("email"), body.get("role")
    )
    return jsonify(members.member_payload(member)), 201 if created else 200


@bp.delete("/playtests/<int:playtest_id>/members/<int:user_id>")
@staff_required()
def remove_member(playtest_id: int, user_id: int):
    playtest = access.playtest_for(current_staff(), playtest_id, Need.OWN)
    user = members.remove_member(current_staff(), playtest, user_id)
    return jsonify(user_id=user.id, removed=True)
