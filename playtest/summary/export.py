"""Tidy export tables (DESIGN.md §7): one row per observation, as JSON records or CSV.

CSV columns are the JSON keys, in the same order. Times are ISO-8601 UTC with milliseconds.
Anonymous cards carry no author id or role, deleted cards are left out, and a handoff a
facilitator undid is not a handoff. In CSV, text cells that a spreadsheet would run as a
formula are neutralised with security.formula_safe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from playtest.actions import export as action_tables
from playtest.extensions import db
from playtest.models import Playtest, Round
from playtest.security import formula_safe
from playtest.summary import export_queries, queries, scopes
from playtest.summary.services import agenda_block
from playtest.timeutil import iso_ms

# The columns each query gives; TABLES adds round_label and baseline beside every round_id.
_QUERIED: dict[str, tuple[str, ...]] = {
    "reflections": (
        "id",
        "round_id",
        "session_id",
        "lane",
        "text",
        "votes",
        "hidden",
        "group",
        "author_participant_id",
        "author_role",
        "created_at",
    ),
    "cases": (
        "case_id",
        "round_id",
        "session_id",
        "label",
        "case_type",
        "opened_at",
        "answered_at",
        "handoffs",
        "outcome",
    ),
    "handoffs": ("case_id", "round_id", "session_id", "from_role", "to_role", "reason", "at"),
    "ratings": (
        "participant_id",
        "round_id",
        "session_id",
        "phase",
        "question_index",
        "question",
        "value",
        "at",
    ),
    "segments": (
        "round_id",
        "session_id",
        "index",
        "title",
        "kind",
        "planned_min",
        "actual_min",
        "original_min",
        "edited",
    ),
    "actions": action_tables.ACTION_COLUMNS,
    "sessions": action_tables.SESSION_COLUMNS,
}


def _beside_round(columns: tuple[str, ...]) -> tuple[str, ...]:
    if "round_label" in columns or "round_id" not in columns:
        return columns
    at = columns.index("round_id") + 1
    return (*columns[:at], "round_label", "baseline", *columns[at:])


TABLES: dict[str, tuple[str, ...]] = {name: _beside_round(c) for name, c in _QUERIED.items()}


class UnknownTable(ValueError):
    """A table name that is not one of TABLES."""


def _json_value(value: object) -> object:
    return iso_ms(value) if isinstance(value, datetime) else value


def _records(rows: Iterable, columns: tuple[str, ...]) -> list[dict]:
    return [
        {column: _json_value(value) for column, value in zip(columns, row, strict=True)}
        for row in rows
    ]


def _ratings(playtest_id: int) -> list[dict]:
    questions = {r.id: r.questions for r in scopes.round_infos(playtest_id)}
    out = []
    for row in export_queries.export_ratings(playtest_id):
        asked = questions.get(row.round_id, ())
        out.append(
            {
                "participant_id": row.participant_id,
                "round_id": row.round_id,
                "session_id": row.session_id,
                "phase": row.phase,
                "question_index": row.question_index,
                "question": asked[row.question_index] if row.question_index < len(asked) else None,
                "value": row.value,
                "at": iso_ms(row.at),
            }
        )
    return out


def _segments(playtest_id: int) -> list[dict]:
    """Every segment of every session's agenda, in its edited order: planned minutes (as
    edited), actual once it ran, and the playbook's minutes beside them (§9)."""
    rounds = {r.id: r for r in scopes.round_infos(playtest_id)}
    runs = queries.segment_runs(scopes.sessions_of(playtest_id))
    out = []
    for session in scopes.session_infos(playtest_id):
        agenda = session.segments(rounds[session.round_id])
        block = agenda_block(agenda, runs.get(session.id, []))["segments"]
        for segment, planned in zip(block, agenda, strict=True):
            out.append(
                {
                    "round_id": session.round_id,
                    "session_id": session.id,
                    "index": segment["index"],
                    "title": segment["title"],
                    "kind": segment["kind"],
                    "planned_min": segment["planned_min"],
                    "actual_min": segment["actual_min"],
                    "original_min": planned.get("original_min", planned["minutes"]),
                    "edited": planned.get("edited", False),
                }
            )
    return out


def table_rows(playtest_id: int, table: str) -> list[dict]:
    """One export table as JSON-ready records (keys in TABLES order)."""
    if table not in TABLES:
        raise UnknownTable(table)
    rounds = {
        r.id: (r.label, r.id == (r.playtest.baseline.id if r.playtest.baseline else None))
        for r in db.session.scalars(sa.select(Round).where(Round.playtest_id == playtest_id))
    }
    columns = TABLES[table]
    out = []
    for record in _queried_rows(playtest_id, table):
        if "round_label" not in record:
            record["round_label"], record["baseline"] = rounds.get(record["round_id"], (None, None))
        out.append({column: record[column] for column in columns})
    return out


def _queried_rows(playtest_id: int, table: str) -> list[dict]:
    columns = _QUERIED[table]
    if table == "reflections":
        return _records(export_queries.export_reflections(playtest_id), columns)
    if table == "cases":
        return _records(export_queries.export_cases(playtest_id), columns)
    if table == "handoffs":
        return _records(export_queries.export_handoffs(playtest_id), columns)
    if table == "ratings":
        return _ratings(playtest_id)
    if table == "actions":
        return action_tables.action_rows(playtest_id)
    if table == "sessions":
        return action_tables.session_rows(playtest_id)
    return _segments(playtest_id)


def _playtest(playtest_id: int) -> Playtest | None:
    return db.session.get(Playtest, playtest_id)


def export_json(playtest_id: int, table: str | None = None) -> dict | list | None:
    """{"playtest": {...}, "tables": {name: records}}, or one table's records; None if unknown.

    Raises UnknownTable for a table name that is not exported.
    """
    if table is not None and table not in TABLES:
        raise UnknownTable(table)
    playtest = _playtest(playtest_id)
    if playtest is None:
        return None
    if table is not None:
        return table_rows(playtest_id, table)
    return {
        "playtest": {"id": playtest.id, "title": playtest.title},
        "tables": {name: table_rows(playtest_id, name) for name in TABLES},
    }


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # full precision, the shortest text that reads back the same
    return formula_safe(value)


def export_csv(playtest_id: int, table: str) -> str | None:
    """One table as CSV text (header = the JSON keys); None for an unknown playtest."""
    if table not in TABLES:
        raise UnknownTable(table)
    if _playtest(playtest_id) is None:
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TABLES[table])
    for record in table_rows(playtest_id, table):
        writer.writerow([_csv_cell(record[column]) for column in TABLES[table]])
    return buffer.getvalue()


def csv_filename(playtest_id: int, table: str) -> str:
    return f"playtest-{playtest_id}-{table}.csv"


def json_filename(playtest_id: int, table: str | None = None) -> str:
    return f"playtest-{playtest_id}-{table or 'export'}.json"
