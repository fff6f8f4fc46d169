"""The receiving role sees from which role a case came and why."""

from __future__ import annotations

from tests.board.test_events import board  # noqa: F401
from tests.conftest import drain, emit, new_id


def test_the_receiving_role_reads_who_passed_it_on_and_why(board):  # noqa: F811
    opened = emit(board["ada"], "case:open", {"client_id": new_id(), "label": "C-7"})["case"]
    assert opened["handed_from"] is None
    drain(board["bea"])
    emit(
        board["ada"],
        "case:handoff",
        {
            "client_id": new_id(),
            "case_id": opened["id"],
            "to_role": "Policy advisor",
            "reason": "Needs a ruling",
        },
    )
    seen = drain(board["bea"])["case:updated"][-1]
    assert seen["holder_role"] == "Policy advisor"
    assert seen["handed_from"] == {"role": "Intake officer", "reason": "Needs a ruling"}
    undone = emit(
        board["staff"], "case:correct", {"case_id": opened["id"], "action": "undo_handoff"}
    )
    assert undone["ok"] is True, undone
    assert drain(board["bea"])["case:updated"][-1]["handed_from"] is None
