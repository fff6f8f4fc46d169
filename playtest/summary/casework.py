"""What actually happens to a case, in the summary (DESIGN.md §11): the edge between the pure
process map (process.py) and the summary dict (services.py).

Each round's `process` block and the working minutes of rounds and sessions come from the
journeys in the sessions' facts (stored in their digests), memoised per process on the exact
columns like the other statistics; the headline sentences come from headline.py in the
reader's language.
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
from playtest.summary import process
from playtest.summary.metrics import directional
from playtest.summary.scopes import SessionInfo


def windows(sessions: Iterable[SessionInfo], now: datetime) -> process.SessionWindows:
    """The playtest's session windows: each session from its first start to its finish."""
    return process.session_windows(((s.started_at, s.finished_at) for s in sessions), now)


def _digest(journeys: jr.Journeys) -> bytes:
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(repr(journeys.role_names).encode())
    for column in (journeys.lengths, journeys.roles, journeys.at, journeys.answered_at):
        hasher.update(np.ascontiguousarray(column).tobytes())
        hasher.update(b"|")
    return hasher.digest()


def round_process(journeys: jr.Journeys) -> dict:
    """A round's `process` block (process.process_map) with the cases each role opened
    (`starts`: the map's edges out of its start) and its `directional` flag."""

    def compute() -> dict:
        return {**process.process_map(journeys), "starts": process.starts(journeys)}

    block = caches.PROCESS_MAPS.get(_digest(journeys), compute)
    block["directional"] = directional(block["n"])
    return block


def working_minutes(journeys: jr.Journeys, spans: process.SessionWindows) -> np.ndarray:
    """Minutes inside the session windows from open to answer, per answered case."""
    minutes = process.working_minutes(journeys.opened_at, journeys.answered_at, spans)
    return minutes[~np.isnan(minutes)]


def working_block(minutes: np.ndarray) -> dict:
    """`working_time_to_answer_min`: {n, median, q1, q3, directional}, as time to answer."""
    block = process.minutes_block(minutes)
    block["directional"] = directional(block["n"])
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


def concat(parts: Sequence[jr.Journeys]) -> jr.Journeys:
    """A round's journeys from its sessions'."""
    return jr.concat(parts)
