"""JSON API /api/v1 (DESIGN.md §6). Each view authenticates, calls a service, serialises."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _

from playtest.api.auth import current_participant, current_staff, staff_required
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db, limiter
from playtest.facilitation import services as facilitation
from playtest.facilitation.snapshot import state
from playtest.models import Playtest, Round, Session
from playtest.playbooks.services import api_payload, import_playbook, problems_json
from playtest.summary.routes import download
from playtest.summary.services import playtest_summary_json

bp = Blueprint("api", __name__)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ActionError(ErrorCode.INVALID, _("Send a JSON object."))
    return body


def _join_limit() -> str:
    return current_app.config["RATELIMIT_JOIN"]


@bp.post("/join")
@limiter.limit(_join_limit)
def join():
    body = _json_body()
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
    title = _json_body().get("title")
    title = title if isinstance(title, str) else ""
    playtest = facilitation.create_playtest(title, current_staff())
    return jsonify(id=playtest.id, title=playtest.title), 201


@bp.post("/playtests/<int:playtest_id>/rounds")
@staff_required(facilitator=True)
def add_round(playtest_id: int):
    body = _json_body()
    playbook_id = body.get("playbook_id")
    paired = body.get("paired_playbook_id")
    round_ = facilitation.add_round(
        db.get_or_404(Playtest, playtest_id, description=_("Not found.")),
        body.get("label") if isinstance(body.get("label"), str) else "",
        playbook_id if isinstance(playbook_id, int) else 0,
        paired_playbook_id=paired if isinstance(paired, int) else None,
        baseline=body.get("baseline") is True,
    )
    return jsonify(id=round_.id, label=round_.label, is_baseline=round_.is_baseline), 201


@bp.post("/rounds/<int:round_id>/sessions")
@staff_required(facilitator=True)
def schedule_session(round_id: int):
    number = _json_body().get("number")
    session, created = facilitation.schedule_session(
        db.get_or_404(Round, round_id, description=_("Not found.")),
        number if type(number) is int else 0,
    )
    return jsonify(id=session.id, number=session.number, join_code=session.join_code), (
        201 if created else 200
    )


@bp.get("/sessions/<int:session_id>/state")
def session_state(session_id: int):
    session = db.get_or_404(Session, session_id, description=_("Not found."))
    user = current_staff()
    if user is not None:
        return jsonify(state(session, facilitation.staff_viewer(user, session.id)))
    attendance = current_participant()
    if attendance is None or attendance.session_id != session.id:
        raise ActionError(ErrorCode.FORBIDDEN, _("Send this session's participant token."))
    return jsonify(state(session, facilitation.participant_viewer(attendance), attendance))


# --- summary and exports (DESIGN.md §7) ------------------------------------------------------


@bp.get("/playtests/<int:playtest_id>/summary")
@staff_required()
def playtest_summary(playtest_id: int):
    text = playtest_summary_json(playtest_id)
    if text is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such playtest."))
    # The text was built in order (lanes in playbook order); NaN is refused, never sent.
    return Response(text, mimetype="application/json")


@bp.get("/playtests/<int:playtest_id>/export.<any(csv, json):fmt>")
@staff_required()
def export_file(playtest_id: int, fmt: str):
    """One table as CSV (`table` required), or JSON: every table, or one (summary.routes)."""
    return download(playtest_id, fmt)
