"""The headline (DESIGN.md §7), pure: one plain sentence per measure for a round against the
baseline, claiming a difference only when the numbers can carry one.

It reads the blocks the summary JSON already has (each round's `cases` and `confidence`, the
comparison's Mann–Whitney tests) and is handed the translation and number formatting, so it
needs no request: the caller passes Flask-Babel's `gettext`/`ngettext` and a formatter in
the reader's locale. Every sentence is a literal in a `gettext`/`ngettext` call, where
`make extract` finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from playtest import config
from playtest.summary.metrics import DIRECTIONAL_N
from playtest.summary.process import share_comparison

SIGNIFICANCE = 0.05  # a two-sided p below this is reported as a difference

# Claims (for styling): a difference in one direction, or why none is claimed.
FASTER, SLOWER, FEWER, MORE, HIGHER, LOWER = "faster", "slower", "fewer", "more", "higher", "lower"
NO_DIFFERENCE, TOO_FEW, COULD_BE_CHANCE = "no_difference", "too_few", "could_be_chance"


class Gettext(Protocol):
    def __call__(self, string: str, **variables: object) -> str: ...


class NGettext(Protocol):
    def __call__(self, singular: str, plural: str, num: int, **variables: object) -> str: ...


def plain_gettext(string: str, **variables: object) -> str:
    """English, formatted as Flask-Babel's gettext formats (`%(name)s`)."""
    return string % variables if variables else string


def plain_ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """English plural, formatted as Flask-Babel's ngettext (which adds `num`)."""
    return (singular if num == 1 else plural) % {"num": num, **variables}


def plain_number(value: float) -> str:
    """To one decimal, a whole number without one: 27, 2.5, 17.9."""
    return f"{value:.1f}".removesuffix(".0")


def headline(
    baseline: dict,
    round_: dict,
    comparison: dict,
    gettext: Gettext = plain_gettext,
    ngettext: NGettext = plain_ngettext,
    number: Callable[[float], str] = plain_number,
) -> list[dict]:
    """`[{measure, claim, text}]`: time to answer, handoffs per case, the share answered with
    no handoff, confidence. `baseline` and `round_` are round blocks of the summary JSON and
    `comparison` the round's entry in `comparisons`."""
    words = _Words(gettext, ngettext, number)
    return [
        _time_to_answer(
            baseline["cases"], round_["cases"], comparison["time_to_answer_min"], words
        ),
        _handoffs(baseline["cases"], round_["cases"], comparison["handoffs_per_case"], words),
        _zero_share(baseline["cases"], round_["cases"], words),
        _confidence(round_["confidence"], comparison["confidence_delta"], words),
    ]


class _Words:
    def __init__(self, gettext: Gettext, ngettext: NGettext, number: Callable[[float], str]):
        self.gettext, self.ngettext, self.number = gettext, ngettext, number

    def signed(self, value: float) -> str:
        """+0.8, −0.2 (a true minus sign), 0."""
        sign = "+" if value > 0 else "\u2212" if value < 0 else ""
        return sign + self.number(abs(value))


def _verdict(p_value: float | None, before: float, after: float) -> str | None:
    """Why no difference is claimed (between enough cases), or None when one is."""
    if p_value is None:  # every value tied: nothing to rank
        return NO_DIFFERENCE
    if p_value >= SIGNIFICANCE:
        return NO_DIFFERENCE if before == after else COULD_BE_CHANCE
    return None


def _lower(before: float, after: float, cliffs_delta: float | None) -> bool | None:
    """Whether the round's values are lower: by the medians, else by Cliff's delta."""
    if after != before:
        return after < before
    if cliffs_delta:
        return cliffs_delta < 0
    return None


def _line(measure: str, claim: str, text: str) -> dict:
    return {"measure": measure, "claim": claim, "text": text}


def _time_to_answer(base: dict, now: dict, test: dict, w: _Words) -> dict:
    n_before, n_after = test["n_baseline"], test["n_prototype"]
    values = {"n_before": w.number(n_before), "n_after": w.number(n_after)}
    if min(n_before, n_after) < DIRECTIONAL_N:
        text = w.gettext(
            "Too few answered cases to tell whether answers are faster "
            "(%(n_before)s and %(n_after)s answered cases)",
            **values,
        )
        return _line("time_to_answer_min", TOO_FEW, text)
    before = base["time_to_answer_min"]["median"]
    after = now["time_to_answer_min"]["median"]
    values |= {"before": w.number(before), "after": w.number(after)}
    verdict = _verdict(test["p_value"], before, after)
    lower = None if verdict else _lower(before, after, test["cliffs_delta"])
    if verdict == COULD_BE_CHANCE:
        text = w.gettext(
            "The change in time to answer could be chance "
            "(median %(before)s → %(after)s min, %(n_before)s and %(n_after)s answered cases)",
            **values,
        )
        return _line("time_to_answer_min", COULD_BE_CHANCE, text)
    if lower is None:
        text = w.gettext(
            "Answers take as long as before "
            "(median %(before)s → %(after)s min, %(n_before)s and %(n_after)s answered cases)",
            **values,
        )
        return _line("time_to_answer_min", NO_DIFFERENCE, text)
    minutes = round(abs(after - before))
    if lower and minutes:
        text = w.ngettext(
            "Answers %(num)d minute faster "
            "(median %(before)s → %(after)s min, %(n_before)s and %(n_after)s answered cases)",
            "Answers %(num)d minutes faster "
            "(median %(before)s → %(after)s min, %(n_before)s and %(n_after)s answered cases)",
            minutes,
            **values,
        )
    elif lower:
        text = w.gettext(
            "Answers slightly faster "
            "(median %(before)s → %(after)s min, %(n_before)s and %(n_after)s answered cases)",
            **values,
        )
    elif minutes:
        text = w.ngettext(
            "Answers %(num)d minute slower "
            "(median %(before)s → %(after)s min, %(n_before)s and %(n_after)s answered cases)",
            "Answers %(num)d minutes slower "
            "(median %(before)s → %(after)s min, %(n_before)s and %(n_after)s answered cases)",
            minutes,
            **values,
        )
    else:
        text = w.gettext(
            "Answers slightly slower "
            "(median %(before)s → %(after)s min, %(n_before)s and %(n_after)s answered cases)",
            **values,
        )
    return _line("time_to_answer_min", FASTER if lower else SLOWER, text)


def _handoffs(base: dict, now: dict, test: dict, w: _Words) -> dict:
    n_before, n_after = test["n_baseline"], test["n_prototype"]
    values = {"n_before": w.number(n_before), "n_after": w.number(n_after)}
    if min(n_before, n_after) < DIRECTIONAL_N:
        text = w.gettext(
            "Too few cases to tell whether handoffs changed (%(n_before)s and %(n_after)s cases)",
            **values,
        )
        return _line("handoffs_per_case", TOO_FEW, text)
    before = base["handoffs_per_case"]["median"]
    after = now["handoffs_per_case"]["median"]
    values |= {"before": w.number(before), "after": w.number(after)}
    verdict = _verdict(test["p_value"], before, after)
    lower = None if verdict else _lower(before, after, test["cliffs_delta"])
    if verdict == COULD_BE_CHANCE:
        text = w.gettext(
            "The change in handoffs per case could be chance "
            "(median %(before)s → %(after)s, %(n_before)s and %(n_after)s cases)",
            **values,
        )
        return _line("handoffs_per_case", COULD_BE_CHANCE, text)
    if lower is None:
        text = w.gettext(
            "As many handoffs per case as before "
            "(median %(before)s → %(after)s, %(n_before)s and %(n_after)s cases)",
            **values,
        )
        return _line("handoffs_per_case", NO_DIFFERENCE, text)
    change = abs(after - before)
    whole = int(change) if float(change).is_integer() and change else 0
    if lower and whole:
        text = w.ngettext(
            "%(num)d fewer handoff per case "
            "(median %(before)s → %(after)s, %(n_before)s and %(n_after)s cases)",
            "%(num)d fewer handoffs per case "
            "(median %(before)s → %(after)s, %(n_before)s and %(n_after)s cases)",
            whole,
            **values,
        )
    elif lower:
        text = w.gettext(
            "Fewer handoffs per case "
            "(median %(before)s → %(after)s, %(n_before)s and %(n_after)s cases)",
            **values,
        )
    elif whole:
        text = w.ngettext(
            "%(num)d more handoff per case "
            "(median %(before)s → %(after)s, %(n_before)s and %(n_after)s cases)",
            "%(num)d more handoffs per case "
            "(median %(before)s → %(after)s, %(n_before)s and %(n_after)s cases)",
            whole,
            **values,
        )
    else:
        text = w.gettext(
            "More handoffs per case "
            "(median %(before)s → %(after)s, %(n_before)s and %(n_after)s cases)",
            **values,
        )
    return _line("handoffs_per_case", FEWER if lower else MORE, text)


def _zero_share(base: dict, now: dict, w: _Words) -> dict:
    """Cases answered with no handoff, tested with Fisher's exact test on the counts."""
    n_before, n_after = base["n"], now["n"]
    values = {"n_before": w.number(n_before), "n_after": w.number(n_after)}
    if min(n_before, n_after) < DIRECTIONAL_N:
        text = w.gettext(
            "Too few cases to tell whether more are answered with no handoff "
            "(%(n_before)s and %(n_after)s cases)",
            **values,
        )
        return _line("zero_share", TOO_FEW, text)
    share_before = base["handoffs_per_case"]["zero_share"]
    share_after = now["handoffs_per_case"]["zero_share"]
    # The share is a count over n: the count comes back exactly.
    test = share_comparison(
        round(share_before * n_before), n_before, round(share_after * n_after), n_after
    )
    values |= {"before": w.number(100 * share_before), "after": w.number(100 * share_after)}
    if share_before == share_after:
        text = w.gettext(
            "As many cases answered with no handoff as before "
            "(%(before)s%% → %(after)s%%, %(n_before)s and %(n_after)s cases)",
            **values,
        )
        return _line("zero_share", NO_DIFFERENCE, text)
    if test["fisher_p"] >= SIGNIFICANCE:
        text = w.gettext(
            "The change in cases answered with no handoff could be chance "
            "(%(before)s%% → %(after)s%%, %(n_before)s and %(n_after)s cases)",
            **values,
        )
        return _line("zero_share", COULD_BE_CHANCE, text)
    if share_after > share_before:
        text = w.gettext(
            "More cases answered with no handoff "
            "(%(before)s%% → %(after)s%%, %(n_before)s and %(n_after)s cases)",
            **values,
        )
        return _line("zero_share", MORE, text)
    text = w.gettext(
        "Fewer cases answered with no handoff "
        "(%(before)s%% → %(after)s%%, %(n_before)s and %(n_after)s cases)",
        **values,
    )
    return _line("zero_share", FEWER, text)


def _confidence(now: dict, change: dict, w: _Words) -> dict:
    """The round's own before → after change (its Wilcoxon test), beside the baseline's."""
    pairs = now["n_pairs"]
    if pairs < DIRECTIONAL_N:
        text = w.ngettext(
            "Too few before-and-after ratings to tell whether confidence changed (%(num)d person)",
            "Too few before-and-after ratings to tell whether confidence changed (%(num)d people)",
            pairs,
        )
        return _line("confidence", TOO_FEW, text)
    values = {
        "before": w.number(now["before_mean"]),
        "after": w.number(now["after_mean"]),
        "scale": w.number(config.LIKERT_MAX),
        "delta": w.signed(now["delta_mean"]),
    }
    p_value = now["wilcoxon"]["p_value"]
    if p_value is None:  # every delta is zero
        text = w.ngettext(
            "Confidence did not change (%(before)s → %(after)s out of %(scale)s, %(num)d person)",
            "Confidence did not change (%(before)s → %(after)s out of %(scale)s, %(num)d people)",
            pairs,
            **values,
        )
        return _line("confidence", NO_DIFFERENCE, text)
    if p_value >= SIGNIFICANCE:
        text = w.ngettext(
            "The change in confidence could be chance "
            "(%(before)s → %(after)s out of %(scale)s, %(num)d person)",
            "The change in confidence could be chance "
            "(%(before)s → %(after)s out of %(scale)s, %(num)d people)",
            pairs,
            **values,
        )
        return _line("confidence", COULD_BE_CHANCE, text)
    rose = now["delta_mean"] > 0
    baseline = change.get("baseline")
    if baseline is None and rose:
        text = w.ngettext(
            "Confidence rose from %(before)s to %(after)s out of %(scale)s "
            "(%(delta)s, %(num)d person)",
            "Confidence rose from %(before)s to %(after)s out of %(scale)s "
            "(%(delta)s, %(num)d people)",
            pairs,
            **values,
        )
    elif baseline is None:
        text = w.ngettext(
            "Confidence fell from %(before)s to %(after)s out of %(scale)s "
            "(%(delta)s, %(num)d person)",
            "Confidence fell from %(before)s to %(after)s out of %(scale)s "
            "(%(delta)s, %(num)d people)",
            pairs,
            **values,
        )
    elif rose:
        text = w.ngettext(
            "Confidence rose from %(before)s to %(after)s out of %(scale)s "
            "(%(delta)s, %(num)d person; baseline %(baseline)s)",
            "Confidence rose from %(before)s to %(after)s out of %(scale)s "
            "(%(delta)s, %(num)d people; baseline %(baseline)s)",
            pairs,
            baseline=w.signed(baseline),
            **values,
        )
    else:
        text = w.ngettext(
            "Confidence fell from %(before)s to %(after)s out of %(scale)s "
            "(%(delta)s, %(num)d person; baseline %(baseline)s)",
            "Confidence fell from %(before)s to %(after)s out of %(scale)s "
            "(%(delta)s, %(num)d people; baseline %(baseline)s)",
            pairs,
            baseline=w.signed(baseline),
            **values,
        )
    return _line("confidence", HIGHER if rose else LOWER, text)
