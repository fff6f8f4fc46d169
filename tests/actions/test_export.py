"""The actions and sessions export tables (DESIGN.md §10), and no proposer in any export."""

from __future__ import annotations

import csv
import io
import json

from tests.board.test_events import post
from tests.conftest import emit, new_id


def test_actions_and_sessions_export_with_their_times(board, client):
    headers = {"Authorization": f"Bearer {board['staff_token']}"}
    session = board["session"]
    base = f"/api/v1/playtests/{session.round.playtest_id}"
    card = post(board["ada"], "Nobody owns triage", lane="Blockers")["reflection"]
    proposed = emit(
        board["ada"],
        "action:propose",
        {"client_id": new_id(), "text": "=Name an owner", "source_ids": [card["id"]]},
    )["action"]
    emit(board["staff"], "timer:control", {"action": "start"})
    for status in ("agreed", "trying", "done"):
        emit(board["staff"], "action:update", {"id": proposed["id"], "status": status})
    emit(board["staff"], "timer:control", {"action": "finish"})

    rows = client.get(f"{base}/export.json?table=actions", headers=headers).json
    assert len(rows) == 1
    row = rows[0]
    assert row["action_id"] == proposed["id"] and row["status"] == "done"
    assert row["source_ids"] == str(card["id"])
    assert row["trying_at"] and row["done_at"] and row["dropped_at"] is None
    assert row["trying_at"] <= row["done_at"]
    text = client.get(f"{base}/export.csv?table=actions", headers=headers).get_data(as_text=True)
    assert list(csv.DictReader(io.StringIO(text)))[0]["text"] == "'=Name an owner"

    sessions = client.get(f"{base}/export.json?table=sessions", headers=headers).json
    assert sessions == [
        {
            "session_id": session.id,
            "round_id": session.round_id,
            "round_label": "Baseline",
            "baseline": True,
            "number": 1,
            "started_at": sessions[0]["started_at"],
            "finished_at": sessions[0]["finished_at"],
        }
    ]
    assert sessions[0]["started_at"] < sessions[0]["finished_at"]

    everything = client.get(f"{base}/export.json", headers=headers).json
    assert "Ada" not in json.dumps(everything["tables"]["actions"])
    assert set(everything["tables"]["actions"][0]) == set(row)


def test_every_table_names_its_round_and_handoffs_and_cases_carry_their_words(board, client):
    headers = {"Authorization": f"Bearer {board['staff_token']}"}
    base = f"/api/v1/playtests/{board['session'].round.playtest_id}"
    opened = emit(board["ada"], "case:open", {"client_id": new_id(), "label": "C-104"})["case"]
    emit(
        board["ada"],
        "case:handoff",
        {
            "client_id": new_id(),
            "case_id": opened["id"],
            "to_role": "Policy advisor",
            "reason": "Needs a policy ruling",
        },
    )
    emit(
        board["bea"],
        "case:answer",
        {"client_id": new_id(), "case_id": opened["id"], "outcome": "Granted"},
    )
    post(board["ada"], "A card")
    everything = client.get(f"{base}/export.json", headers=headers).json["tables"]
    for name, rows in everything.items():
        for row in rows:
            assert row["round_label"] == "Baseline" and row["baseline"] is True, name
    assert everything["handoffs"][0]["reason"] == "Needs a policy ruling"
    assert everything["cases"][0]["outcome"] == "Granted"
    header = client.get(f"{base}/export.csv?table=handoffs", headers=headers).get_data(as_text=True)
    assert header.startswith("case_id,round_id,round_label,baseline,session_id,from_role")


def test_a_purge_blanks_the_words_of_actions_and_keeps_their_history(board):
    from playtest.actions.models import Action
    from playtest.extensions import db
    from playtest.privacy import purge_playtest

    added = emit(
        board["staff"],
        "action:add",
        {"client_id": new_id(), "text": "Call Mrs Jones back", "owner": "Ada Lovelace"},
    )["action"]
    emit(board["staff"], "action:update", {"id": added["id"], "status": "trying"})
    counts = purge_playtest(board["session"].round.playtest_id)
    assert counts["actions"] == 1
    action = db.session.get(Action, added["id"])
    assert action.text == f"action {action.id}" and action.owner == ""
    assert [h["status"] for h in action.history] == ["agreed", "trying"]
