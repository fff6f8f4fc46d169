"""The playtest summary against hand-checked numbers, on data made through the real services."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from scipy import stats as sps

from playtest.board import posting
from playtest.board import services as board
from playtest.cases import services as cases
from playtest.extensions import db
from playtest.facilitation import services as facilitation
from playtest.facilitation import timekeeping
from playtest.models import Playtest, Round, Session
from playtest.realtime import Viewer
from playtest.summary.services import playtest_summary
from playtest.summary.stats import wilcoxon

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Story:
    """Drives the real services (join, cases, ratings, board, clock) at chosen minutes."""

    def __init__(self, make, monkeypatch):
        self.make = make
        self.now = T0
        for target in (cases, board, facilitation, timekeeping):
            monkeypatch.setattr(target, "utcnow", lambda: self.now)
        self.user = make.facilitator()
        self.tokens: dict[str, str] = {}
        self.people: dict[tuple[str, int], Viewer] = {}

    def at(self, minutes: float) -> Story:
        self.now = T0 + timedelta(minutes=minutes)
        return self

    def join(self, session, name: str, role: str, again: bool = False) -> Viewer:
        previous = self.tokens.get(name) if again else None
        token, attendance = self.make.join(session, name, role, previous)
        self.tokens[name] = token
        viewer = facilitation.participant_viewer(attendance)
        self.people[(name, session.id)] = viewer
        return viewer

    def staff(self, session) -> Viewer:
        return facilitation.staff_viewer(self.user, session.id)

    def clock(self, session, action: str) -> None:
        facilitation.control_clock(self.staff(session), action)

    @staticmethod
    def cid() -> str:
        return str(uuid.uuid4())

    def open(self, who: Viewer, label: str) -> int:
        case, _ = cases.open_case(who, {"client_id": self.cid(), "label": label})
        return case.id

    def handoff(self, who: Viewer, case_id: int, to_role: str) -> None:
        cases.handoff(who, {"client_id": self.cid(), "case_id": case_id, "to_role": to_role})

    def answer(self, who: Viewer, case_id: int) -> None:
        cases.answer(who, {"client_id": self.cid(), "case_id": case_id})

    def undo_handoff(self, session, case_id: int) -> None:
        cases.correct(self.staff(session), {"case_id": case_id, "action": "undo_handoff"})

    def rate(self, who: Viewer, phase: str, answers: dict[int, int]) -> None:
        if phase == "after":  # the facilitator opens them (DESIGN.md §9)
            cases.open_after_ratings(self.staff(db.session.get(Session, who.session_id)), "after")
        cases.submit_ratings(
            who, {"phase": phase, "answers": {str(k): v for k, v in answers.items()}}
        )

    def post(self, who: Viewer, lane: str, text: str, anonymous: bool = False) -> int:
        posted = posting.post_reflection(
            who, {"client_id": self.cid(), "lane": lane, "text": text, "anonymous": anonymous}
        )
        return posted.card.id


INTAKE, BENEFITS, POLICY = "Intake officer", "Benefits officer", "Policy advisor"


def build_story(make, monkeypatch) -> dict:
    """A baseline round (two sessions) and a prototype round (one), small enough to check by hand.

    Baseline: C1 two handoffs, answered after 30 min; C2 none, 10 min; C3 one handoff that the
    facilitator undid, 20 min; C4 one handoff, never answered. Prototype: P1 and P2 none,
    5 min each (a tie); P3 one handoff, 15 min. See the tests for the numbers.
    """
    story = Story(make, monkeypatch)
    s1 = make.session(number=1, label="Baseline")
    playtest = db.session.get(Playtest, s1.round.playtest_id)
    story.at(0).clock(s1, "start")
    ada = story.join(s1, "Ada", INTAKE)
    bo = story.join(s1, "Bo", BENEFITS)
    cy = story.join(s1, "Cy", POLICY)
    story.at(1)
    story.rate(ada, "before", {0: 2, 1: 3})
    story.rate(bo, "before", {0: 3, 1: 3})
    story.rate(cy, "before", {0: 4, 1: 4})
    story.at(2)
    c1, c2, c3, c4 = (story.open(ada, label) for label in ("C-1", "C-2", "C-3", "C-4"))
    story.at(7).handoff(ada, c1, BENEFITS)
    story.at(8).handoff(ada, c3, BENEFITS)
    story.at(9).undo_handoff(s1, c3)
    story.at(10).handoff(ada, c4, POLICY)
    story.at(12).answer(ada, c2)
    story.handoff(bo, c1, POLICY)
    story.at(22).answer(bo, c3)
    story.clock(s1, "next")
    story.at(23)
    highlight = story.post(ada, "Highlights", "Shared desk helped")
    blocker = story.post(bo, "Blockers", "=SUM(A1) waits for policy", anonymous=True)
    idea = story.post(cy, "Opportunities", "@ask policy directly")
    gone = story.post(ada, "Blockers", "Too many forms")
    named_client = story.post(cy, "Blockers", "Mrs X in C-9 called twice")
    board.delete_reflection(ada, gone)
    for who, card in ((ada, blocker), (ada, idea), (ada, named_client)):
        board.vote(who, card, True)
    for who, card in ((bo, highlight), (bo, idea), (cy, blocker)):
        board.vote(who, card, True)
    board.hide(story.staff(s1), named_client, True)
    board.group(story.staff(s1), [blocker, idea], "Policy queue")
    story.at(32).answer(cy, c1)
    story.at(33)
    story.rate(ada, "after", {0: 4, 1: 4})
    story.rate(bo, "after", {0: 3, 1: 4})
    story.clock(s1, "finish")

    s2 = make.session(number=2, playtest=playtest, label="Baseline")
    story.at(60)
    ada2 = story.join(s2, "Ada", INTAKE, again=True)
    story.join(s2, "Dee", INTAKE)
    story.rate(ada2, "after", {0: 5, 1: 5})

    p1 = make.session(number=1, playtest=playtest, label="Prototype")
    story.at(100)
    ada3 = story.join(p1, "Ada", INTAKE, again=True)
    eve = story.join(p1, "Eve", BENEFITS)
    story.rate(ada3, "before", {0: 3, 1: 3})
    story.rate(eve, "before", {0: 2, 1: 2})
    p_1, p_2, p_3 = (story.open(ada3, label) for label in ("P-1", "P-2", "P-3"))
    story.at(105).answer(ada3, p_1)
    story.answer(ada3, p_2)
    story.at(106).handoff(ada3, p_3, BENEFITS)
    story.at(115).answer(eve, p_3)
    story.rate(ada3, "after", {0: 5, 1: 4})

    db.session.expire_all()
    return {
        "playtest_id": playtest.id,
        "baseline": s1.round_id,
        "prototype": p1.round_id,
        "s1": s1.id,
        "s2": s2.id,
        "p1": p1.id,
        "cards": {"highlight": highlight, "blocker": blocker, "idea": idea, "hidden": named_client},
        "ada": ada.participant_id,
        "bo": bo.participant_id,
        "story": story,
    }


@pytest.fixture
def story(make, monkeypatch) -> dict:
    return build_story(make, monkeypatch)


def rounds_by_label(summary: dict) -> dict[str, dict]:
    return {r["label"]: r for r in summary["rounds"]}


def sessions_by_id(round_: dict) -> dict[int, dict]:
    return {s["id"]: s for s in round_["sessions"]}


# --- cases -----------------------------------------------------------------------------------


def test_baseline_cases_hand_checked(story):
    baseline = rounds_by_label(playtest_summary(story["playtest_id"]))["Baseline"]
    # handoffs 2, 0, 0 (undone), 1 -> sorted 0 0 1 2; answered in 30, 10 and 20 minutes
    assert baseline["cases"] == {
        "n": 4,
        "answered": 3,
        "unanswered": 1,
        "handoffs_per_case": {"median": 0.5, "q1": 0.0, "q3": 1.25, "zero_share": 0.5},
        "time_to_answer_min": {
            "n": 3,
            "median": 20.0,
            "q1": 15.0,
            "q3": 25.0,
            "directional": True,
        },
        # Session 1 ran from minute 0 to 33: every answer fell inside it.
        "working_time_to_answer_min": {
            "n": 3,
            "median": 20.0,
            "q1": 15.0,
            "q3": 25.0,
            "directional": True,
        },
        "directional": True,
    }
    s1, s2 = baseline["sessions"]
    assert s1["cases"]["n"] == 4 and s1["cases"]["handoffs_per_case"]["median"] == 0.5
    assert s2["cases"]["n"] == 0
    assert s2["cases"]["handoffs_per_case"] == {
        "median": None,
        "q1": None,
        "q3": None,
        "zero_share": None,
    }


def test_a_handoff_undone_by_a_correction_is_not_counted(story):
    baseline = rounds_by_label(playtest_summary(story["playtest_id"]))["Baseline"]
    assert baseline["handoffs"] == {"n": 3}
    # Busiest join first, then by from and to role; the undone Intake -> Benefits is gone.
    assert baseline["handoff_map"] == [
        {"from": BENEFITS, "to": POLICY, "count": 1},
        {"from": INTAKE, "to": BENEFITS, "count": 1},
        {"from": INTAKE, "to": POLICY, "count": 1},
    ]


def test_prototype_ties_and_comparison_with_the_baseline(story):
    summary = playtest_summary(story["playtest_id"])
    prototype = rounds_by_label(summary)["Prototype"]
    assert prototype["cases"]["handoffs_per_case"] == {
        "median": 0.0,
        "q1": 0.0,
        "q3": 0.5,
        "zero_share": pytest.approx(2 / 3),
    }
    assert prototype["cases"]["time_to_answer_min"]["median"] == 5.0
    assert prototype["cases"]["time_to_answer_min"]["q3"] == 10.0

    (comparison,) = summary["comparisons"]
    assert comparison["baseline_round_id"] == story["baseline"]
    assert comparison["round_id"] == story["prototype"]
    handoffs, times = comparison["handoffs_per_case"], comparison["time_to_answer_min"]
    expected = sps.mannwhitneyu([0, 0, 1], [2, 0, 0, 1], alternative="two-sided")
    assert handoffs["mann_whitney_u"] == expected.statistic
    assert handoffs["p_value"] == pytest.approx(expected.pvalue)
    # prototype 0 beats baseline 2 and 1, twice; prototype 1 beats 0 and 0, loses to 2
    assert handoffs["cliffs_delta"] == pytest.approx(-3 / 12)
    expected = sps.mannwhitneyu([5, 5, 15], [30, 10, 20], alternative="two-sided")
    assert times["mann_whitney_u"] == pytest.approx(expected.statistic)
    assert times["p_value"] == pytest.approx(expected.pvalue)
    assert times["cliffs_delta"] == pytest.approx(-7 / 9)
    assert (handoffs["n_baseline"], handoffs["n_prototype"]) == (4, 3)
    assert (times["n_baseline"], times["n_prototype"]) == (3, 3)
    assert handoffs["directional"] and times["directional"]


def test_marking_another_round_as_baseline_turns_the_comparison_round(story):
    facilitation.mark_baseline(db.session.get(Round, story["prototype"]))
    summary = playtest_summary(story["playtest_id"])
    assert summary["playtest"]["baseline_round_id"] == story["prototype"]
    (comparison,) = summary["comparisons"]
    assert comparison["baseline_round_id"] == story["prototype"]
    assert comparison["round_id"] == story["baseline"]
    assert comparison["handoffs_per_case"]["cliffs_delta"] == pytest.approx(3 / 12)
    assert rounds_by_label(summary)["Prototype"]["is_baseline"] is True


# --- confidence ------------------------------------------------------------------------------


def test_round_pairs_use_first_before_and_last_after(story):
    baseline = rounds_by_label(playtest_summary(story["playtest_id"]))["Baseline"]
    confidence = baseline["confidence"]
    # Ada: before 2.5 (session 1), after 5.0 (session 2); Bo: 3.0 -> 3.5; Cy: before only.
    assert confidence["n_pairs"] == 2
    assert confidence["n_before"] == 3
    assert confidence["before_mean"] == 2.75
    assert confidence["after_mean"] == 4.25
    assert confidence["delta_mean"] == 1.5
    assert confidence["wilcoxon"] == wilcoxon([5.0, 3.5], [2.5, 3.0])
    expected = sps.wilcoxon([5.0, 3.5], [2.5, 3.0])
    assert confidence["wilcoxon"]["p_value"] == pytest.approx(expected.pvalue)
    low, high = confidence["delta_ci95"]
    assert 0.5 <= low <= high <= 2.5
    assert [
        (i["question"], i["before_mean"], i["after_mean"], i["n"]) for i in confidence["items"]
    ] == [
        ("I know who to ask", 2.5, 4.0, 2),
        ("I feel connected", 3.0, 4.5, 2),
    ]
    assert confidence["directional"] is True


def test_session_pairs_are_that_sessions_before_and_after(story):
    baseline = rounds_by_label(playtest_summary(story["playtest_id"]))["Baseline"]
    sessions = sessions_by_id(baseline)
    first = sessions[story["s1"]]["confidence"]
    assert (first["n_pairs"], first["before_mean"], first["after_mean"]) == (2, 2.75, 3.75)
    assert first["delta_mean"] == 1.0
    second = sessions[story["s2"]]["confidence"]
    assert (second["n_pairs"], second["n_after"], second["before_mean"]) == (0, 1, None)
    assert second["delta_ci95"] is None and second["wilcoxon"]["p_value"] is None


def test_a_single_participant_gives_means_but_no_test(story):
    prototype = rounds_by_label(playtest_summary(story["playtest_id"]))["Prototype"]
    confidence = prototype["confidence"]
    assert confidence["n_pairs"] == 1
    assert (confidence["before_mean"], confidence["after_mean"]) == (3.0, 4.5)
    assert confidence["delta_mean"] == 1.5
    assert confidence["delta_ci95"] is None
    assert confidence["wilcoxon"] == {"statistic": None, "p_value": None}
    assert confidence["directional"] is True


def test_the_same_person_across_rounds_keeps_one_participant_id(story):
    # previous_token at join: Ada in the prototype round is the baseline's Ada.
    prototype = rounds_by_label(playtest_summary(story["playtest_id"]))["Prototype"]
    assert prototype["participants"] == 2
    baseline = rounds_by_label(playtest_summary(story["playtest_id"]))["Baseline"]
    assert baseline["participants"] == 4  # Ada, Bo, Cy, Dee


# --- board and agenda ------------------------------------------------------------------------


def test_board_counts_top_cards_and_groups(story):
    baseline = rounds_by_label(playtest_summary(story["playtest_id"]))["Baseline"]
    session = sessions_by_id(baseline)[story["s1"]]
    # The deleted card is gone; the hidden one still counts as posted.
    assert session["lanes"] == {"Highlights": 1, "Blockers": 2, "Opportunities": 1}
    assert baseline["lanes"] == session["lanes"]
    lanes = {lane["lane"]: lane for lane in session["board"]["lanes"]}
    assert lanes["Blockers"]["hidden"] == 1
    tops = {
        lane: [(c["text"], c["votes"], c["author_role"]) for c in data["top"]]
        for lane, data in lanes.items()
    }
    assert tops == {
        "Highlights": [("Shared desk helped", 1, INTAKE)],
        # anonymous: no role; the hidden card (1 vote) never makes the top
        "Blockers": [("=SUM(A1) waits for policy", 2, None)],
        "Opportunities": [("@ask policy directly", 2, POLICY)],
    }
    assert lanes["Blockers"]["top"][0]["group"] == "Policy queue"
    (group,) = session["board"]["groups"]
    assert (group["title"], group["cards"], group["votes"]) == ("Policy queue", 2, 4)
    assert baseline["board"]["groups"][0]["session_number"] == 1
    assert "participant_id" not in json.dumps(baseline["board"])


def test_agenda_planned_vs_actual_from_the_clock(story):
    baseline = rounds_by_label(playtest_summary(story["playtest_id"]))["Baseline"]
    sessions = sessions_by_id(baseline)
    agenda = sessions[story["s1"]]["agenda"]
    assert [
        (s["title"], s["planned_min"], s["actual_min"], s["delta_min"]) for s in agenda["segments"]
    ] == [
        ("Case work in pods", 20.0, 22.0, 2.0),
        ("Reflect", 10.0, 11.0, 1.0),
    ]
    assert (agenda["planned_min"], agenda["actual_min"]) == (30.0, 33.0)
    not_run = sessions[story["s2"]]["agenda"]
    assert not_run["actual_min"] is None
    assert [s["actual_min"] for s in not_run["segments"]] == [None, None]


# --- shape -----------------------------------------------------------------------------------


def test_the_json_shape_of_design_section_7(story):
    summary = playtest_summary(story["playtest_id"])
    assert summary["playtest"]["id"] == story["playtest_id"]
    assert summary["playtest"]["title"] == "Intake playtest"
    round_keys = {"id", "label", "cases", "confidence", "lanes", "handoff_map", "sessions"}
    confidence_keys = {
        "n_pairs",
        "before_mean",
        "after_mean",
        "delta_mean",
        "delta_ci95",
        "wilcoxon",
        "items",
    }
    for round_ in summary["rounds"]:
        assert round_keys <= set(round_)
        assert confidence_keys <= set(round_["confidence"])
        assert {"n", "answered", "handoffs_per_case", "time_to_answer_min"} <= set(round_["cases"])
        for session in round_["sessions"]:
            assert {"id", "number", "cases", "confidence", "lanes"} <= set(session)
            assert confidence_keys <= set(session["confidence"])
    for comparison in summary["comparisons"]:
        for measure in ("handoffs_per_case", "time_to_answer_min"):
            assert {"mann_whitney_u", "p_value", "cliffs_delta"} <= set(comparison[measure])
    json.dumps(summary, allow_nan=False)  # NaN never appears


def test_an_empty_playtest_and_an_unknown_one(make):
    from playtest.facilitation import services as facilitation

    empty = facilitation.create_playtest("Nothing yet")
    summary = playtest_summary(empty.id)
    assert summary["rounds"] == [] and summary["comparisons"] == []
    assert summary["playtest"]["baseline_round_id"] is None
    assert playtest_summary(empty.id + 1000) is None


def test_a_round_with_no_data_has_nulls_not_nan(make):
    session = make.session()
    summary = playtest_summary(session.round.playtest_id)
    json.dumps(summary, allow_nan=False)
    (round_,) = summary["rounds"]
    assert round_["cases"]["n"] == 0 and round_["cases"]["directional"] is True
    assert round_["confidence"]["before_mean"] is None
    assert round_["lanes"] == {"Highlights": 0, "Blockers": 0, "Opportunities": 0}
