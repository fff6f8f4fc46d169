"""The same numbers everywhere (DESIGN.md §7, §11): the round measures and the process edges
recomputed by a pandas/R-style reader from the CSV downloads equal the summary JSON's.

The reader has only what they downloaded: cases.csv (open and answer times, handoffs),
handoffs.csv (the standing handoffs, in order, with their roles and times), ratings.csv; and,
for the role that opened a case nobody handed off (no CSV column holds it), the XES log.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import datetime

import numpy as np
import pytest

from tests.summary.test_casework import build_spanning_story
from tests.summary.test_routes import sign_in
from tests.summary.test_services import build_story

XES = "{http://www.xes-standard.org/}"


def download_csv(client, pid: int, table: str) -> list[dict]:
    response = client.get(f"/playtests/{pid}/export.csv?table={table}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def openers_from_xes(client, pid: int) -> dict[str, str]:
    """case id -> the org:role of its first event (the role that opened it)."""
    root = ET.fromstring(client.get(f"/playtests/{pid}/export.xes").get_data())
    out = {}
    for trace in root.iter(f"{XES}trace"):
        case = next(a.get("value") for a in trace if a.get("key") == "concept:name")
        first = trace.find(f"{XES}event")
        out[case] = next(a.get("value") for a in first if a.get("key") == "org:role")
    return out


def when(text: str) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def median(values: list[float]) -> float | None:
    return float(np.percentile(values, 50)) if values else None


def recomputed(client, pid: int) -> dict[str, dict]:
    """Per round id (as text): n, handoff and time medians, confidence change and edges."""
    cases = download_csv(client, pid, "cases")
    handoffs: dict[str, list[dict]] = defaultdict(list)
    for row in download_csv(client, pid, "handoffs"):  # in log order within each case
        handoffs[row["case_id"]].append(row)
    openers = openers_from_xes(client, pid)
    rounds: dict[str, dict] = defaultdict(
        lambda: {"handoffs": [], "times": [], "edges": defaultdict(list)}
    )
    for case in cases:
        out = rounds[case["round_id"]]
        out["handoffs"].append(int(case["handoffs"]))
        opened, answered = when(case["opened_at"]), when(case["answered_at"])
        if answered:
            out["times"].append(minutes(opened, answered))
        steps = handoffs[case["case_id"]]
        holder = steps[0]["from_role"] if steps else openers[case["case_id"]]
        since = opened
        for step in steps:
            out["edges"][(holder, step["to_role"])].append(minutes(since, when(step["at"])))
            holder, since = step["to_role"], when(step["at"])
        end = "answered" if answered else "open"
        out["edges"][(holder, end)].append(minutes(since, answered) if answered else None)
    for out in rounds.values():
        out["edges"] = {
            join: (len(waits), None if join[1] == "open" else median(waits))
            for join, waits in out["edges"].items()
        }
    for round_id, delta in confidence_changes(download_csv(client, pid, "ratings")).items():
        rounds[round_id]["delta"] = delta
    return rounds


def confidence_changes(ratings: list[dict]) -> dict[str, float | None]:
    """Per round: the mean over people of (after at their last rated session − before at their
    first), each score the mean of that phase's answers (DESIGN.md §7, round pairs)."""
    scores: dict[tuple, list[int]] = defaultdict(list)
    for row in ratings:
        key = (row["round_id"], row["participant_id"], int(row["session_id"]), row["phase"])
        scores[key].append(int(row["value"]))
    people: dict[tuple, dict] = defaultdict(lambda: {"before": {}, "after": {}})
    for (round_id, person, session, phase), values in scores.items():
        people[(round_id, person)][phase][session] = sum(values) / len(values)
    deltas: dict[str, list[float]] = defaultdict(list)
    for (round_id, _person), phases in people.items():
        if phases["before"] and phases["after"]:
            before = phases["before"][min(phases["before"])]
            after = phases["after"][max(phases["after"])]
            deltas[round_id].append(after - before)
    return {round_id: sum(d) / len(d) for round_id, d in deltas.items()}


@pytest.mark.parametrize("build", [build_story, build_spanning_story])
def test_the_csv_exports_give_the_jsons_numbers(client, make, monkeypatch, build):
    story = build(make, monkeypatch)
    user = make.facilitator()
    sign_in(client, user)
    pid = story["playtest_id"]
    summary = client.get(
        f"/api/v1/playtests/{pid}/summary", headers={"Authorization": f"Bearer {make.token(user)}"}
    ).json
    from_csv = recomputed(client, pid)
    assert {str(r["id"]) for r in summary["rounds"]} == set(from_csv)
    for round_ in summary["rounds"]:
        mine = from_csv[str(round_["id"])]
        cases = round_["cases"]
        assert cases["n"] == len(mine["handoffs"])
        assert cases["handoffs_per_case"]["median"] == median(mine["handoffs"])
        assert cases["time_to_answer_min"]["n"] == len(mine["times"])
        assert cases["time_to_answer_min"]["median"] == pytest.approx(median(mine["times"]))
        assert round_["confidence"]["delta_mean"] == pytest.approx(mine.get("delta"))
        edges = {
            (e["from"], e["to"]): (e["count"], e["median_wait_min"])
            for e in round_["process"]["edges"]
        }
        assert edges.keys() == mine["edges"].keys()
        for join, (count, wait) in edges.items():
            assert count == mine["edges"][join][0], join
            assert wait == pytest.approx(mine["edges"][join][1]), join
        assert sum(Counter({j: c for j, (c, _w) in edges.items()}).values()) == sum(
            mine["handoffs"]
        ) + len(mine["handoffs"])  # each case: its handoffs, then its end
