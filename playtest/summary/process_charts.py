"""The process map and a case's swimlanes as inline SVG (DESIGN.md §11), for the summary page,
the case page and the report.

Like charts.py: no scripts, no style attributes (classes in summary.css), an
`<svg role="img">` with a <title> and a <desc> that says every number, the same numbers in a
table beside it, and a viewBox so the chart scales down to a phone's width.

The process map is an arc diagram: the nodes (start, the roles in playbook order, then the
answered and open ends) stand in a column, and each edge is an arc on their right from one
node to another, as wide as its count, labelled with its count and median wait. An edge that
goes back up the column (a case returning to a role) is dashed. Against a baseline, an edge
that appeared is drawn in the highlight colour and one that disappeared as a faint dotted
ghost, so the two maps read side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from playtest.formatting import format_number
from playtest.summary.charts import _fmt, _open, _short
from playtest.summary.process import END_ANSWERED, END_OPEN

START = "\x00start"  # the start node's key (never a role name)
NODE_W, NODE_H, NODE_GAP = 170, 34, 58
FORWARD_STEP, BACK_STEP = 58, 50  # how far an arc bulges per node it spans (> a label's width)
LABEL_W = 62
TOP = 8


@dataclass(frozen=True)
class MapEdge:
    source: str | None
    target: str | None
    count: int
    wait: float | None
    status: str = "kept"  # kept | appeared | disappeared (against the baseline)


def node_order(roles: Sequence[str], edges: Sequence[dict], starts: dict[str, int]) -> list:
    """Start, the playbook's roles in order, any other role seen, then the two ends."""
    seen: list = [role for role in roles]
    for edge in edges:
        for node in (edge["from"], edge["to"]):
            if node not in (END_ANSWERED, END_OPEN) and node not in seen:
                seen.append(node)
    for role in starts:
        if (role or None) not in seen:
            seen.append(role or None)
    return [START, *seen, END_ANSWERED, END_OPEN]


def node_name(node: object) -> str:
    if node == START:
        return _("New cases")
    if node == END_ANSWERED:
        return _("Answered")
    if node == END_OPEN:
        return _("Still open")
    return node or _("No role")


def map_edges(process: dict, changes: Sequence[dict] | None = None) -> list[MapEdge]:
    """The edges to draw: out of the start, each process edge, and (against a baseline) the
    edges that disappeared, drawn as ghosts."""
    status = {(c["from"], c["to"]): c["status"] for c in changes or ()}
    out = [MapEdge(START, role or None, count, None) for role, count in process["starts"].items()]
    out += [
        MapEdge(
            e["from"],
            e["to"],
            e["count"],
            e["median_wait_min"],
            status.get((e["from"], e["to"]), "kept"),
        )
        for e in process["edges"]
    ]
    out += [
        MapEdge(c["from"], c["to"], c["baseline"], None, "disappeared")
        for c in changes or ()
        if c["status"] == "disappeared"
    ]
    return out


def _minutes(value: float | None) -> str:
    return _("%(minutes)s min", minutes=format_number(value, 1))


def edge_label(edge: MapEdge) -> str:
    """The count and the median wait, "12 · 5 min" (no wait for the open end or the start)."""
    count, wait = edge_lines(edge)
    return count if wait is None else f"{count} · {wait}"


def edge_lines(edge: MapEdge) -> tuple[str, str | None]:
    """The label's two lines: the count, then the median wait (or None)."""
    count = format_number(edge.count, 0)
    if edge.status == "disappeared":
        return _("gone"), _("was %(count)s", count=count)
    return count, None if edge.wait is None else _minutes(edge.wait)


def process_map_chart(
    chart_id: str, title: str, nodes: Sequence, edges: Sequence[MapEdge]
) -> Markup:
    """The arc diagram of one round's process map: forward arcs on the right of the nodes,
    arcs back up the column (cases returning to a role) on the left, dashed."""
    row = {node: index for index, node in enumerate(nodes)}
    y_of = {node: TOP + index * NODE_GAP + NODE_H / 2 for node, index in row.items()}
    drawn = [e for e in edges if e.source in row and e.target in row]
    back_span = max(
        (row[e.source] - row[e.target] for e in drawn if row[e.target] < row[e.source]),
        default=0,
    )
    left = 8 + (BACK_STEP * back_span + LABEL_W if back_span else 0)  # the nodes' left edge
    right = left + NODE_W
    width = right + FORWARD_STEP * max(len(nodes) - 1, 1) + LABEL_W
    height = TOP + len(nodes) * NODE_GAP + 8
    peak = max((e.count for e in drawn if e.status != "disappeared"), default=1) or 1
    desc = "; ".join(
        _(
            "%(source)s to %(target)s: %(label)s",
            source=node_name(e.source),
            target=node_name(e.target),
            label=edge_label(e),
        )
        for e in drawn
    ) or _("No cases")
    parts = [
        _open(chart_id, title, desc, height, "pt-chart--flow", width),
        f'<defs><marker id="{chart_id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto">'
        '<path class="pt-flow__arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    labels = []
    for edge in sorted(drawn, key=lambda e: -e.count):
        y1, y2 = y_of[edge.source], y_of[edge.target]
        back = row[edge.target] < row[edge.source]
        span = abs(row[edge.target] - row[edge.source])
        side, bulge = (-1, BACK_STEP * span) if back else (1, FORWARD_STEP * span)
        edge_x = left if back else right
        control = edge_x + side * bulge / 0.75  # a cubic with both handles there reaches 3/4
        stroke = 1.5 + 8.5 * edge.count / peak if edge.status != "disappeared" else 1.5
        classes = f"pt-flow__edge pt-flow__edge--{edge.status}" + (
            " pt-flow__edge--back" if back else ""
        )
        parts.append(
            f'<path class="{classes}" d="M{_fmt(edge_x)},{_fmt(y1)} '
            f"C{_fmt(control)},{_fmt(y1)} {_fmt(control)},{_fmt(y2)} "
            f'{_fmt(edge_x - side * 2)},{_fmt(y2)}" '
            f'stroke-width="{_fmt(stroke)}" marker-end="url(#{chart_id}-arrow)"/>'
        )
        # Two short lines just beyond the arc's far point.
        x = edge_x + side * (bulge + 5)
        anchor = ' text-anchor="end"' if back else ""
        count, wait = edge_lines(edge)
        second = (
            f'<tspan class="pt-flow__wait" x="{_fmt(x)}" dy="14">{escape(wait)}</tspan>'
            if wait
            else ""
        )
        y = (y1 + y2) / 2 - (2 if wait else -4)
        labels.append(
            f'<text class="pt-flow__label pt-flow__label--{edge.status}" x="{_fmt(x)}" '
            f'y="{_fmt(y)}"{anchor}>{escape(count)}{second}</text>'
        )
    for node in nodes:
        kind = "start" if node == START else "end" if node in (END_ANSWERED, END_OPEN) else "role"
        top = y_of[node] - NODE_H / 2
        parts.append(
            f'<rect class="pt-flow__node pt-flow__node--{kind}" x="{_fmt(left)}" '
            f'y="{_fmt(top)}" width="{NODE_W}" height="{NODE_H}" rx="4"/>'
            f'<text class="pt-flow__name" x="{_fmt(left + 8)}" y="{_fmt(y_of[node] + 5)}">'
            f"{escape(_short(node_name(node), 17))}</text>"
        )
    parts.extend(labels)  # last, so no arc crosses a label
    parts.append("</svg>")
    return Markup("".join(parts))


# --- one case's journey -----------------------------------------------------------------------

LANE_H, LANE_LABEL_W, STEP_W = 48, 150, 96


@dataclass(frozen=True)
class Step:
    """One standing event of a case: what happened, the role holding the case after it."""

    activity: str  # open | handoff | answer
    role: str | None
    time: str  # as the reader reads it (e.g. 09:05)
    wait: float | None  # minutes since the previous step; None for the first


def swimlane_chart(chart_id: str, title: str, lanes: Sequence, steps: Sequence[Step]) -> Markup:
    """One lane per role, one column per event: the case moves from lane to lane, each step
    labelled with its time, each move with the minutes it waited."""
    lane_of = {role: index for index, role in enumerate(lanes)}
    width = LANE_LABEL_W + max(len(steps), 1) * STEP_W + 16
    height = len(lanes) * LANE_H + 30
    words = {"open": _("opened"), "handoff": _("handed off"), "answer": _("answered")}
    desc = "; ".join(
        _(
            "%(time)s: %(activity)s, with %(role)s",
            time=step.time,
            activity=words[step.activity],
            role=node_name(step.role),
        )
        for step in steps
    ) or _("No events")
    # Drawn at its own size (a short journey is not blown up to the page's width), never wider
    # than its box.
    svg = _open(chart_id, title, desc, height, "pt-chart--lanes", width)
    parts = [svg.replace("<svg ", f'<svg width="{_fmt(width)}" ', 1)]
    for role, index in lane_of.items():
        y = index * LANE_H
        parts.append(
            f'<rect class="pt-swim pt-swim--{index % 2}" x="0" y="{_fmt(y)}" '
            f'width="{_fmt(width)}" height="{LANE_H}"/>'
            f'<text class="pt-chart__label" x="8" y="{_fmt(y + LANE_H / 2 + 5)}">'
            f"{escape(_short(node_name(role), 18))}</text>"
        )
    points = []
    for index, step in enumerate(steps):
        x = LANE_LABEL_W + index * STEP_W + STEP_W / 2
        y = lane_of[step.role] * LANE_H + LANE_H / 2
        points.append((x, y))
        if index:
            px, py = points[index - 1]
            parts.append(
                f'<path class="pt-swim__move" d="M{_fmt(px)},{_fmt(py)} L{_fmt(x)},{_fmt(py)} '
                f'L{_fmt(x)},{_fmt(y)}"/>'
            )
            if step.wait is not None:
                parts.append(
                    f'<text class="pt-chart__note" x="{_fmt((px + x) / 2)}" '
                    f'y="{_fmt(py - 6)}" text-anchor="middle">{escape(_minutes(step.wait))}</text>'
                )
    for (x, y), step in zip(points, steps, strict=True):
        parts.append(
            f'<circle class="pt-swim__event pt-swim__event--{step.activity}" cx="{_fmt(x)}" '
            f'cy="{_fmt(y)}" r="7"/>'
        )
        parts.append(
            f'<text class="pt-chart__tick" x="{_fmt(x)}" y="{_fmt(len(lanes) * LANE_H + 18)}" '
            f'text-anchor="middle">{escape(step.time)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# --- the summary's process figures ------------------------------------------------------------


def process_figures(summary: dict) -> dict[str, Markup]:
    """Each round's process map, and per comparison both rounds' maps on the same nodes."""
    out: dict[str, Markup] = {}
    rounds = {r["id"]: r for r in summary["rounds"]}
    for r in summary["rounds"]:
        if "process" not in r:
            continue
        nodes = node_order(r["roles"], r["process"]["edges"], r["process"]["starts"])
        out[f"round-{r['id']}-process"] = process_map_chart(
            f"chart-round-{r['id']}-process",
            _("%(round)s: what happened to the cases (process map)", round=r["label"]),
            nodes,
            map_edges(r["process"]),
        )
    for c in summary["comparisons"]:
        base, other = rounds[c["baseline_round_id"]], rounds[c["round_id"]]
        if "process_edges" not in c:
            continue
        roles = [*base["roles"], *(role for role in other["roles"] if role not in base["roles"])]
        edges = [*base["process"]["edges"], *other["process"]["edges"]]
        starts = {**base["process"]["starts"], **other["process"]["starts"]}
        nodes = node_order(roles, edges, starts)
        out[f"cmp-{other['id']}-process-base"] = process_map_chart(
            f"chart-cmp-{other['id']}-process-base",
            _("%(round)s (baseline): process map", round=base["label"]),
            nodes,
            map_edges(base["process"]),
        )
        out[f"cmp-{other['id']}-process-round"] = process_map_chart(
            f"chart-cmp-{other['id']}-process-round",
            _("%(round)s: process map against the baseline", round=other["label"]),
            nodes,
            map_edges(other["process"], c["process_edges"]),
        )
    return out
