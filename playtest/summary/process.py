"""What actually happens to a case (DESIGN.md §11), pure: journeys in, the process map out.

Paths, edges with their median waits, variants, rework and stuck cases of a set of cases,
the working minutes to answer inside the playtest's session windows, and round vs round.
Everything is computed over the columns of journeys.Journeys in a few numpy passes (counting
and radix sorts where the keys are small), never a Python loop per case. Medians and
quartiles are numpy's default (linear) method, as stats.quartiles has them; a missing number
is None, never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from playtest.summary import stats
from playtest.summary.journeys import Journeys, Role, datetimes, minutes_between

END_ANSWERED, END_OPEN = "answered", "open"  # the two ends of a path
MAX_VARIANTS = 10
# Up to this many roles, "some role twice" is found with one bit per role in an int64.
_BITMASK_ROLES = 32


def process_map(journeys: Journeys, max_variants: int = MAX_VARIANTS) -> dict:
    """The `process` block of a round: edges, variants, rework and stuck cases."""
    n = journeys.n
    rework = int(np.count_nonzero(rework_cases(journeys)))
    top, other_count = variants(journeys, max_variants)
    return {
        "n": n,
        "edges": edges(journeys),
        "variants": top,
        "other_count": other_count,
        "rework": rework,
        "rework_share": rework / n if n else None,
        "stuck": stuck(journeys),
    }


def _lasts(journeys: Journeys) -> np.ndarray:
    """Index in `roles` of each case's last holder (who holds it now, or answered it)."""
    return journeys.offsets[1:] - 1


def _name_order(role_names: Sequence[Role]) -> np.ndarray:
    """rank[code]: the role's place when roles are sorted by name, a missing role last."""
    order = sorted(range(len(role_names)), key=lambda code: _role_key(role_names[code]))
    rank = np.empty(len(role_names), dtype=np.int64)
    rank[order] = np.arange(len(role_names))
    return rank


def _role_key(role: Role) -> tuple[bool, str]:
    return role is None, role or ""


# --- edges ------------------------------------------------------------------------------------


def edges(journeys: Journeys) -> list[dict]:
    """Each step of every path (the end included), counted, with its median wait in minutes.

    A step from a holder to the next starts at the event that gave the case to the first and
    ends at the one that gave it to the second (or answered it); a step to the `open` end has
    not ended, so it has no wait. Busiest first, then by role names.
    """
    if journeys.n == 0:
        return []
    names, k = journeys.role_names, len(journeys.role_names)
    # Every holder starts exactly one step: to the next holder, or to the case's end.
    lasts = _lasts(journeys)
    targets = np.empty_like(journeys.roles)
    targets[:-1] = journeys.roles[1:]
    targets[lasts] = np.where(journeys.answered, k, k + 1)
    ended = np.empty_like(journeys.at)
    ended[:-1] = journeys.at[1:]
    ended[lasts] = journeys.answered_at
    codes = journeys.roles * (k + 2) + targets
    # Codes are small: as uint16 a stable argsort is a radix sort, linear in the steps.
    small = codes.astype(np.uint16) if k * (k + 2) <= np.iinfo(np.uint16).max else codes
    order = np.argsort(small, kind="stable")
    waits = minutes_between(journeys.at[order], ended[order])
    counts = np.bincount(codes, minlength=k * (k + 2))
    present = np.flatnonzero(counts)
    bounds = np.r_[0, np.cumsum(counts[present])].tolist()
    out = []
    for code, start, stop in zip(present.tolist(), bounds[:-1], bounds[1:], strict=True):
        source, target = divmod(code, k + 2)
        ends_open = target == k + 1
        out.append(
            {
                "from": names[source],
                "to": END_ANSWERED if target == k else END_OPEN if ends_open else names[target],
                "count": stop - start,
                "median_wait_min": None if ends_open else _median(waits[start:stop]),
            }
        )
    out.sort(key=lambda edge: (-edge["count"], _role_key(edge["from"]), _target_key(edge["to"])))
    return out


def _median(values: np.ndarray) -> float:
    """The median as stats.quartiles has it (numpy's linear method), of a non-empty sample."""
    return float(np.percentile(values, 50))


_END_ORDER = {END_ANSWERED: 1, END_OPEN: 2}


def _target_key(target: Role) -> tuple[int, bool, str]:
    """Roles first (by name), then the answered end, then the open one."""
    return (_END_ORDER.get(target, 0), *_role_key(target))


# --- variants ---------------------------------------------------------------------------------


def variants(journeys: Journeys, max_variants: int = MAX_VARIANTS) -> tuple[list[dict], int]:
    """The most common paths (count, then path, decide) and how many cases the rest hold.

    A path is compared holder by holder by role name (a missing role last); an end comes after
    every role, answered before open. (Every path ends in an end, so none is a prefix of another.)
    """
    n = journeys.n
    if n == 0:
        return [], 0
    digits, end_digits = _digits(journeys)
    codes = _path_codes(journeys, digits, end_digits)
    variant_codes, counts, members = _count_codes(codes)
    candidates = np.arange(counts.size)
    if counts.size > max_variants:
        # Every variant at least as common as the max_variants-th can make the list.
        threshold = np.partition(counts, counts.size - max_variants)[counts.size - max_variants]
        candidates = np.flatnonzero(counts >= threshold)
    matrix = _digit_rows(journeys, digits, end_digits, members[candidates])
    keys = tuple(matrix[:, column] for column in reversed(range(matrix.shape[1])))
    top = candidates[np.lexsort((*keys, -counts[candidates]))][:max_variants]

    minutes = journeys.minutes_to_answer()
    out = []
    for variant, path in zip(top.tolist(), paths(journeys, members[top]), strict=True):
        times = minutes[codes == variant_codes[variant]]
        out.append(
            {
                "path": path,
                "count": int(counts[variant]),
                "share": int(counts[variant]) / n,
                "median_time_to_answer_min": stats.quartiles(times[~np.isnan(times)])[1],
            }
        )
    return out, n - sum(variant["count"] for variant in out)


# Path codes below this are counted with one bincount (no sort): with four roles, every path
# of up to five handoffs.
_DENSE_CODES = 1 << 18


def _count_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct codes, cases with each, one case with each): short paths by counting, the
    rest by sorting."""
    dense = (codes >= 0) & (codes < _DENSE_CODES)
    cases = np.flatnonzero(dense)
    counts = np.bincount(codes[cases])
    member = np.zeros(counts.size, dtype=np.int64)
    member[codes[cases]] = cases  # any case of a code will do
    seen = np.flatnonzero(counts)
    rest = np.flatnonzero(~dense)
    other, first, other_counts = np.unique(codes[rest], return_index=True, return_counts=True)
    return (
        np.concatenate((seen, other)),
        np.concatenate((counts[seen], other_counts)),
        np.concatenate((member[seen], rest[first])),
    )


def _digits(journeys: Journeys) -> tuple[np.ndarray, np.ndarray]:
    """Each holder as a digit 1..k in role-name order, and each case's end as k+1 or k+2."""
    k = len(journeys.role_names)
    digits = _name_order(journeys.role_names)[journeys.roles] + 1
    return digits, np.where(journeys.answered, k + 1, k + 2)


def _path_codes(journeys: Journeys, digits: np.ndarray, end_digits: np.ndarray) -> np.ndarray:
    """One int64 per case, equal exactly when two paths are equal.

    A path of up to `cap` steps is its digits read as a number in base k + 3 (no digit is 0,
    so paths of different lengths differ); the rare longer one gets a negative code by value.
    """
    base = len(journeys.role_names) + 3
    powers = [1]
    while powers[-1] * base < 2**62:
        powers.append(powers[-1] * base)
    cap = len(powers)  # base ** cap >= 2 ** 62 > base ** (cap - 1)
    offsets = journeys.offsets
    # A holder's power: 1 for a case's last holder, up to its length for the opener's role.
    power = np.repeat(offsets[1:], journeys.lengths) - np.arange(journeys.roles.size)
    terms = digits * np.array(powers, dtype=np.int64)[np.minimum(power, cap - 1)]
    long_cases = journeys.lengths + 1 > cap
    if np.any(long_cases):
        terms[np.repeat(long_cases, journeys.lengths)] = 0
    codes = np.add.reduceat(terms, offsets[:-1]) + end_digits
    if np.any(long_cases):
        seen: dict[tuple[int, ...], int] = {}
        for case in np.flatnonzero(long_cases).tolist():
            path = (*digits[offsets[case] : offsets[case + 1]].tolist(), int(end_digits[case]))
            codes[case] = -1 - seen.setdefault(path, len(seen))
    return codes


def _digit_rows(
    journeys: Journeys, digits: np.ndarray, end_digits: np.ndarray, cases: np.ndarray
) -> np.ndarray:
    """These cases' paths as rows of digits, padded with 0 after their end."""
    lengths = journeys.lengths[cases]
    rows = np.zeros((cases.size, int(lengths.max()) + 1), dtype=np.int64)
    row = np.repeat(np.arange(cases.size), lengths)
    column = np.arange(row.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    source = np.repeat(journeys.offsets[cases], lengths) + column
    rows[row, column] = digits[source]
    rows[np.arange(cases.size), lengths] = end_digits[cases]
    return rows


def paths(journeys: Journeys, cases: np.ndarray | None = None) -> list[list[Role]]:
    """Each case's path (or these cases'): its holders in order, then "answered" or "open"."""
    cases = np.arange(journeys.n) if cases is None else cases
    offsets, names = journeys.offsets, journeys.role_names
    answered = journeys.answered
    return [
        [
            *(names[code] for code in journeys.roles[offsets[case] : offsets[case + 1]].tolist()),
            END_ANSWERED if answered[case] else END_OPEN,
        ]
        for case in cases.tolist()
    ]


# --- rework and stuck cases -------------------------------------------------------------------


def rework_cases(journeys: Journeys) -> np.ndarray:
    """bool per case: its path holds some role twice (A → B → A)."""
    n = journeys.n
    if n == 0:
        return np.zeros(0, dtype=bool)
    starts = journeys.offsets[:-1]
    if len(journeys.role_names) <= _BITMASK_ROLES:
        # Adding one bit per holder equals OR-ing them exactly when no bit comes twice.
        bits = np.left_shift(np.int64(1), journeys.roles)
        return np.add.reduceat(bits, starts) != np.bitwise_or.reduceat(bits, starts)
    case_of_holder = np.repeat(np.arange(n), journeys.lengths)
    order = np.lexsort((journeys.roles, case_of_holder))
    case, role = case_of_holder[order], journeys.roles[order]
    twice = (case[1:] == case[:-1]) & (role[1:] == role[:-1])
    out = np.zeros(n, dtype=bool)
    out[case[1:][twice]] = True
    return out


def starts(journeys: Journeys) -> dict[str, int]:
    """Cases by the role that opened them, most first (a missing role is ""): the edges out of
    the process map's start."""
    counts = np.bincount(journeys.roles[journeys.offsets[:-1]], minlength=len(journeys.role_names))
    opened = [
        (journeys.role_names[code], int(count))
        for code, count in enumerate(counts.tolist())
        if count
    ]
    opened.sort(key=lambda item: (-item[1], _role_key(item[0])))
    return {role or "": count for role, count in opened}


def stuck(journeys: Journeys) -> dict[str, int]:
    """Unanswered cases by the role holding them now, most first (a missing role is "")."""
    holders = journeys.roles[_lasts(journeys)][~journeys.answered]
    counts = np.bincount(holders, minlength=len(journeys.role_names))
    held = [
        (journeys.role_names[code], int(count))
        for code, count in enumerate(counts.tolist())
        if count
    ]
    held.sort(key=lambda item: (-item[1], _role_key(item[0])))
    return {role or "": count for role, count in held}


# --- working minutes --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SessionWindows:
    """The playtest's session windows merged into disjoint spans, in time order."""

    starts: np.ndarray  # datetime64[us]
    ends: np.ndarray  # datetime64[us]

    @property
    def minutes(self) -> float:
        """Minutes covered by some session."""
        return float((self.ends - self.starts).astype(np.int64).sum()) / 1e6 / 60.0


def session_windows(
    spans: Iterable[tuple[datetime | None, datetime | None]], now: datetime
) -> SessionWindows:
    """Windows from each session's (first start, finish): a session not started yet has none,
    a running one lasts until `now`, and overlapping sessions count their shared time once."""
    pairs = [(start, end or now) for start, end in spans if start is not None]
    starts = datetimes(start for start, _end in pairs)
    ends = datetimes(end for _start, end in pairs)
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    if starts.size == 0:
        return SessionWindows(starts, ends)
    reach = np.maximum.accumulate(ends)  # the latest end so far
    opens = np.r_[True, starts[1:] > reach[:-1]]  # a window starting after all before it ended
    closes = np.r_[opens[1:], True]
    return SessionWindows(starts[opens], reach[closes])


def working_minutes(
    opened_at: np.ndarray, answered_at: np.ndarray, windows: SessionWindows
) -> np.ndarray:
    """Per case, the minutes of open → answer inside the windows; NaN while unanswered."""
    covered = _covered_us(opened_at, windows)
    done = ~np.isnat(answered_at)
    safe_end = np.where(done, answered_at, opened_at)  # NaT would not survive the arithmetic
    micros = (_covered_us(safe_end, windows) - covered).astype(np.float64)
    return np.where(done, micros / 1e6 / 60.0, np.nan)


def _covered_us(times: np.ndarray, windows: SessionWindows) -> np.ndarray:
    """int64 µs of the windows before each time."""
    if windows.starts.size == 0:
        return np.zeros(times.shape, dtype=np.int64)
    starts = windows.starts.astype(np.int64)
    lengths = (windows.ends - windows.starts).astype(np.int64)
    before = np.r_[0, np.cumsum(lengths)[:-1]]
    t = times.astype("datetime64[us]").astype(np.int64)
    index = np.searchsorted(starts, t, side="right") - 1
    inside = np.clip(t - starts[np.maximum(index, 0)], 0, lengths[np.maximum(index, 0)])
    return np.where(index < 0, 0, before[np.maximum(index, 0)] + inside)


def working_time_to_answer(journeys: Journeys, windows: SessionWindows) -> dict:
    """`working_time_to_answer_min`: {n, median, q1, q3} over the answered cases."""
    minutes = working_minutes(journeys.opened_at, journeys.answered_at, windows)
    return minutes_block(minutes[~np.isnan(minutes)])


def minutes_block(minutes: np.ndarray) -> dict:
    """{n, median, q1, q3} of some answered cases' minutes, as `time_to_answer_min` has it."""
    q1, median, q3 = stats.quartiles(minutes)
    return {"n": int(minutes.size), "median": median, "q1": q1, "q3": q3}


# --- round vs round ---------------------------------------------------------------------------


def share_comparison(base_k: int, base_n: int, k: int, n: int) -> dict:
    """Two shares of cases and Fisher's exact test (two-sided) of [[k, n − k] baseline, round].

    A side with no cases has no share and there is no test.
    """
    p_value = None
    if base_n and n:
        p_value = _number(stats.fisher_exact_p([[base_k, base_n - base_k], [k, n - k]]))
    return {
        "baseline": base_k / base_n if base_n else None,
        "round": k / n if n else None,
        "fisher_p": p_value,
    }


def _number(value: float) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def rework_comparison(baseline: dict, round_: dict) -> dict:
    """`rework_share` of a comparison, from the two rounds' process blocks."""
    return share_comparison(baseline["rework"], baseline["n"], round_["rework"], round_["n"])


def edge_changes(baseline: Sequence[dict], round_: Sequence[dict]) -> list[dict]:
    """Every edge of either map with both counts: `appeared` in the round, `disappeared` from
    the baseline, or `kept`; busiest (both rounds together) first."""
    base = {(edge["from"], edge["to"]): edge["count"] for edge in baseline}
    now = {(edge["from"], edge["to"]): edge["count"] for edge in round_}
    joins = sorted(
        set(base) | set(now),
        key=lambda j: (-(base.get(j, 0) + now.get(j, 0)), _role_key(j[0]), _target_key(j[1])),
    )
    return [
        {
            "from": source,
            "to": target,
            "baseline": base.get((source, target), 0),
            "count": now.get((source, target), 0),
            "status": "kept"
            if (source, target) in base and (source, target) in now
            else "appeared"
            if (source, target) in now
            else "disappeared",
        }
        for source, target in joins
    ]
