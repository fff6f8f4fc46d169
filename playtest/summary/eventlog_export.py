"""The XES and OCEL 2.0 exports (DESIGN.md §11): a playtest's case event logs read in one
streamed query and written by the pure eventlog.py, chunk by chunk, into a spooled file (in
memory while small, on disk past SPOOL_BYTES) that the response then sends: the document of a
big playtest never sits in memory whole, and nothing reads the database after the view returns.

Only ids leave: a participant is their id, never a display name.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from itertools import groupby

import sqlalchemy as sa
from flask import Response, send_file

from playtest.extensions import db
from playtest.models import Case, CaseEvent, Round, Session
from playtest.summary import eventlog
from playtest.summary.journeys import CaseLog, LogEvent

_ROWS_PER_FETCH = 2000
SPOOL_BYTES = 8 * 1024 * 1024


def case_logs(playtest_id: int) -> Iterator[CaseLog]:
    """Every case of the playtest with its whole event log, corrections included (the writers
    remove them), in round order then case order; streamed, never all in memory."""
    statement = (
        sa.select(
            Case.id,
            Case.label,
            Case.round_id,
            Round.label.label("round_label"),
            Case.session_id,
            CaseEvent.id.label("event_id"),
            CaseEvent.kind,
            CaseEvent.at,
            CaseEvent.session_id.label("event_session_id"),
            CaseEvent.participant_id,
            CaseEvent.from_role,
            CaseEvent.to_role,
            CaseEvent.corrects_id,
        )
        .join(Round, Round.id == Case.round_id)
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Round.id, Case.id, CaseEvent.id)
        .execution_options(yield_per=_ROWS_PER_FETCH)
    )
    rows = db.session.connection().execute(statement)
    for _case_id, events in groupby(rows, key=lambda row: row.id):
        events = list(events)
        first = events[0]
        yield CaseLog(
            case_id=first.id,
            label=first.label,
            round_id=first.round_id,
            round_label=first.round_label,
            session_id=first.session_id,
            events=tuple(
                LogEvent(
                    id=row.event_id,
                    kind=row.kind,
                    at=row.at,
                    session_id=row.event_session_id,
                    participant_id=row.participant_id,
                    from_role=row.from_role,
                    to_role=row.to_role,
                    corrects_id=row.corrects_id,
                )
                for row in events
            ),
        )


def session_heads(playtest_id: int) -> list[eventlog.SessionHead]:
    """The playtest's sessions as the OCEL log names them."""
    rows = db.session.execute(
        sa.select(Session.id, Session.number, Session.round_id, Round.label)
        .join(Round, Round.id == Session.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Round.id, Session.number)
    )
    return [eventlog.SessionHead(*row) for row in rows]


def xes_filename(playtest_id: int) -> str:
    return f"playtest-{playtest_id}-events.xes"


def ocel_filename(playtest_id: int) -> str:
    return f"playtest-{playtest_id}-events.ocel.json"


def _attachment(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed below)
    size = 0
    for chunk in chunks:
        size += spool.write(chunk.encode("utf-8"))
    spool.seek(0)
    if size > SPOOL_BYTES:  # on disk: sent from there, and closed when the response is
        return send_file(spool, mimetype=mimetype, as_attachment=True, download_name=filename)
    with spool:
        response = Response(spool.read(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xes_download(playtest_id: int, title: str) -> Response:
    """The IEEE XES log of a playtest the reader may see (the caller checked)."""
    return _attachment(
        eventlog.xes_chunks(case_logs(playtest_id), title),
        "application/xml",
        xes_filename(playtest_id),
    )


def ocel_download(playtest_id: int) -> Response:
    """The OCEL 2.0 JSON log of a playtest the reader may see (the caller checked)."""
    heads = session_heads(playtest_id)
    return _attachment(
        eventlog.ocel_chunks(case_logs(playtest_id), heads),
        "application/json",
        ocel_filename(playtest_id),
    )
