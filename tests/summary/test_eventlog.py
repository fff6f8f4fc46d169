"""XES and OCEL 2.0 exports, read back by the real consumer (pm4py), on hand-made case logs and
on case events written by the real services."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC
from pathlib import Path

import pm4py
import pytest
import sqlalchemy as sa

from playtest.extensions import db
from playtest.models import Case, CaseEvent, Round
from playtest.summary import eventlog, process
from playtest.summary import journeys as jr
from playtest.summary.eventlog import SessionHead
from playtest.summary.journeys import CaseLog, LogEvent
from tests.summary.test_process import BENEFITS, INTAKE, POLICY, at, five_cases
from tests.summary.test_services import build_story

# pm4py suggests an optional faster reader on first use; that is advice, not a fault.
pytestmark = pytest.mark.filterwarnings("ignore:Install the optional requirement:UserWarning")

SESSIONS = [SessionHead(1, 1, 3, "Baseline"), SessionHead(2, 2, 3, "Baseline")]


def five_logs() -> list[CaseLog]:
    return [
        CaseLog(100 + index, f"C-{index + 1}", 3, "Baseline", 1, tuple(log.events))
        for index, log in enumerate(five_cases())
    ]


def xes_file(tmp_path: Path, logs: list[CaseLog], name: str = "Intake playtest") -> Path:
    path = tmp_path / "cases.xes"
    with path.open("w", encoding="utf-8") as out:
        eventlog.write_xes(logs, name, out)
    return path


def ocel_file(tmp_path: Path, logs: list[CaseLog], sessions=SESSIONS) -> Path:
    path = tmp_path / "cases.json"
    with path.open("w", encoding="utf-8") as out:
        eventlog.write_ocel(logs, sessions, out)
    return path


def expected_dfg(journeys: jr.Journeys) -> Counter:
    """Our edges with the ends left out, plus X -> X for each case answered while X held it."""
    edges = process.edges(journeys)
    dfg = Counter(
        {
            (edge["from"], edge["to"]): edge["count"]
            for edge in edges
            if edge["to"] not in (process.END_ANSWERED, process.END_OPEN)
        }
    )
    for edge in edges:
        if edge["to"] == process.END_ANSWERED:
            dfg[(edge["from"], edge["from"])] += edge["count"]
    return dfg


# --- XES -------------------------------------------------------------------------------------


def test_pm4py_reads_one_trace_per_case_with_its_events_in_order(tmp_path):
    frame = pm4py.read_xes(str(xes_file(tmp_path, five_logs())))

    traces = frame.groupby("case:concept:name", sort=False)
    assert list(traces.groups) == ["100", "101", "102", "103", "104"]
    activities = {case: list(rows["concept:name"]) for case, rows in traces}
    assert activities == {
        "100": ["open", "handoff", "handoff", "answer"],
        "101": ["open", "answer"],
        "102": ["open", "handoff"],
        "103": ["open", "handoff", "answer"],  # the undone handoff and the undo are gone
        "104": ["open", "handoff", "answer"],
    }
    roles = list(traces.get_group("103")["org:role"])
    assert roles == [INTAKE, BENEFITS, BENEFITS]  # the answer repeats the holder's role
    first = frame.iloc[0]
    assert first["case:playtest:label"] == "C-1"
    assert first["case:playtest:round"] == "Baseline"
    assert int(first["case:playtest:round_id"]) == 3
    assert int(first["case:playtest:session"]) == 1
    assert first["org:resource"] == "7"  # the participant id as text
    assert set(frame["lifecycle:transition"]) == {"complete"}
    answer = traces.get_group("104").iloc[-1]
    assert answer["time:timestamp"].to_pydatetime() == at(7 * 24 * 60 + 30).astimezone(UTC)
    assert int(answer["playtest:session"]) == 2  # answered in the next session


def test_the_directly_follows_graph_over_roles_is_our_edges_plus_one_loop_per_answer(tmp_path):
    frame = pm4py.read_xes(str(xes_file(tmp_path, five_logs())))
    dfg, _starts, _ends = pm4py.discover_dfg(frame, activity_key="org:role")
    journeys = jr.journeys_of([jr.journey_of_log(log.events) for log in five_logs()])
    assert Counter(dfg) == expected_dfg(journeys)
    assert Counter(dfg)[(INTAKE, BENEFITS)] == 3


def test_the_xes_declares_the_standard_extensions_globals_and_classifiers(tmp_path):
    root = ET.parse(xes_file(tmp_path, five_logs())).getroot()
    ns = {"xes": "http://www.xes-standard.org/"}
    assert root.get("xes.version") == "1849-2016"
    prefixes = {ext.get("prefix"): ext.get("uri") for ext in root.findall("xes:extension", ns)}
    assert prefixes == {
        "concept": "http://www.xes-standard.org/concept.xesext",
        "org": "http://www.xes-standard.org/org.xesext",
        "time": "http://www.xes-standard.org/time.xesext",
        "lifecycle": "http://www.xes-standard.org/lifecycle.xesext",
    }
    event_globals = {
        attribute.get("key")
        for attribute in root.find("xes:global[@scope='event']", ns)  # type: ignore[union-attr]
    }
    # A global is an attribute every event has: each of them must be on each event.
    for event in root.iter("{http://www.xes-standard.org/}event"):
        assert event_globals <= {attribute.get("key") for attribute in event}
    classifiers = {c.get("name"): c.get("keys") for c in root.findall("xes:classifier", ns)}
    assert classifiers["Activity"] == "concept:name"
    assert classifiers["Role"] == "org:role"
    # Declarations come before the log's own attributes and traces, as the schema orders them.
    tags = [child.tag.split("}")[1] for child in root]
    assert tags.index("classifier") < tags.index("string") < tags.index("trace")


def test_labels_are_escaped_and_characters_xml_cannot_hold_are_replaced(tmp_path):
    log = five_logs()[1]
    odd = CaseLog(log.case_id, 'C-1 <&> "x"\x07', 3, "Round <A>", 1, log.events)
    frame = pm4py.read_xes(str(xes_file(tmp_path, [odd], name="A & B")))
    assert frame.iloc[0]["case:playtest:label"] == 'C-1 <&> "x"\ufffd'
    assert frame.iloc[0]["case:playtest:round"] == "Round <A>"


def test_the_xes_streams_one_chunk_per_case_without_reading_ahead():
    consumed = []

    def logs():
        for log in five_logs():
            consumed.append(log.case_id)
            yield log

    chunks = eventlog.xes_chunks(logs(), "Intake playtest")
    head = next(chunks)
    assert head.startswith("<?xml") and consumed == []
    trace = next(chunks)
    assert trace.count("<trace>") == 1 and consumed == [100]
    rest = list(chunks)
    assert rest[-1] == "</log>\n" and len(rest) == 5


# --- OCEL 2.0 --------------------------------------------------------------------------------


def test_pm4py_reads_the_ocel_with_every_event_and_object(tmp_path):
    logs = five_logs()
    ocel = pm4py.read_ocel2_json(str(ocel_file(tmp_path, logs)))

    # 4 + 2 + 2 + 3 + 3 standing events; the undone handoff and its correction are not events.
    assert Counter(ocel.events["ocel:activity"]) == {"open": 5, "handoff": 5, "answer": 4}
    types = Counter(ocel.objects["ocel:type"])
    assert types == {"case": 5, "role": 3, "session": 2, "participant": 1}
    relations = ocel.relations
    by_event = {
        event: sorted(zip(rows["ocel:qualifier"], rows["ocel:oid"], strict=True))
        for event, rows in relations.groupby("ocel:eid")
    }
    c4 = logs[3]
    opened, handoff = c4.events[0], c4.events[3]  # the handoff to benefits that stands
    assert by_event[f"event:{opened.id}"] == [
        ("case", "case:103"),
        ("holder", f"role:{INTAKE}"),
        ("participant", "participant:7"),
        ("session", "session:1"),
    ]
    assert by_event[f"event:{handoff.id}"] == [
        ("case", "case:103"),
        ("from", f"role:{INTAKE}"),
        ("participant", "participant:7"),
        ("session", "session:1"),
        ("to", f"role:{BENEFITS}"),
    ]
    late_answer = logs[4].events[-1]
    assert ("session", "session:2") in by_event[f"event:{late_answer.id}"]
    opened_in = set(zip(ocel.o2o["ocel:oid"], ocel.o2o["ocel:oid_2"], strict=True))
    assert ("case:104", "session:1") in opened_in
    sessions = ocel.objects.set_index("ocel:oid")
    assert int(sessions.loc["session:2", "number"]) == 2
    assert sessions.loc["case:100", "label"] == "C-1"
    assert sessions.loc[f"role:{POLICY}", "name"] == POLICY


def test_the_ocel_declares_every_attribute_it_uses(tmp_path):
    document = json.loads(ocel_file(tmp_path, five_logs()).read_text(encoding="utf-8"))
    assert set(document) == {"objectTypes", "eventTypes", "events", "objects"}
    declared = {
        kind["name"]: {a["name"]: a["type"] for a in kind["attributes"]}
        for kind in document["objectTypes"]
    }
    assert set(declared) == {"case", "role", "session", "participant"}
    assert {kind["name"] for kind in document["eventTypes"]} == {"open", "handoff", "answer"}
    python_types = {"string": str, "integer": int}
    for item in document["objects"]:
        for attribute in item["attributes"]:
            kind = declared[item["type"]][attribute["name"]]
            assert isinstance(attribute["value"], python_types[kind])
            assert attribute["time"] == "1970-01-01T00:00:00Z"
    assert len({event["id"] for event in document["events"]}) == len(document["events"])


# --- from the rows the real services write ----------------------------------------------------


def case_logs(playtest_id: int) -> list[CaseLog]:
    """Every case of the playtest with its whole log: the read export.py will stream."""
    cases = db.session.execute(
        sa.select(Case.id, Case.label, Case.round_id, Round.label, Case.session_id)
        .join(Round, Round.id == Case.round_id)
        .where(Round.playtest_id == playtest_id)
        .order_by(Round.position, Case.id)
    ).all()
    events: dict[int, list[LogEvent]] = {case.id: [] for case in cases}
    for row in db.session.execute(
        sa.select(CaseEvent).where(CaseEvent.case_id.in_(events)).order_by(CaseEvent.id)
    ).scalars():
        events[row.case_id].append(
            LogEvent(
                row.id,
                row.kind,
                row.at,
                row.session_id,
                row.participant_id,
                row.from_role,
                row.to_role,
                row.corrects_id,
            )
        )
    return [CaseLog(*case, tuple(events[case[0]])) for case in cases]


def test_the_story_exports_to_xes_whose_role_graph_matches_the_process_map(
    make, monkeypatch, tmp_path
):
    story = build_story(make, monkeypatch)
    logs = case_logs(story["playtest_id"])
    frame = pm4py.read_xes(str(xes_file(tmp_path, logs)))

    assert frame["case:concept:name"].nunique() == 7  # C-1..C-4, P-1..P-3
    baseline = frame[frame["case:playtest:round_id"].astype(int) == story["baseline"]]
    dfg, _starts, _ends = pm4py.discover_dfg(baseline, activity_key="org:role")
    journeys = jr.journeys_of(
        jr.journey_of_log(log.events) for log in logs if log.round_id == story["baseline"]
    )
    assert Counter(dfg) == expected_dfg(journeys)
    # Bo answered C-3 while intake held it (its handoff was undone): an intake -> intake pair.
    assert Counter(dfg)[(INTAKE, INTAKE)] == 2
    people = {str(story["ada"]), str(story["bo"])}
    assert people <= set(frame["org:resource"])  # ids, never a display name
    assert not {"Ada", "Bo", "Cy"} & set(frame["org:resource"])


def test_the_story_exports_to_ocel(make, monkeypatch, tmp_path):
    story = build_story(make, monkeypatch)
    logs = case_logs(story["playtest_id"])
    heads = [
        SessionHead(story[key], number, story[round_key], label)
        for key, number, round_key, label in (
            ("s1", 1, "baseline", "Baseline"),
            ("s2", 2, "baseline", "Baseline"),
            ("p1", 1, "prototype", "Prototype"),
        )
    ]
    ocel = pm4py.read_ocel2_json(str(ocel_file(tmp_path, logs, heads)))
    standing = sum(1 for log in logs for _event in jr.replayed(log.events))
    # C-1 4 events, C-2 2, C-3 2 (its undone handoff is gone), C-4 2, P-1 2, P-2 2, P-3 3
    assert len(ocel.events) == standing == 17
    assert Counter(ocel.objects["ocel:type"]) == {
        "case": 7,
        "role": 3,
        "session": 2,  # session 2 of the baseline has no case events
        "participant": 4,  # Ada (the same person in both rounds), Bo, Cy and Eve
    }
