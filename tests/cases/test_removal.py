"""Deleting and renaming cases: own cases while the session runs, any case for a facilitator;
a deleted case's label is gone everywhere and the summary stays exact."""

from __future__ import annotations

import json

import sqlalchemy as sa

from playtest.cases import removal
from playtest.extensions import db
from playtest.models import AuditEntry, Case, CaseEvent
from playtest.summary.export import export_json
from tests.board.test_events import board  # noqa: F401
from tests.conftest import drain, emit, new_id
from tests.summary.test_digests import assert_current, from_digests, staff_in, story  # noqa: F401


def open_case(client, label="C-104") -> dict:
    return emit(client, "case:open", {"client_id": new_id(), "label": label})["case"]


def test_a_participant_deletes_their_own_case_and_every_screen_drops_it(board):  # noqa: F811
    case = open_case(board["ada"], "Mrs Jones 12 High St")
    drain(board["bea"])
    ack = emit(board["ada"], "case:delete", {"case_id": case["id"]})
    assert ack == {"ok": True, "id": case["id"], "deleted": True}
    assert drain(board["bea"])["case:updated"] == [{"id": case["id"], "deleted": True}]
    assert db.session.get(Case, case["id"]) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == 0
    exported = json.dumps(export_json(board["session"].round.playtest_id))
    assert "Mrs Jones" not in exported


def test_a_participant_renames_their_own_case(board):  # noqa: F811
    case = open_case(board["ada"], "Mrs Jones 12 High St")
    ack = emit(board["ada"], "case:rename", {"case_id": case["id"], "label": "C-105"})
    assert ack["ok"] is True and ack["case"]["label"] == "C-105"
    assert drain(board["staff"])["case:updated"][-1]["label"] == "C-105"
    bad = emit(board["ada"], "case:rename", {"case_id": case["id"], "label": "x" * 61})
    assert bad["error"]["code"] == "invalid"
    assert db.session.get(Case, case["id"]).label == "C-105"


def test_nobody_else_changes_a_participants_case_but_a_facilitator(board):  # noqa: F811
    case = open_case(board["ada"])
    for event, extra in (("case:delete", {}), ("case:rename", {"label": "C-9"})):
        ack = emit(board["bea"], event, {"case_id": case["id"], **extra})
        assert ack["error"]["code"] == "forbidden", event
        assert emit(board["projector"], event, {"case_id": case["id"], **extra})["ok"] is False
    assert emit(board["staff"], "case:rename", {"case_id": case["id"], "label": "C-9"})["ok"]
    emit(board["staff"], "timer:control", {"action": "finish"})
    closed = emit(board["ada"], "case:delete", {"case_id": case["id"]})
    assert closed["error"]["code"] == "session_closed"
    assert emit(board["staff"], "case:delete", {"case_id": case["id"]})["ok"] is True
    audited = [e.action for e in db.session.scalars(sa.select(AuditEntry))]
    assert "case:rename" in audited and "case:delete" in audited
    assert all("C-9" not in json.dumps(e.detail) for e in db.session.scalars(sa.select(AuditEntry)))


def test_a_case_of_another_round_is_not_found(board, make):  # noqa: F811
    other = make.session(playtest=None)
    token, _ = make.join(other, "Cy", "Intake officer")
    from playtest.extensions import socketio

    cy = socketio.test_client(make.app, namespace="/live", auth={"token": token})
    theirs = open_case(cy)
    cy.disconnect(namespace="/live")
    ack = emit(board["staff"], "case:delete", {"case_id": theirs["id"]})
    assert ack["error"]["code"] == "not_found"


def test_deleting_a_finished_sessions_case_keeps_the_summary_exact(story):  # noqa: F811
    c1 = db.session.scalar(sa.select(Case.id).where(Case.label == "C-1"))
    removal.delete_case(staff_in(story, "s2"), c1)
    summary = assert_current(story)
    assert "C-1" not in json.dumps(summary)
    assert from_digests(story["playtest_id"]) == summary
