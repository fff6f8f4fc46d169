"""Case journeys, pure: each case's corrected event log reduced to what the process map reads.

A case's journey is the role that opened it and when, each standing handoff's `to_role` and
when, and the standing answer's time (corrections removed, DESIGN.md §7). A round can hold a
quarter of a million cases, so many journeys are kept as columns (`Journeys`): numpy arrays
that a session digest stores as bytes, that concatenate across sessions without a Python
object per case, and that process.py summarises in a few vectorised passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

import numpy as np

# The kinds of case event that make a journey; corrections ("handoff_undone", "reopened")
# only remove the event they correct.
OPENED, HANDOFF, ANSWERED = "opened", "handoff", "answered"
JOURNEY_KINDS = (OPENED, HANDOFF, ANSWERED)

Role = str | None  # a participant who joined without a role opens cases with none
_MICROSECONDS = np.dtype("datetime64[us]")


@dataclass(frozen=True)
class LogEvent:
    """One row of a case's event log as stored: journey events and corrections alike."""

    id: int
    kind: str  # opened | handoff | answered | handoff_undone | reopened
    at: datetime
    session_id: int
    participant_id: int | None
    from_role: Role = None
    to_role: Role = None
    corrects_id: int | None = None


@dataclass(frozen=True)
class CaseLog:
    """A case with its whole event log (corrections included), as the exports read it."""

    case_id: int
    label: str
    round_id: int
    round_label: str
    session_id: int  # the session it was opened in
    events: tuple[LogEvent, ...]


def replayed(events: Iterable[LogEvent]) -> Iterator[tuple[LogEvent, Role]]:
    """The standing open, handoff and answer events in log order, each with the role that
    holds the case after it (the opener's, the `to_role`, and for an answer the holder's).

    The same rule as cases.services.replay(): an event a correction points at is gone, and so
    is the correction itself.
    """
    rows = sorted(events, key=lambda event: event.id)
    corrected = {event.corrects_id for event in rows if event.corrects_id is not None}
    holder: Role = None
    for event in rows:
        if event.id in corrected or event.kind not in JOURNEY_KINDS:
            continue
        if event.kind != ANSWERED:
            holder = event.to_role
        yield event, holder


@dataclass(frozen=True)
class Journey:
    """One case's corrected log: who opened it and when, each standing handoff, the answer."""

    opened_role: Role
    opened_at: datetime
    handoffs: tuple[tuple[Role, datetime], ...] = ()  # (to_role, at) in log order
    answered_at: datetime | None = None


@dataclass(frozen=True, eq=False)
class Journeys:
    """Many cases' journeys as columns, in case order (treat the arrays as read-only).

    Case i's holders are the slice offsets[i]:offsets[i + 1] of `roles` and `at`: the role that
    opened it, then each standing handoff's `to_role`, with the time the case came to each.
    """

    role_names: tuple[Role, ...]  # role code -> role name
    lengths: np.ndarray  # int64 per case: its holders, 1 + its standing handoffs
    roles: np.ndarray  # int64 per holder: a code into role_names
    at: np.ndarray  # datetime64[us] per holder: the open, then each handoff
    answered_at: np.ndarray  # datetime64[us] per case: the standing answer; NaT while open

    def __post_init__(self) -> None:
        n, holders = self.lengths.size, int(self.lengths.sum())
        if self.answered_at.size != n or self.roles.size != holders or self.at.size != holders:
            raise ValueError("journey columns do not line up")
        if self.at.dtype != _MICROSECONDS or self.answered_at.dtype != _MICROSECONDS:
            raise ValueError("journey times are datetime64[us]")
        if n and int(self.lengths.min()) < 1:
            raise ValueError("every case has the role that opened it")
        if holders and not 0 <= int(self.roles.min()) <= int(self.roles.max()) < len(
            self.role_names
        ):
            raise ValueError("a role code outside role_names")

    @property
    def n(self) -> int:
        """The number of cases."""
        return int(self.lengths.size)

    @cached_property
    def offsets(self) -> np.ndarray:
        """Where each case's holders start in `roles` and `at`, plus the end (n + 1 values)."""
        return np.concatenate(([0], np.cumsum(self.lengths)))

    @cached_property
    def opened_at(self) -> np.ndarray:
        """datetime64[us] per case: when it was opened."""
        return self.at[self.offsets[:-1]]

    @cached_property
    def answered(self) -> np.ndarray:
        """bool per case: it has a standing answer."""
        return ~np.isnat(self.answered_at)

    def minutes_to_answer(self) -> np.ndarray:
        """float64 minutes from open to answer per case, NaN while open (as case_columns)."""
        return minutes_between(self.opened_at, self.answered_at)


def minutes_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Minutes from start to end (datetime64[us]), NaN where either is NaT.

    Whole microseconds / 1e6 / 60 is what timedelta.total_seconds() / 60 gives, so the numbers
    match the summary's times to answer bit for bit.
    """
    # As integers: numpy's datetime arithmetic checks every value for NaT, several times slower.
    first, last = start.view(np.int64), end.view(np.int64)
    micros = (last - first).astype(np.float64)
    return np.where((first == _NAT) | (last == _NAT), np.nan, micros / 1e6 / 60.0)


_NAT = np.iinfo(np.int64).min  # NaT as datetime64's int64 value


def datetimes(values: Iterable[datetime | str | None] | np.ndarray) -> np.ndarray:
    """datetime64[us] of aware datetimes, stored UTC text or naive UTC datetimes; None is NaT."""
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[us]")
    return np.array([_naive_utc(value) for value in values], dtype="datetime64[us]")


def _naive_utc(value: datetime | str | None) -> datetime | str | None:
    # numpy refuses (with a warning) to parse a time zone: hand it naive UTC instead.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


class _RoleTable:
    """Role name -> code, first seen first; seeded with the playbook's roles in order."""

    def __init__(self, seed: Iterable[Role] = ()) -> None:
        self.codes: dict[Role, int] = {}
        for role in seed:
            self.code(role)

    def code(self, role: Role) -> int:
        return self.codes.setdefault(role, len(self.codes))

    @property
    def names(self) -> tuple[Role, ...]:
        return tuple(self.codes)


def empty(role_names: Sequence[Role] = ()) -> Journeys:
    """No cases."""
    return Journeys(
        role_names=tuple(role_names),
        lengths=np.zeros(0, dtype=np.int64),
        roles=np.zeros(0, dtype=np.int64),
        at=np.zeros(0, dtype="datetime64[us]"),
        answered_at=np.zeros(0, dtype="datetime64[us]"),
    )


def journeys_of(cases: Iterable[Journey], role_names: Sequence[Role] = ()) -> Journeys:
    """Journeys from one Journey per case (roles the table lacks are added after it)."""
    table = _RoleTable(role_names)
    lengths: list[int] = []
    roles: list[int] = []
    at: list[datetime] = []
    answered: list[datetime | None] = []
    for case in cases:
        lengths.append(1 + len(case.handoffs))
        roles.append(table.code(case.opened_role))
        at.append(case.opened_at)
        for to_role, handed_at in case.handoffs:
            roles.append(table.code(to_role))
            at.append(handed_at)
        answered.append(case.answered_at)
    return Journeys(
        role_names=table.names,
        lengths=np.array(lengths, dtype=np.int64),
        roles=np.array(roles, dtype=np.int64),
        at=datetimes(at),
        answered_at=datetimes(answered),
    )


def journey_of_log(events: Iterable[LogEvent]) -> Journey:
    """One case's Journey from its whole event log, corrections removed."""
    opened: LogEvent | None = None
    handoffs: list[tuple[Role, datetime]] = []
    answered_at = None
    for event, holder in replayed(events):
        if event.kind == OPENED:
            opened = event
        elif event.kind == HANDOFF:
            handoffs.append((holder, event.at))
        else:
            answered_at = event.at
    if opened is None:
        raise ValueError("a case's log starts with its opened event")
    return Journey(opened.to_role, opened.at, tuple(handoffs), answered_at)


def journeys_from_events(
    case_ids: Sequence[int],
    kinds: Sequence[str],
    roles: Sequence[Role],
    at: Sequence[datetime | str],
    role_names: Sequence[Role] = (),
) -> Journeys:
    """Journeys from the standing events of many cases as columns (one SQL result).

    The events come grouped by case in log order (ORDER BY case, event id), corrected events
    and corrections already left out; `roles` is each event's `to_role` (an answer's is not
    read). Every case's first event is its open.
    """
    case = np.asarray(case_ids, dtype=np.int64)
    kind = np.asarray(kinds, dtype=object)
    times = datetimes(at)
    is_answer = kind == ANSWERED
    holder = ~is_answer
    first = np.r_[True, case[1:] != case[:-1]] if case.size else np.zeros(0, dtype=bool)
    if np.any(first & (kind != OPENED)):
        raise ValueError("every case's first event is its open")
    table = _RoleTable(role_names)
    codes = np.fromiter(
        (table.code(role) for role, keep in zip(roles, holder.tolist(), strict=True) if keep),
        dtype=np.int64,
    )
    case_index = np.cumsum(first) - 1
    n = int(first.sum())
    answered_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    answered_at[case_index[is_answer]] = times[is_answer]
    return Journeys(
        role_names=table.names,
        lengths=np.bincount(case_index[holder], minlength=n).astype(np.int64),
        roles=codes,
        at=times[holder],
        answered_at=answered_at,
    )


def concat(parts: Sequence[Journeys]) -> Journeys:
    """Several scopes' journeys as one (a round from its sessions), role codes remapped."""
    if not parts:
        return empty()
    table = _RoleTable()
    roles = []
    for part in parts:
        remap = np.array([table.code(name) for name in part.role_names], dtype=np.int64)
        roles.append(remap[part.roles] if part.roles.size else part.roles)
    return Journeys(
        role_names=table.names,
        lengths=np.concatenate([part.lengths for part in parts]),
        roles=np.concatenate(roles),
        at=np.concatenate([part.at for part in parts]),
        answered_at=np.concatenate([part.answered_at for part in parts]),
    )


# --- storage in a session digest --------------------------------------------------------------

_PACKED_HEAD = 2  # int64 values before the arrays: cases, holders


def pack(journeys: Journeys) -> tuple[list[Role], bytes]:
    """(role names for the digest's JSON, the columns as little-endian bytes)."""
    head = np.array([journeys.n, journeys.roles.size], dtype="<i8")
    blob = b"".join(
        (
            head.tobytes(),
            journeys.lengths.astype("<i4").tobytes(),
            journeys.roles.astype("<i2").tobytes(),
            journeys.at.astype("datetime64[us]").view(np.int64).astype("<i8").tobytes(),
            journeys.answered_at.astype("datetime64[us]").view(np.int64).astype("<i8").tobytes(),
        )
    )
    return list(journeys.role_names), blob


def unpack(role_names: Sequence[Role], blob: bytes) -> Journeys:
    """The Journeys that pack() stored."""
    n, holders = np.frombuffer(blob, dtype="<i8", count=_PACKED_HEAD).tolist()
    offset = 8 * _PACKED_HEAD

    def take(dtype: str, count: int) -> np.ndarray:
        nonlocal offset
        array = np.frombuffer(blob, dtype=dtype, count=count, offset=offset)
        offset += array.nbytes
        return array

    lengths = take("<i4", n).astype(np.int64)
    roles = take("<i2", holders).astype(np.int64)
    at = take("<i8", holders).astype(np.int64).view("datetime64[us]")
    answered_at = take("<i8", n).astype(np.int64).view("datetime64[us]")
    return Journeys(tuple(role_names), lengths, roles, at, answered_at)
