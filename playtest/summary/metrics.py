"""Summary measures, pure: rows in, numbers out (DESIGN.md §7 exact definitions).

The same functions serve a session, a round and round vs round: callers pass the rows of
whatever scope they are summarising. Numbers are full precision; rounding is for display.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean

import numpy as np

from playtest.enums import RatingPhase
from playtest.summary import stats

_PHASES = tuple(RatingPhase)

DIRECTIONAL_N = 5  # below this many observations a result is "directional only"


def directional(n: int) -> bool:
    """True when n is too small to read as more than a direction (n < 5)."""
    return n < DIRECTIONAL_N


@dataclass(frozen=True)
class CaseRow:
    """One case file worked in a session, with its handoff count (corrections removed)."""

    case_id: int
    session_id: int
    opened_at: datetime
    answered_at: datetime | None
    handoffs: int


@dataclass(frozen=True)
class RatingRow:
    """One Likert answer; session_order ranks the participant's sessions within the scope."""

    participant_id: int
    session_id: int
    session_order: int
    phase: str  # a RatingPhase
    question_index: int
    value: int


def case_columns(cases: Iterable[CaseRow]) -> tuple[np.ndarray, np.ndarray]:
    """(handoffs, minutes to answer) per case as arrays; minutes is NaN while unanswered."""
    rows = list(cases)
    handoffs = np.array([case.handoffs for case in rows], dtype=np.int64)
    minutes = np.array(
        [
            np.nan
            if case.answered_at is None
            else (case.answered_at - case.opened_at).total_seconds() / 60.0
            for case in rows
        ],
        dtype=np.float64,
    )
    return handoffs, minutes


def handoffs_per_case(cases: Iterable[CaseRow]) -> list[int]:
    """Handoff counts of every case, unanswered ones included."""
    return case_columns(cases)[0].tolist()


def times_to_answer(cases: Iterable[CaseRow]) -> list[float]:
    """Minutes from open to answer, answered cases only."""
    return answered_minutes(case_columns(cases)[1]).tolist()


def answered_minutes(minutes: np.ndarray) -> np.ndarray:
    """The times to answer of the answered cases, from case_columns' minutes."""
    return minutes[~np.isnan(minutes)]


def case_stats(cases: Iterable[CaseRow]) -> dict:
    """Handoffs per case and time to answer, with counts; Nones when there are no cases."""
    return case_stats_of(*case_columns(cases))


def case_stats_of(handoffs: np.ndarray, minutes: np.ndarray) -> dict:
    """case_stats over case_columns: one handoff count and one minutes value per case."""
    n = int(handoffs.size)
    answered = ~np.isnan(minutes)
    answered_first_time = int(np.count_nonzero(answered & (handoffs == 0)))
    q1, median, q3 = stats.quartiles(handoffs)
    times = minutes[answered]
    t_q1, t_median, t_q3 = stats.quartiles(times)
    return {
        "n": n,
        "answered": int(times.size),
        "unanswered": n - int(times.size),
        "handoffs_per_case": {
            "median": median,
            "q1": q1,
            "q3": q3,
            "zero_share": answered_first_time / n if n else None,
        },
        "time_to_answer_min": {"n": int(times.size), "median": t_median, "q1": t_q1, "q3": t_q3},
    }


def _phase_answers(ratings: Iterable[RatingRow], n_questions: int) -> dict:
    """{participant: {phase: {(session_order, session_id): {question_index: value}}}}."""
    answers: dict = {}
    for row in ratings:
        if row.phase not in _PHASES or not 0 <= row.question_index < n_questions:
            continue  # a question the playbook does not ask cannot be scored
        sessions = answers.setdefault(row.participant_id, {}).setdefault(row.phase, {})
        # A later row for the same answer replaces the earlier one (a resubmitted rating).
        sessions.setdefault((row.session_order, row.session_id), {})[row.question_index] = row.value
    return answers


def _mean_or_none(values: Sequence[float]) -> float | None:
    return fmean(values) if values else None


def confidence(
    ratings: Iterable[RatingRow], questions: Sequence[str], seed: int = stats.DEFAULT_SEED
) -> dict:
    """Before/after confidence: pair means, Wilcoxon, bootstrap CI of the mean delta, per item.

    One pair per participant: their `before` at the first session they gave one and their
    `after` at the last session they gave one (never an after from before that before). With
    one session's rows this is the session pair; with a round's rows, the round pair.
    """
    answers = _phase_answers(ratings, len(questions))
    pairs: list[tuple[dict[int, int], dict[int, int]]] = []
    for phases in answers.values():
        befores, afters = phases.get(RatingPhase.BEFORE), phases.get(RatingPhase.AFTER)
        if not befores or not afters:
            continue
        first_before, last_after = min(befores), max(afters)
        if last_after[0] < first_before[0]:
            continue
        pairs.append((befores[first_before], afters[last_after]))

    before_scores = [fmean(before.values()) for before, _ in pairs]
    after_scores = [fmean(after.values()) for _, after in pairs]
    before_mean = _mean_or_none(before_scores)
    after_mean = _mean_or_none(after_scores)
    deltas = [after - before for before, after in zip(before_scores, after_scores, strict=True)]

    items = []
    for index, question in enumerate(questions):
        both = [(b[index], a[index]) for b, a in pairs if index in b and index in a]
        item_before = _mean_or_none([b for b, _ in both])
        item_after = _mean_or_none([a for _, a in both])
        items.append(
            {
                "index": index,
                "question": question,
                "n": len(both),
                "before_mean": item_before,
                "after_mean": item_after,
                "delta_mean": item_after - item_before if both else None,
            }
        )

    return {
        "n_pairs": len(pairs),
        "n_before": sum(1 for phases in answers.values() if phases.get(RatingPhase.BEFORE)),
        "n_after": sum(1 for phases in answers.values() if phases.get(RatingPhase.AFTER)),
        "before_mean": before_mean,
        "after_mean": after_mean,
        "delta_mean": after_mean - before_mean if pairs else None,
        "delta_ci95": stats.bootstrap_mean_ci(deltas, seed=seed),
        "wilcoxon": stats.wilcoxon(after_scores, before_scores),
        "items": items,
    }


def _role_key(role: str | None) -> tuple[bool, str]:
    return role is None, role or ""  # a missing role (None) sorts after every named one


def handoff_map(handoffs: Iterable[tuple[str | None, str | None]]) -> list[dict]:
    """Role → role handoff counts, busiest join first, then by from and to role."""
    return handoff_map_of_counts(Counter((from_role, to_role) for from_role, to_role in handoffs))


def handoff_map_of_counts(counts: Mapping[tuple[str | None, str | None], int]) -> list[dict]:
    """handoff_map from handoffs already counted per (from role, to role) join."""
    ordered = sorted(
        counts.items(),
        key=lambda item: (-item[1], _role_key(item[0][0]), _role_key(item[0][1])),
    )
    return [
        {"from": from_role, "to": to_role, "count": count}
        for (from_role, to_role), count in ordered
    ]


def compare(baseline: Sequence[float], prototype: Sequence[float]) -> dict:
    """Round vs round on one measure: Mann–Whitney U, p and Cliff's delta, with both n."""
    return {
        **stats.mann_whitney(prototype, baseline),
        "cliffs_delta": stats.cliffs_delta(prototype, baseline),
        "n_baseline": len(baseline),
        "n_prototype": len(prototype),
    }


def agenda_rows(planned_min: Sequence[float], runs: Iterable[tuple[int, float]]) -> list[dict]:
    """Planned vs actual minutes per segment; a segment run twice (previous) sums its runs.

    Segments never run have actual and delta None; runs of an index outside the agenda are
    ignored.
    """
    actual: dict[int, float] = {}
    for index, minutes in runs:
        if 0 <= index < len(planned_min):
            actual[index] = actual.get(index, 0.0) + minutes
    rows = []
    for index, planned in enumerate(planned_min):
        ran = actual.get(index)
        rows.append(
            {
                "index": index,
                "planned_min": float(planned),
                "actual_min": ran,
                "delta_min": None if ran is None else ran - planned,
            }
        )
    return rows
