"""`playtest demo`: a realistic playtest, seeded once, consistent with what the services write."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

from playtest import create_app
from playtest.cases.services import replay
from playtest.demo import BASELINE, EMAIL, PASSWORD, PROTOTYPE, TITLE, TRY_IT, seed_demo
from playtest.extensions import db
from playtest.facilitation import services as facilitation
from playtest.models import Case, Playtest, Reflection, Session, Vote
from playtest.summary.services import playtest_summary
from tests.conftest import SAMPLES


@pytest.fixture
def demo(app):
    return seed_demo(SAMPLES)


def test_seeding_twice_changes_nothing(app, demo):
    again = seed_demo(SAMPLES)
    assert demo.created and not again.created
    assert again.playtest_id == demo.playtest_id
    assert again.counts == demo.counts
    assert again.join_code == demo.join_code
    assert db.session.scalar(sa.select(sa.func.count(Playtest.id))) == 1
    assert demo.counts["participants"] == 10
    assert demo.counts["cases"] > 100 and demo.counts["ratings"] > 400


def test_describe_says_how_to_sign_in_and_join(demo):
    text = demo.describe()
    assert EMAIL in text and PASSWORD in text
    assert demo.join_code in text and f"/j/{demo.join_code}" in text
    assert f"/playtests/{demo.playtest_id}/summary" in text


def test_case_caches_match_a_replay_of_their_events(demo):
    cases = db.session.scalars(sa.select(Case)).all()
    assert cases
    fields = ("status", "holder_role", "handoffs", "answered_at", "answered_session_id", "outcome")
    for case in cases:
        stored = {name: getattr(case, name) for name in fields}
        replay(case)
        assert {name: getattr(case, name) for name in fields} == stored, case.label
    db.session.rollback()
    undone = [c for c in cases if any(e.corrects_id for e in c.events)]
    assert len(undone) == 1  # the facilitator's correction is in the log, not in the count


def test_votes_are_in_step_with_cards_and_within_each_allowance(demo):
    counted = dict(
        db.session.execute(
            sa.select(Vote.reflection_id, sa.func.count(Vote.id)).group_by(Vote.reflection_id)
        ).all()
    )
    for card in db.session.scalars(sa.select(Reflection)):
        assert card.votes == counted.get(card.id, 0)
    per_person = db.session.execute(
        sa.select(sa.func.count(Vote.id)).group_by(Vote.session_id, Vote.participant_id)
    ).scalars()
    assert max(per_person) <= 5
    assert db.session.scalar(sa.select(sa.func.count()).where(Reflection.hidden.is_(True))) == 1
    assert db.session.scalar(sa.select(sa.func.count()).where(Reflection.anonymous.is_(True))) >= 3


def test_the_summary_shows_the_prototype_faster_with_fewer_handoffs(demo):
    summary = playtest_summary(demo.playtest_id)
    rounds = {r["label"]: r for r in summary["rounds"]}
    baseline, prototype = rounds[BASELINE], rounds[PROTOTYPE]
    assert baseline["is_baseline"]
    assert [len(baseline["sessions"]), len(prototype["sessions"])] == [4, 4]
    assert all(s["status"] == "finished" for s in baseline["sessions"] + prototype["sessions"])
    b, p = baseline["cases"], prototype["cases"]
    assert p["handoffs_per_case"]["median"] < b["handoffs_per_case"]["median"]
    assert p["handoffs_per_case"]["zero_share"] > b["handoffs_per_case"]["zero_share"]
    assert p["time_to_answer_min"]["median"] < b["time_to_answer_min"]["median"]
    assert prototype["confidence"]["delta_mean"] > baseline["confidence"]["delta_mean"]
    comparison = next(c for c in summary["comparisons"] if c["round_id"] == prototype["id"])
    assert comparison["handoffs_per_case"]["cliffs_delta"] < 0
    assert comparison["time_to_answer_min"]["cliffs_delta"] < 0
    assert comparison["time_to_answer_min"]["p_value"] < 0.05
    for round_ in (baseline, prototype):
        assert set(round_["lanes"]) == {"Highlights", "Blockers", "Opportunities"}
        assert all(n > 0 for n in round_["lanes"].values())
        assert round_["board"]["groups"]
        for session in round_["sessions"]:
            agenda = session["agenda"]
            assert agenda["planned_min"] == 90.0
            assert all(seg["actual_min"] is not None for seg in agenda["segments"])
            assert 80 < agenda["actual_min"] < 110


def test_a_newcomer_can_join_the_session_nobody_has_started(demo):
    session = db.session.get(Session, demo.live_session_id)
    assert session.status == "not_started" and session.round.label == TRY_IT
    _token, attendance = facilitation.join(demo.join_code, "Newcomer", "Intake officer")
    assert attendance.session_id == session.id


def test_demo_command_seeds_once(fresh_database_url):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": fresh_database_url,
            "DATABASE_URL": None,
            "REDIS_URL": None,
            "PRESENCE_HEARTBEAT": False,
        }
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Seeded" in first.output and PASSWORD in first.output
    with app.app_context():
        counts = copy.deepcopy(seed_demo(SAMPLES).counts)
        assert db.session.scalar(sa.select(Playtest).where(Playtest.title == TITLE)) is not None
        db.session.remove()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "Already there" in second.output
    with app.app_context():
        assert seed_demo(SAMPLES).counts == counts
        db.session.remove()
        db.engine.dispose()


def test_the_demo_facilitator_owns_the_demo_playtest(app, client, demo):
    from tests.auth import login

    app.config["WTF_CSRF_ENABLED"] = True
    login(client, EMAIL, PASSWORD)
    assert client.get(f"/sessions/{demo.live_session_id}/console").status_code == 200
    page = client.get(f"/playtests/{demo.playtest_id}").get_data(as_text=True)
    assert f"{EMAIL}" in page and "Add a member" in page  # its owner
