"""JSON API /api/v1 (DESIGN.md §6). Each view authenticates, calls a service, serialises."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _

from playtest.api.auth import current_participant, current_staff, staff_required
from playtest.errors import ActionError, ErrorCode
from playtest.extensions import db, limiter
from playtest.facilitation import services as live
from playtest.facilitation.snapshot import state
from playtest.models import Playtest, Round, Session
from playtest.playbooks.services import api_payload, import_playbook, problems_json

bp = Blueprint("api", __name__)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ActionError(ErrorCode.INVALID, _("Send a JSON object."))
    return body


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("Not found."))
    return obj


def _join_limit() -> str:
    return current_app.config["RATELIMIT_JOIN"]


@bp.post("/join")
@limiter.limit(_join_limit)
def join():
    body = _json_body()
    token, attendance = live.join(
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
    playtest = live.create_playtest(title if isinstance(title, str) else "", current_staff())
    return jsonify(id=playtest.id, title=playtest.title), 201


@bp.post("/playtests/<int:playtest_id>/rounds")
@staff_required(facilitator=True)
def add_round(playtest_id: int):
    body = _json_body()
    playbook_id = body.get("playbook_id")
    paired = body.get("paired_playbook_id")
    round_ = live.add_round(
        _get(Playtest, playtest_id),
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
    session, created = live.schedule_session(
        _get(Round, round_id), number if type(number) is int else 0
    )
    return jsonify(id=session.id, number=session.number, join_code=session.join_code), (
        201 if created else 200
    )


@bp.get("/sessions/<int:session_id>/state")
def session_state(session_id: int):
    session = _get(Session, session_id)
    user = current_staff()
    if user is not None:
        return jsonify(state(session, live.staff_viewer(user, session.id)))
    attendance = current_participant()
    if attendance is None or attendance.session_id != session.id:
        raise ActionError(ErrorCode.FORBIDDEN, _("Send this session's participant token."))
    return jsonify(state(session, live.participant_viewer(attendance), attendance))


# --- summary and exports (DESIGN.md §7) ------------------------------------------------------


def _ordered_json(data: object, status: int = 200, filename: str | None = None):
    """JSON in the order it was built (lanes in playbook order); NaN is refused, never sent."""
    from flask import Response

    from playtest.summary.services import to_json

    response = Response(
        data if isinstance(data, str) else to_json(data), status=status, mimetype="application/json"
    )
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export_table() -> str | None:
    from playtest.summary.export import TABLES

    table = request.args.get("table")
    if table is not None and table not in TABLES:
        raise ActionError(
            ErrorCode.INVALID,
            _("Unknown table. Choose one of: %(tables)s.", tables=", ".join(TABLES)),
        )
    return table


@bp.get("/playtests/<int:playtest_id>/summary")
@staff_required()
def playtest_summary(playtest_id: int):
    from playtest.summary.services import playtest_summary_json

    text = playtest_summary_json(playtest_id)
    if text is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such playtest."))
    return _ordered_json(text)


@bp.get("/playtests/<int:playtest_id>/export.json")
@staff_required()
def export_json(playtest_id: int):
    """All tables as {"playtest", "tables": {name: records}}, or one table's records."""
    from playtest.summary import export

    table = _export_table()
    data = export.export_json(playtest_id, table)
    if data is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such playtest."))
    return _ordered_json(data, filename=export.json_filename(playtest_id, table))


@bp.get("/playtests/<int:playtest_id>/export.csv")
@staff_required()
def export_csv(playtest_id: int):
    """One table as CSV; `table` is required (a CSV holds one table), else 422 naming them."""
    from flask import Response

    from playtest.summary import export

    table = _export_table()
    if table is None:
        raise ActionError(
            ErrorCode.INVALID,
            _("Choose a table: %(tables)s.", tables=", ".join(export.TABLES)),
        )
    text = export.export_csv(playtest_id, table)
    if text is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such playtest."))
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export.csv_filename(playtest_id, table)}"'
    )
    return response
