"""The process map, working minutes and rework in the summary JSON (DESIGN.md §11), on a story
made through the real services and checked by hand: a case that spans two sessions a day
apart, a corrected handoff, a case that came back, a case with no handoff still open."""

from __future__ import annotations

import pytest
from scipy import stats as sps

from playtest.extensions import db
from playtest.models import Playtest
from playtest.summary import digests
from playtest.summary.services import playtest_summary
from tests.summary.test_services import BENEFITS, INTAKE, POLICY, Story, rounds_by_label

DAY = 24 * 60


def build_spanning_story(make, monkeypatch) -> dict:
    """Baseline, session 1 (minute 0 to 30) and session 2 (a day later, 1440 to 1500):

    A  opened by intake at 2, to benefits at 10, answered by benefits at 1450 (in session 2)
    B  opened at 5, to policy at 8 (undone at 9), to benefits at 12, answered at 20
    C  opened at 6, never handed off, still open with intake
    D  opened at 7, to benefits at 9, back to intake at 11, answered at 13 (rework)

    Prototype, session 1 (3000 to 3060): E opened at 3001, answered at 3011; F opened at 3002,
    to benefits at 3004, answered at 3010.
    """
    story = Story(make, monkeypatch)
    s1 = make.session(number=1, label="Baseline")
    playtest = db.session.get(Playtest, s1.round.playtest_id)
    story.at(0).clock(s1, "start")
    ada = story.join(s1, "Ada", INTAKE)
    bo = story.join(s1, "Bo", BENEFITS)
    story.at(2)
    a = story.open(ada, "A")
    story.at(5)
    b = story.open(ada, "B")
    story.at(6)
    story.open(ada, "C")
    story.at(7)
    d = story.open(ada, "D")
    story.at(8).handoff(ada, b, POLICY)
    story.at(9).undo_handoff(s1, b)
    story.handoff(ada, d, BENEFITS)
    story.at(10).handoff(ada, a, BENEFITS)
    story.at(11).handoff(bo, d, INTAKE)
    story.at(12).handoff(ada, b, BENEFITS)
    story.at(13).answer(ada, d)
    story.at(20).answer(bo, b)
    story.at(30).clock(s1, "finish")

    s2 = make.session(number=2, playtest=playtest, label="Baseline")
    story.at(DAY).clock(s2, "start")
    bo2 = story.join(s2, "Bo", BENEFITS, again=True)
    story.at(DAY + 10).answer(bo2, a)
    story.at(DAY + 60).clock(s2, "finish")

    p1 = make.session(number=1, playtest=playtest, label="Prototype")
    story.at(3000).clock(p1, "start")
    ada3 = story.join(p1, "Ada", INTAKE, again=True)
    eve = story.join(p1, "Eve", BENEFITS)
    story.at(3001)
    e = story.open(ada3, "E")
    story.at(3002)
    f = story.open(ada3, "F")
    story.at(3004).handoff(ada3, f, BENEFITS)
    story.at(3010).answer(eve, f)
    story.at(3011).answer(ada3, e)
    story.at(3060).clock(p1, "finish")
    db.session.expire_all()
    return {"playtest_id": playtest.id, "s1": s1.id, "s2": s2.id, "p1": p1.id}


@pytest.fixture
def spanning(make, monkeypatch) -> dict:
    monkeypatch.setattr("playtest.config.DIGEST_AFTER_FINISH_S", 0)
    return build_spanning_story(make, monkeypatch)


def minutes_block(n, median, q1, q3) -> dict:
    return {"n": n, "median": median, "q1": q1, "q3": q3, "directional": n < 5}


def test_the_baseline_process_map_by_hand(spanning):
    baseline = rounds_by_label(playtest_summary(spanning["playtest_id"]))["Baseline"]
    assert baseline["process"] == {
        "n": 4,
        "edges": [
            # A waited 8 min with intake, B 7 (from its open to the handoff that stood), D 2.
            {"from": INTAKE, "to": BENEFITS, "count": 3, "median_wait_min": 7.0},
            # A: 10 -> 1450 (a day, in wall-clock minutes); B: 12 -> 20.
            {"from": BENEFITS, "to": "answered", "count": 2, "median_wait_min": 724.0},
            {"from": BENEFITS, "to": INTAKE, "count": 1, "median_wait_min": 2.0},
            {"from": INTAKE, "to": "answered", "count": 1, "median_wait_min": 2.0},
            {"from": INTAKE, "to": "open", "count": 1, "median_wait_min": None},
        ],
        "variants": [
            # A (1448 min) and B (15): the undone handoff to policy is not in B's path.
            {
                "path": [INTAKE, BENEFITS, "answered"],
                "count": 2,
                "share": 0.5,
                "median_time_to_answer_min": 731.5,
            },
            {
                "path": [INTAKE, BENEFITS, INTAKE, "answered"],
                "count": 1,
                "share": 0.25,
                "median_time_to_answer_min": 6.0,
            },
            {
                "path": [INTAKE, "open"],
                "count": 1,
                "share": 0.25,
                "median_time_to_answer_min": None,
            },
        ],
        "other_count": 0,
        "rework": 1,
        "rework_share": 0.25,
        "stuck": {INTAKE: 1},
        "starts": {INTAKE: 4},
        "directional": True,
    }


def test_working_minutes_count_only_while_sessions_ran(spanning):
    summary = playtest_summary(spanning["playtest_id"])
    baseline = rounds_by_label(summary)["Baseline"]
    # A: 28 minutes of session 1 (2 -> 30) and 10 of session 2 (1440 -> 1450) = 38, not 1448.
    # Answered: A 38, B 15, D 6 -> sorted 6 15 38.
    assert baseline["cases"]["working_time_to_answer_min"] == minutes_block(3, 15.0, 10.5, 26.5)
    assert baseline["cases"]["time_to_answer_min"] == minutes_block(3, 15.0, 10.5, 731.5)
    s1, s2 = baseline["sessions"]
    # Cases count in the session they were opened in (A too, though answered in session 2).
    assert s1["cases"]["working_time_to_answer_min"] == minutes_block(3, 15.0, 10.5, 26.5)
    assert s2["cases"]["working_time_to_answer_min"] == minutes_block(0, None, None, None)
    prototype = rounds_by_label(summary)["Prototype"]
    assert prototype["cases"]["working_time_to_answer_min"] == minutes_block(2, 9.0, 8.5, 9.5)


def test_the_comparison_gains_rework_working_minutes_and_the_edges_that_changed(spanning):
    summary = playtest_summary(spanning["playtest_id"])
    (comparison,) = summary["comparisons"]
    assert comparison["rework_share"] == {
        "baseline": 0.25,
        "round": 0.0,
        "fisher_p": sps.fisher_exact([[1, 3], [0, 2]]).pvalue,
        "directional": True,
    }
    assert comparison["rework_share"]["fisher_p"] == 1.0
    expected = sps.mannwhitneyu([10.0, 8.0], [38.0, 15.0, 6.0])
    working = comparison["working_time_to_answer_min"]
    assert working["mann_whitney_u"] == expected.statistic
    assert working["p_value"] == pytest.approx(expected.pvalue)
    assert (working["n_baseline"], working["n_prototype"]) == (3, 2)
    assert [
        (e["from"], e["to"], e["baseline"], e["count"], e["status"])
        for e in comparison["process_edges"]
    ] == [
        (INTAKE, BENEFITS, 3, 1, "kept"),
        (BENEFITS, "answered", 2, 1, "kept"),
        (INTAKE, "answered", 1, 1, "kept"),
        (BENEFITS, INTAKE, 1, 0, "disappeared"),
        (INTAKE, "open", 1, 0, "disappeared"),
    ]
    prototype = rounds_by_label(summary)["Prototype"]["process"]
    assert prototype["edges"] == [
        {"from": BENEFITS, "to": "answered", "count": 1, "median_wait_min": 6.0},
        {"from": INTAKE, "to": BENEFITS, "count": 1, "median_wait_min": 2.0},
        {"from": INTAKE, "to": "answered", "count": 1, "median_wait_min": 10.0},
    ]
    assert prototype["stuck"] == {} and prototype["rework_share"] == 0.0


def test_the_headline_is_in_the_json_in_the_readers_language(spanning, app):
    summary = playtest_summary(spanning["playtest_id"])
    (comparison,) = summary["comparisons"]
    measures = [line["measure"] for line in comparison["headline"]]
    assert measures == ["time_to_answer_min", "handoffs_per_case", "zero_share", "confidence"]
    # Two and three answered cases: too few to tell.
    assert comparison["headline"][0]["claim"] == "too_few"
    assert comparison["headline"][0]["text"].startswith("Too few answered cases")


def test_the_digests_give_the_same_process_blocks(spanning):
    fresh = playtest_summary(spanning["playtest_id"], stored=False)
    first = playtest_summary(spanning["playtest_id"])  # stores the three digests
    again = playtest_summary(spanning["playtest_id"])  # reads them
    for summary in (first, again):
        summary.pop("generated_at")
    fresh.pop("generated_at")
    assert again == first == fresh
    assert db.session.query(digests.SessionDigest).count() == 3
