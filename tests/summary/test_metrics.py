"""Summary measures on small hand-computed playtests, cross-checked against scipy and numpy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from playtest.facilitation.clock import Clock, actual_minutes, control
from playtest.summary.metrics import (
    DIRECTIONAL_N,
    CaseRow,
    RatingRow,
    agenda_rows,
    case_stats,
    compare,
    confidence,
    directional,
    handoff_map,
    handoffs_per_case,
    times_to_answer,
)
from playtest.summary.stats import bootstrap_mean_ci

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def case(case_id: int, handoffs: int, answered_after_min: float | None, session_id: int = 1):
    answered = None if answered_after_min is None else T0 + timedelta(minutes=answered_after_min)
    return CaseRow(case_id, session_id, T0, answered, handoffs)


# Five cases: three answered (10, 30, 45 min), two still open; C4 was never handed off but is
# unanswered, so it is not an "answered with 0 handoffs" case.
CASES = [case(1, 0, 10), case(2, 1, 30), case(3, 3, None), case(4, 0, None), case(5, 2, 45)]


# --- cases -----------------------------------------------------------------------------------


def test_case_stats_hand_computed():
    assert case_stats(CASES) == {
        "n": 5,
        "answered": 3,
        "unanswered": 2,
        # handoffs sorted 0 0 1 2 3 (unanswered cases included)
        "handoffs_per_case": {"median": 1.0, "q1": 0.0, "q3": 2.0, "zero_share": 0.2},
        # times 10 30 45: q1 = 10 + 0.5 * 20, q3 = 30 + 0.5 * 15
        "time_to_answer_min": {"n": 3, "median": 30.0, "q1": 20.0, "q3": 37.5},
    }


def test_case_stats_agree_with_numpy_on_the_same_samples():
    result = case_stats(CASES)
    q1, median, q3 = np.percentile([0, 1, 3, 0, 2], [25, 50, 75])
    assert (result["handoffs_per_case"]["q1"], result["handoffs_per_case"]["median"]) == (
        q1,
        median,
    )
    assert result["handoffs_per_case"]["q3"] == q3
    t_q1, t_median, t_q3 = np.percentile([10, 30, 45], [25, 50, 75])
    assert result["time_to_answer_min"] == {"n": 3, "median": t_median, "q1": t_q1, "q3": t_q3}


def test_unanswered_cases_count_in_n_but_not_in_time_to_answer():
    result = case_stats([case(1, 2, None), case(2, 0, None)])
    assert result["n"] == 2 and result["answered"] == 0 and result["unanswered"] == 2
    assert result["handoffs_per_case"]["median"] == 1.0
    assert result["handoffs_per_case"]["zero_share"] == 0.0
    assert result["time_to_answer_min"] == {"n": 0, "median": None, "q1": None, "q3": None}


def test_no_cases_gives_nulls_not_zeros():
    assert case_stats([]) == {
        "n": 0,
        "answered": 0,
        "unanswered": 0,
        "handoffs_per_case": {"median": None, "q1": None, "q3": None, "zero_share": None},
        "time_to_answer_min": {"n": 0, "median": None, "q1": None, "q3": None},
    }


def test_time_to_answer_is_in_minutes_with_seconds_kept():
    row = CaseRow(1, 1, T0, T0 + timedelta(seconds=90), 0)
    assert times_to_answer([row]) == [1.5]


def test_samples_for_round_vs_round():
    assert handoffs_per_case(CASES) == [0, 1, 3, 0, 2]
    assert times_to_answer(CASES) == [10.0, 30.0, 45.0]


def test_case_stats_accepts_a_generator():
    assert case_stats(c for c in CASES)["n"] == 5


# --- confidence ------------------------------------------------------------------------------

QUESTIONS = ["I know who to ask", "I can resolve a case without handing it off"]


def answers(participant, order, phase, values, session_id=None):
    """Rating rows for one participant's answers (question index → value) in one phase."""
    session_id = order if session_id is None else session_id
    return [
        RatingRow(participant, session_id, order, phase, index, value)
        for index, value in values.items()
    ]


def one_session(*participants):
    rows = []
    for pid, before, after in participants:
        if before:
            rows += answers(pid, 1, "before", dict(enumerate(before)))
        if after:
            rows += answers(pid, 1, "after", dict(enumerate(after)))
    return rows


THREE_QUESTIONS = ["Q0", "Q1", "Q2"]
SESSION = one_session(
    (1, [2, 3, 4], [4, 4, 4]),  # 3 → 4
    (2, [1, 1, 1], [2, 2, 2]),  # 1 → 2 (same delta as participant 1: a tie)
    (3, [3, 3, 3], [3, 3, 3]),  # 3 → 3 (a zero delta)
    (4, [5, 5, 5], None),  # before only: a response, not a pair
    (5, None, [4, 4, 4]),  # after only
)


def test_session_pair_hand_computed():
    result = confidence(SESSION, THREE_QUESTIONS)
    assert result["n_pairs"] == 3
    assert (result["n_before"], result["n_after"]) == (4, 4)
    assert result["before_mean"] == pytest.approx(7 / 3)
    assert result["after_mean"] == 3.0
    assert result["delta_mean"] == pytest.approx(2 / 3)
    assert result["delta_mean"] == result["after_mean"] - result["before_mean"]
    # zero dropped; the two tied deltas share rank 1.5: W = 0, exact p = 2 × 1/4
    assert result["wilcoxon"] == {"statistic": 0.0, "p_value": 0.5}
    assert [(i["index"], i["question"], i["n"]) for i in result["items"]] == [
        (0, "Q0", 3),
        (1, "Q1", 3),
        (2, "Q2", 3),
    ]
    assert [i["before_mean"] for i in result["items"]] == pytest.approx([2, 7 / 3, 8 / 3])
    assert [i["after_mean"] for i in result["items"]] == pytest.approx([3, 3, 3])
    assert [i["delta_mean"] for i in result["items"]] == pytest.approx([1, 2 / 3, 1 / 3])


def test_confidence_agrees_with_scipy_called_directly():
    result = confidence(SESSION, THREE_QUESTIONS)
    after, before = [4.0, 2.0, 3.0], [3.0, 1.0, 3.0]
    expected = sps.wilcoxon(after, before)
    assert result["wilcoxon"] == {
        "statistic": float(expected.statistic),
        "p_value": float(expected.pvalue),
    }
    ci = sps.bootstrap(
        (np.array([1.0, 1.0, 0.0]),), np.mean, rng=np.random.default_rng(20261123)
    ).confidence_interval
    assert result["delta_ci95"] == [float(ci.low), float(ci.high)]


def test_the_seed_reaches_the_bootstrap():
    assert confidence(SESSION, THREE_QUESTIONS, seed=7)["delta_ci95"] == bootstrap_mean_ci(
        [1.0, 1.0, 0.0], seed=7
    )


# Round of four sessions. session_id runs opposite to session_order, so only the order can
# decide which session is "first" and "last".
ROUND = [
    # participant 1: before at sessions 1, 2, 3; after at sessions 1, 2, 4
    *answers(1, 1, "before", {0: 2, 1: 2}, session_id=14),
    *answers(1, 1, "after", {0: 3, 1: 3}, session_id=14),
    *answers(1, 2, "before", {0: 3, 1: 3}, session_id=13),
    *answers(1, 2, "after", {0: 4, 1: 4}, session_id=13),
    *answers(1, 3, "before", {0: 4, 1: 4}, session_id=12),
    *answers(1, 4, "after", {0: 5, 1: 4}, session_id=11),
    # participant 2: after at session 1, before at session 3 — no after follows the before
    *answers(2, 1, "after", {0: 4, 1: 4}, session_id=14),
    *answers(2, 3, "before", {0: 3, 1: 3}, session_id=12),
    # participant 3: both phases at session 2 only
    *answers(3, 2, "before", {0: 1, 1: 2}, session_id=13),
    *answers(3, 2, "after", {0: 2, 1: 2}, session_id=13),
    # participant 4: an after only
    *answers(4, 4, "after", {0: 3, 1: 3}, session_id=11),
]


def test_round_pair_uses_first_before_and_last_after():
    result = confidence(ROUND, QUESTIONS)
    # participant 1: before 2.0 (session 1) → after 4.5 (session 4); participant 3: 1.5 → 2.0
    assert result["n_pairs"] == 2
    assert (result["n_before"], result["n_after"]) == (3, 4)
    assert result["before_mean"] == 1.75
    assert result["after_mean"] == 3.25
    assert result["delta_mean"] == 1.5
    assert result["items"] == [
        {
            "index": 0,
            "question": QUESTIONS[0],
            "n": 2,
            "before_mean": 1.5,
            "after_mean": 3.5,
            "delta_mean": 2.0,
        },
        {
            "index": 1,
            "question": QUESTIONS[1],
            "n": 2,
            "before_mean": 2.0,
            "after_mean": 3.0,
            "delta_mean": 1.0,
        },
    ]
    expected = sps.wilcoxon([4.5, 2.0], [2.0, 1.5])
    assert result["wilcoxon"] == {
        "statistic": float(expected.statistic),
        "p_value": float(expected.pvalue),
    }
    assert result["delta_ci95"] == bootstrap_mean_ci([2.5, 0.5])


def test_one_sessions_rows_give_that_sessions_pair():
    session_2 = [row for row in ROUND if row.session_id == 13]
    result = confidence(session_2, QUESTIONS)
    assert result["n_pairs"] == 2  # participants 1 (3 → 4) and 3 (1.5 → 2)
    assert (result["before_mean"], result["after_mean"]) == (2.25, 3.0)


def test_a_participant_with_before_only_is_a_response_but_not_a_pair():
    result = confidence(answers(9, 1, "before", {0: 4, 1: 2}), QUESTIONS)
    assert (result["n_pairs"], result["n_before"], result["n_after"]) == (0, 1, 0)
    assert result["before_mean"] is None and result["delta_mean"] is None


def test_a_single_participant_has_means_but_no_test_or_interval():
    rows = answers(1, 1, "before", {0: 2, 1: 3}) + answers(1, 1, "after", {0: 4, 1: 4})
    result = confidence(rows, QUESTIONS)
    assert result["n_pairs"] == 1
    assert (result["before_mean"], result["after_mean"], result["delta_mean"]) == (2.5, 4.0, 1.5)
    assert result["wilcoxon"] == {"statistic": None, "p_value": None}
    assert result["delta_ci95"] is None


def test_when_nobody_changed_the_test_is_null_and_the_interval_is_zero():
    rows = one_session((1, [3, 3], [3, 3]), (2, [4, 2], [2, 4]), (3, [5, 5], [5, 5]))
    result = confidence(rows, QUESTIONS)
    assert result["delta_mean"] == 0.0
    assert result["wilcoxon"] == {"statistic": None, "p_value": None}
    assert result["delta_ci95"] == [0.0, 0.0]


def test_no_ratings_gives_counts_of_zero_and_nulls():
    result = confidence([], QUESTIONS)
    assert result == {
        "n_pairs": 0,
        "n_before": 0,
        "n_after": 0,
        "before_mean": None,
        "after_mean": None,
        "delta_mean": None,
        "delta_ci95": None,
        "wilcoxon": {"statistic": None, "p_value": None},
        "items": [
            {
                "index": i,
                "question": q,
                "n": 0,
                "before_mean": None,
                "after_mean": None,
                "delta_mean": None,
            }
            for i, q in enumerate(QUESTIONS)
        ],
    }


def test_items_only_use_pairs_that_answered_the_question_in_both_phases():
    rows = (
        answers(1, 1, "before", {0: 2, 1: 2})
        + answers(1, 1, "after", {0: 4, 1: 4})
        + answers(2, 1, "before", {0: 1})  # skipped question 1 before
        + answers(2, 1, "after", {0: 3, 1: 5})
    )
    result = confidence(rows, QUESTIONS)
    assert result["n_pairs"] == 2
    assert result["before_mean"] == 1.5  # participant 2's before score is their one answer
    assert result["after_mean"] == 4.0
    item_0, item_1 = result["items"]
    assert (item_0["n"], item_0["before_mean"], item_0["after_mean"]) == (2, 1.5, 3.5)
    assert (item_1["n"], item_1["before_mean"], item_1["after_mean"]) == (1, 2.0, 4.0)


def test_a_resubmitted_answer_replaces_the_earlier_one():
    rows = (
        answers(1, 1, "before", {0: 1, 1: 1})
        + answers(1, 1, "before", {0: 3})  # changed their mind on question 0
        + answers(1, 1, "after", {0: 4, 1: 4})
    )
    assert confidence(rows, QUESTIONS)["before_mean"] == 2.0


def test_answers_to_questions_the_playbook_does_not_ask_are_ignored():
    rows = (
        answers(1, 1, "before", {0: 2, 1: 2, 7: 5, -1: 5})
        + answers(1, 1, "after", {0: 4, 1: 4})
        + [RatingRow(1, 1, 1, "during", 0, 1)]
    )
    result = confidence(rows, QUESTIONS)
    assert (result["before_mean"], result["after_mean"]) == (2.0, 4.0)


@settings(deadline=None)  # timings vary on a shared machine
@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),  # participant
            st.integers(1, 4),  # session order
            st.sampled_from(["before", "after"]),
            st.integers(0, 1),  # question
            st.integers(1, 5),  # value
        ),
        max_size=40,
    )
)
def test_confidence_invariants(raw):
    rows = [RatingRow(p, 100 + order, order, phase, q, v) for p, order, phase, q, v in raw]
    result = confidence(rows, QUESTIONS)
    assert result["n_pairs"] <= min(result["n_before"], result["n_after"])
    if result["n_pairs"]:
        assert 1 <= result["before_mean"] <= 5 and 1 <= result["after_mean"] <= 5
        assert result["delta_mean"] == result["after_mean"] - result["before_mean"]
    else:
        assert result["before_mean"] is None and result["delta_ci95"] is None
    for item in result["items"]:
        assert item["n"] <= result["n_pairs"]
    p = result["wilcoxon"]["p_value"]
    assert p is None or 0 <= p <= 1


# --- handoff map, round vs round, lanes, agenda ----------------------------------------------


def test_handoff_map_counts_each_join_busiest_first():
    handoffs = [
        ("Intake officer", "Benefits officer"),
        ("Benefits officer", "Policy advisor"),
        ("Intake officer", "Benefits officer"),
        ("Benefits officer", "Intake officer"),
        ("Intake officer", "Benefits officer"),
        ("Benefits officer", "Policy advisor"),
    ]
    assert handoff_map(handoffs) == [
        {"from": "Intake officer", "to": "Benefits officer", "count": 3},
        {"from": "Benefits officer", "to": "Policy advisor", "count": 2},
        {"from": "Benefits officer", "to": "Intake officer", "count": 1},
    ]


def test_handoff_map_ties_are_ordered_by_from_then_to_with_missing_roles_last():
    handoffs = [("B", "A"), (None, "A"), ("A", "C"), ("A", "B"), ("A", None)]
    assert [(row["from"], row["to"]) for row in handoff_map(handoffs)] == [
        ("A", "B"),
        ("A", "C"),
        ("A", None),
        ("B", "A"),
        (None, "A"),
    ]


def test_handoff_map_of_no_handoffs_is_empty():
    assert handoff_map([]) == []


def test_compare_rounds_agrees_with_scipy_called_directly():
    baseline = [2, 3, 1, 4, 2, 2, 5, 3]  # handoffs per case, current process
    prototype = [0, 1, 1, 2, 0, 0, 1]  # shared case desk
    expected = sps.mannwhitneyu(prototype, baseline, alternative="two-sided")
    pairs = [(p, b) for p in prototype for b in baseline]
    cliffs = (sum(p > b for p, b in pairs) - sum(p < b for p, b in pairs)) / len(pairs)
    result = compare(baseline, prototype)
    assert result == {
        "mann_whitney_u": float(expected.statistic),
        "p_value": float(expected.pvalue),
        "cliffs_delta": pytest.approx(cliffs),
        "n_baseline": 8,
        "n_prototype": 7,
    }
    assert result["cliffs_delta"] < 0  # fewer handoffs under the prototype


def test_compare_with_an_empty_round_keeps_the_counts():
    assert compare([], [1.0, 2.0]) == {
        "mann_whitney_u": None,
        "p_value": None,
        "cliffs_delta": None,
        "n_baseline": 0,
        "n_prototype": 2,
    }


def test_compare_on_time_to_answer_samples():
    baseline = times_to_answer(CASES)
    prototype = times_to_answer([case(9, 0, 5), case(10, 0, 8), case(11, 1, None)])
    result = compare(baseline, prototype)
    assert (result["n_baseline"], result["n_prototype"]) == (3, 2)
    assert result["cliffs_delta"] == -1.0  # every prototype answer came faster
    assert result["mann_whitney_u"] == 0.0


def test_agenda_rows_planned_vs_actual():
    rows = agenda_rows([10, 45, 20, 15], [(0, 12.5), (1, 30.0), (1, 10.0), (9, 3.0)])
    assert rows == [
        {"index": 0, "planned_min": 10.0, "actual_min": 12.5, "delta_min": 2.5},
        {"index": 1, "planned_min": 45.0, "actual_min": 40.0, "delta_min": -5.0},
        {"index": 2, "planned_min": 20.0, "actual_min": None, "delta_min": None},
        {"index": 3, "planned_min": 15.0, "actual_min": None, "delta_min": None},
    ]


def test_agenda_from_a_real_clock_log():
    """Drive the clock as a facilitator would and report planned vs actual from its log."""
    planned_min = [10, 45, 20, 15]
    planned_s = [m * 60 for m in planned_min]
    steps = [("start", 0), ("pause", 4), ("resume", 6), ("next", 12), ("next", 50)]
    steps += [("previous", 51), ("finish", 53)]
    clock, log = Clock(), []
    for action, minute in steps:
        clock, changes = control(clock, action, planned_s, T0 + timedelta(minutes=minute))
        log += changes
    runs = [
        (start.segment_index, actual_minutes(start.at, end.at, end.paused_s, end.at))
        for start, end in zip(log[::2], log[1::2], strict=True)
    ]
    assert [
        (r["index"], r["actual_min"], r["delta_min"]) for r in agenda_rows(planned_min, runs)
    ] == [
        (0, 10.0, 0.0),  # 12 minutes with a 2-minute pause
        (1, 40.0, -5.0),  # 38 minutes, then 2 more after going back
        (2, 1.0, -19.0),
        (3, None, None),
    ]


def test_directional_below_five():
    assert DIRECTIONAL_N == 5
    assert directional(0) and directional(4)
    assert not directional(5) and not directional(40)
