"""The summary JSON's process blocks on made-up rounds (Hypothesis), assembled by the real
build_summary from sessions' facts: edge counts sum to the paths' steps, variant shares and
the other paths sum to 1, and the working minutes never exceed the wall-clock ones."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playtest.enums import SessionStatus
from playtest.summary.journeys import journeys_of
from playtest.summary.queries import SessionFacts
from playtest.summary.scopes import RoundInfo, SessionInfo
from playtest.summary.services import build_summary
from tests.summary.test_process import at
from tests.summary.test_process_properties import ROLES, journeys_lists


def facts_of(cases) -> SessionFacts:
    journeys = journeys_of(cases, ROLES[:3])
    facts = SessionFacts(
        participants=[],
        handoffs=journeys.lengths - 1,
        minutes=journeys.minutes_to_answer(),
        ratings=np.zeros((0, 4), dtype=np.int64),
        lanes={},
        handoff_map=[],
        top=[],
        groups=[],
        runs=[],
    )
    facts.set_journeys(journeys)
    return facts


def round_info(round_id: int) -> RoundInfo:
    return RoundInfo(
        round_id,
        f"Round {round_id}",
        round_id,
        round_id == 1,
        1,
        "Playbook",
        1,
        (),
        ROLES[:3],
        (),
        (),
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rounds=st.lists(st.lists(journeys_lists(), min_size=1, max_size=3), min_size=1, max_size=3),
    spans=st.lists(
        st.tuples(st.integers(0, 30_000), st.integers(1, 3_000)), min_size=1, max_size=6
    ),
)
def test_the_process_blocks_add_up(app, rounds, spans):
    sessions, facts, ids = [], {}, iter(range(1, 100))
    for round_id, round_sessions in enumerate(rounds, start=1):
        for number, cases in enumerate(round_sessions, start=1):
            session_id = next(ids)
            start, length = spans[(session_id - 1) % len(spans)]
            sessions.append(
                SessionInfo(
                    session_id,
                    round_id,
                    number,
                    SessionStatus.FINISHED,
                    at(start) + timedelta(minutes=length),
                    0,
                    at(start),
                )
            )
            facts[session_id] = facts_of(cases)
    head = {"id": 1, "title": "Made up", "baseline_round_id": 1}
    with app.test_request_context():
        summary = build_summary(
            head, [round_info(i) for i in range(1, len(rounds) + 1)], sessions, facts
        )
    for round_ in summary["rounds"]:
        block, cases = round_["process"], round_["cases"]
        n = cases["n"]
        assert block["n"] == n == sum(block["starts"].values())
        handoffs = sum(int(facts[s["id"]].handoffs.sum()) for s in round_["sessions"])
        # Every case makes one step per handoff, then one to its end.
        assert sum(edge["count"] for edge in block["edges"]) == n + handoffs
        assert sum(block["stuck"].values()) == cases["unanswered"]
        if n:
            shares = sum(v["share"] for v in block["variants"]) + block["other_count"] / n
            assert math.isclose(shares, 1.0)
        working, wall = cases["working_time_to_answer_min"], cases["time_to_answer_min"]
        assert working["n"] == wall["n"]
        for key in ("q1", "median", "q3"):
            if wall[key] is not None:
                assert working[key] <= wall[key] + 1e-9
    for comparison in summary["comparisons"]:
        assert len(comparison["headline"]) == 4
        statuses = {edge["status"] for edge in comparison["process_edges"]}
        assert statuses <= {"kept", "appeared", "disappeared"}
