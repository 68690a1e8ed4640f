"""Inline SVG for the plan: a timeline of measures by year, grouped by Lebensbereich, and a line chart of shares.

Sized for A4 (the viewBox is as wide as the printed text, about 700 px); every text escaped here;
no scripts, no fonts to load; the marks differ in pattern as well as colour, so they print in grey.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ozgtrack.render.common import html_escape, shorten
from ozgtrack.render.svg import Drawing, axis_ticks

WIDTH, LABEL, ROW, HEAD = 700, 290, 18, 22
PLOT_LEFT, PLOT_TOP, PLOT_HEIGHT = 48, 14, 200


@dataclass(frozen=True)
class TimelineBar:
    """One measure's bar: from column ``first`` to ``last`` (indexes of the columns), styled by ``kind``."""

    label: str
    first: int
    last: int
    kind: str  # planned | fixed | done | late | later


def timeline(title: str, columns: Sequence[str], groups: Sequence[tuple[str, Sequence[TimelineBar]]],
             legend: Sequence[tuple[str, str]] = ()) -> Drawing:
    """Columns (years, then "später") across, one row per measure, a heading row per group, the legend below."""
    rows = sum(1 + len(bars) for _, bars in groups)
    height = HEAD + rows * ROW + 6 + (ROW + 4 if legend else 0)
    step = (WIDTH - LABEL) / max(1, len(columns))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" class="chart timeline"><title>{html_escape(title)}</title>']
    for i, column in enumerate(columns):
        x = LABEL + i * step
        parts.append(f'<rect x="{x:.1f}" y="0" width="{step:.1f}" height="{HEAD + rows * ROW}" class="{"col" if i % 2 else "col alt"}"/>'
                     f'<text x="{x + step / 2:.1f}" y="15" text-anchor="middle" class="tick">{html_escape(column)}</text>')
    y = HEAD
    for name, bars in groups:
        parts.append(f'<text x="4" y="{y + 13}" class="group">{html_escape(shorten(name, 44))}</text>')
        y += ROW
        for bar in bars:
            x = LABEL + bar.first * step + 2
            width = (bar.last - bar.first + 1) * step - 4
            parts.append(f'<text x="12" y="{y + 13}" class="label">{html_escape(shorten(bar.label, 46))}</text>'
                         f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" rx="2" '
                         f'class="mark {bar.kind}"/>')
            y += ROW
    for i, (kind, text) in enumerate(legend):
        x = 4 + i * (WIDTH - 8) / len(legend)
        parts.append(f'<rect x="{x:.1f}" y="{y + 8}" width="18" height="{ROW - 6}" rx="2" class="mark {kind}"/>'
                     f'<text x="{x + 23:.1f}" y="{y + 18}" class="tick">{html_escape(text)}</text>')
    parts.append("</svg>")
    return Drawing("".join(parts))


@dataclass(frozen=True)
class Line:
    """A series of percentages by year (None: no value that year); ``kind`` styles it (target | measured)."""

    label: str
    values: dict[int, float | None]
    kind: str


def line_chart(title: str, years: Sequence[int], lines: Sequence[Line]) -> Drawing:
    """Years across, percent up (from 0 to a round value above the largest, see ``axis_ticks``); each line through
    its known points, each point labelled with its value."""
    plot_width = WIDTH - PLOT_LEFT - 44  # room for the value label ("80 %") beside the last point
    step = plot_width / max(1, len(years) - 1) if len(years) > 1 else 0
    x_of = {year: PLOT_LEFT + (i * step if len(years) > 1 else plot_width / 2) for i, year in enumerate(years)}
    height = PLOT_TOP + PLOT_HEIGHT + 46
    ticks = axis_ticks(max((v for line in lines for v in line.values.values() if v is not None), default=0.0))

    def y_of(value: float) -> float:
        return PLOT_TOP + PLOT_HEIGHT * (1 - max(0.0, min(ticks[-1], value)) / ticks[-1])

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" class="chart lines"><title>{html_escape(title)}</title>']
    for tick in ticks:
        parts.append(f'<line x1="{PLOT_LEFT}" y1="{y_of(tick):.1f}" x2="{PLOT_LEFT + plot_width}" y2="{y_of(tick):.1f}" '
                     f'class="grid"/><text x="{PLOT_LEFT - 6}" y="{y_of(tick) + 4:.1f}" text-anchor="end" '
                     f'class="tick">{tick} %</text>')
    for year, x in x_of.items():
        parts.append(f'<text x="{x:.1f}" y="{PLOT_TOP + PLOT_HEIGHT + 16}" text-anchor="middle" class="tick">{year}</text>')
    for line in lines:
        points = [(x_of[y], y_of(v), v) for y, v in sorted(line.values.items()) if v is not None and y in x_of]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            parts.append(f'<polyline points="{path}" class="line {line.kind}"/>')
        for x, y, value in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="dot {line.kind}"/>'
                         f'<text x="{x + 6:.1f}" y="{y + (14 if line.kind == "measured" else -6):.1f}" '
                         f'class="value">{html_escape(_percent(value))}</text>')
    legend_y = PLOT_TOP + PLOT_HEIGHT + 36
    for i, line in enumerate(lines):
        x = PLOT_LEFT + i * 200
        parts.append(f'<line x1="{x}" y1="{legend_y - 4}" x2="{x + 26}" y2="{legend_y - 4}" class="line {line.kind}"/>'
                     f'<text x="{x + 32}" y="{legend_y}" class="label">{html_escape(line.label)}</text>')
    parts.append("</svg>")
    return Drawing("".join(parts))


def _percent(value: float) -> str:
    return f"{value:.0f} %"


PLAN_CSS = """
svg.timeline .col { fill: #fafafa; } svg.timeline .col.alt { fill: #f0f0f0; }
svg.timeline .group { font-weight: bold; fill: #222; }
svg.chart .mark { stroke: #1a365d; stroke-width: 0.8; }
svg.chart .mark.planned { fill: #90cdf4; }
svg.chart .mark.fixed { fill: #2b6cb0; }
svg.chart .mark.done { fill: #2f855a; stroke: #1c4532; }
svg.chart .mark.late { fill: #fbd38d; stroke: #c05621; stroke-dasharray: 3 2; }
svg.chart .mark.later, svg.chart .mark.dropped { fill: #fff; stroke: #718096; stroke-dasharray: 2 2; }
svg.lines .grid { stroke: #ddd; stroke-width: 0.8; }
svg.lines .line { fill: none; stroke-width: 2; }
svg.lines .line.target { stroke: #c05621; stroke-dasharray: 6 4; }
svg.lines .line.measured { stroke: #2b6cb0; }
svg.lines .dot.target { fill: #fff; stroke: #c05621; stroke-width: 1.5; }
svg.lines .dot.measured { fill: #2b6cb0; }
@media print { svg.chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""
