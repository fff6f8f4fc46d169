"""The playtest summary (DESIGN.md §7): one dict that the API, the page and the report share.

`playtest_summary()` reads the rows set-based (queries.py) and hands them to the pure
measures in metrics.py; nothing here computes a statistic of its own. Numbers stay at full
precision (pages round them for display) and a missing number is None, never NaN.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, repeat

import numpy as np

from playtest.facilitation.clock import iso_ms, utcnow
from playtest.summary import metrics
from playtest.summary.metrics import DIRECTIONAL_N, CaseRow, RatingRow, directional
from playtest.summary.queries import (
    CardRow,
    GroupRow,
    PlaytestRows,
    SessionInfo,
    playtest_rows,
)


def playtest_summary(playtest_id: int) -> dict | None:
    """The whole summary of a playtest, or None when there is no such playtest."""
    rows = playtest_rows(playtest_id)
    return None if rows is None else build_summary(rows)


def build_summary(rows: PlaytestRows) -> dict:
    """Assemble the summary from fetched rows (no database access)."""
    cases_by_round: dict[int, list[CaseRow]] = defaultdict(list)
    cases_by_session: dict[int, list[CaseRow]] = defaultdict(list)
    for round_id, case in rows.cases:
        cases_by_round[round_id].append(case)
        cases_by_session[case.session_id].append(case)
    ratings_by_session: dict[int, list[RatingRow]] = defaultdict(list)
    for rating in rows.ratings:
        ratings_by_session[rating.session_id].append(rating)
    sessions_by_round: dict[int, list[SessionInfo]] = defaultdict(list)
    for session in rows.sessions:
        sessions_by_round[session.round_id].append(session)
    groups_by_session: dict[int, list[GroupRow]] = defaultdict(list)
    for group in rows.groups:
        groups_by_session[group.session_id].append(group)

    rounds = []
    for info in rows.rounds:
        sessions = sessions_by_round.get(info.id, [])
        session_blocks = []
        for session in sessions:
            lane_cards = {lane: rows.lane_cards.get((session.id, lane)) for lane in info.lanes}
            session_blocks.append(
                {
                    "id": session.id,
                    "number": session.number,
                    "status": session.status,
                    "finished_at": iso_ms(session.finished_at),
                    "participants": rows.participants.get(session.id, 0),
                    "cases": case_block(cases_by_session.get(session.id, [])),
                    "confidence": confidence_block(
                        ratings_by_session.get(session.id, []), info.questions
                    ),
                    "lanes": lane_block(info.lanes, [lane_cards]),
                    "board": board_block(
                        info.lanes,
                        [lane_cards],
                        rows.top_cards_by_session.get(session.id, []),
                        groups_by_session.get(session.id, []),
                        {session.id: session.number},
                    ),
                    "agenda": agenda_block(
                        info.agenda(session.number), rows.segment_runs.get(session.id, [])
                    ),
                }
            )
        round_lane_cards = [
            {lane: rows.lane_cards.get((s.id, lane)) for lane in info.lanes} for s in sessions
        ]
        round_ratings = list(
            chain.from_iterable(ratings_by_session.get(s.id, []) for s in sessions)
        )
        joins = rows.handoff_map.get(info.id, [])
        rounds.append(
            {
                "id": info.id,
                "label": info.label,
                "position": info.position,
                "is_baseline": info.id == rows.baseline_round_id,
                "playbook": {
                    "id": info.playbook_id,
                    "title": info.playbook_title,
                    "version": info.playbook_version,
                },
                "lane_names": list(info.lanes),
                "roles": list(info.roles),
                "questions": list(info.questions),
                "participants": rows.round_participants.get(info.id, 0),
                "cases": case_block(cases_by_round.get(info.id, [])),
                "confidence": confidence_block(round_ratings, info.questions),
                "lanes": lane_block(info.lanes, round_lane_cards),
                "board": board_block(
                    info.lanes,
                    round_lane_cards,
                    rows.top_cards_by_round.get(info.id, []),
                    list(chain.from_iterable(groups_by_session.get(s.id, []) for s in sessions)),
                    {s.id: s.number for s in sessions},
                ),
                "handoffs": {"n": sum(count for _f, _t, count in joins)},
                "handoff_map": metrics.handoff_map(
                    chain.from_iterable(repeat((f, t), count) for f, t, count in joins)
                ),
                "sessions": session_blocks,
            }
        )

    by_id = {r["id"]: r for r in rounds}
    baseline = by_id.get(rows.baseline_round_id) if rows.baseline_round_id else None
    comparisons = []
    if baseline is not None:
        for round_ in rounds:
            if round_["id"] != baseline["id"]:
                comparisons.append(
                    comparison(
                        baseline,
                        round_,
                        cases_by_round.get(baseline["id"], []),
                        cases_by_round.get(round_["id"], []),
                    )
                )
    return {
        "playtest": {
            "id": rows.playtest_id,
            "title": rows.title,
            "baseline_round_id": rows.baseline_round_id,
        },
        "generated_at": iso_ms(utcnow()),
        "directional_n": DIRECTIONAL_N,
        "rounds": rounds,
        "comparisons": comparisons,
    }


# --- memoised statistics ---------------------------------------------------------------------
#
# The bootstrap interval and the exact Wilcoxon and Mann–Whitney tests cost milliseconds per
# call, and a summary makes one per session and per round: most of a request on a big
# playtest. Their inputs rarely change (a finished session's ratings never do), so results
# are memoised per process, keyed by a digest of the exact input values. A changed input is
# a different key, so nothing can go stale; the digest keeps large samples out of memory.

_PHASES = {"before": 0, "after": 1}


def _digest(array: np.ndarray) -> bytes:
    return hashlib.blake2b(array.tobytes(), digest_size=20).digest() + bytes(
        str(array.shape), "ascii"
    )


def _ratings_key(ratings: Sequence[RatingRow]) -> bytes:
    return _digest(
        np.array(
            [
                (
                    r.participant_id,
                    r.session_id,
                    r.session_order,
                    _PHASES.get(r.phase, 2),
                    r.question_index,
                    r.value,
                )
                for r in ratings
            ],
            dtype=np.int64,
        )
    )


def _copy(value: object) -> object:
    """A copy of JSON-shaped data (dicts, lists, scalars): callers may add keys to theirs."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


class _Memo:
    """A small thread-safe LRU of results by key (keys are digests, never the samples)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.results: OrderedDict[object, dict] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: object, compute: Callable[[], dict]) -> dict:
        with self.lock:
            if key in self.results:
                self.results.move_to_end(key)
                return _copy(self.results[key])
        result = compute()
        with self.lock:
            self.results[key] = result
            while len(self.results) > self.size:
                self.results.popitem(last=False)
        return _copy(result)


_confidences = _Memo(4096)
_comparisons = _Memo(512)


def memo_confidence(ratings: Sequence[RatingRow], questions: Sequence[str]) -> dict:
    """metrics.confidence, memoised on the exact answers and questions."""
    key = (_ratings_key(ratings), tuple(questions))
    return _confidences.get(key, lambda: metrics.confidence(ratings, questions))


def memo_compare(baseline: Sequence[float], prototype: Sequence[float]) -> dict:
    """metrics.compare, memoised on the exact samples."""
    key = (
        _digest(np.asarray(baseline, dtype=np.float64)),
        _digest(np.asarray(prototype, dtype=np.float64)),
    )
    return _comparisons.get(key, lambda: metrics.compare(baseline, prototype))


# --- blocks ----------------------------------------------------------------------------------


def case_block(cases: Sequence[CaseRow]) -> dict:
    """metrics.case_stats plus `directional` flags (on the cases and on the answered ones)."""
    block = metrics.case_stats(cases)
    block["directional"] = directional(block["n"])
    block["time_to_answer_min"]["directional"] = directional(block["time_to_answer_min"]["n"])
    return block


def confidence_block(ratings: Iterable[RatingRow], questions: Sequence[str]) -> dict:
    """metrics.confidence plus `directional` flags on the pairs and on each question."""
    block = memo_confidence(list(ratings), questions)
    block["directional"] = directional(block["n_pairs"])
    for item in block["items"]:
        item["directional"] = directional(item["n"])
    return block


LaneCards = dict[str, tuple[int, int] | None]  # lane -> (cards, hidden) or None when empty


def lane_block(lanes: Sequence[str], scopes: Iterable[LaneCards]) -> dict[str, int]:
    """Cards per lane (hidden ones included: they were posted), every playbook lane in order."""
    totals = _lane_totals(lanes, scopes)
    return metrics.lane_counts(
        lanes, chain.from_iterable(repeat(lane, n) for lane, (n, _hidden) in totals.items())
    )


def _lane_totals(lanes: Sequence[str], scopes: Iterable[LaneCards]) -> dict[str, tuple[int, int]]:
    totals = {lane: (0, 0) for lane in lanes}
    for scope in scopes:
        for lane, counts in scope.items():
            if counts is not None and lane in totals:
                n, hidden = totals[lane]
                totals[lane] = (n + counts[0], hidden + counts[1])
    return totals


def card_json(card: CardRow, session_numbers: dict[int, int]) -> dict:
    """A top card: its text, votes, group and (named cards only) the author's role."""
    return {
        "id": card.id,
        "session_id": card.session_id,
        "session_number": session_numbers.get(card.session_id),
        "text": card.text,
        "votes": card.votes,
        "author_role": card.author_role,
        "group": card.group,
    }


def board_block(
    lanes: Sequence[str],
    scopes: Sequence[LaneCards],
    top: Sequence[CardRow],
    groups: Sequence[GroupRow],
    session_numbers: dict[int, int],
) -> dict:
    """Cards per lane with their most-voted visible cards, and the named groups (themes)."""
    totals = _lane_totals(lanes, scopes)
    top_by_lane: dict[str, list[dict]] = defaultdict(list)
    for card in top:
        top_by_lane[card.lane].append(card_json(card, session_numbers))
    return {
        "n_cards": sum(n for n, _hidden in totals.values()),
        "n_hidden": sum(hidden for _n, hidden in totals.values()),
        "lanes": [
            {"lane": lane, "n": n, "hidden": hidden, "top": top_by_lane.get(lane, [])}
            for lane, (n, hidden) in totals.items()
        ],
        "groups": [
            {
                "id": group.id,
                "session_id": group.session_id,
                "session_number": session_numbers.get(group.session_id),
                "title": group.title,
                "cards": group.cards,
                "votes": group.votes,
            }
            for group in sorted(groups, key=lambda g: (-g.cards, -g.votes, g.id))
        ],
    }


def agenda_block(agenda: Sequence[dict], runs: Sequence[tuple[int, float]]) -> dict:
    """Planned vs actual minutes per segment of this session's agenda."""
    rows = metrics.agenda_rows([seg["minutes"] for seg in agenda], runs)
    for row, seg in zip(rows, agenda, strict=True):
        row["title"] = seg["title"]
        row["kind"] = seg["kind"]
    ran = [row["actual_min"] for row in rows if row["actual_min"] is not None]
    return {
        "planned_min": float(sum(seg["minutes"] for seg in agenda)),
        "actual_min": sum(ran) if ran else None,
        "segments": rows,
    }


def comparison(
    baseline: dict, round_: dict, base_cases: list[CaseRow], cases: list[CaseRow]
) -> dict:
    """Round vs baseline: Mann–Whitney U and Cliff's delta on handoffs and time to answer."""
    handoffs = memo_compare(metrics.handoffs_per_case(base_cases), metrics.handoffs_per_case(cases))
    times = memo_compare(metrics.times_to_answer(base_cases), metrics.times_to_answer(cases))
    for block in (handoffs, times):
        block["directional"] = directional(min(block["n_baseline"], block["n_prototype"]))
    base_delta = baseline["confidence"]["delta_mean"]
    delta = round_["confidence"]["delta_mean"]
    return {
        "baseline_round_id": baseline["id"],
        "round_id": round_["id"],
        "handoffs_per_case": handoffs,
        "time_to_answer_min": times,
        "confidence_delta": {
            "baseline": base_delta,
            "round": delta,
            "difference": None if base_delta is None or delta is None else delta - base_delta,
            "directional": directional(
                min(baseline["confidence"]["n_pairs"], round_["confidence"]["n_pairs"])
            ),
        },
        "handoff_map": handoff_map_change(baseline, round_),
    }


def handoff_map_change(baseline: dict, round_: dict) -> list[dict]:
    """Each role → role join in either round: counts, handoffs per case, and the change."""
    base = {(j["from"], j["to"]): j["count"] for j in baseline["handoff_map"]}
    now = {(j["from"], j["to"]): j["count"] for j in round_["handoff_map"]}
    base_n, now_n = baseline["cases"]["n"], round_["cases"]["n"]
    joins = sorted(
        set(base) | set(now),
        key=lambda k: (-(base.get(k, 0) + now.get(k, 0)), k[0] or "\uffff", k[1] or "\uffff"),
    )
    return [
        {
            "from": from_role,
            "to": to_role,
            "baseline": base.get((from_role, to_role), 0),
            "count": now.get((from_role, to_role), 0),
            "change": now.get((from_role, to_role), 0) - base.get((from_role, to_role), 0),
            "baseline_per_case": base.get((from_role, to_role), 0) / base_n if base_n else None,
            "per_case": now.get((from_role, to_role), 0) / now_n if now_n else None,
        }
        for from_role, to_role in joins
    ]


def find_round(summary: dict, round_id: int) -> dict | None:
    return next((r for r in summary["rounds"] if r["id"] == round_id), None)
