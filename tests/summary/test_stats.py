"""Statistics wrappers: the numbers scipy gives, as plain floats, never NaN, never a warning."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from playtest.summary import stats
from playtest.summary.stats import (
    bootstrap_mean_ci,
    cliffs_delta,
    mann_whitney,
    quartiles,
    wilcoxon,
)

# filterwarnings = error in pyproject: any scipy warning escaping a wrapper fails the test.

small_floats = st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False)
likert = st.integers(min_value=1, max_value=5)


def _is_plain_float_or_none(value: object) -> bool:
    return value is None or (type(value) is float and math.isfinite(value))


# --- quartiles -------------------------------------------------------------------------------


def test_quartiles_use_numpys_linear_method():
    assert quartiles([1, 2, 3, 4]) == (1.75, 2.5, 3.25)
    assert quartiles([0, 0, 1, 2, 3]) == (0.0, 1.0, 2.0)


def test_quartiles_of_one_value():
    assert quartiles([7]) == (7.0, 7.0, 7.0)


def test_quartiles_of_nothing_are_none():
    assert quartiles([]) == (None, None, None)


def test_quartiles_accept_any_iterable_and_return_plain_floats():
    q = quartiles(x for x in (3, 1, 2))
    assert q == (1.5, 2.0, 2.5)
    assert all(type(v) is float for v in q)


@settings(deadline=None)  # timings vary on a shared machine
@given(st.lists(small_floats, min_size=1, max_size=50))
def test_quartiles_are_ordered_and_match_numpy(values):
    q1, median, q3 = quartiles(values)
    assert min(values) <= q1 <= median <= q3 <= max(values)
    assert [q1, median, q3] == list(np.percentile(values, [25, 50, 75]))


# --- Wilcoxon --------------------------------------------------------------------------------


def test_wilcoxon_everyone_improved():
    # deltas 1, 2, 3: no negative ranks, so W = 0; exact two-sided p = 2 / 2**3
    assert wilcoxon([2, 3, 4], [1, 1, 1]) == {"statistic": 0.0, "p_value": 0.25}


@pytest.mark.parametrize(
    ("after", "before"),
    [
        ([4, 2, 3], [3, 1, 3]),  # a zero delta and tied deltas
        ([3.5, 4, 2, 5, 4.25, 3], [3, 3, 2.5, 4, 4.25, 1]),
        ([1, 1, 4], [1, 1, 1]),  # only one non-zero delta
        # 13 pairs with ties: the largest sample scipy tests by exact permutation
        ([5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 2, 3, 4], [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 4, 4, 2]),
        # 14 pairs with ties: normal approximation
        ([5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 4, 4, 2, 1]),
        (list(range(60)), [x - (1 if x % 3 else -2) for x in range(60)]),  # normal approx.
    ],
)
def test_wilcoxon_matches_scipy_called_directly(after, before):
    expected = sps.wilcoxon(after, before)
    got = wilcoxon(after, before)
    assert got == {"statistic": float(expected.statistic), "p_value": float(expected.pvalue)}
    assert _is_plain_float_or_none(got["statistic"]) and _is_plain_float_or_none(got["p_value"])


likert_means = st.lists(likert, min_size=3, max_size=3).map(lambda answers: sum(answers) / 3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(likert_means, likert_means), min_size=2, max_size=10))
def test_wilcoxon_small_samples_with_ties_equal_scipys_exact_permutation_p(pairs):
    """The fast path for small tied samples gives exactly scipy's default answer."""
    after = [a for a, _ in pairs]
    before = [b for _, b in pairs]
    got = wilcoxon(after, before)
    if after == before:
        assert got == {"statistic": None, "p_value": None}
        return
    expected = sps.wilcoxon(after, before)
    assert got == {"statistic": float(expected.statistic), "p_value": float(expected.pvalue)}


def test_wilcoxon_is_null_when_nobody_changed():
    assert wilcoxon([3, 4, 2], [3, 4, 2]) == {"statistic": None, "p_value": None}


@pytest.mark.parametrize(("after", "before"), [([], []), ([4], [2])])
def test_wilcoxon_is_null_with_fewer_than_two_pairs(after, before):
    assert wilcoxon(after, before) == {"statistic": None, "p_value": None}


def test_wilcoxon_refuses_unpaired_samples():
    with pytest.raises(ValueError):
        wilcoxon([1, 2, 3], [1, 2])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(likert, likert), max_size=30))
def test_wilcoxon_on_likert_data_never_warns_or_returns_nan(pairs):
    after = [a for a, _ in pairs]
    before = [b for _, b in pairs]
    got = wilcoxon(after, before)
    assert _is_plain_float_or_none(got["statistic"]) and _is_plain_float_or_none(got["p_value"])
    if got["p_value"] is not None:
        assert 0.0 <= got["p_value"] <= 1.0


# --- Mann–Whitney and Cliff's delta ----------------------------------------------------------


def test_mann_whitney_u_is_the_prototypes():
    # every prototype value is below every baseline value: U = 0; exact p = 2 * 1 / C(4, 2)
    got = mann_whitney([1, 2], [3, 4])
    assert got["mann_whitney_u"] == 0.0
    assert got["p_value"] == pytest.approx(1 / 3)
    assert mann_whitney([3, 4], [1, 2])["mann_whitney_u"] == 4.0


@pytest.mark.parametrize(
    ("prototype", "baseline"),
    [
        ([0, 1, 1, 2, 0, 3], [2, 3, 1, 4, 2, 2, 5]),  # ties
        ([12.5, 30, 8, 45.25], [60, 22, 90, 41, 35.5]),
        (list(range(0, 40, 3)), list(range(5, 50, 2))),  # large enough for the asymptotic path
    ],
)
def test_mann_whitney_matches_scipy_called_directly(prototype, baseline):
    expected = sps.mannwhitneyu(prototype, baseline, alternative="two-sided")
    assert mann_whitney(prototype, baseline) == {
        "mann_whitney_u": float(expected.statistic),
        "p_value": float(expected.pvalue),
    }


def test_mann_whitney_when_every_value_is_the_same():
    got = mann_whitney([0, 0, 0], [0, 0])
    assert got["mann_whitney_u"] == 3.0  # half of the 3 × 2 pairs, all ties
    assert got["p_value"] in (1.0, None)


@pytest.mark.parametrize(("prototype", "baseline"), [([], [1, 2]), ([1], []), ([], [])])
def test_mann_whitney_is_null_when_a_round_has_no_data(prototype, baseline):
    assert mann_whitney(prototype, baseline) == {"mann_whitney_u": None, "p_value": None}


def test_cliffs_delta_hand_computed():
    assert cliffs_delta([1, 2], [3, 4]) == -1.0  # prototype always lower
    assert cliffs_delta([3, 4], [1, 2]) == 1.0
    assert cliffs_delta([1, 2], [2]) == -0.5  # one lower, one tie
    # 1 > 0 once; 0 < 1, 0 < 2 for both zeros and 1 < 2: five lower; two ties
    assert cliffs_delta([0, 0, 1], [0, 1, 2]) == pytest.approx((1 - 5) / 9)


def test_cliffs_delta_is_none_when_a_side_is_empty():
    assert cliffs_delta([], [1]) is None
    assert cliffs_delta([1], []) is None


@settings(deadline=None)  # timings vary on a shared machine
@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=20),
    st.lists(st.integers(0, 6), min_size=1, max_size=20),
)
def test_cliffs_delta_matches_the_pairwise_definition_and_scipys_u(prototype, baseline):
    pairs = [(p, b) for p in prototype for b in baseline]
    brute = (sum(p > b for p, b in pairs) - sum(p < b for p, b in pairs)) / len(pairs)
    got = cliffs_delta(prototype, baseline)
    assert got == pytest.approx(brute)
    assert -1.0 <= got <= 1.0
    u = mann_whitney(prototype, baseline)["mann_whitney_u"]
    assert got == pytest.approx(2 * u / len(pairs) - 1)


# --- bootstrap -------------------------------------------------------------------------------


def test_bootstrap_matches_scipy_called_directly_with_the_fixed_seed():
    deltas = [0.5, -0.25, 1.0, 2.0, 0.0, 0.75]
    expected = sps.bootstrap(
        (np.array(deltas),), np.mean, confidence_level=0.95, rng=np.random.default_rng(20261123)
    ).confidence_interval
    got = bootstrap_mean_ci(deltas)
    assert got == [float(expected.low), float(expected.high)]
    assert got[0] < np.mean(deltas) < got[1]


def test_bootstrap_is_reproducible_and_the_seed_matters():
    deltas = [1.0, 0.0, 0.5, 2.0, -1.0, 1.5, 0.25]
    assert bootstrap_mean_ci(deltas) == bootstrap_mean_ci(deltas)
    assert bootstrap_mean_ci(deltas, seed=1) != bootstrap_mean_ci(deltas, seed=2)


def test_bootstrap_needs_two_deltas():
    assert bootstrap_mean_ci([]) is None
    assert bootstrap_mean_ci([1.5]) is None


def test_bootstrap_when_everyone_moved_the_same_amount():
    assert bootstrap_mean_ci([0.5, 0.5, 0.5]) == [0.5, 0.5]
    assert bootstrap_mean_ci([0, 0]) == [0.0, 0.0]


def test_bootstrap_falls_back_to_percentile_when_bca_cannot_be_computed(monkeypatch):
    real = sps.bootstrap

    def bca_fails(*args, **kwargs):
        result = real(*args, **kwargs)
        if kwargs["method"] == "BCa":
            result.confidence_interval = type(result.confidence_interval)(math.nan, math.nan)
        return result

    monkeypatch.setattr(stats._sps(), "bootstrap", bca_fails)
    deltas = [0.0, 1.0, 1.0, 2.0]
    expected = real(
        (np.array(deltas),), np.mean, method="percentile", rng=np.random.default_rng(20261123)
    ).confidence_interval
    assert bootstrap_mean_ci(deltas) == [float(expected.low), float(expected.high)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([-4, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 4]), min_size=2, max_size=12))
def test_bootstrap_interval_is_never_nan_and_lies_within_the_data(deltas):
    low, high = bootstrap_mean_ci(deltas)
    assert type(low) is float and type(high) is float
    assert min(deltas) <= low <= high <= max(deltas)


def test_bootstrap_of_a_large_study_resamples_in_batches_with_the_same_interval(monkeypatch):
    # 2,000 pairs: unbatched, scipy would hold 9,999 x 2,000 resamples and a 2,000 x 1,999
    # jackknife at once. Batching must not change the published interval.
    deltas = np.random.default_rng(3).integers(-8, 9, 2000) / 4
    batched = bootstrap_mean_ci(deltas)
    monkeypatch.setattr(stats, "_BOOTSTRAP_BATCH_ABOVE_N", 10**9)
    assert bootstrap_mean_ci(deltas) == batched
    assert batched[0] < float(np.mean(deltas)) < batched[1]
