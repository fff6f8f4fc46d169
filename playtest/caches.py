"""Every per-process cache, named in one place, and the small LRU the summary's use.

Two kinds:
- per app (kept on `current_app.extensions`, so each app, e.g. each test's, starts empty):
  facts that never change once written (a round's playbook version, a stored version's
  document), keyed by database ids;
- per process: results keyed by a digest of their exact inputs (the summary's statistics and
  the text of a settled summary), so a changed input is a different key and nothing goes stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from flask import current_app

Result = TypeVar("Result")


def _per_app(name: str) -> dict:
    return current_app.extensions.setdefault(f"playtest.{name}", {})


def round_playbooks() -> dict[int, int]:
    """round id -> the playbook version it runs (fixed when the round is created)."""
    return _per_app("round_playbooks")


def playbook_documents() -> dict[int, dict]:
    """playbook id -> its stored document (parser.playbook_to_dict; a version never changes)."""
    return _per_app("playbook_documents")


def round_paired_playbooks() -> dict[int, int | None]:
    """round id -> the playbook in the other language it is paired with, or None."""
    return _per_app("round_paired_playbooks")


def paired_documents() -> dict[int, dict]:
    """paired playbook id -> its stored document."""
    return _per_app("paired_documents")


def _copy(value: object) -> object:
    """A copy of JSON-shaped data (dicts, lists, scalars): callers may add keys to theirs."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


class LRU(Generic[Result]):
    """A small thread-safe LRU of results by key (keys are digests, never the samples).

    `get` hands out a copy, so a caller that adds keys to its result changes no other's.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.results: OrderedDict[object, Result] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: object, compute: Callable[[], Result]) -> Result:
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


# The summary's memoised statistics (summary/services.py). One entry per session and per round
# summarised: sized for the largest playtest a process serves whole (10,000 sessions in 500
# rounds, bench/summary_bench.py --shape wide), since an LRU smaller than one summary's working
# set misses on every request. An entry is a few KB.
SUMMARY_MEMO_ENTRIES = 12_000
CASE_STATS: LRU[dict] = LRU(SUMMARY_MEMO_ENTRIES)
CONFIDENCES: LRU[dict] = LRU(SUMMARY_MEMO_ENTRIES)
COMPARISONS: LRU[dict] = LRU(1024)
PROCESS_MAPS: LRU[dict] = LRU(1024)  # one per round (summary/casework.py)
WORKING_MINUTES: LRU = LRU(SUMMARY_MEMO_ENTRIES)  # an array per session (summary/casework.py)
# The JSON text of settled playtests' summaries (str: nothing to copy).
SUMMARY_TEXTS: LRU[str] = LRU(16)
