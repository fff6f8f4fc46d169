"""The headline's sentences (DESIGN.md §7) on summary blocks built by the real measures, in
English and, through Flask-Babel, in French."""

from __future__ import annotations

import numpy as np
import pytest
from flask_babel import force_locale, format_decimal, gettext, ngettext

from playtest.summary import headline as hl
from playtest.summary import metrics
from playtest.summary.metrics import RatingRow

# Baseline: 56 answered cases with a median of 27 minutes; prototype: 87 with a median of 10.
SLOW = [*range(17, 38), *[27] * 35]
QUICK = [*range(0, 21), *[10] * 66]


def cases(minutes: list[float], handoffs: list[int] | None = None, open_cases: int = 0) -> dict:
    """A round's `cases` block and its samples, from the real case measures."""
    handoffs = handoffs if handoffs is not None else [0] * (len(minutes) + open_cases)
    times = np.array([*minutes, *[np.nan] * open_cases], dtype=np.float64)
    return {"block": metrics.case_stats_of(np.array(handoffs, dtype=np.int64), times),
            "handoffs": handoffs, "minutes": list(minutes)}  # fmt: skip


def ratings(deltas: list[int], before: int = 3) -> dict:
    """A confidence block: one person per delta, before `before`, after before + delta."""
    rows = []
    for person, delta in enumerate(deltas):
        rows.append(RatingRow(person, 1, 1, "before", 0, before))
        rows.append(RatingRow(person, 1, 1, "after", 0, before + delta))
    return metrics.confidence(rows, ["I know who to ask"])


def blocks(base: dict, now: dict, base_confidence=None, confidence=None) -> tuple:
    """(baseline block, round block, comparison) shaped as the summary JSON has them."""
    base_confidence = base_confidence or ratings([0] * 12)
    confidence = confidence or ratings([0] * 12)
    comparison = {
        "handoffs_per_case": metrics.compare(base["handoffs"], now["handoffs"]),
        "time_to_answer_min": metrics.compare(base["minutes"], now["minutes"]),
        "confidence_delta": {
            "baseline": base_confidence["delta_mean"],
            "round": confidence["delta_mean"],
        },
    }
    return (
        {"cases": base["block"], "confidence": base_confidence},
        {"cases": now["block"], "confidence": confidence},
        comparison,
    )


def line(lines: list[dict], measure: str) -> dict:
    return next(item for item in lines if item["measure"] == measure)


def test_faster_answers_say_by_how_much_with_both_medians_and_counts():
    lines = hl.headline(*blocks(cases(SLOW), cases(QUICK)))
    assert line(lines, "time_to_answer_min") == {
        "measure": "time_to_answer_min",
        "claim": "faster",
        "text": "Answers 17 minutes faster (median 27 → 10 min, 56 and 87 answered cases)",
    }
    assert [item["measure"] for item in lines] == [
        "time_to_answer_min",
        "handoffs_per_case",
        "zero_share",
        "confidence",
    ]


def test_slower_answers_and_a_single_minute():
    slower = line(hl.headline(*blocks(cases(QUICK), cases(SLOW))), "time_to_answer_min")
    assert slower["claim"] == "slower"
    assert slower["text"] == (
        "Answers 17 minutes slower (median 10 → 27 min, 87 and 56 answered cases)"
    )
    one = line(hl.headline(*blocks(cases([11] * 30), cases([10] * 30))), "time_to_answer_min")
    assert one["text"] == "Answers 1 minute faster (median 11 → 10 min, 30 and 30 answered cases)"


def test_under_a_minute_apart_is_slightly_faster():
    result = line(
        hl.headline(*blocks(cases([10.4] * 20), cases([10.0] * 20))), "time_to_answer_min"
    )
    assert result["claim"] == "faster"
    assert result["text"].startswith("Answers slightly faster (median 10.4 → 10 min")


def test_too_few_answered_cases_claim_nothing():
    result = line(hl.headline(*blocks(cases(SLOW), cases([3, 4, 5, 6]))), "time_to_answer_min")
    assert result == {
        "measure": "time_to_answer_min",
        "claim": "too_few",
        "text": "Too few answered cases to tell whether answers are faster "
        "(56 and 4 answered cases)",
    }


def test_a_difference_the_test_cannot_tell_from_chance_says_so():
    near = [*range(5, 48)]  # a minute quicker at the median, but spread far wider
    base, now, comparison = blocks(cases(SLOW), cases(near))
    assert comparison["time_to_answer_min"]["p_value"] >= 0.05
    result = line(hl.headline(base, now, comparison), "time_to_answer_min")
    assert result["claim"] == "could_be_chance"
    assert result["text"] == (
        "The change in time to answer could be chance "
        "(median 27 → 26 min, 56 and 43 answered cases)"
    )


def test_fewer_handoffs_count_them_and_equal_samples_claim_no_difference():
    many = cases([10] * 40, handoffs=[3] * 30 + [2] * 10)
    few = cases([10] * 40, handoffs=[1] * 30 + [0] * 10)
    fewer = line(hl.headline(*blocks(many, few)), "handoffs_per_case")
    assert fewer == {
        "measure": "handoffs_per_case",
        "claim": "fewer",
        "text": "2 fewer handoffs per case (median 3 → 1, 40 and 40 cases)",
    }
    one_more = line(
        hl.headline(*blocks(few, cases([10] * 40, handoffs=[2] * 40))), "handoffs_per_case"
    )
    assert one_more["text"] == "1 more handoff per case (median 1 → 2, 40 and 40 cases)"
    same = line(hl.headline(*blocks(cases([10] * 9), cases([12] * 9))), "handoffs_per_case")
    assert same == {
        "measure": "handoffs_per_case",
        "claim": "no_difference",
        "text": "As many handoffs per case as before (median 0 → 0, 9 and 9 cases)",
    }


def test_the_share_answered_with_no_handoff_is_tested_on_its_counts():
    # Baseline: 10 of 56 answered with no handoff; prototype 60 of 87.
    base = cases(SLOW, handoffs=[0] * 10 + [1] * 46)
    now = cases(QUICK, handoffs=[0] * 60 + [2] * 27)
    more = line(hl.headline(*blocks(base, now)), "zero_share")
    assert more == {
        "measure": "zero_share",
        "claim": "more",
        "text": "More cases answered with no handoff (17.9% → 69%, 56 and 87 cases)",
    }
    close = cases(SLOW, handoffs=[0] * 11 + [1] * 45)
    chance = line(hl.headline(*blocks(base, close)), "zero_share")
    assert chance["claim"] == "could_be_chance"
    assert chance["text"].startswith("The change in cases answered with no handoff could be")
    few = line(hl.headline(*blocks(base, cases([1, 2], open_cases=1))), "zero_share")
    assert few["claim"] == "too_few" and "(56 and 3 cases)" in few["text"]


def test_confidence_rising_in_the_round_beside_the_baseline():
    base, now, comparison = blocks(
        cases(SLOW),
        cases(QUICK),
        base_confidence=ratings([0] * 9 + [1]),
        confidence=ratings([1] * 12),
    )
    result = line(hl.headline(base, now, comparison), "confidence")
    assert result == {
        "measure": "confidence",
        "claim": "higher",
        "text": "Confidence rose from 3 to 4 out of 5 (+1, 12 people; baseline +0.1)",
    }
    fell = line(
        hl.headline(*blocks(cases(SLOW), cases(QUICK), confidence=ratings([-1] * 6, before=4))),
        "confidence",
    )
    assert fell["claim"] == "lower"
    assert fell["text"] == "Confidence fell from 4 to 3 out of 5 (\u22121, 6 people; baseline 0)"


def test_confidence_with_too_few_people_or_a_change_that_could_be_chance():
    lonely = blocks(cases(SLOW), cases(QUICK), confidence=ratings([1]))
    assert line(hl.headline(*lonely), "confidence")["text"] == (
        "Too few before-and-after ratings to tell whether confidence changed (1 person)"
    )
    mixed = blocks(cases(SLOW), cases(QUICK), confidence=ratings([1, -1, 1, 0, -1, 1]))
    result = line(hl.headline(*mixed), "confidence")
    assert result["claim"] == "could_be_chance"
    assert result["text"] == (
        "The change in confidence could be chance (3 → 3.2 out of 5, 6 people)"
    )
    flat = line(hl.headline(*blocks(cases(SLOW), cases(QUICK))), "confidence")
    assert flat["claim"] == "no_difference"
    assert flat["text"] == "Confidence did not change (3 → 3 out of 5, 12 people)"


# --- in French, through Flask-Babel ---------------------------------------------------------


def french_number(value: float) -> str:
    return format_decimal(round(value, 1))


@pytest.fixture
def french(app):
    with app.test_request_context("/"), force_locale("fr"):
        yield


def test_the_headline_in_french(french):
    base = cases(SLOW, handoffs=[0] * 10 + [1] * 46)
    now = cases(QUICK, handoffs=[0] * 60 + [2] * 27)
    lines = hl.headline(
        *blocks(base, now, confidence=ratings([1] * 12)),
        gettext=gettext,
        ngettext=ngettext,
        number=french_number,
    )
    texts = {item["measure"]: item["text"] for item in lines}
    assert texts["time_to_answer_min"] == (
        "Réponses plus rapides de 17 minutes (médiane 27 → 10 min, 56 et 87 dossiers avec réponse)"
    )
    assert texts["zero_share"] == (
        "Plus de dossiers avec réponse sans aucun transfert "
        "(17,9\u00a0% → 69\u00a0%, 56 et 87 dossiers)"
    )
    assert texts["confidence"] == (
        "La confiance est montée de 3 à 4 sur 5 (+1, 12 personnes; référence 0)"
    )


def test_french_plurals_follow_french_rules(french):
    one = hl.headline(
        *blocks(cases([11] * 30), cases([10] * 30), confidence=ratings([1])),
        gettext=gettext,
        ngettext=ngettext,
        number=french_number,
    )
    texts = {item["measure"]: item["text"] for item in one}
    assert texts["time_to_answer_min"].startswith("Réponses plus rapides de 1 minute (")
    assert texts["confidence"].endswith("(1 personne)")
    none = hl.headline(
        *blocks(cases([11] * 30), cases([10] * 30), confidence=ratings([])),
        gettext=gettext,
        ngettext=ngettext,
        number=french_number,
    )
    # French counts zero as singular: "0 personne".
    assert line(none, "confidence")["text"].endswith("(0 personne)")


def test_every_sentence_goes_through_the_translation_functions():
    marked = []

    def marking_gettext(string: str, **variables) -> str:
        marked.append(string)
        return "[fr] " + hl.plain_gettext(string, **variables)

    def marking_ngettext(singular: str, plural: str, num: int, **variables) -> str:
        marked.append(singular)
        return "[fr] " + hl.plain_ngettext(singular, plural, num, **variables)

    scenarios = [
        blocks(cases(SLOW), cases(QUICK), confidence=ratings([1] * 12)),
        blocks(cases(QUICK), cases([3, 4]), confidence=ratings([1])),
        blocks(cases([10] * 9), cases([12] * 9)),
    ]
    for scenario in scenarios:
        for item in hl.headline(*scenario, gettext=marking_gettext, ngettext=marking_ngettext):
            assert item["text"].startswith("[fr] ")
    assert len(marked) == 4 * len(scenarios)
