"""The process map (DESIGN.md §11) on hand-computed cases, against a plain-Python reading of the
same definitions, and on case events made through the real services."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from scipy import stats as sps

from playtest.extensions import db
from playtest.models import Case, CaseEvent
from playtest.summary import journeys as jr
from playtest.summary import process
from playtest.summary.journeys import CaseLog, Journey, LogEvent, journey_of_log, journeys_of
from tests.summary.test_services import BENEFITS, INTAKE, POLICY, build_story

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEEK = 7 * 24 * 60


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Log:
    """Builds one case's event log, corrections included, as the case_events table holds it."""

    ids = itertools.count(1)  # event ids are unique across cases, as in the table

    def __init__(self) -> None:
        self.events: list[LogEvent] = []

    def add(self, kind: str, minutes: float, **fields) -> Log:
        self.events.append(
            LogEvent(
                id=next(self.ids),
                kind=kind,
                at=at(minutes),
                session_id=fields.pop("session_id", 1),
                participant_id=fields.pop("participant_id", 7),
                **fields,
            )
        )
        return self

    def open(self, minutes: float, role: str, **fields) -> Log:
        return self.add("opened", minutes, to_role=role, **fields)

    def handoff(self, minutes: float, to_role: str, **fields) -> Log:
        return self.add("handoff", minutes, to_role=to_role, **fields)

    def undo_last_handoff(self, minutes: float) -> Log:
        target = next(e for e in reversed(self.events) if e.kind == "handoff")
        return self.add("handoff_undone", minutes, participant_id=None, corrects_id=target.id)

    def answer(self, minutes: float, **fields) -> Log:
        return self.add("answered", minutes, **fields)


def five_cases() -> list[Log]:
    """C1 goes back to intake (rework); C2 is answered with no handoff; C3 is still with policy;
    C4's handoff to policy was undone before it went to benefits; C5 was opened an hour into
    session 1 and answered a week later, 30 minutes into session 2."""
    return [
        Log().open(0, INTAKE).handoff(10, BENEFITS).handoff(25, INTAKE).answer(40),
        Log().open(0, INTAKE).answer(5),
        Log().open(0, BENEFITS).handoff(3, POLICY),
        Log()
        .open(0, INTAKE)
        .handoff(2, POLICY)
        .undo_last_handoff(4)
        .handoff(6, BENEFITS)
        .answer(20),
        Log().open(60, INTAKE).handoff(80, BENEFITS).answer(WEEK + 30, session_id=2),
    ]


def five() -> jr.Journeys:
    return journeys_of([journey_of_log(log.events) for log in five_cases()], [INTAKE, BENEFITS])


# Session 1: minutes 0-90; session 2: a week later, 0-90 (finished).
WINDOWS = [(at(0), at(90)), (at(WEEK), at(WEEK + 90))]


def test_paths_follow_each_case_with_corrections_removed():
    assert process.paths(five()) == [
        [INTAKE, BENEFITS, INTAKE, "answered"],
        [INTAKE, "answered"],
        [BENEFITS, POLICY, "open"],
        [INTAKE, BENEFITS, "answered"],  # the undone handoff to policy is gone
        [INTAKE, BENEFITS, "answered"],
    ]


def test_edges_count_every_step_with_the_median_wait_between_its_two_events():
    assert process.edges(five()) == [
        # C1 10 min, C4 6 min (from its open: the handoff in between was undone), C5 20 min
        {"from": INTAKE, "to": BENEFITS, "count": 3, "median_wait_min": 10.0},
        # C4 14 min, C5 a week and 30 min after its handoff at minute 80
        {"from": BENEFITS, "to": "answered", "count": 2, "median_wait_min": (14 + 10030) / 2},
        {"from": INTAKE, "to": "answered", "count": 2, "median_wait_min": 10.0},  # 15, 5
        {"from": BENEFITS, "to": INTAKE, "count": 1, "median_wait_min": 15.0},
        {"from": BENEFITS, "to": POLICY, "count": 1, "median_wait_min": 3.0},
        {"from": POLICY, "to": "open", "count": 1, "median_wait_min": None},  # not over yet
    ]


def test_the_process_block_of_five_cases():
    block = process.process_map(five())
    assert block["variants"] == [
        {
            "path": [INTAKE, BENEFITS, "answered"],
            "count": 2,
            "share": 0.4,
            "median_time_to_answer_min": (20 + 10050) / 2,
        },
        # Ties by path: benefits sorts before intake, and a role before an end.
        {
            "path": [BENEFITS, POLICY, "open"],
            "count": 1,
            "share": 0.2,
            "median_time_to_answer_min": None,
        },
        {
            "path": [INTAKE, BENEFITS, INTAKE, "answered"],
            "count": 1,
            "share": 0.2,
            "median_time_to_answer_min": 40.0,
        },
        {"path": [INTAKE, "answered"], "count": 1, "share": 0.2, "median_time_to_answer_min": 5.0},
    ]
    assert block["other_count"] == 0
    assert (block["n"], block["rework"], block["rework_share"]) == (5, 1, 0.2)
    assert block["stuck"] == {POLICY: 1}


def test_working_minutes_count_only_the_time_sessions_ran():
    journeys = five()
    windows = process.session_windows(WINDOWS, now=at(WEEK + 200))
    working = process.working_minutes(journeys.opened_at, journeys.answered_at, windows)
    wall = journeys.minutes_to_answer()
    # C5: 30 minutes at the end of session 1 and 30 at the start of session 2.
    assert np.array_equal(working, [40, 5, np.nan, 20, 60], equal_nan=True)
    assert wall[4] == WEEK + 30 - 60
    # Working minutes 5, 20, 40, 60: numpy's linear quartiles.
    assert process.working_time_to_answer(journeys, windows) == {
        "n": 4,
        "median": 30.0,
        "q1": 16.25,
        "q3": 45.0,
    }


def test_a_running_session_counts_until_now():
    journeys = five()
    running = [(at(0), at(90)), (at(WEEK), None)]
    # Twenty minutes into session 2: C5's answer at minute 30 lies past the window's end.
    windows = process.session_windows(running, now=at(WEEK + 20))
    working = process.working_minutes(journeys.opened_at, journeys.answered_at, windows)
    assert working[4] == 30 + 20
    assert windows.minutes == 90 + 20


def test_overlapping_sessions_count_their_shared_minutes_once():
    # Two rooms ran at once (0-60 and 30-90), a third session never started.
    windows = process.session_windows(
        [(at(30), at(90)), (at(0), at(60)), (None, None), (at(100), at(110))], now=at(500)
    )
    assert windows.minutes == 90 + 10
    opened = jr.datetimes([at(20), at(95)])
    answered = jr.datetimes([at(105), at(96)])
    assert process.working_minutes(opened, answered, windows).tolist() == [70 + 5, 0.0]


def test_more_than_ten_variants_keep_the_ten_most_common_and_count_the_rest():
    roles = [f"Role {letter}" for letter in "ABCDEFGHIJKL"]
    cases = []
    for index, role in enumerate(roles):  # Role A: 12 cases, Role B: 11, ..., Role L: 1
        cases += [Journey(role, at(0), (), at(index + 1))] * (len(roles) - index)
    cases += [Journey(roles[0], at(0), ((roles[1], at(1)),), None)] * 3  # A -> B, open: 3
    block = process.process_map(journeys_of(cases))
    counts = [(variant["path"], variant["count"]) for variant in block["variants"]]
    assert counts[:3] == [(["Role A", "answered"], 12), (["Role B", "answered"], 11)] + [
        (["Role C", "answered"], 10)
    ]
    assert [count for _path, count in counts] == [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]
    # Role J's cases and A -> B tie at 3: A -> B makes the list, Role A sorting before Role J.
    assert counts[9] == (["Role A", "Role B", "open"], 3)
    assert block["other_count"] == 3 + 2 + 1  # Role J, K and L
    shares = sum(variant["share"] for variant in block["variants"])
    assert math.isclose(shares + block["other_count"] / block["n"], 1.0)


def test_paths_longer_than_a_code_holds_are_grouped_by_value():
    long = tuple((INTAKE if step % 2 else BENEFITS, at(step)) for step in range(1, 40))
    other = tuple((INTAKE if step % 2 else POLICY, at(step)) for step in range(1, 40))
    cases = [Journey(INTAKE, at(0), long, at(50))] * 2 + [Journey(INTAKE, at(0), other, None)]
    block = process.process_map(journeys_of(cases))
    assert [(len(v["path"]), v["count"]) for v in block["variants"]] == [(41, 2), (41, 1)]
    assert block["variants"][0]["path"][-1] == "answered"
    assert block["variants"][0]["median_time_to_answer_min"] == 50.0
    assert block["rework"] == 3


def test_rework_with_more_roles_than_a_bitmask_holds():
    roles = [f"Team {i}" for i in range(40)]
    cases = [
        Journey(roles[39], at(0), ((roles[2], at(1)), (roles[39], at(2))), None),
        Journey(roles[38], at(0), ((roles[39], at(1)),), None),
    ]
    assert process.rework_cases(journeys_of(cases, roles)).tolist() == [True, False]


def test_no_cases_make_an_empty_block_with_nulls():
    block = process.process_map(jr.empty([INTAKE]))
    assert block == {
        "n": 0,
        "edges": [],
        "variants": [],
        "other_count": 0,
        "rework": 0,
        "rework_share": None,
        "stuck": {},
    }
    windows = process.session_windows([], now=T0)
    assert process.working_time_to_answer(jr.empty(), windows) == {
        "n": 0,
        "median": None,
        "q1": None,
        "q3": None,
    }


def test_a_case_opened_without_a_role_has_a_null_holder():
    block = process.process_map(journeys_of([Journey(None, at(0))]))
    assert block["variants"][0]["path"] == [None, "open"]
    assert block["stuck"] == {"": 1}


def test_starts_count_the_cases_each_role_opened():
    cases = [
        Journey(BENEFITS, at(0), ((INTAKE, at(1)),)),
        Journey(INTAKE, at(0)),
        Journey(None, at(0)),
        Journey(BENEFITS, at(0), (), at(3)),
    ]
    assert process.starts(journeys_of(cases, [INTAKE])) == {BENEFITS: 2, "": 1, INTAKE: 1}
    assert process.starts(jr.empty([INTAKE])) == {}


# --- round vs round ---------------------------------------------------------------------------


def test_rework_share_is_compared_with_fishers_exact_test():
    baseline = {"n": 20, "rework": 8}
    round_ = {"n": 25, "rework": 2}
    result = process.rework_comparison(baseline, round_)
    expected = sps.fisher_exact([[8, 12], [2, 23]]).pvalue
    assert result == {"baseline": 0.4, "round": 0.08, "fisher_p": expected}
    assert 0 < expected < 0.05


def test_a_side_without_cases_has_no_share_and_no_test():
    assert process.share_comparison(0, 0, 3, 10) == {
        "baseline": None,
        "round": 0.3,
        "fisher_p": None,
    }


def test_edge_changes_show_what_appeared_and_disappeared():
    baseline = [
        {"from": INTAKE, "to": POLICY, "count": 5, "median_wait_min": 9.0},
        {"from": INTAKE, "to": "answered", "count": 2, "median_wait_min": 4.0},
    ]
    round_ = [
        {"from": INTAKE, "to": "answered", "count": 6, "median_wait_min": 3.0},
        {"from": INTAKE, "to": BENEFITS, "count": 1, "median_wait_min": 2.0},
    ]
    assert process.edge_changes(baseline, round_) == [
        {"from": INTAKE, "to": "answered", "baseline": 2, "count": 6, "status": "kept"},
        {"from": INTAKE, "to": POLICY, "baseline": 5, "count": 0, "status": "disappeared"},
        {"from": INTAKE, "to": BENEFITS, "baseline": 0, "count": 1, "status": "appeared"},
    ]


# --- the columns --------------------------------------------------------------------------------


def test_journeys_from_event_columns_equal_those_from_journeys():
    logs = five_cases()
    rows = [
        (case_id, event.kind, event.to_role, event.at)
        for case_id, log in enumerate(logs)
        for event, _holder in jr.replayed(log.events)
    ]
    from_columns = jr.journeys_from_events(*zip(*rows, strict=True), role_names=[INTAKE])
    assert_same(from_columns, five())


def test_columns_survive_a_digest_and_concatenate_across_sessions():
    whole = five()
    first = journeys_of([journey_of_log(log.events) for log in five_cases()[:2]], [POLICY])
    rest = journeys_of([journey_of_log(log.events) for log in five_cases()[2:]])
    stored = [jr.unpack(*jr.pack(part)) for part in (first, rest)]
    joined = jr.concat(stored)
    assert process.process_map(joined) == process.process_map(whole)
    assert process.paths(joined) == process.paths(whole)


def test_columns_that_do_not_line_up_are_refused():
    good = five()
    with pytest.raises(ValueError, match="line up"):
        jr.Journeys(good.role_names, good.lengths, good.roles[:-1], good.at, good.answered_at)
    with pytest.raises(ValueError, match="role code"):
        jr.Journeys((INTAKE,), good.lengths, good.roles, good.at, good.answered_at)
    with pytest.raises(ValueError, match="first event"):
        jr.journeys_from_events([1], ["handoff"], [INTAKE], [T0])


def assert_same(left: jr.Journeys, right: jr.Journeys) -> None:
    assert process.paths(left) == process.paths(right)
    assert np.array_equal(left.at, right.at)
    assert np.array_equal(left.answered_at, right.answered_at, equal_nan=True)


# --- from the case events the real services write ---------------------------------------------


def standing_events(round_id: int) -> list:
    """The standing open/handoff/answer events of a round's cases, grouped by case in log order:
    the query summary/queries.py will run for the sessions it has no digest of."""
    undo = sa.orm.aliased(CaseEvent)
    # The time as the driver returns it (SQLite text, PostgreSQL a naive UTC datetime), as
    # queries.py reads times: journeys_from_events parses either.
    raw_at = sa.type_coerce(CaseEvent.at, sa.types.NullType())
    return db.session.execute(
        sa.select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.to_role, raw_at)
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(undo, undo.corrects_id == CaseEvent.id)
        .where(Case.round_id == round_id, CaseEvent.kind.in_(jr.JOURNEY_KINDS), undo.id.is_(None))
        .order_by(Case.session_id, Case.id, CaseEvent.id)
    ).all()


def test_the_baseline_story_read_from_the_database(make, monkeypatch):
    story = build_story(make, monkeypatch)
    rows = standing_events(story["baseline"])
    journeys = jr.journeys_from_events(*zip(*rows, strict=True), role_names=[INTAKE])
    # C1: intake -> benefits (5 min) -> policy (5 min), answered 20 min later; C2 answered by
    # intake after 10; C3's handoff was undone, then it was answered while intake held it (20);
    # C4 went to policy after 8 minutes and is still there.
    assert process.paths(journeys) == [
        [INTAKE, BENEFITS, POLICY, "answered"],
        [INTAKE, "answered"],
        [INTAKE, "answered"],
        [INTAKE, POLICY, "open"],
    ]
    block = process.process_map(journeys)
    assert block["edges"][0] == {
        "from": INTAKE,
        "to": "answered",
        "count": 2,
        "median_wait_min": 15,
    }
    assert block["stuck"] == {POLICY: 1} and block["rework_share"] == 0.0
    # The case rows the summary already reads agree with the journeys.
    cases = db.session.execute(
        sa.select(Case.handoffs, Case.opened_at, Case.answered_at)
        .where(Case.round_id == story["baseline"])
        .order_by(Case.session_id, Case.id)
    ).all()
    assert (journeys.lengths - 1).tolist() == [row.handoffs for row in cases]
    expected = [
        np.nan
        if row.answered_at is None
        else (row.answered_at - row.opened_at).total_seconds() / 60
        for row in cases
    ]
    assert np.array_equal(journeys.minutes_to_answer(), expected, equal_nan=True)
    # Session 1 ran from minute 0 to 33 and session 2 never started: all inside it.
    windows = process.session_windows([(at(0), at(33)), (None, None)], now=at(500))
    assert process.working_time_to_answer(journeys, windows)["median"] == 20.0


def test_case_logs_build_the_same_journeys_as_the_event_columns():
    logs = [
        CaseLog(i, f"C-{i}", 1, "Baseline", 1, tuple(log.events))
        for i, log in enumerate(five_cases())
    ]
    assert_same(journeys_of(journey_of_log(log.events) for log in logs), five())
