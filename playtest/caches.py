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
from typing import Any, Generic, TypeVar

from flask import current_app

Result = TypeVar("Result")


def _per_app(name: str, new: Callable[[], object] = dict) -> Any:
    """The current app's cache called `name`, made by `new` the first time it is asked for."""
    key = f"playtest.{name}"
    found = current_app.extensions.get(key)
    if found is None:
        found = current_app.extensions.setdefault(key, new())
    return found


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


class RoomSnapshots:
    """The shared part of each room's `state`, by (session id, language): the newest few.

    What is stored is handed out as is, to every socket of the room, so nobody changes it;
    whether an entry is still true is the caller's question (playtest/room_versions.py).
    `lock(key)` lets one socket build a missing entry while the others of a reconnecting room
    wait for it instead of building it too.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[int, str], dict] = OrderedDict()
        self.locks: dict[tuple[int, str], threading.Lock] = {}
        self.guard = threading.Lock()

    def get(self, key: tuple[int, str]) -> dict | None:
        with self.guard:
            return self.entries.get(key)

    def put(self, key: tuple[int, str], entry: dict) -> None:
        with self.guard:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                old, _entry = self.entries.popitem(last=False)
                self.locks.pop(old, None)

    def lock(self, key: tuple[int, str]) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(key, threading.Lock())


# Room snapshots a process keeps: two languages for each of more live sessions than one
# process serves at once (bench/run.py's department load is 50). An entry is the room's board,
# cases and agenda: tens of KB.
ROOM_SNAPSHOT_ENTRIES = 256


def room_snapshots() -> RoomSnapshots:
    """(session id, language) -> the shared part of its participants' and projectors' `state`."""
    return _per_app("room_snapshots", lambda: RoomSnapshots(ROOM_SNAPSHOT_ENTRIES))


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
