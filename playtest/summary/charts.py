"""Server-side inline SVG charts for the summary page and the printable report.

No scripts and no style attributes (the CSP forbids both): shapes are coloured by classes
in summary.css, with SVG presentation attributes only for geometry. Each chart is an
`<svg role="img">` with a <title> and <desc>; the page puts it in a <figure> with a caption
and the same numbers in a table beside it, so the chart is never the only way to read them.
Labels sit on their own line above each mark, so long round labels never get cut off.
Every word is in the reader's language and every number is written by `playtest.formatting`,
so a French page reads "5,5" in its charts as in its tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from playtest import config
from playtest.formatting import format_number

WIDTH = 640
PAD_X = 12
ROW = 46  # label line + mark line
AXIS = 30


@dataclass(frozen=True)
class RangeRow:
    """One dot-plot row: a median with its interquartile range."""

    label: str
    median: float | None
    q1: float | None = None
    q3: float | None = None
    note: str = ""  # e.g. "n = 12"
    series: int = 0  # colour class pt-chart--s<N>


@dataclass(frozen=True)
class PairRow:
    """One before → after row (dumbbell)."""

    label: str
    before: float | None
    after: float | None
    note: str = ""


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float | None
    note: str = ""
    series: int = 0


@dataclass(frozen=True)
class PlannedActualRow:
    label: str
    planned: float
    actual: float | None


def _fmt(value: float) -> str:
    """Coordinates with two decimals are plenty for the eye and keep the markup small."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _num(value: float | None, digits: int = 1) -> str:
    return format_number(value, digits)


def nice_ticks(high: float, low: float = 0.0, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (at least one step above zero)."""
    span = max(high - low, 1e-9)
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


class _Scale:
    def __init__(self, low: float, high: float, left: float = PAD_X, right: float = WIDTH - PAD_X):
        self.low, self.high = low, high if high > low else low + 1
        self.left, self.right = left, right

    def __call__(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.left + share * (self.right - self.left)


def _open(
    chart_id: str, title: str, desc: str, height: float, extra_class: str = "", width: float = WIDTH
) -> str:
    classes = "pt-chart" + (f" {extra_class}" if extra_class else "")
    return (
        f'<svg class="{classes}" viewBox="0 0 {_fmt(width)} {_fmt(height)}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        f'focusable="false" id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _axis(scale: _Scale, ticks: Sequence[float], top: float, bottom: float, unit: str) -> str:
    parts = ['<g class="pt-chart__axis" aria-hidden="true">']
    for tick in ticks:
        x = _fmt(scale(tick))
        parts.append(
            f'<line class="pt-chart__grid" x1="{x}" x2="{x}" y1="{_fmt(top)}" y2="{_fmt(bottom)}"/>'
        )
        parts.append(
            f'<text class="pt-chart__tick" x="{x}" y="{_fmt(bottom + 16)}" '
            f'text-anchor="middle">{escape(_num(tick, 2))}</text>'
        )
    if unit:
        parts.append(
            f'<text class="pt-chart__unit" x="{WIDTH - PAD_X}" y="{_fmt(bottom + 28)}" '
            f'text-anchor="end">{escape(unit)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _label(y: float, text: str, note: str) -> str:
    note_part = f'<tspan class="pt-chart__note"> {escape(note)}</tspan>' if note else ""
    return (
        f'<text class="pt-chart__label" x="{PAD_X}" y="{_fmt(y + 14)}">'
        f"{escape(text)}{note_part}</text>"
    )


def _empty(mid: float, text: str) -> str:
    """What a row without numbers says in place of its mark."""
    return f'<text class="pt-chart__empty" x="{PAD_X}" y="{_fmt(mid + 4)}">{escape(text)}</text>'


def range_chart(
    chart_id: str, title: str, rows: Sequence[RangeRow], unit: str = "", low: float = 0.0
) -> Markup:
    """Dot plot: each row's median as a dot on its interquartile range (q1–q3) line."""
    values = [v for r in rows for v in (r.median, r.q1, r.q3) if v is not None]
    ticks = nice_ticks(max(values, default=1.0), low)
    scale = _Scale(ticks[0], ticks[-1])
    height = len(rows) * ROW + AXIS + 8
    desc = "; ".join(
        _(
            "%(label)s: median %(median)s, IQR %(q1)s to %(q3)s",
            label=r.label,
            median=_num(r.median, 2),
            q1=_num(r.q1, 2),
            q3=_num(r.q3, 2),
        )
        if r.q1 is not None
        else _("%(label)s: median %(median)s", label=r.label, median=_num(r.median, 2))
        for r in rows
    )
    parts = [_open(chart_id, title, desc, height), _axis(scale, ticks, 4, len(rows) * ROW, unit)]
    for i, row in enumerate(rows):
        y = i * ROW
        parts.append(_label(y, row.label, row.note))
        mid = y + 32
        series = f"pt-chart--s{row.series}"
        if row.median is None:
            parts.append(_empty(mid, _("no data")))
            continue
        if row.q1 is not None and row.q3 is not None:
            parts.append(
                f'<line class="pt-chart__range {series}" x1="{_fmt(scale(row.q1))}" '
                f'x2="{_fmt(scale(row.q3))}" y1="{_fmt(mid)}" y2="{_fmt(mid)}"/>'
            )
        parts.append(
            f'<circle class="pt-chart__dot {series}" cx="{_fmt(scale(row.median))}" '
            f'cy="{_fmt(mid)}" r="6"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def before_after_chart(
    chart_id: str, title: str, rows: Sequence[PairRow], low: float = 1.0, high: float = 5.0
) -> Markup:
    """Dumbbells on the Likert scale: an open circle before, a filled one after."""
    ticks = [float(t) for t in range(int(low), int(high) + 1)]
    scale = _Scale(low, high, left=PAD_X + 8, right=WIDTH - PAD_X - 8)
    height = len(rows) * ROW + AXIS + 8
    desc = "; ".join(
        _(
            "%(label)s: before %(before)s, after %(after)s",
            label=r.label,
            before=_num(r.before, 2),
            after=_num(r.after, 2),
        )
        for r in rows
    )
    scale_label = _("mean rating, %(min)d–%(max)d", min=config.LIKERT_MIN, max=config.LIKERT_MAX)
    parts = [
        _open(chart_id, title, desc, height),
        _axis(scale, ticks, 4, len(rows) * ROW, scale_label),
    ]
    for i, row in enumerate(rows):
        y = i * ROW
        mid = y + 32
        parts.append(_label(y, row.label, row.note))
        if row.before is None or row.after is None:
            parts.append(_empty(mid, _("no pairs")))
            continue
        x1, x2 = scale(row.before), scale(row.after)
        parts.append(
            f'<line class="pt-chart__link" x1="{_fmt(x1)}" x2="{_fmt(x2)}" '
            f'y1="{_fmt(mid)}" y2="{_fmt(mid)}"/>'
        )
        parts.append(
            f'<circle class="pt-chart__dot pt-chart__dot--before" cx="{_fmt(x1)}" '
            f'cy="{_fmt(mid)}" r="6"/>'
        )
        parts.append(
            f'<circle class="pt-chart__dot pt-chart__dot--after" cx="{_fmt(x2)}" '
            f'cy="{_fmt(mid)}" r="6"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(chart_id: str, title: str, rows: Sequence[BarRow], unit: str = "") -> Markup:
    """Horizontal bars from zero, the value written at the end of each bar."""
    ticks = nice_ticks(max((r.value or 0 for r in rows), default=1.0) or 1.0)
    scale = _Scale(0, ticks[-1], right=WIDTH - PAD_X - 40)
    height = len(rows) * ROW + AXIS + 8
    desc = "; ".join(_("%(label)s: %(value)s", label=r.label, value=_num(r.value, 2)) for r in rows)
    parts = [_open(chart_id, title, desc, height), _axis(scale, ticks, 4, len(rows) * ROW, unit)]
    for i, row in enumerate(rows):
        y = i * ROW
        parts.append(_label(y, row.label, row.note))
        value = row.value or 0
        width = max(scale(value) - scale(0), 0)
        parts.append(
            f'<rect class="pt-chart__bar pt-chart--s{row.series}" x="{_fmt(scale(0))}" '
            f'y="{_fmt(y + 22)}" width="{_fmt(width)}" height="18"/>'
        )
        parts.append(
            f'<text class="pt-chart__value" x="{_fmt(scale(0) + width + 6)}" '
            f'y="{_fmt(y + 36)}">{escape(_num(row.value, 2))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def planned_actual_chart(chart_id: str, title: str, rows: Sequence[PlannedActualRow]) -> Markup:
    """Per segment: planned minutes as an outlined bar, actual minutes as a filled bar."""
    high = max([r.planned for r in rows] + [r.actual or 0 for r in rows] + [1.0])
    ticks = nice_ticks(high)
    scale = _Scale(0, ticks[-1], right=WIDTH - PAD_X - 40)
    row_h = ROW + 12
    height = len(rows) * row_h + AXIS + 8
    desc = "; ".join(
        _(
            "%(label)s: planned %(planned)s min, actual %(actual)s min",
            label=r.label,
            planned=_num(r.planned),
            actual=_num(r.actual),
        )
        for r in rows
    )
    parts = [
        _open(chart_id, title, desc, height),
        _axis(scale, ticks, 4, len(rows) * row_h, _("minutes")),
    ]
    for i, row in enumerate(rows):
        y = i * row_h
        parts.append(_label(y, row.label, ""))
        planned_w = scale(row.planned) - scale(0)
        parts.append(
            f'<rect class="pt-chart__planned" x="{_fmt(scale(0))}" y="{_fmt(y + 20)}" '
            f'width="{_fmt(planned_w)}" height="14"/>'
        )
        planned = _("%(minutes)s planned", minutes=_num(row.planned))
        parts.append(
            f'<text class="pt-chart__value" x="{_fmt(scale(0) + planned_w + 6)}" '
            f'y="{_fmt(y + 31)}">{escape(planned)}</text>'
        )
        if row.actual is not None:
            actual_w = scale(row.actual) - scale(0)
            over = " pt-chart__actual--over" if row.actual > row.planned + 0.5 else ""
            parts.append(
                f'<rect class="pt-chart__actual{over}" x="{_fmt(scale(0))}" y="{_fmt(y + 37)}" '
                f'width="{_fmt(actual_w)}" height="14"/>'
            )
            actual = _("%(minutes)s actual", minutes=_num(row.actual))
            parts.append(
                f'<text class="pt-chart__value" x="{_fmt(scale(0) + actual_w + 6)}" '
                f'y="{_fmt(y + 48)}">{escape(actual)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def heat_map(
    chart_id: str, title: str, roles: Sequence[str], counts: dict[tuple[str, str], int]
) -> Markup:
    """Role × role grid: rows hand off (from), columns receive (to); darker = more handoffs."""
    names = list(roles) + sorted(
        {r for pair in counts for r in pair if r is not None and r not in roles}
    )
    n = max(len(names), 1)
    label_w = 190
    top = 110
    cell = min(64.0, (WIDTH - label_w - PAD_X) / n)
    height = top + n * cell + 8
    width = label_w + n * cell + 40  # room for the last column's slanted label
    peak = max(counts.values(), default=0)
    desc = "; ".join(
        _("%(source)s to %(target)s: %(count)s", source=f, target=t, count=_num(c, 0))
        for (f, t), c in counts.items()
        if c
    ) or _("No handoffs")
    parts = [_open(chart_id, title, desc, height, "pt-chart--heat", width)]
    for j, name in enumerate(names):
        x = label_w + j * cell + cell / 2
        parts.append(
            f'<text class="pt-chart__tick pt-chart__col" x="{_fmt(x)}" y="{_fmt(top - 8)}" '
            f'transform="rotate(-40 {_fmt(x)} {_fmt(top - 8)})">{escape(_short(name))}</text>'
        )
    for i, source in enumerate(names):
        y = top + i * cell
        parts.append(
            f'<text class="pt-chart__label" x="{label_w - 8}" y="{_fmt(y + cell / 2 + 5)}" '
            f'text-anchor="end">{escape(_short(source))}</text>'
        )
        for j, target in enumerate(names):
            count = counts.get((source, target), 0)
            level = 0 if not count or not peak else min(5, 1 + int(4 * count / peak))
            x = label_w + j * cell
            parts.append(
                f'<rect class="pt-heat pt-heat--{level}" x="{_fmt(x + 1)}" y="{_fmt(y + 1)}" '
                f'width="{_fmt(cell - 2)}" height="{_fmt(cell - 2)}"/>'
            )
            if count:
                parts.append(
                    f'<text class="pt-heat__count pt-heat__count--{level}" '
                    f'x="{_fmt(x + cell / 2)}" y="{_fmt(y + cell / 2 + 5)}" '
                    f'text-anchor="middle">{escape(_num(count, 0))}</text>'
                )
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the summary's figures -------------------------------------------------------------------


def _n(n: int) -> str:
    return _("(n = %(n)s)", n=_num(n, 0))


def _pairs(n: int) -> str:
    return ngettext("(n = %(n)s pair)", "(n = %(n)s pairs)", n, n=_num(n, 0))


def _case_rows(blocks: Sequence[tuple[str, dict]], measure: str, series: bool) -> list[RangeRow]:
    rows = []
    for i, (label, cases) in enumerate(blocks):
        part = cases[measure]
        n = cases["n"] if measure == "handoffs_per_case" else part["n"]
        rows.append(
            RangeRow(label, part["median"], part["q1"], part["q3"], _n(n), i if series else 0)
        )
    return rows


def figures(summary: dict) -> dict[str, Markup]:
    """Every chart of the summary page and report, keyed by the figure's id."""
    out: dict[str, Markup] = {}
    rounds = summary["rounds"]
    by_round = [(r["label"], r["cases"]) for r in rounds]
    out["rounds-handoffs"] = range_chart(
        "chart-rounds-handoffs",
        _("Handoffs per case by round: median and interquartile range"),
        _case_rows(by_round, "handoffs_per_case", True),
        _("handoffs per case"),
    )
    out["rounds-time"] = range_chart(
        "chart-rounds-time",
        _("Time to answer by round: median and interquartile range"),
        _case_rows(by_round, "time_to_answer_min", True),
        _("minutes"),
    )
    out["rounds-confidence"] = before_after_chart(
        "chart-rounds-confidence",
        _("Confidence before and after, by round (participants' mean rating)"),
        [
            PairRow(
                r["label"],
                r["confidence"]["before_mean"],
                r["confidence"]["after_mean"],
                _pairs(r["confidence"]["n_pairs"]),
            )
            for r in rounds
        ],
    )
    for r in rounds:
        rid = r["id"]
        label = r["label"]
        sessions = [(_("Session %(n)s", n=s["number"]), s["cases"]) for s in r["sessions"]]
        out[f"round-{rid}-trend-handoffs"] = range_chart(
            f"chart-round-{rid}-trend-handoffs",
            _("%(round)s: handoffs per case, session by session", round=label),
            _case_rows(sessions, "handoffs_per_case", False),
            _("handoffs per case"),
        )
        out[f"round-{rid}-trend-time"] = range_chart(
            f"chart-round-{rid}-trend-time",
            _("%(round)s: time to answer, session by session", round=label),
            _case_rows(sessions, "time_to_answer_min", False),
            _("minutes"),
        )
        out[f"round-{rid}-trend-confidence"] = before_after_chart(
            f"chart-round-{rid}-trend-confidence",
            _("%(round)s: confidence before and after each session", round=label),
            [
                PairRow(
                    _("Session %(n)s", n=s["number"]),
                    s["confidence"]["before_mean"],
                    s["confidence"]["after_mean"],
                    _pairs(s["confidence"]["n_pairs"]),
                )
                for s in r["sessions"]
            ],
        )
        out[f"round-{rid}-items"] = before_after_chart(
            f"chart-round-{rid}-items",
            _("%(round)s: confidence before and after, per statement", round=label),
            [
                PairRow(item["question"], item["before_mean"], item["after_mean"], _n(item["n"]))
                for item in r["confidence"]["items"]
            ],
        )
        out[f"round-{rid}-lanes"] = bar_chart(
            f"chart-round-{rid}-lanes",
            _("%(round)s: cards per lane", round=label),
            [BarRow(lane["lane"], lane["n"]) for lane in r["board"]["lanes"]],
            _("cards"),
        )
        out[f"round-{rid}-handoff-map"] = heat_map(
            f"chart-round-{rid}-handoff-map",
            _("%(round)s: handoffs from role (rows) to role (columns)", round=label),
            r["roles"],
            {(j["from"], j["to"]): j["count"] for j in r["handoff_map"]},
        )
        for s in r["sessions"]:
            out[f"session-{s['id']}-agenda"] = planned_actual_chart(
                f"chart-session-{s['id']}-agenda",
                _(
                    "%(round)s, session %(n)s: planned and actual minutes per segment",
                    round=label,
                    n=s["number"],
                ),
                [
                    PlannedActualRow(seg["title"], seg["planned_min"], seg["actual_min"])
                    for seg in s["agenda"]["segments"]
                ],
            )
    return out
