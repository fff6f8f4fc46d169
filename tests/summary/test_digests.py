"""Stored session digests: the summary reads them for finished sessions and they never go stale.

Each test changes a finished session's data in a way a facilitator or a later session really
can, then checks the summary (from digests) equals one read afresh from every row, and that
the change shows: so a digest that missed a change would fail here, not in a meeting.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from hypothesis import given, settings
from hypothesis import strategies as st

from playtest import config, create_app
from playtest.board import services as board
from playtest.cases import services as cases
from playtest.extensions import db
from playtest.models import Reflection, Round, Session, SessionDigest
from playtest.privacy import purge_playtest
from playtest.summary import digests, versions
from playtest.summary.queries import _minutes_between
from playtest.summary.services import playtest_summary
from tests.summary.test_services import BENEFITS, INTAKE, POLICY, build_story, rounds_by_label


def fresh(playtest_id: int) -> dict:
    summary = playtest_summary(playtest_id, stored=False)
    summary.pop("generated_at")
    return summary


def from_digests(playtest_id: int) -> dict:
    summary = playtest_summary(playtest_id)
    summary.pop("generated_at")
    return summary


def stored_sessions() -> set[int]:
    return set(db.session.scalars(sa.select(SessionDigest.session_id)))


@pytest.fixture
def story(make, monkeypatch) -> dict:
    data = build_story(make, monkeypatch)
    before = from_digests(data["playtest_id"])  # stores the finished session's digest
    assert stored_sessions() == {data["s1"]}  # s1 is finished; s2 and p1 are live
    data["before"] = before
    return data


def staff_in(story: dict, session_key: str):
    return story["story"].staff(db.session.get(Session, story[session_key]))


def assert_current(story: dict) -> dict:
    """The digest-backed summary equals a fresh one, and the change is visible in it."""
    db.session.expire_all()
    summary = from_digests(story["playtest_id"])
    assert summary == fresh(story["playtest_id"])
    assert summary != story["before"]
    return summary


def test_a_finished_sessions_digest_is_stored_and_read_back(story):
    assert from_digests(story["playtest_id"]) == story["before"] == fresh(story["playtest_id"])
    digest = db.session.get(SessionDigest, story["s1"])
    assert digest.format == digests.FORMAT
    assert digest.data_version == db.session.get(Session, story["s1"]).data_version


def test_reading_a_stored_digest_skips_the_sessions_rows(story, app):
    case_reads: list[list] = []  # the bound values of each statement reading cases

    def record(conn, cursor, statement, parameters, *args):
        if "FROM cases" in statement:
            values = parameters.values() if isinstance(parameters, dict) else parameters
            case_reads.append(list(values))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        from_digests(story["playtest_id"])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    # The live sessions' cases are read; finished session 1's come from its digest.
    assert any(story["s2"] in values for values in case_reads)
    assert not any(story["s1"] in values for values in case_reads)


def test_a_case_from_a_finished_session_answered_in_a_later_one(story):
    # C-4 was opened in session 1 and handed to policy; Ada answers it in session 2.
    ada = story["story"].people[("Ada", story["s2"])]
    c4 = db.session.scalar(sa.select(cases.Case.id).where(cases.Case.label == "C-4"))
    cases.answer(ada, {"client_id": str(uuid.uuid4()), "case_id": c4})
    summary = assert_current(story)
    baseline = rounds_by_label(summary)["Baseline"]
    s1 = baseline["sessions"][0]
    assert s1["cases"]["answered"] == 4 and s1["cases"]["unanswered"] == 0
    # The process map follows: nothing is stuck with policy any more, and C-4's path ends in
    # an answer (policy held it from minute 10; Ada answers at the story's last minute, 115).
    assert baseline["process"]["stuck"] == {}
    assert {"from": POLICY, "to": "answered", "count": 2, "median_wait_min": 62.5} in (
        baseline["process"]["edges"]
    )
    # Only session 1 (0 to 33) ran: C-4 (opened at 2) works 31 minutes; C-1 30, C-3 20, C-2 10.
    assert baseline["cases"]["working_time_to_answer_min"]["n"] == 4
    assert baseline["cases"]["working_time_to_answer_min"]["q3"] == 30.25


def test_a_handoff_in_a_finished_session_undone_from_a_later_one(story):
    c1 = db.session.scalar(sa.select(cases.Case.id).where(cases.Case.label == "C-1"))
    cases.correct(staff_in(story, "s2"), {"case_id": c1, "action": "undo_handoff"})
    summary = assert_current(story)
    baseline = rounds_by_label(summary)["Baseline"]
    assert baseline["handoffs"] == {"n": 2}
    # C-1's handoff to policy is gone from its path: benefits answered-by-policy no more.
    paths = [variant["path"] for variant in baseline["process"]["variants"]]
    assert [INTAKE, BENEFITS, "answered"] in paths
    assert [INTAKE, BENEFITS, POLICY, "answered"] not in paths


def test_moderating_a_finished_sessions_board(story):
    board.hide(staff_in(story, "s1"), story["cards"]["idea"], True)
    summary = assert_current(story)
    s1_board = rounds_by_label(summary)["Baseline"]["sessions"][0]["board"]
    assert s1_board["n_hidden"] == 2


def test_a_purge_blanks_the_top_cards_text(story):
    purge_playtest(story["playtest_id"])
    db.session.commit()
    summary = assert_current(story)
    tops = [
        c for lane in rounds_by_label(summary)["Baseline"]["board"]["lanes"] for c in lane["top"]
    ]
    assert tops and all(card["text"] == "" for card in tops)


def test_a_bulk_update_through_the_session(story):
    db.session.execute(
        sa.update(Reflection)
        .where(Reflection.id == story["cards"]["highlight"])
        .values(votes=Reflection.votes + 5)
    )
    db.session.commit()
    assert_current(story)


def test_a_write_bumps_its_session_once_however_many_apps_were_made(story, tmp_path):
    """The listeners are attached by create_app, once: another app (each test makes one, a
    process may make several) adds no second bump, and a bare import adds none at all."""
    other = {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": None, "REDIS_URL": None}
    create_app({**other, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite3'}"})
    before = db.session.get(Session, story["s1"]).data_version
    # Showing a shown card: one write (hiding one would also take back its votes).
    board.hide(staff_in(story, "s1"), story["cards"]["idea"], False)
    db.session.expire_all()
    assert db.session.get(Session, story["s1"]).data_version == before + 1
    assert not sa.event.contains(so.Session, "after_flush", versions._after_flush)


def test_a_digest_of_another_format_or_version_is_rebuilt(story):
    digest = db.session.get(SessionDigest, story["s1"])
    digest.format = digests.FORMAT + 1
    db.session.commit()
    assert from_digests(story["playtest_id"]) == story["before"]
    assert db.session.get(SessionDigest, story["s1"]).format == digests.FORMAT
    # A digest stored at an older version (a write raced the summary) is not used either.
    db.session.execute(
        sa.update(SessionDigest)
        .where(SessionDigest.session_id == story["s1"])
        .values(data_version=SessionDigest.data_version - 1, facts={"broken": True})
    )
    db.session.commit()
    assert from_digests(story["playtest_id"]) == story["before"]


def test_posting_in_a_live_session_leaves_finished_digests_alone(story):
    versions = {key: db.session.get(Session, story[key]).data_version for key in ("s1", "p1")}
    eve = story["story"].people[("Eve", story["p1"])]
    story["story"].post(eve, "Highlights", "Live card")
    db.session.expire_all()
    # The hot path writes no version at all: p1 is live, and s1 was not touched.
    assert {key: db.session.get(Session, story[key]).data_version for key in versions} == versions
    summary = from_digests(story["playtest_id"])
    assert summary == fresh(story["playtest_id"])
    assert rounds_by_label(summary)["Prototype"]["lanes"]["Highlights"] == 1


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
)
def test_minutes_to_answer_read_in_bulk_equal_pythons_to_the_last_bit(opened, took):
    # The summary reads every case's times with numpy; they must be the very numbers a
    # person gets from the CSV's timestamps with Python, on either database's value form.
    answered = opened + took
    expected = took.total_seconds() / 60.0
    for as_stored in (lambda t: t, lambda t: t.strftime("%Y-%m-%d %H:%M:%S.%f")):
        got = _minutes_between([as_stored(opened)] * 2, [as_stored(answered), None])
        assert got[0] == expected and np.isnan(got[1])


def test_a_session_just_finished_is_stored_only_once_writes_in_flight_have_landed(
    story, monkeypatch
):
    # A write that read session 2 as running just before it finished bumps nothing; so its
    # digest waits until no such write can still be in flight.
    session = db.session.get(Session, story["s2"])
    live_now = datetime.now(UTC)
    monkeypatch.setattr(digests, "utcnow", lambda: live_now)
    story["story"].now = live_now
    story["story"].clock(session, "start")
    story["story"].clock(session, "finish")
    from_digests(story["playtest_id"])
    assert stored_sessions() == {story["s1"]}
    monkeypatch.setattr(
        digests, "utcnow", lambda: live_now + timedelta(seconds=config.DIGEST_AFTER_FINISH_S)
    )
    assert from_digests(story["playtest_id"]) == fresh(story["playtest_id"])
    assert stored_sessions() == {story["s1"], story["s2"]}


def test_a_settled_playtests_summary_text_is_reused_until_anything_in_it_changes(
    story, monkeypatch
):
    from playtest.summary import services

    for key, minutes in (("s2", 200), ("p1", 300)):
        session = db.session.get(Session, story[key])
        story["story"].at(minutes).clock(session, "start")
        story["story"].at(minutes + 90).clock(session, "finish")
    builds = []
    real_build = services.build_summary
    monkeypatch.setattr(services, "build_summary", lambda *a: builds.append(1) or real_build(*a))
    pid = story["playtest_id"]

    first = services.playtest_summary_json(pid)
    assert services.playtest_summary_json(pid) == first and len(builds) == 1

    board.hide(staff_in(story, "s1"), story["cards"]["idea"], True)  # a finished session
    hidden = json.loads(services.playtest_summary_json(pid))
    assert len(builds) == 2
    assert rounds_by_label(hidden)["Baseline"]["board"]["n_hidden"] == 2
    hidden.pop("generated_at")
    assert hidden == fresh(pid)

    builds.clear()
    db.session.get(Round, story["baseline"]).label = "Baseline (current process)"
    db.session.commit()
    assert "Baseline (current process)" in rounds_by_label(
        json.loads(services.playtest_summary_json(pid))
    )
    assert len(builds) == 1


def test_a_playtest_with_a_session_still_running_is_summarised_afresh_each_time(story, monkeypatch):
    from playtest.summary import services

    builds = []
    real_build = services.build_summary
    monkeypatch.setattr(services, "build_summary", lambda *a: builds.append(1) or real_build(*a))
    services.playtest_summary_json(story["playtest_id"])
    services.playtest_summary_json(story["playtest_id"])
    assert len(builds) == 2  # sessions 2 and p1 are live: posts there bump no version
