"""A session's own agenda, editable while it runs (DESIGN.md §9): pure functions over plain
data, no Flask, no database.

A session copies its agenda from the playbook when it is created. Each segment keeps a
stable `key`, the playbook segment it came from (`source`, None for one inserted later),
its `original_min` (the playbook's minutes; None when inserted) and whether it was
`edited` (inserted, moved or given new minutes). Only segments that have not started may
change: those from `first_free` on (after the current segment and after any that ran).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum

from playtest import config
from playtest.enums import SegmentKind

OPS = ("move", "minutes", "insert", "remove")


class AgendaRefusal(StrEnum):
    """Why an agenda edit cannot happen; the service words it for the facilitator."""

    UNKNOWN_OP = "unknown_op"  # params: ops
    NO_SUCH_SEGMENT = "no_such_segment"
    STARTED = "started"  # the current segment, or one that already ran
    BAD_POSITION = "bad_position"
    BAD_MINUTES = "bad_minutes"  # params: min, max
    BAD_TITLE = "bad_title"  # params: max
    BAD_KIND = "bad_kind"  # params: kinds
    TOO_MANY = "too_many"  # params: max
    LAST_ONE = "last_one"


class AgendaError(ValueError):
    def __init__(self, code: AgendaRefusal, **params: object) -> None:
        super().__init__(f"{code}: {params}" if params else str(code))
        self.code = code
        self.params = params


def from_playbook(segments: Sequence[dict]) -> list[dict]:
    """A session's agenda as the playbook plans it (its own copy, made at creation)."""
    return [
        {
            "key": f"p{index}",
            "source": index,
            "title": seg["title"],
            "minutes": seg["minutes"],
            "kind": seg["kind"],
            "original_min": seg["minutes"],
            "edited": False,
        }
        for index, seg in enumerate(segments)
    ]


def first_free(status: str, segment_index: int, ran: Sequence[int]) -> int:
    """The first position that has not started: after the current segment (once the session
    has started) and after every segment that has run."""
    started = status != "not_started"
    return max([segment_index + 1 if started else 0, *(index + 1 for index in ran)])


def _index(agenda: Sequence[dict], value: object, free: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(agenda):
        raise AgendaError(AgendaRefusal.NO_SUCH_SEGMENT)
    if value < free:
        raise AgendaError(AgendaRefusal.STARTED)
    return value


def _position(value: object, free: int, last: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not free <= value <= last:
        raise AgendaError(AgendaRefusal.BAD_POSITION)
    return value


def _minutes(value: object) -> int:
    limits = {"min": config.SEGMENT_MIN_MINUTES, "max": config.SEGMENT_MAX_MINUTES}
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AgendaError(AgendaRefusal.BAD_MINUTES, **limits)
    if value != int(value) or not limits["min"] <= value <= limits["max"]:
        raise AgendaError(AgendaRefusal.BAD_MINUTES, **limits)
    return int(value)


def _title(value: object) -> str:
    title = " ".join(value.split()) if isinstance(value, str) else ""
    if not title or len(title) > config.TITLE_MAX_CHARS:
        raise AgendaError(AgendaRefusal.BAD_TITLE, max=config.TITLE_MAX_CHARS)
    return title


def _kind(value: object) -> str:
    if value not in tuple(SegmentKind):
        raise AgendaError(AgendaRefusal.BAD_KIND, kinds=", ".join(SegmentKind))
    return str(value)


def edit(agenda: Sequence[dict], payload: dict, free: int, new_key: str) -> list[dict]:
    """The agenda after one edit: `payload` is `{op, ...}` as agenda:edit receives it.

    `move {index, to}` (`to`: its index after the move), `minutes {index, minutes}`,
    `insert {at, title, minutes, kind}` (`new_key` becomes its key), `remove {index}`.
    Raises AgendaError when the edit touches a segment that has started or is malformed.
    """
    op = payload.get("op")
    if op not in OPS:
        raise AgendaError(AgendaRefusal.UNKNOWN_OP, ops=", ".join(OPS))
    out = [dict(seg) for seg in agenda]
    if op == "move":
        index = _index(out, payload.get("index"), free)
        to = _position(payload.get("to"), free, len(out) - 1)
        segment = out.pop(index)
        out.insert(to, {**segment, "edited": segment["edited"] or to != index})
    elif op == "minutes":
        index = _index(out, payload.get("index"), free)
        minutes = _minutes(payload.get("minutes"))
        changed = minutes != out[index]["minutes"]
        out[index] = {**out[index], "minutes": minutes, "edited": out[index]["edited"] or changed}
    elif op == "insert":
        if len(out) >= config.PLAYBOOK_MAX_SEGMENTS_PER_SESSION:
            raise AgendaError(AgendaRefusal.TOO_MANY, max=config.PLAYBOOK_MAX_SEGMENTS_PER_SESSION)
        at = _position(payload.get("at"), free, len(out))
        segment = {
            "key": new_key,
            "source": None,
            "title": _title(payload.get("title")),
            "minutes": _minutes(payload.get("minutes")),
            "kind": _kind(payload.get("kind")),
            "original_min": None,
            "edited": True,
        }
        out.insert(at, segment)
    else:  # remove
        index = _index(out, payload.get("index"), free)
        if len(out) == 1:
            raise AgendaError(AgendaRefusal.LAST_ONE)
        out.pop(index)
    return out
