"""The actions timeline (DESIGN.md §10): sessions along the bottom, each action as a bar from
`trying` to `done`/`dropped`, and each session's measures above, so a team sees what changed
after which action. Pure: it reads the summary dict only (summary["actions"] and the
sessions' `started_at`), and draws an inline SVG the way summary/charts.py does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup, escape

from playtest.formatting import format_number
from playtest.summary.charts import PAD_X, WIDTH, _fmt, _open, _short

LABEL_W = 170  # the measures' names, left of the columns
ROW = 40
MEASURE_ROW = 24


@dataclass(frozen=True)
class Column:
    """One session on the time axis."""

    session_id: int
    label: str  # under its column: "S2"
    name: str  # in the table and the round line: "Prototype A · S2"
    round_label: str
    start: datetime | None
    measures: tuple[str, str, str]


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def columns(summary: dict) -> list[Column]:
    """Every session of every round, started ones in time order, then the ones to come."""
    out = []
    for round_ in summary["rounds"]:
        for block in round_["sessions"]:
            label = _("S%(n)s", n=block["number"])
            confidence = block["confidence"]["delta_mean"]
            out.append(
                Column(
                    block["id"],
                    label,
                    f"{round_['label']} · {label}",
                    round_["label"],
                    _time(block.get("started_at")),
                    (
                        format_number(block["cases"]["handoffs_per_case"]["median"], 1),
                        format_number(block["cases"]["time_to_answer_min"]["median"], 1),
                        format_number(confidence, 2) if confidence is not None else "–",
                    ),
                )
            )
    started = sorted((c for c in out if c.start), key=lambda c: c.start)
    return started + [c for c in out if c.start is None]


def position(cols: list[Column], moment: datetime | None) -> float | None:
    """Where a moment falls on the axis, in columns (1.5 = halfway through the second)."""
    starts = [c.start for c in cols if c.start]
    if moment is None or not starts:
        return None
    if moment < starts[0]:
        return 0.0
    for index, start in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else None
        if following is None or moment < following:
            span = (following - start).total_seconds() if following else 2 * 3600.0
            share = min((moment - start).total_seconds() / max(span, 1.0), 1.0)
            return index + share
    return float(len(starts))


def session_at(cols: list[Column], moment: datetime | None) -> str | None:
    """The label of the session that had last started at this moment."""
    found = None
    for column in cols:
        if column.start and moment and column.start <= moment:
            found = column.name
    return found


def timeline_rows(summary: dict) -> list[dict]:
    """The table beside the chart: each action, its status and where its span starts/ends."""
    cols = columns(summary)
    return [
        {
            "text": action["text"],
            "owner": action["owner"],
            "status": action["status"],
            "from": session_at(cols, _time(action["trying_at"])),
            "to": session_at(cols, _time(action["ended_at"])),
        }
        for action in summary["actions"]
    ]


def timeline_chart(chart_id: str, summary: dict) -> Markup:
    """The SVG: measure rows on top, one bar row per action, session labels at the bottom."""
    cols = columns(summary)
    actions = summary["actions"]
    names = (_("Median handoffs"), _("Median minutes"), _("Confidence change"))
    top = 8 + MEASURE_ROW * len(names)
    height = top + ROW * max(len(actions), 1) + 48
    title = _("Actions over the sessions, with each session's measures")
    desc = _(
        "Sessions run left to right; each bar runs from when an action went to trying "
        "to when it was done or dropped."
    )
    parts = [_open(chart_id, title, desc, height, "pt-chart--timeline")]
    left, right = PAD_X + LABEL_W, WIDTH - PAD_X
    width = (right - left) / max(len(cols), 1)

    def x(columns_in: float) -> float:
        return left + columns_in * width

    for row, name in enumerate(names):
        y = 8 + MEASURE_ROW * row + 16
        parts.append(
            f'<text class="pt-chart__label" x="{PAD_X}" y="{_fmt(y)}">{escape(name)}</text>'
        )
        for index, column in enumerate(cols):
            parts.append(
                f'<text class="pt-chart__value" x="{_fmt(x(index + 0.5))}" y="{_fmt(y)}" '
                f'text-anchor="middle">{escape(column.measures[row])}</text>'
            )
    bottom = top + ROW * max(len(actions), 1)
    for index in range(len(cols) + 1):
        parts.append(
            f'<line class="pt-chart__grid" x1="{_fmt(x(index))}" x2="{_fmt(x(index))}" '
            f'y1="{_fmt(top)}" y2="{_fmt(bottom)}"/>'
        )
    if not actions:
        parts.append(
            f'<text class="pt-chart__empty" x="{_fmt(left)}" y="{_fmt(top + 24)}">'
            f"{escape(_('No actions yet.'))}</text>"
        )
    for row, action in enumerate(actions):
        y = top + ROW * row
        label = _short(action["text"], 60)
        parts.append(
            f'<text class="pt-chart__label" x="{PAD_X}" y="{_fmt(y + 14)}">{escape(label)}</text>'
        )
        start = position(cols, _time(action["trying_at"]))
        if start is None:
            parts.append(
                f'<text class="pt-chart__empty" x="{_fmt(left)}" y="{_fmt(y + 32)}">'
                f"{escape(_('Not tried yet'))}</text>"
            )
            continue
        end = position(cols, _time(action["ended_at"]))
        end = float(len([c for c in cols if c.start])) if end is None else end
        status = action["ended_status"] or "trying"
        parts.append(
            f'<rect class="pt-chart__span pt-chart__span--{escape(status)}" '
            f'x="{_fmt(x(start))}" y="{_fmt(y + 20)}" width="{_fmt(max(x(end) - x(start), 3))}" '
            f'height="12"/>'
        )
    for index, column in enumerate(cols):
        parts.append(
            f'<text class="pt-chart__tick" x="{_fmt(x(index + 0.5))}" y="{_fmt(bottom + 18)}" '
            f'text-anchor="middle">{escape(column.label)}</text>'
        )
        if index == 0 or cols[index - 1].round_label != column.round_label:
            # The round's name under its first session, as far as the next round's.
            room = (
                next(
                    (
                        j
                        for j in range(index + 1, len(cols))
                        if cols[j].round_label != column.round_label
                    ),
                    len(cols),
                )
                - index
            )
            parts.append(
                f'<text class="pt-chart__note" x="{_fmt(x(index) + 2)}" y="{_fmt(bottom + 36)}">'
                f"{escape(_short(column.round_label, max(int(room * width / 7), 4)))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
