"""JSON API /api/v1 (DESIGN.md §6). Each view authenticates, calls a service, serialises."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _

from playtest import access
from playtest.access import Need
from playtest.api.actions import bp as actions_bp
from playtest.api.auth import current_participant, current_staff, staff_required
from playtest.api.body import json_body
from playtest.api.members import bp as members_bp
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db, limiter
from playtest.facilitation import services as facilitation
from playtest.facilitation.snapshot import state
from playtest.models import Session
from playtest.playbooks.services import api_payload, import_playbook, problems_json
from playtest.summary import eventlog_export
from playtest.summary.routes import download
from playtest.summary.services import playtest_summary_json

bp = Blueprint("api", __name__)
bp.register_blueprint(members_bp)  # /api/v1/playtests/<id>/members: api.members_api.*
bp.register_blueprint(actions_bp)  # /api/v1/playtests/<id>/actions, /actions/<id>


def _join_limit() -> str:
    return current_app.config["RATELIMIT_JOIN"]


@bp.post("/join")
@limiter.limit(_join_limit)
def join():
    body = json_body()
    token, attendance = facilitation.join(
        str(body.get("code") or ""),
        body.get("display_name") if isinstance(body.get("display_name"), str) else "",
        body.get("role") if isinstance(body.get("role"), str) else "",
        body.get("previous_token") if isinstance(body.get("previous_token"), str) else None,
        body.get("language") if isinstance(body.get("language"), str) else None,
    )
    return (
        jsonify(
            participant_token=token,
            session_id=attendance.session_id,
            participant_id=attendance.participant_id,
        ),
        201,
    )


@bp.post("/playbooks")
@staff_required(facilitator=True)
def upload_playbook():
    upload = request.files.get("file")
    source = upload.read() if upload else request.get_data()
    result = import_playbook(
        source, user=current_staff(), filename=upload.filename if upload else None
    )
    if result.errors:
        return jsonify(
            errors=problems_json(result.errors), warnings=problems_json(result.warnings)
        ), 422
    return jsonify(api_payload(result.playbook)), 201 if result.created else 200


@bp.post("/playtests")
@staff_required(facilitator=True)
def create_playtest():
    title = json_body().get("title")
    title = title if isinstance(title, str) else ""
    playtest = facilitation.create_playtest(title, current_staff())
    return jsonify(id=playtest.id, title=playtest.title), 201


@bp.post("/playtests/<int:playtest_id>/rounds")
@staff_required()
def add_round(playtest_id: int):
    playtest = access.playtest_for(current_staff(), playtest_id, Need.FACILITATE)
    body = json_body()
    playbook_id = body.get("playbook_id")
    paired = body.get("paired_playbook_id")
    round_ = facilitation.add_round(
        playtest,
        body.get("label") if isinstance(body.get("label"), str) else "",
        playbook_id if isinstance(playbook_id, int) else 0,
        paired_playbook_id=paired if isinstance(paired, int) else None,
        baseline=body.get("baseline") is True,
    )
    return jsonify(id=round_.id, label=round_.label, is_baseline=round_.is_baseline), 201


@bp.post("/rounds/<int:round_id>/sessions")
@staff_required()
def schedule_session(round_id: int):
    round_ = access.round_for(current_staff(), round_id, Need.FACILITATE)
    number = json_body().get("number")
    session, created = facilitation.schedule_session(
        round_,
        number if type(number) is int else 0,
    )
    return jsonify(id=session.id, number=session.number, join_code=session.join_code), (
        201 if created else 200
    )


@bp.get("/sessions/<int:session_id>/state")
def session_state(session_id: int):
    """The `state` snapshot for a member's staff token, or for this session's participant."""
    user = current_staff()
    if user is not None:
        session, role = access.session_access(user, session_id)
        return jsonify(state(session, facilitation.staff_viewer(user, session.id, role)))
    attendance = current_participant()
    if attendance is None:
        raise ActionError(ErrorCode.FORBIDDEN, _("Send this session's participant token."))
    session = db.session.get(Session, session_id) if attendance.session_id == session_id else None
    if session is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("Not found."))
    return jsonify(state(session, facilitation.participant_viewer(attendance), attendance))


# --- summary and exports (DESIGN.md §7) ------------------------------------------------------


@bp.get("/playtests/<int:playtest_id>/summary")
@staff_required()
def playtest_summary(playtest_id: int):
    access.playtest_for(current_staff(), playtest_id)
    text = playtest_summary_json(playtest_id)
    if text is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such playtest."))
    # The text was built in order (lanes in playbook order); NaN is refused, never sent.
    return Response(text, mimetype="application/json")


@bp.get("/playtests/<int:playtest_id>/export.<any(csv, json):fmt>")
@staff_required()
def export_file(playtest_id: int, fmt: str):
    """One table as CSV (`table` required), or JSON: every table, or one (summary.routes)."""
    access.playtest_for(current_staff(), playtest_id)
    return download(playtest_id, fmt)


@bp.get("/playtests/<int:playtest_id>/export.xes")
@staff_required()
def export_xes(playtest_id: int):
    """The case event log as IEEE XES, one trace per case (DESIGN.md §11)."""
    playtest = access.playtest_for(current_staff(), playtest_id)
    return eventlog_export.xes_download(playtest.id, playtest.title)


@bp.get("/playtests/<int:playtest_id>/export.ocel.json")
@staff_required()
def export_ocel(playtest_id: int):
    """The case event log as OCEL 2.0 JSON: cases, roles, sessions, participants."""
    access.playtest_for(current_staff(), playtest_id)
    return eventlog_export.ocel_download(playtest_id)
