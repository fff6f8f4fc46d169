"""Case work and ratings over /live: open, hand off, answer, corrections, ratings, progress."""

from __future__ import annotations

import pytest

from playtest.cases.services import replay
from playtest.extensions import db
from playtest.models import AuditEntry, Case, CaseEvent, Rating
from tests.conftest import drain, emit, new_id


@pytest.fixture
def desk(make, live):
    facilitator = make.facilitator()
    session = make.session()
    intake_token, _ = make.join(session, "Ada", "Intake officer")
    policy_token, _ = make.join(session, "Bea", "Policy advisor")
    clients = {
        "intake": live.participant(intake_token),
        "policy": live.participant(policy_token),
        "staff": live.staff(make.token(facilitator), session.id),
    }
    for client in clients.values():
        drain(client)
    return {"session": session, "tokens": (intake_token, policy_token), **clients}


def open_case(client, label="C-104", **extra) -> dict:
    return emit(client, "case:open", {"client_id": new_id(), "label": label, **extra})


def test_opening_a_case_shows_it_to_the_whole_room(desk):
    ack = open_case(desk["intake"], case_type="Benefits change")
    assert ack["ok"] is True
    case = ack["case"]
    assert (case["label"], case["status"], case["holder_role"]) == (
        "C-104",
        "open",
        "Intake officer",
    )
    assert case["case_type"] == "Benefits change"
    for name in ("policy", "staff"):
        updates = drain(desk[name])["case:updated"]
        assert [u["id"] for u in updates] == [case["id"]]


def test_handoff_moves_the_case_to_the_receiving_roles_queue(desk):
    case = open_case(desk["intake"])["case"]
    drain(desk["policy"])
    ack = emit(
        desk["intake"],
        "case:handoff",
        {
            "client_id": new_id(),
            "case_id": case["id"],
            "to_role": "Policy advisor",
            "reason": "rule unclear",
        },
    )
    assert ack["case"]["holder_role"] == "Policy advisor"
    assert ack["case"]["handoffs"] == 1
    seen = drain(desk["policy"])["case:updated"][-1]
    assert seen["holder_role"] == "Policy advisor"
    answer = emit(
        desk["policy"],
        "case:answer",
        {"client_id": new_id(), "case_id": case["id"], "outcome": "Eligible"},
    )
    assert answer["case"]["status"] == "answered"
    assert answer["case"]["outcome"] == "Eligible"
    assert answer["case"]["answered_at"] >= answer["case"]["opened_at"]
    assert drain(desk["intake"])["case:updated"][-1]["status"] == "answered"


def test_case_events_are_an_append_only_log_with_state_replayed_from_it(desk):
    case_id = open_case(desk["intake"])["case"]["id"]
    for role in ("Policy advisor", "Benefits officer"):
        emit(
            desk["intake"],
            "case:handoff",
            {"client_id": new_id(), "case_id": case_id, "to_role": role},
        )
    emit(desk["policy"], "case:answer", {"client_id": new_id(), "case_id": case_id})
    kinds = [e.kind for e in db.session.scalars(db.select(CaseEvent).order_by(CaseEvent.id))]
    assert kinds == ["opened", "handoff", "handoff", "answered"]
    case = db.session.get(Case, case_id)
    cached = (case.status, case.holder_role, case.handoffs, case.answered_at)
    replay(case)
    assert (case.status, case.holder_role, case.handoffs, case.answered_at) == cached


def test_resending_case_events_is_exactly_once(desk):
    open_payload = {"client_id": new_id(), "label": "C-200"}
    first = emit(desk["intake"], "case:open", open_payload)
    again = emit(desk["intake"], "case:open", open_payload)
    assert again["case"]["id"] == first["case"]["id"] and again["created"] is False
    handoff = {"client_id": new_id(), "case_id": first["case"]["id"], "to_role": "Policy advisor"}
    emit(desk["intake"], "case:handoff", handoff)
    emit(desk["intake"], "case:handoff", handoff)
    assert db.session.get(Case, first["case"]["id"]).handoffs == 1
    assert db.session.query(Case).count() == 1


@pytest.mark.parametrize(
    "event, payload, code",
    [
        ("case:open", {"label": "C-1"}, "invalid"),
        ("case:open", {"client_id": "x" * 36, "label": "  "}, "invalid"),
        ("case:open", {"client_id": "y" * 36, "label": "L" * 61}, "invalid"),
        (
            "case:handoff",
            {"client_id": "z" * 36, "case_id": 999, "to_role": "Policy advisor"},
            "not_found",
        ),
        (
            "case:handoff",
            {"client_id": "w" * 36, "case_id": "1", "to_role": "Policy advisor"},
            "not_found",
        ),
        ("case:answer", {"client_id": "v" * 36, "case_id": 999}, "not_found"),
    ],
)
def test_bad_case_events_store_nothing(desk, event, payload, code):
    ack = emit(desk["intake"], event, payload)
    assert ack["ok"] is False and ack["error"]["code"] == code
    assert db.session.query(CaseEvent).count() == 0


def test_handoff_to_an_unknown_role_or_of_an_answered_case_is_invalid(desk):
    case_id = open_case(desk["intake"])["case"]["id"]
    unknown = emit(
        desk["intake"],
        "case:handoff",
        {"client_id": new_id(), "case_id": case_id, "to_role": "Wizard"},
    )
    assert unknown["error"]["code"] == "invalid"
    same = emit(
        desk["intake"],
        "case:handoff",
        {"client_id": new_id(), "case_id": case_id, "to_role": "Intake officer"},
    )
    assert same["error"]["code"] == "invalid"
    emit(desk["intake"], "case:answer", {"client_id": new_id(), "case_id": case_id})
    late = emit(
        desk["intake"],
        "case:handoff",
        {"client_id": new_id(), "case_id": case_id, "to_role": "Policy advisor"},
    )
    assert late["error"]["code"] == "invalid"
    twice = emit(desk["intake"], "case:answer", {"client_id": new_id(), "case_id": case_id})
    assert twice["error"]["code"] == "invalid"
    assert db.session.get(Case, case_id).handoffs == 0


def test_cases_of_another_playtest_are_not_found(desk, make, live):
    other_session = make.session(playtest=None, label="Elsewhere")
    token, _ = make.join(other_session, "Cy", "Intake officer")
    cy = live.participant(token)
    theirs = open_case(cy, "X-1")["case"]["id"]
    ack = emit(desk["intake"], "case:answer", {"client_id": new_id(), "case_id": theirs})
    assert ack["error"]["code"] == "not_found"


def test_a_case_opened_in_one_session_can_be_answered_in_the_next(make, live, desk):
    case_id = open_case(desk["intake"])["case"]["id"]
    round_ = desk["session"].round
    from playtest.facilitation import services

    session_two, _ = services.schedule_session(round_, 2)
    token, _ = make.join(session_two, "Bea", "Policy advisor", previous_token=desk["tokens"][1])
    bea = live.participant(token)
    state = drain(bea)["state"][0]
    assert [c["id"] for c in state["cases"]] == [case_id]
    ack = emit(bea, "case:answer", {"client_id": new_id(), "case_id": case_id})
    case = db.session.get(Case, case_id)
    assert ack["ok"] and case.session_id == desk["session"].id
    assert case.answered_session_id == session_two.id


def test_staff_cannot_log_case_work(desk):
    assert open_case(desk["staff"])["error"]["code"] == "forbidden"


def test_facilitator_corrections_are_replayed_and_audited(desk):
    case_id = open_case(desk["intake"])["case"]["id"]
    emit(
        desk["intake"],
        "case:handoff",
        {"client_id": new_id(), "case_id": case_id, "to_role": "Policy advisor"},
    )
    emit(desk["policy"], "case:answer", {"client_id": new_id(), "case_id": case_id})
    reopened = emit(desk["staff"], "case:correct", {"case_id": case_id, "action": "reopen"})
    assert reopened["case"]["status"] == "open"
    undone = emit(desk["staff"], "case:correct", {"case_id": case_id, "action": "undo_handoff"})
    assert undone["case"]["handoffs"] == 0
    assert undone["case"]["holder_role"] == "Intake officer"
    nothing = emit(desk["staff"], "case:correct", {"case_id": case_id, "action": "undo_handoff"})
    assert nothing["error"]["code"] == "invalid"
    assert (
        emit(desk["intake"], "case:correct", {"case_id": case_id, "action": "reopen"})["error"][
            "code"
        ]
        == "forbidden"
    )
    actions = [a.action for a in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["case:reopen", "case:undo_handoff"]
    kinds = [e.kind for e in db.session.scalars(db.select(CaseEvent).order_by(CaseEvent.id))]
    assert kinds == ["opened", "handoff", "answered", "reopened", "handoff_undone"]


def test_case_labels_that_look_personal_are_flagged(desk):
    assert open_case(desk["intake"], "jane.doe@example.com")["case"]["pii_flag"] is True
    assert open_case(desk["intake"], "C-105")["case"]["pii_flag"] is False


# --- ratings -----------------------------------------------------------------------------------


def test_ratings_are_stored_changeable_and_progress_is_counts_only(desk):
    ack = emit(desk["intake"], "rating:submit", {"phase": "before", "answers": {"0": 2, "1": 3}})
    assert ack == {"ok": True, "phase": "before", "answers": {"0": 2, "1": 3}}
    progress = drain(desk["staff"])["rating:progress"][-1]
    assert progress["before"] == 1 and progress["after"] == 0 and progress["participants"] == 2
    assert "Ada" not in str(progress)
    changed = emit(desk["intake"], "rating:submit", {"phase": "before", "answers": {"1": 5}})
    assert changed["answers"] == {"0": 2, "1": 5}
    assert db.session.query(Rating).count() == 2
    assert "rating:progress" not in drain(desk["policy"])


@pytest.mark.parametrize(
    "payload",
    [
        {"phase": "during", "answers": {"0": 3}},
        {"phase": "before", "answers": {"0": 6}},
        {"phase": "before", "answers": {"0": 0}},
        {"phase": "before", "answers": {"0": True}},
        {"phase": "before", "answers": {"0": 2.5}},
        {"phase": "before", "answers": {"2": 3}},
        {"phase": "before", "answers": {"-1": 3}},
        {"phase": "before", "answers": {}},
        {"phase": "before", "answers": [3, 4]},
    ],
)
def test_bad_ratings_are_invalid_and_store_nothing(desk, payload):
    ack = emit(desk["intake"], "rating:submit", payload)
    assert ack["error"]["code"] == "invalid"
    assert db.session.query(Rating).count() == 0


def test_closing_ratings_stops_changes_for_that_phase(desk):
    emit(desk["intake"], "rating:submit", {"phase": "before", "answers": {"0": 2}})
    closed = emit(desk["staff"], "rating:close", {"phase": "before", "closed": True})
    assert closed["closed_phases"] == ["before"]
    assert drain(desk["intake"])["ratings:closed"][-1]["closed_phases"] == ["before"]
    ack = emit(desk["intake"], "rating:submit", {"phase": "before", "answers": {"0": 5}})
    assert ack["error"]["code"] == "session_closed"
    assert emit(desk["staff"], "ratings:open", {"phase": "after"})["ok"]
    assert emit(desk["intake"], "rating:submit", {"phase": "after", "answers": {"0": 5}})["ok"]
    assert (
        emit(desk["intake"], "rating:close", {"phase": "after", "closed": True})["error"]["code"]
        == "forbidden"
    )


def test_before_ratings_are_allowed_before_the_clock_starts_and_in_any_segment(desk):
    assert emit(desk["intake"], "rating:submit", {"phase": "before", "answers": {"0": 4}})["ok"]
    assert emit(desk["staff"], "timer:control", {"action": "start"})["ok"]
    assert emit(desk["intake"], "rating:submit", {"phase": "before", "answers": {"0": 3}})["ok"]


def test_after_ratings_wait_for_the_last_segment_or_the_facilitator(desk):
    early = emit(desk["intake"], "rating:submit", {"phase": "after", "answers": {"0": 4}})
    assert early["error"] == {
        "code": "invalid",
        "message": "After-ratings open at the end of the session",
    }
    assert emit(desk["staff"], "timer:control", {"action": "start"})["ok"]
    assert emit(desk["staff"], "timer:control", {"action": "next"})["ok"]  # the last segment
    assert emit(desk["intake"], "rating:submit", {"phase": "after", "answers": {"0": 4}})["ok"]


def test_rejoining_with_previous_token_keeps_the_same_participant(desk, make):
    from playtest.facilitation import services

    original = services.attendance_for_token(desk["tokens"][0]).participant_id
    session_two, _ = services.schedule_session(desk["session"].round, 2)
    _, again = make.join(
        desk["session"], "Ada again", "Intake officer", previous_token=desk["tokens"][0]
    )
    _, next_session = make.join(
        session_two, "Ada", "Intake officer", previous_token=desk["tokens"][0]
    )
    assert again.participant_id == next_session.participant_id == original
    _, stranger = make.join(session_two, "Cy", "Intake officer")
    assert stranger.participant_id != original
