"""Thin wrappers over numpy/scipy that return plain floats, None instead of NaN, and no warnings.

Small samples are the norm in a playtest (a room of eight people), so every degenerate case
(too few values, all deltas zero, every resample equal) is decided here on purpose rather than
left to a scipy warning or a NaN in the JSON summary.
"""

from __future__ import annotations

import functools
import inspect
import math
import warnings
from collections.abc import Iterable
from types import ModuleType

import numpy as np

DEFAULT_SEED = 20261123
CONFIDENCE_LEVEL = 0.95


@functools.cache
def _sps() -> ModuleType:
    """scipy.stats, imported on the first test or interval, not when the app starts.

    It is most of a worker's start-up memory (bench/RESULTS.md), and a worker that only runs
    live sessions never computes a statistic.
    """
    from scipy import stats

    return stats


@functools.cache
def _bootstrap_rng_arg() -> str:
    """scipy 1.15 renamed bootstrap's `random_state` to `rng` (the old name is going)."""
    return "rng" if "rng" in inspect.signature(_sps().bootstrap).parameters else "random_state"


def fisher_exact_p(table: list[list[int]]) -> float:
    """Two-sided Fisher's exact test on a 2×2 table of counts."""
    return float(_sps().fisher_exact(table).pvalue)


def _array(values: Iterable[float]) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values.astype(float, copy=False)
    return np.asarray(list(values), dtype=float)


def _number(value: object) -> float | None:
    """A plain Python float, or None for NaN/inf/None (JSON has no NaN)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def quartiles(values: Iterable[float]) -> tuple[float | None, float | None, float | None]:
    """Return (q1, median, q3) with numpy's default linear method; Nones when empty."""
    data = _array(values)
    if data.size == 0:
        return None, None, None
    q1, median, q3 = np.percentile(data, [25, 50, 75])
    return _number(q1), _number(median), _number(q3)


def wilcoxon(after: Iterable[float], before: Iterable[float]) -> dict:
    """Wilcoxon signed-rank test of paired after/before scores, scipy defaults (two-sided).

    Statistic and p are None when there are fewer than two pairs or every delta is zero:
    there is nothing to rank, and scipy would divide by zero.
    """
    x, y = _array(after), _array(before)
    if x.shape != y.shape:
        raise ValueError(f"after and before must pair up: {x.size} vs {y.size} values")
    deltas = x - y
    if x.size < 2 or not np.any(deltas):
        return {"statistic": None, "p_value": None}
    nonzero = np.abs(deltas[deltas != 0])
    if x.size <= _WILCOXON_PERMUTATION_MAX_N and (
        nonzero.size < deltas.size or np.unique(nonzero).size < nonzero.size
    ):
        return _wilcoxon_small_with_ties(deltas)
    # Older scipy versions warn about ties, zeros and small samples (they switch to the
    # normal approximation); those are the expected shape of Likert data, not a fault.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _sps().wilcoxon(x, y)
    return {"statistic": _number(result.statistic), "p_value": _number(result.pvalue)}


# With ties or zero deltas and at most 13 pairs, scipy.stats.wilcoxon's default is an exact
# permutation test over all 2**n sign flips: the right answer, but 1-2 s per call at n = 12-13
# (and a summary runs one per session and per round). The same exact p-value comes from
# counting the rank-sum distribution directly; tests check it equals scipy's.
_WILCOXON_PERMUTATION_MAX_N = 13


def _wilcoxon_small_with_ties(deltas: np.ndarray) -> dict:
    nonzero = deltas[deltas != 0]  # zero_method="wilcox": zeros are dropped before ranking
    ranks = _sps().rankdata(np.abs(nonzero))  # average ranks, so multiples of 1/2
    r_plus = float(ranks[nonzero > 0].sum())
    r_minus = float(ranks[nonzero < 0].sum())
    halves = np.rint(ranks * 2).astype(np.int64)
    # ways[k] = number of sign assignments whose positive rank sum is k / 2
    ways = np.zeros(int(halves.sum()) + 1, dtype=np.int64)
    ways[0] = 1
    for rank in halves:
        shifted = ways.copy()
        shifted[rank:] += ways[: ways.size - rank]
        ways = shifted
    total = 2.0**nonzero.size
    observed = round(r_plus * 2)
    p_less = float(ways[: observed + 1].sum()) / total
    p_greater = float(ways[observed:].sum()) / total
    return {"statistic": min(r_plus, r_minus), "p_value": min(1.0, 2 * min(p_less, p_greater))}


def mann_whitney(prototype: Iterable[float], baseline: Iterable[float]) -> dict:
    """Two-sided Mann–Whitney U of prototype vs baseline (U is the prototype's); None if empty."""
    x, y = _array(prototype), _array(baseline)
    if x.size == 0 or y.size == 0:
        return {"mann_whitney_u": None, "p_value": None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-tied samples: zero variance, p is NaN -> None
        result = _sps().mannwhitneyu(x, y, alternative="two-sided")
    return {"mann_whitney_u": _number(result.statistic), "p_value": _number(result.pvalue)}


def cliffs_delta(prototype: Iterable[float], baseline: Iterable[float]) -> float | None:
    """Cliff's delta = P(prototype > baseline) − P(prototype < baseline); None if a side is empty.

    Negative means the prototype's values tend to be lower (fewer handoffs, faster answers).
    """
    x, y = _array(prototype), np.sort(_array(baseline))
    if x.size == 0 or y.size == 0:
        return None
    # Count pairs by binary search instead of building the x × y matrix.
    below = np.searchsorted(y, x, side="left")  # baseline values below each prototype value
    above = y.size - np.searchsorted(y, x, side="right")  # baseline values above it
    return float(int(below.sum()) - int(above.sum())) / float(x.size * y.size)


def bootstrap_mean_ci(deltas: Iterable[float], seed: int = DEFAULT_SEED) -> list[float] | None:
    """95 % bootstrap confidence interval of the mean delta (scipy BCa, fixed seed).

    None when n < 2 (nothing to resample); [d, d] when every delta is d, where scipy would
    warn and return NaN because every resample has the same mean.
    """
    data = _array(deltas)
    if data.size < 2:
        return None
    if np.all(data == data[0]):
        return [float(data[0]), float(data[0])]
    interval = _bootstrap(data, seed, "BCa")
    if interval is None:
        # BCa needs some resamples on each side of the observed mean; with very lopsided
        # tiny samples it can fail, and the percentile interval is the honest fallback.
        interval = _bootstrap(data, seed, "percentile")
    return interval


# scipy resamples all at once: a 9,999 x n array, and BCa's jackknife an n x (n - 1) one
# (200 MB each at n = 5,000 pairs). Beyond a room's size, resample in batches of this many.
_BOOTSTRAP_BATCH_ABOVE_N = 500
_BOOTSTRAP_BATCH = 200


def _bootstrap(data: np.ndarray, seed: int, method: str) -> list[float] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a failed interval comes back as NaN, handled below
        result = _sps().bootstrap(
            (data,),
            np.mean,
            confidence_level=CONFIDENCE_LEVEL,
            method=method,
            batch=_BOOTSTRAP_BATCH if data.size > _BOOTSTRAP_BATCH_ABOVE_N else None,
            **{_bootstrap_rng_arg(): np.random.default_rng(seed)},
        )
    low = _number(result.confidence_interval.low)
    high = _number(result.confidence_interval.high)
    if low is None or high is None:
        return None
    return [low, high]
