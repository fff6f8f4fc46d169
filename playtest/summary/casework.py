"""What actually happens to a case, in the summary (DESIGN.md §11): the edge between the pure
process map (process.py) and the summary dict (services.py).

Each round's `process` block and the working minutes of rounds and sessions come from the
journeys in the sessions' facts (stored in their digests). They are memoised per process like
the other statistics, keyed by the digests of the journeys' packed columns that the facts
carry (queries.SessionFacts.journeys_key) and of the session windows: a rebuild whose cases
did not change neither unpacks nor re-reads a journey (bench/summary_bench.py --process).
The headline sentences come from headline.py in the reader's language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np
from flask_babel import gettext, ngettext

from playtest import caches
from playtest.formatting import format_number
from playtest.summary import headline as hl
from playtest.summary import journeys as jr
from playtest.summary import metrics, process
from playtest.summary.metrics import directional
from playtest.summary.queries import SessionFacts
from playtest.summary.scopes import SessionInfo


class Windows:
    """The playtest's session windows (each session from its first start to its finish) and
    a digest of them, for the memo keys."""

    def __init__(self, sessions: Iterable[SessionInfo], now: datetime) -> None:
        self.spans = process.session_windows(((s.started_at, s.finished_at) for s in sessions), now)
        self.key = hashlib.blake2b(
            self.spans.starts.tobytes() + b"|" + self.spans.ends.tobytes(), digest_size=20
        ).digest()


def scope_key(facts: Sequence[SessionFacts]) -> bytes:
    """A digest of several sessions' journeys, in order (a round's)."""
    return hashlib.blake2b(b"".join(f.journeys_key for f in facts), digest_size=20).digest()


def round_process(facts: Sequence[SessionFacts]) -> dict:
    """A round's `process` block (process.process_map) with the cases each role opened
    (`starts`: the map's edges out of its start) and its `directional` flag."""

    def compute() -> dict:
        journeys = jr.concat([f.journeys for f in facts])
        return {**process.process_map(journeys), "starts": process.starts(journeys)}

    block = caches.PROCESS_MAPS.get(scope_key(facts), compute)
    block["directional"] = directional(block["n"])
    return block


def session_working(fact: SessionFacts, windows: Windows) -> np.ndarray:
    """Minutes inside the session windows from open to answer, per answered case."""

    def compute() -> np.ndarray:
        journeys = fact.journeys
        minutes = process.working_minutes(journeys.opened_at, journeys.answered_at, windows.spans)
        return minutes[~np.isnan(minutes)]

    return caches.WORKING_MINUTES.get((fact.journeys_key, windows.key), compute)


def scope_working(facts: Sequence[SessionFacts], windows: Windows) -> tuple[np.ndarray, dict]:
    """A scope's working minutes (its sessions', in order) and their block."""
    minutes = np.concatenate(
        [session_working(f, windows) for f in facts] or [np.zeros(0, dtype=np.float64)]
    )
    key = (b"working", scope_key(facts), windows.key)
    return minutes, caches.CASE_STATS.get(key, lambda: working_block(minutes))


def working_block(minutes: np.ndarray) -> dict:
    """`working_time_to_answer_min`: {n, median, q1, q3, directional}, as time to answer."""
    block = process.minutes_block(minutes)
    block["directional"] = directional(block["n"])
    return block


def working_comparison(
    base: tuple[np.ndarray, bytes], now: tuple[np.ndarray, bytes], windows: Windows
) -> dict:
    """Mann–Whitney U and Cliff's delta on two rounds' working minutes ((minutes, scope key))."""
    key = (b"working", base[1], now[1], windows.key)
    block = caches.COMPARISONS.get(key, lambda: metrics.compare(base[0], now[0]))
    block["directional"] = directional(min(block["n_baseline"], block["n_prototype"]))
    return block


def rework_comparison(baseline: dict, round_: dict) -> dict:
    """A comparison's `rework_share`: both shares and Fisher's exact test."""
    block = process.rework_comparison(baseline["process"], round_["process"])
    block["directional"] = directional(min(baseline["process"]["n"], round_["process"]["n"]))
    return block


def edge_changes(baseline: dict, round_: dict) -> list[dict]:
    """Every edge of the baseline's map or the round's: appeared, disappeared or kept."""
    return process.edge_changes(baseline["process"]["edges"], round_["process"]["edges"])


def headline(baseline: dict, round_: dict, comparison: dict) -> list[dict]:
    """The comparison's plain sentences in the reader's language (DESIGN.md §7)."""
    return hl.headline(
        baseline, round_, comparison, gettext, ngettext, lambda value: format_number(value, 1)
    )
