"""The process map's properties (DESIGN.md §11) against a plain-Python reading of the same
definitions, on journeys Hypothesis makes up."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from playtest.summary import journeys as jr
from playtest.summary import process
from playtest.summary.journeys import Journey, journeys_of
from tests.summary.test_process import assert_same, at


def minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


# --- properties against a plain reading of the definitions ----------------------------------


ROLES = ("Intake officer", "Benefits officer", "Policy advisor", None)


@st.composite
def journeys_lists(draw) -> list[Journey]:
    cases = []
    for _ in range(draw(st.integers(0, 40))):
        opened = draw(st.integers(0, 20_000))
        minute = opened
        handoffs = []
        for _ in range(draw(st.integers(0, 6))):
            minute += draw(st.integers(0, 500))
            handoffs.append((draw(st.sampled_from(ROLES[:3])), at(minute)))
        answer = draw(st.none() | st.integers(0, 20_000))
        answered = None if answer is None else at(minute + answer)
        cases.append(Journey(draw(st.sampled_from(ROLES)), at(opened), tuple(handoffs), answered))
    return cases


def reference_paths(cases: list[Journey]) -> list[tuple]:
    return [
        (case.opened_role, *(role for role, _ in case.handoffs))
        + ("answered" if case.answered_at else "open",)
        for case in cases
    ]


def path_key(path: tuple) -> tuple:
    ends = {"answered": (1, False, ""), "open": (2, False, "")}
    return tuple(
        ends[node] if index == len(path) - 1 else (0, node is None, node or "")
        for index, node in enumerate(path)
    )


@settings(max_examples=150, deadline=None)
@given(journeys_lists(), st.integers(1, 10))
def test_edges_and_variants_match_a_plain_reading(cases, max_variants):
    journeys = journeys_of(cases, ROLES[:3])
    block = process.process_map(journeys, max_variants=max_variants)
    paths = reference_paths(cases)

    waits: dict[tuple, list[float]] = {}
    for case, path in zip(cases, paths, strict=True):
        times = [case.opened_at, *(when for _, when in case.handoffs), case.answered_at]
        for index in range(len(path) - 1):
            wait = None if times[index + 1] is None else minutes(times[index], times[index + 1])
            waits.setdefault((path[index], path[index + 1]), []).append(wait)
    expected_edges = {
        join: (len(values), None if join[1] == "open" else float(np.percentile(values, 50)))
        for join, values in waits.items()
    }
    assert {(e["from"], e["to"]): (e["count"], e["median_wait_min"]) for e in block["edges"]} == (
        expected_edges
    )
    assert sum(edge["count"] for edge in block["edges"]) == sum(len(p) - 1 for p in paths)

    counted = sorted(Counter(paths).items(), key=lambda item: (-item[1], path_key(item[0])))
    top = counted[:max_variants]
    assert [(tuple(v["path"]), v["count"]) for v in block["variants"]] == top
    assert block["other_count"] == sum(count for _path, count in counted[max_variants:])
    if cases:
        shares = sum(v["share"] for v in block["variants"]) + block["other_count"] / len(cases)
        assert math.isclose(shares, 1.0)
    for variant in block["variants"]:
        times = [
            minutes(case.opened_at, case.answered_at)
            for case, path in zip(cases, paths, strict=True)
            if path == tuple(variant["path"]) and case.answered_at
        ]
        expected = float(np.percentile(times, 50)) if times else None
        assert variant["median_time_to_answer_min"] == expected

    rework = [len({node for node in path[:-1]}) < len(path) - 1 for path in paths]
    assert process.rework_cases(journeys).tolist() == rework
    stuck = Counter(path[-2] or "" for path in paths if path[-1] == "open")
    assert block["stuck"] == dict(stuck)


@settings(max_examples=150, deadline=None)
@given(
    journeys_lists(),
    st.lists(st.tuples(st.integers(0, 30_000), st.none() | st.integers(0, 3_000)), max_size=6),
)
def test_working_minutes_are_the_overlap_with_the_session_windows(cases, spans):
    now = at(40_000)
    windows = process.session_windows(
        [(at(start), None if length is None else at(start + length)) for start, length in spans],
        now,
    )
    journeys = journeys_of(cases)
    working = process.working_minutes(journeys.opened_at, journeys.answered_at, windows)
    wall = journeys.minutes_to_answer()
    covered = merged([(at(s), now if n is None else at(s + n)) for s, n in spans])
    for index, case in enumerate(cases):
        if case.answered_at is None:
            assert math.isnan(working[index])
            continue
        inside = sum(
            max(0.0, minutes(max(case.opened_at, start), min(case.answered_at, end)))
            for start, end in covered
        )
        assert working[index] == inside
        assert 0 <= working[index] <= wall[index]


def merged(spans: list[tuple[datetime, datetime]]) -> list[list[datetime]]:
    out: list[list[datetime]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


@settings(max_examples=100, deadline=None)
@given(journeys_lists(), st.integers(0, 40))
def test_columns_split_stored_and_joined_are_the_same_journeys(cases, cut):
    whole = journeys_of(cases)
    parts = [journeys_of(cases[:cut], ROLES[2:]), journeys_of(cases[cut:])]
    joined = jr.concat([jr.unpack(*jr.pack(part)) for part in parts])
    assert_same(joined, whole)
    assert process.process_map(joined) == process.process_map(whole)
    assert np.array_equal(joined.minutes_to_answer(), whole.minutes_to_answer(), equal_nan=True)
