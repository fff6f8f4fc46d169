"""The process map and swimlane SVGs: well-formed, accessible (title, desc naming every step),
no style attributes (the CSP), every edge drawn once with its count, the ghosts of the
baseline's vanished steps, and a viewBox to scale by."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from playtest.summary import process_charts as pc

SVG = "{http://www.w3.org/2000/svg}"
PROCESS = {
    "starts": {"Intake": 5},
    "edges": [
        {"from": "Intake", "to": "Benefits", "count": 3, "median_wait_min": 7.0},
        {"from": "Benefits", "to": "Intake", "count": 1, "median_wait_min": 2.5},
        {"from": "Benefits", "to": "answered", "count": 2, "median_wait_min": 12.0},
        {"from": "Intake", "to": "answered", "count": 2, "median_wait_min": 4.0},
        {"from": "Intake", "to": "open", "count": 1, "median_wait_min": None},
    ],
}


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_the_map_draws_each_edge_and_names_every_step(app):
    with app.test_request_context():
        nodes = pc.node_order(["Intake", "Benefits"], PROCESS["edges"], PROCESS["starts"])
        svg = parse(pc.process_map_chart("m", "Map", nodes, pc.map_edges(PROCESS)))
    assert svg.get("viewBox") and svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "m-title m-desc"
    assert not [el for el in svg.iter() if el.get("style")]
    paths = [el for el in svg.iter(f"{SVG}path") if "pt-flow__edge" in (el.get("class") or "")]
    assert len(paths) == 1 + len(PROCESS["edges"])  # the start's edge too
    back = [p for p in paths if "pt-flow__edge--back" in p.get("class")]
    assert len(back) == 1  # benefits back to intake
    desc = svg.find(f"{SVG}desc").text
    assert "Intake to Benefits: 3 · 7 min" in desc
    assert "Intake to Still open: 1" in desc
    assert "New cases to Intake: 5" in desc
    names = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "pt-flow__name"]
    assert names == ["New cases", "Intake", "Benefits", "Answered", "Still open"]


def test_against_the_baseline_a_vanished_step_is_a_ghost(app):
    changes = [
        {"from": "Intake", "to": "Benefits", "baseline": 3, "count": 3, "status": "kept"},
        {"from": "Policy", "to": "answered", "baseline": 4, "count": 0, "status": "disappeared"},
    ]
    with app.test_request_context():
        edges = pc.map_edges(PROCESS, changes)
        nodes = pc.node_order(["Intake", "Benefits", "Policy"], PROCESS["edges"], {})
        svg = parse(pc.process_map_chart("g", "Map", nodes, edges))
    ghosts = [
        el
        for el in svg.iter(f"{SVG}path")
        if "pt-flow__edge--disappeared" in (el.get("class") or "")
    ]
    assert len(ghosts) == 1
    assert "Policy to Answered: gone · was 4" in svg.find(f"{SVG}desc").text


def test_the_swimlanes_put_each_step_in_its_roles_lane(app):
    steps = [
        pc.Step("open", "Intake", "09:00", None),
        pc.Step("handoff", "Benefits", "09:05", 5.0),
        pc.Step("answer", "Benefits", "09:20", 15.0),
    ]
    with app.test_request_context():
        svg = parse(pc.swimlane_chart("c", "Journey", ["Intake", "Benefits"], steps))
    dots = [el for el in svg.iter(f"{SVG}circle")]
    assert [float(d.get("cy")) for d in dots] == [24.0, 72.0, 72.0]  # lane 1, lane 2, lane 2
    assert float(svg.get("width")) == float(svg.get("viewBox").split()[2])
    assert "09:05: handed off, with Benefits" in svg.find(f"{SVG}desc").text
