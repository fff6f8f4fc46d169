"""The playtest summary (DESIGN.md §7): one dict that the API, the page and the report share.

`playtest_summary()` reads the rows set-based (queries.py) and hands them to the pure
measures in metrics.py; nothing here computes a statistic of its own. Numbers stay at full
precision (pages round them for display) and a missing number is None, never NaN.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
from flask_babel import get_locale

from playtest import caches
from playtest.actions.summary import fingerprint as actions_fingerprint
from playtest.actions.summary import with_actions
from playtest.extensions import db
from playtest.models import Playtest
from playtest.summary import casework, digests, metrics
from playtest.summary.metrics import DIRECTIONAL_N, directional
from playtest.summary.queries import CardRow, GroupRow, SessionFacts, top_of_scope
from playtest.summary.scopes import RoundInfo, SessionInfo, round_infos, session_infos
from playtest.timeutil import iso_ms, utcnow


def playtest_summary(playtest_id: int, stored: bool = True) -> dict | None:
    """The whole summary of a playtest, or None when there is no such playtest.

    Finished sessions come from their stored digests (summary.digests) when current;
    `stored=False` reads every row afresh, which gives the same summary, only slower.
    """
    inputs = _inputs(playtest_id)
    if inputs is None:
        return None
    head, rounds, sessions = inputs
    summary = build_summary(head, rounds, sessions, digests.facts_for(sessions, stored))
    return with_actions(summary, playtest_id)


def playtest_summary_json(playtest_id: int) -> str | None:
    """The summary as JSON text (the API's answer), or None when there is no such playtest.

    A playtest whose sessions have all finished and settled (digests.settled) changes only
    through writes that bump a session's data_version, or through its rounds and playbooks:
    its text is kept per process under a key of exactly those, and served again until one
    of them changes. A playtest with any session not yet settled is summarised each time.
    """
    inputs = _inputs(playtest_id)
    if inputs is None:
        return None
    head, rounds, sessions = inputs
    key = _settled_key(head, rounds, sessions)

    def summarise() -> str:
        summary = build_summary(head, rounds, sessions, digests.facts_for(sessions))
        return to_json(with_actions(summary, playtest_id))

    return summarise() if key is None else caches.SUMMARY_TEXTS.get(key, summarise)


def to_json(data: object) -> str:
    """JSON in the order it was built (lanes in playbook order); NaN is refused, never sent."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _inputs(playtest_id: int) -> tuple[dict, list[RoundInfo], list[SessionInfo]] | None:
    playtest = db.session.get(Playtest, playtest_id)
    if playtest is None:
        return None
    # A round marked "excluded from the summary" (a trial run) is in no figure at all.
    included = [r for r in playtest.rounds if not r.excluded_from_summary]
    baseline = next((r for r in included if r.is_baseline), included[0] if included else None)
    head = {
        "id": playtest.id,
        "title": playtest.title,
        "baseline_round_id": baseline.id if baseline else None,
    }
    kept = {r.id for r in included}
    rounds = [r for r in round_infos(playtest_id) if r.id in kept]
    # Before the rows: the sessions' data_version dates the facts.
    sessions = [s for s in session_infos(playtest_id) if s.round_id in kept]
    return head, rounds, sessions


def _settled_key(
    head: dict, rounds: Sequence[RoundInfo], sessions: Sequence[SessionInfo]
) -> bytes | None:
    """A digest of everything a settled playtest's summary depends on; None if not settled."""
    if not sessions or not all(digests.settled(s) for s in sessions):
        return None
    parts = (
        digests.FORMAT,
        sorted(head.items()),
        [(r.id, r.label, r.position, r.playbook_id, r.playbook_version) for r in rounds],
        [
            (s.id, s.round_id, s.number, s.finished_at.timestamp(), s.data_version, s.started_at)
            for s in sessions
        ],
        str(get_locale()),  # the headline is in the reader's language
        actions_fingerprint(head["id"]),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).digest()


def build_summary(
    head: dict,
    rounds: Sequence[RoundInfo],
    sessions: Sequence[SessionInfo],
    facts: dict[int, SessionFacts],
    with_process: bool = True,
) -> dict:
    """Assemble the summary from each session's facts (no database access).

    `with_process=False` leaves out what DESIGN.md §11 adds (the process blocks, working
    minutes, rework and the edges that changed): only bench/summary_bench.py asks, to
    measure what they cost.
    """
    windows = casework.Windows(sessions, utcnow())
    sessions_by_round: dict[int, list[SessionInfo]] = defaultdict(list)
    for session in sessions:
        sessions_by_round[session.round_id].append(session)

    round_blocks = []
    round_cases: dict[int, tuple] = {}
    for info in rounds:
        scope = [(s, facts[s.id]) for s in sessions_by_round.get(info.id, [])]
        numbers = {s.id: s.number for s, _f in scope}
        session_blocks = [
            {
                "id": session.id,
                "number": session.number,
                "status": session.status,
                "finished_at": iso_ms(session.finished_at),
                "participants": len(fact.participants),
                "cases": case_block(
                    fact.handoffs,
                    fact.minutes,
                    casework.scope_working([fact], windows)[1] if with_process else None,
                ),
                "confidence": confidence_block([(session, fact)], info.questions),
                "lanes": lane_block(info.lanes, [fact.lanes]),
                "board": board_block(
                    info.lanes, [fact.lanes], fact.top, fact.groups, {session.id: session.number}
                ),
                "agenda": agenda_block(session.segments(info), fact.runs),
            }
            for session, fact in scope
        ]
        handoffs = np.concatenate([f.handoffs for _s, f in scope] or [np.zeros(0, np.int64)])
        minutes = np.concatenate([f.minutes for _s, f in scope] or [np.zeros(0)])
        scope_facts = [f for _s, f in scope]
        working, working_stats = (
            casework.scope_working(scope_facts, windows) if with_process else (None, None)
        )
        round_cases[info.id] = (
            handoffs,
            minutes,
            None if working is None else (working, casework.scope_key(scope_facts)),
            windows,
        )
        joins: dict[tuple[str | None, str | None], int] = defaultdict(int)
        for _s, fact in scope:
            for from_role, to_role, count in fact.handoff_map:
                joins[(from_role, to_role)] += count
        lane_scopes = [fact.lanes for _s, fact in scope]
        round_blocks.append(
            {
                "id": info.id,
                "label": info.label,
                "position": info.position,
                "is_baseline": info.id == head["baseline_round_id"],
                "playbook": {
                    "id": info.playbook_id,
                    "title": info.playbook_title,
                    "version": info.playbook_version,
                },
                "lane_names": list(info.lanes),
                "roles": list(info.roles),
                "questions": list(info.questions),
                "participants": len(set(chain.from_iterable(f.participants for _s, f in scope))),
                "cases": case_block(handoffs, minutes, working_stats),
                "confidence": confidence_block(scope, info.questions),
                "lanes": lane_block(info.lanes, lane_scopes),
                "board": board_block(
                    info.lanes,
                    lane_scopes,
                    top_of_scope(list(chain.from_iterable(f.top for _s, f in scope))),
                    list(chain.from_iterable(f.groups for _s, f in scope)),
                    numbers,
                ),
                "handoffs": {"n": sum(joins.values())},
                "handoff_map": metrics.handoff_map_of_counts(joins),
                **({"process": casework.round_process(scope_facts)} if with_process else {}),
                "sessions": session_blocks,
            }
        )

    by_id = {r["id"]: r for r in round_blocks}
    baseline = by_id.get(head["baseline_round_id"]) if head["baseline_round_id"] else None
    comparisons = []
    if baseline is not None:
        for round_ in round_blocks:
            if round_["id"] != baseline["id"]:
                comparisons.append(
                    comparison(
                        baseline, round_, round_cases[baseline["id"]], round_cases[round_["id"]]
                    )
                )
    return {
        "playtest": head,
        "generated_at": iso_ms(utcnow()),
        "directional_n": DIRECTIONAL_N,
        "rounds": round_blocks,
        "comparisons": comparisons,
    }


# --- memoised statistics ---------------------------------------------------------------------
#
# The bootstrap interval, the exact Wilcoxon and Mann–Whitney tests and the quartiles of a
# round's cases cost milliseconds per call, and a summary makes one per session and per
# round: most of a request on a big playtest. Their inputs rarely change (a finished
# session's never do), so results are memoised per process, keyed by a digest of the exact
# input values. A changed input is a different key, so nothing can go stale; the digest
# keeps large samples out of memory. The LRUs are named in playtest/caches.py.


def _digest(array: np.ndarray) -> bytes:
    return hashlib.blake2b(array.tobytes(), digest_size=20).digest() + bytes(
        str(array.shape), "ascii"
    )


def memo_case_stats(handoffs: np.ndarray, minutes: np.ndarray) -> dict:
    """metrics.case_stats_of, memoised on the exact arrays (quartiles sort every case)."""
    key = (_digest(handoffs.astype(np.int64)), _digest(minutes.astype(np.float64)))
    return caches.CASE_STATS.get(key, lambda: metrics.case_stats_of(handoffs, minutes))


RatingScope = Sequence[tuple[SessionInfo, SessionFacts]]


def memo_confidence(scope: RatingScope, questions: Sequence[str]) -> dict:
    """metrics.confidence over these sessions' answers, memoised on the exact answers."""
    key = (
        _digest(
            np.concatenate(
                [
                    np.column_stack(
                        (
                            np.full((len(fact.ratings), 2), (session.id, session.number)),
                            fact.ratings,
                        )
                    )
                    for session, fact in scope
                ]
                or [np.zeros((0, 6), dtype=np.int64)]
            )
        ),
        tuple(questions),
    )
    return caches.CONFIDENCES.get(
        key,
        lambda: metrics.confidence(
            chain.from_iterable(fact.rating_rows(s.id, s.number) for s, fact in scope), questions
        ),
    )


def memo_compare(baseline: Sequence[float], prototype: Sequence[float]) -> dict:
    """metrics.compare, memoised on the exact samples."""
    key = (
        _digest(np.asarray(baseline, dtype=np.float64)),
        _digest(np.asarray(prototype, dtype=np.float64)),
    )
    return caches.COMPARISONS.get(key, lambda: metrics.compare(baseline, prototype))


# --- blocks ----------------------------------------------------------------------------------


def case_block(handoffs: np.ndarray, minutes: np.ndarray, working: dict | None = None) -> dict:
    """metrics.case_stats plus `directional` flags (on the cases and on the answered ones),
    and the working minutes to answer (casework.scope_working) beside wall-clock time."""
    block = memo_case_stats(handoffs, minutes)
    block["directional"] = directional(block["n"])
    block["time_to_answer_min"]["directional"] = directional(block["time_to_answer_min"]["n"])
    if working is not None:
        block["working_time_to_answer_min"] = working
    return block


def confidence_block(scope: RatingScope, questions: Sequence[str]) -> dict:
    """metrics.confidence plus `directional` flags on the pairs and on each question."""
    block = memo_confidence(scope, questions)
    block["directional"] = directional(block["n_pairs"])
    for item in block["items"]:
        item["directional"] = directional(item["n"])
    return block


LaneCards = dict[str, tuple[int, int] | None]  # lane -> (cards, hidden) or None when empty


def lane_block(lanes: Sequence[str], scopes: Iterable[LaneCards]) -> dict[str, int]:
    """Cards per lane (hidden ones included: they were posted), every playbook lane in order."""
    return {lane: n for lane, (n, _hidden) in _lane_totals(lanes, scopes).items()}


def _lane_totals(lanes: Sequence[str], scopes: Iterable[LaneCards]) -> dict[str, tuple[int, int]]:
    """Every playbook lane in order (0 when empty); a lane the playbook does not name is not
    counted (the board never accepts one)."""
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
    baseline: dict,
    round_: dict,
    base_cases: tuple,
    cases: tuple,
) -> dict:
    """Round vs baseline: Mann–Whitney U and Cliff's delta on handoffs and time to answer
    (wall-clock and working minutes), Fisher's exact test on rework, and the headline.

    Each side's cases are (handoffs, minutes) arrays as in metrics.case_columns, then the
    answered cases' working minutes with their scope key (None without the process block),
    then the session windows (casework.Windows).
    """
    handoffs = memo_compare(base_cases[0], cases[0])
    times = memo_compare(
        metrics.answered_minutes(base_cases[1]), metrics.answered_minutes(cases[1])
    )
    for block in (handoffs, times):
        block["directional"] = directional(min(block["n_baseline"], block["n_prototype"]))
    base_delta = baseline["confidence"]["delta_mean"]
    delta = round_["confidence"]["delta_mean"]
    block = {
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
    if base_cases[2] is not None and cases[2] is not None:
        block["working_time_to_answer_min"] = casework.working_comparison(
            base_cases[2], cases[2], cases[3]
        )
        block["rework_share"] = casework.rework_comparison(baseline, round_)
        block["process_edges"] = casework.edge_changes(baseline, round_)
    block["headline"] = casework.headline(baseline, round_, block)
    return block


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
