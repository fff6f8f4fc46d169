"""Tidy exports: CSV and JSON load back into the summary's numbers; anonymity and safety hold."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from datetime import datetime

import numpy as np
import pytest

from playtest.summary.export import TABLES
from playtest.summary.services import playtest_summary
from tests.summary.test_services import build_story, rounds_by_label

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


@pytest.fixture
def story(make, monkeypatch) -> dict:
    return build_story(make, monkeypatch)


@pytest.fixture
def staff(make, story) -> dict:
    token = make.token(story["story"].user)
    return {"Authorization": f"Bearer {token}"}


def read_csv(client, headers, playtest_id: int, table: str) -> list[dict]:
    response = client.get(
        f"/api/v1/playtests/{playtest_id}/export.csv?table={table}", headers=headers
    )
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/csv"
    assert f"playtest-{playtest_id}-{table}.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == list(TABLES[table])  # CSV columns = JSON keys, same order
    return list(reader)


def read_json(client, headers, playtest_id: int) -> dict:
    response = client.get(f"/api/v1/playtests/{playtest_id}/export.json", headers=headers)
    assert response.status_code == 200, response.data
    return response.get_json()


def minutes(start: str, end: str) -> float:
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds() / 60


def test_cases_csv_loads_back_into_the_summary_numbers(client, staff, story):
    summary = playtest_summary(story["playtest_id"])
    rows = read_csv(client, staff, story["playtest_id"], "cases")
    by_round = defaultdict(list)
    for row in rows:
        by_round[int(row["round_id"])].append(row)
    for round_ in summary["rounds"]:
        cases = by_round[round_["id"]]
        handoffs = [int(r["handoffs"]) for r in cases]
        times = [minutes(r["opened_at"], r["answered_at"]) for r in cases if r["answered_at"]]
        block = round_["cases"]
        assert len(cases) == block["n"]
        assert sum(1 for r in cases if not r["answered_at"]) == block["unanswered"]
        q1, median, q3 = np.percentile(handoffs, [25, 50, 75])
        assert (q1, median, q3) == (
            block["handoffs_per_case"]["q1"],
            block["handoffs_per_case"]["median"],
            block["handoffs_per_case"]["q3"],
        )
        zero = sum(1 for r in cases if r["answered_at"] and r["handoffs"] == "0")
        assert zero / len(cases) == pytest.approx(block["handoffs_per_case"]["zero_share"])
        # CSV times carry milliseconds, so minutes agree to well under a second.
        assert np.median(times) == pytest.approx(block["time_to_answer_min"]["median"], abs=1e-4)


def test_handoffs_csv_is_the_handoff_map_without_corrected_handoffs(client, staff, story):
    summary = playtest_summary(story["playtest_id"])
    rows = read_csv(client, staff, story["playtest_id"], "handoffs")
    for round_ in summary["rounds"]:
        joins = Counter(
            (r["from_role"], r["to_role"]) for r in rows if int(r["round_id"]) == round_["id"]
        )
        assert joins == {(j["from"], j["to"]): j["count"] for j in round_["handoff_map"]}
    assert len(rows) == 4  # 3 in the baseline (one undone), 1 in the prototype
    assert all(ISO_MS.match(r["at"]) for r in rows)


def test_ratings_csv_is_one_row_per_answer_and_gives_the_session_means(client, staff, story):
    rows = read_csv(client, staff, story["playtest_id"], "ratings")
    first = [r for r in rows if int(r["session_id"]) == story["s1"]]
    assert len(first) == 3 * 2 + 2 * 2  # three befores, two afters, two questions each
    assert {r["question"] for r in rows} == {"I know who to ask", "I feel connected"}
    scores = defaultdict(list)
    for r in first:
        scores[(r["participant_id"], r["phase"])].append(int(r["value"]))
    paired = {p for p, phase in scores if phase == "after"}
    before = np.mean([np.mean(scores[(p, "before")]) for p in paired])
    after = np.mean([np.mean(scores[(p, "after")]) for p in paired])
    baseline = rounds_by_label(playtest_summary(story["playtest_id"]))["Baseline"]
    session = next(s for s in baseline["sessions"] if s["id"] == story["s1"])
    assert (before, after) == (
        session["confidence"]["before_mean"],
        session["confidence"]["after_mean"],
    )


def test_reflections_and_segments_csv_match_the_board_and_agenda(client, staff, story):
    summary = playtest_summary(story["playtest_id"])
    baseline = rounds_by_label(summary)["Baseline"]
    cards = read_csv(client, staff, story["playtest_id"], "reflections")
    lanes = Counter(r["lane"] for r in cards if int(r["round_id"]) == baseline["id"])
    assert lanes == {lane: n for lane, n in baseline["lanes"].items() if n}
    segments = read_csv(client, staff, story["playtest_id"], "segments")
    first = [s for s in segments if int(s["session_id"]) == story["s1"]]
    assert [(s["title"], float(s["planned_min"]), float(s["actual_min"])) for s in first] == [
        ("Case work in pods", 20.0, 22.0),
        ("Reflect", 10.0, 11.0),
    ]
    not_run = [s for s in segments if int(s["session_id"]) == story["s2"]]
    assert [s["actual_min"] for s in not_run] == ["", ""]


def test_anonymous_authors_never_appear_in_exports(client, staff, story):
    anonymous_id = story["cards"]["blocker"]
    bo = str(story["bo"])
    for row in read_csv(client, staff, story["playtest_id"], "reflections"):
        if int(row["id"]) == anonymous_id:
            assert (row["author_participant_id"], row["author_role"]) == ("", "")
        else:
            assert row["author_participant_id"] != bo  # Bo's only card is anonymous
    data = read_json(client, staff, story["playtest_id"])
    (card,) = [c for c in data["tables"]["reflections"] if c["id"] == anonymous_id]
    assert card["author_participant_id"] is None and card["author_role"] is None


def test_deleted_cards_are_left_out_and_hidden_ones_are_marked(client, staff, story):
    rows = read_csv(client, staff, story["playtest_id"], "reflections")
    texts = {r["text"]: r for r in rows}
    assert "Too many forms" not in texts
    assert texts["Mrs X in C-9 called twice"]["hidden"] == "true"
    assert texts["Shared desk helped"]["hidden"] == "false"
    assert texts["'@ask policy directly"]["group"] == "Policy queue"
    assert all(ISO_MS.match(r["created_at"]) for r in rows)


def test_spreadsheet_formulas_are_neutralised_in_csv_but_not_in_json(client, staff, story):
    rows = read_csv(client, staff, story["playtest_id"], "reflections")
    texts = {r["text"] for r in rows}
    assert "'=SUM(A1) waits for policy" in texts
    assert "'@ask policy directly" in texts
    assert not any(t[:1] in "=+-@" for t in texts if t)
    data = read_json(client, staff, story["playtest_id"])
    assert "=SUM(A1) waits for policy" in {c["text"] for c in data["tables"]["reflections"]}


def test_json_export_holds_every_table_or_one(client, staff, story):
    data = read_json(client, staff, story["playtest_id"])
    assert list(data["tables"]) == list(TABLES)
    for name, records in data["tables"].items():
        for record in records:
            assert list(record) == list(TABLES[name])
    response = client.get(
        f"/api/v1/playtests/{story['playtest_id']}/export.json?table=cases", headers=staff
    )
    assert response.get_json() == data["tables"]["cases"]
    assert all(ISO_MS.match(c["opened_at"]) for c in data["tables"]["cases"])


def test_export_errors(client, staff, story):
    base = f"/api/v1/playtests/{story['playtest_id']}"
    response = client.get(f"{base}/export.csv", headers=staff)
    assert response.status_code == 422  # a CSV holds one table: say which
    assert "reflections" in response.get_json()["error"]["message"]
    for path in ("export.csv?table=votes", "export.json?table=votes"):
        response = client.get(f"{base}/{path}", headers=staff)
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "invalid"
    response = client.get("/api/v1/playtests/99999/export.csv?table=cases", headers=staff)
    assert response.status_code == 404
    response = client.get("/api/v1/playtests/99999/export.json", headers=staff)
    assert response.status_code == 404
