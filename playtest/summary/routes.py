"""Summary pages, printable report and exports for signed-in staff (facilitators, observers)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from playtest import access
from playtest.errors import ActionError, ErrorCode
from playtest.formatting import finite
from playtest.summary import case_page as cases
from playtest.summary import eventlog_export, export
from playtest.summary.charts import figures
from playtest.summary.process_charts import process_figures
from playtest.summary.services import playtest_summary, to_json
from playtest.summary.timeline import timeline_chart, timeline_rows

bp = Blueprint("summary", __name__)

# Romano et al. (2006) thresholds for |Cliff's delta|.
CLIFF_THRESHOLDS = (0.147, 0.33, 0.474)


def summary_context(playtest_id: int) -> dict | None:
    """What the summary page and the report render: the one summary dict and its charts."""
    summary = playtest_summary(playtest_id)
    if summary is None:
        return None
    names = export_names()
    return {
        "summary": summary,
        "figures": figures(summary) | process_figures(summary),
        "timeline": timeline_chart("chart-actions-timeline", summary),
        "timeline_rows": timeline_rows(summary),
        "rounds_by_id": {r["id"]: r for r in summary["rounds"]},
        "exports": [(table, names[table]) for table in export.TABLES],
        "case_links": cases.case_links(playtest_id),
    }


def export_names() -> dict[str, str]:
    """Each CSV export's link text, in the reader's language."""
    return {
        "reflections": _("Reflections (CSV)"),
        "cases": _("Cases (CSV)"),
        "handoffs": _("Handoffs (CSV)"),
        "ratings": _("Ratings (CSV)"),
        "segments": _("Segments (CSV)"),
        "actions": _("Actions (CSV)"),
        "sessions": _("Sessions (CSV)"),
    }


@bp.get("/playtests/<int:playtest_id>/summary")
@login_required
def summary(playtest_id: int):
    access.playtest_for(current_user, playtest_id)
    context = summary_context(playtest_id)
    if context is None:
        abort(404)
    return render_template("summary/summary.html", **context)


@bp.get("/playtests/<int:playtest_id>/cases/<int:case_id>")
@login_required
def case_page(playtest_id: int, case_id: int):
    """One case's journey: swimlanes by role, with times, reasons and outcome."""
    playtest = access.playtest_for(current_user, playtest_id)
    context = cases.case_context(playtest.id, case_id)
    if context is None:
        abort(404)
    return render_template("summary/case.html", playtest=playtest, **context)


@bp.get("/playtests/<int:playtest_id>/report")
@login_required
def report(playtest_id: int):
    access.playtest_for(current_user, playtest_id)
    context = summary_context(playtest_id)
    if context is None:
        abort(404)
    return render_template("summary/report.html", standalone=False, **context)


@bp.get("/playtests/<int:playtest_id>/export.csv")
@login_required
def export_csv(playtest_id: int):
    access.playtest_for(current_user, playtest_id)
    return download(playtest_id, "csv")


@bp.get("/playtests/<int:playtest_id>/export.json")
@login_required
def export_json(playtest_id: int):
    access.playtest_for(current_user, playtest_id)
    return download(playtest_id, "json")


@bp.get("/playtests/<int:playtest_id>/export.xes")
@login_required
def export_xes(playtest_id: int):
    playtest = access.playtest_for(current_user, playtest_id)
    return eventlog_export.xes_download(playtest.id, playtest.title)


@bp.get("/playtests/<int:playtest_id>/export.ocel.json")
@login_required
def export_ocel(playtest_id: int):
    access.playtest_for(current_user, playtest_id)
    return eventlog_export.ocel_download(playtest_id)


def download(playtest_id: int, fmt: str) -> Response:
    """An export as a file: `fmt` csv (one `?table=`) or json (every table, or one).

    The page and the API (api/routes.py) both answer with this, once they have checked the
    reader's membership (access.playtest_for); a refusal is an ActionError, so people get a
    page and API clients JSON.
    """
    table = request.args.get("table") or None
    tables = ", ".join(export.TABLES)
    if table is not None and table not in export.TABLES:
        raise ActionError(
            ErrorCode.INVALID, _("Unknown table. Choose one of: %(tables)s.", tables=tables)
        )
    if fmt == "csv":
        if table is None:  # a CSV holds one table
            raise ActionError(ErrorCode.INVALID, _("Choose a table: %(tables)s.", tables=tables))
        text = export.export_csv(playtest_id, table)
        mimetype, filename = "text/csv", export.csv_filename(playtest_id, table)
    else:
        data = export.export_json(playtest_id, table)
        text = None if data is None else to_json(data)
        mimetype, filename = "application/json", export.json_filename(playtest_id, table)
    if text is None:
        raise ActionError(ErrorCode.NOT_FOUND, _("No such playtest."))
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- words for figures (numbers themselves go through playtest.formatting) -------------------


@bp.app_template_filter("cliff")
def describe_cliff(value: object) -> str:
    """Magnitude of Cliff's delta in words (negligible, small, medium, large)."""
    if not finite(value):
        return ""
    words = (_("negligible"), _("small"), _("medium"))
    size = abs(value)
    for limit, word in zip(CLIFF_THRESHOLDS, words, strict=True):
        if size < limit:
            return word
    return _("large")
