"""The XES and OCEL downloads (DESIGN.md §11) read back by pm4py: the directly-follows graph
over roles of the downloaded XES equals the summary JSON's edges (ends left out, one X → X
pair per case answered while X held it), and the OCEL file loads with pm4py's OCEL 2.0 reader."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pm4py
import pytest

from playtest.summary.services import playtest_summary
from tests.summary.test_casework import build_spanning_story
from tests.summary.test_routes import sign_in
from tests.summary.test_services import BENEFITS, INTAKE, rounds_by_label

pytestmark = pytest.mark.filterwarnings("ignore:Install the optional requirement:UserWarning")

NAMES = ("Ada", "Bo", "Eve")  # the story's display names: never in an export


@pytest.fixture
def spanning(make, monkeypatch) -> dict:
    return build_spanning_story(make, monkeypatch)


def dfg_of_edges(edges: list[dict]) -> Counter:
    dfg = Counter()
    for edge in edges:
        if edge["to"] == "answered":
            dfg[(edge["from"], edge["from"])] += edge["count"]
        elif edge["to"] != "open":
            dfg[(edge["from"], edge["to"])] += edge["count"]
    return dfg


def download(client, path: str, tmp_path: Path, name: str, headers=None) -> Path:
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.status_code
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert not any(person in text for person in NAMES)
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def test_the_xes_download_gives_pm4py_our_edges(client, make, spanning, tmp_path):
    user = make.facilitator()
    sign_in(client, user)
    pid = spanning["playtest_id"]
    path = download(client, f"/playtests/{pid}/export.xes", tmp_path, "events.xes")
    frame = pm4py.read_xes(str(path))
    assert frame["case:concept:name"].nunique() == 6  # A-D, E, F
    summary = playtest_summary(pid)
    for label, round_ in rounds_by_label(summary).items():
        rows = frame[frame["case:playtest:round"] == label]
        dfg, _starts, _ends = pm4py.discover_dfg(rows, activity_key="org:role")
        assert Counter(dfg) == dfg_of_edges(round_["process"]["edges"]), label
    baseline = frame[frame["case:playtest:round"] == "Baseline"]
    dfg, _starts, _ends = pm4py.discover_dfg(baseline, activity_key="org:role")
    # A, B and D went intake -> benefits; B's undone handoff to policy is not there.
    assert dfg[(INTAKE, BENEFITS)] == 3 and not any("Policy" in pair[1] for pair in dfg)


def test_the_api_serves_the_same_xes_with_a_token(client, make, spanning, tmp_path):
    user = make.facilitator()
    pid = spanning["playtest_id"]
    headers = {"Authorization": f"Bearer {make.token(user)}"}
    api = download(client, f"/api/v1/playtests/{pid}/export.xes", tmp_path, "a.xes", headers)
    sign_in(client, user)
    page = download(client, f"/playtests/{pid}/export.xes", tmp_path, "b.xes")
    assert api.read_text() == page.read_text()


def test_the_ocel_download_loads_with_pm4pys_ocel2_reader(client, make, spanning, tmp_path):
    user = make.facilitator()
    pid = spanning["playtest_id"]
    headers = {"Authorization": f"Bearer {make.token(user)}"}
    path = download(
        client, f"/api/v1/playtests/{pid}/export.ocel.json", tmp_path, "events.json", headers
    )
    ocel = pm4py.read_ocel2_json(str(path))
    # A 3 standing events, B 3 (the undone handoff and its undo gone), C 1, D 4, E 2, F 3.
    assert Counter(ocel.events["ocel:activity"]) == {"open": 6, "handoff": 5, "answer": 5}
    assert Counter(ocel.objects["ocel:type"]) == {
        "case": 6,
        "role": 2,
        "session": 3,
        "participant": 3,
    }


def test_a_non_member_gets_404_and_no_log(client, make, spanning):
    outsider = make.facilitator("outsider@example.gov", member=False)
    pid = spanning["playtest_id"]
    headers = {"Authorization": f"Bearer {make.token(outsider)}"}
    for path in (
        f"/api/v1/playtests/{pid}/export.xes",
        f"/api/v1/playtests/{pid}/export.ocel.json",
    ):
        assert client.get(path, headers=headers).status_code == 404
    sign_in(client, outsider)
    for path in (f"/playtests/{pid}/export.xes", f"/playtests/{pid}/export.ocel.json"):
        assert client.get(path).status_code == 404


def test_a_log_bigger_than_the_spool_is_sent_from_disk_the_same(
    client, make, spanning, tmp_path, monkeypatch
):
    from playtest.summary import eventlog_export

    user = make.facilitator()
    sign_in(client, user)
    pid = spanning["playtest_id"]
    small = download(client, f"/playtests/{pid}/export.ocel.json", tmp_path, "a.json")
    monkeypatch.setattr(eventlog_export, "SPOOL_BYTES", 100)
    response = client.get(f"/playtests/{pid}/export.ocel.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.get_data(as_text=True) == small.read_text()
    response.close()
