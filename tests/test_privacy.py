"""Data retention: `playtest purge` removes names and free text and keeps the numbers."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from playtest.extensions import db
from playtest.facilitation import services as facilitation
from playtest.models import Attendance, Case, CaseEvent, Playtest, Rating, Reflection, Session
from playtest.timeutil import utcnow
from tests.conftest import drain, emit, new_id


def run_a_session(make, live_clients):
    session = make.session()
    token, _ = make.join(session, "Ada Lovelace", "Intake officer")
    ada = live_clients.participant(token)
    drain(ada)
    emit(ada, "reflection:add", {"client_id": new_id(), "lane": "Blockers", "text": "Ada's secret"})
    case = emit(ada, "case:open", {"client_id": new_id(), "label": "Smith household"})["case"]
    emit(
        ada,
        "case:handoff",
        {
            "client_id": new_id(),
            "case_id": case["id"],
            "to_role": "Policy advisor",
            "reason": "ask",
        },
    )
    emit(ada, "case:answer", {"client_id": new_id(), "case_id": case["id"], "outcome": "paid"})
    emit(ada, "rating:submit", {"phase": "before", "answers": {"0": 2, "1": 4}})
    return session, token


def numbers():
    return {
        "lanes": db.session.execute(
            sa.select(Reflection.lane, sa.func.count()).group_by(Reflection.lane)
        ).all(),
        "cases": db.session.execute(
            sa.select(Case.opened_at, Case.answered_at, Case.handoffs, Case.holder_role)
        ).all(),
        "handoffs": db.session.execute(
            sa.select(CaseEvent.kind, CaseEvent.from_role, CaseEvent.to_role, CaseEvent.at)
        ).all(),
        "ratings": db.session.execute(sa.select(Rating.question_index, Rating.value)).all(),
    }


def test_purge_blanks_personal_data_and_keeps_the_numbers(make, live, runner):
    session, token = run_a_session(make, live)
    before = numbers()
    result = runner.invoke(args=["purge", "--playtest", str(session.round.playtest_id), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert numbers() == before
    assert db.session.scalar(sa.select(Attendance.display_name)) == ""
    assert db.session.scalar(sa.select(Reflection.text)) == ""
    assert "Smith" not in db.session.scalar(sa.select(Case.label))
    assert db.session.scalar(sa.select(Case.outcome)) is None
    assert all(note is None for note in db.session.scalars(sa.select(CaseEvent.note)))
    assert live.connect({"token": token}).is_connected("/live") is False
    assert db.session.get(Playtest, session.round.playtest_id).purged_at is not None


def test_purge_older_than_picks_only_old_playtests(make, live, runner):
    old, _ = run_a_session(make, live)
    recent = make.session(label="Recent")  # a playtest of its own, created now
    db.session.get(Session, old.id).created_at = utcnow() - timedelta(days=200)
    db.session.get(Playtest, old.round.playtest_id).created_at = utcnow() - timedelta(days=200)
    db.session.commit()
    result = runner.invoke(args=["purge", "--older-than", "180d", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Playtest #{old.round.playtest_id}" in result.output
    assert db.session.get(Playtest, recent.round.playtest_id).purged_at is None
    again = runner.invoke(args=["purge", "--older-than", "180d", "--yes"])
    assert "Nothing to purge" in again.output


def test_purge_needs_exactly_one_selector(runner):
    assert runner.invoke(args=["purge", "--yes"]).exit_code != 0
    bad = runner.invoke(args=["purge", "--older-than", "six months", "--yes"])
    assert bad.exit_code != 0 and "180d" in bad.output


def test_joining_after_purge_still_works(make, live, runner):
    session, _ = run_a_session(make, live)
    runner.invoke(args=["purge", "--playtest", str(session.round.playtest_id), "--yes"])
    token, attendance = live_join(session)
    assert attendance.display_name == "Bea"
    assert token


def live_join(session):
    return facilitation.join(session.join_code, "Bea", "Policy advisor")
