"""Inline SVG bar charts: no scripts, no fonts to load, every label escaped; they print in grey too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ozgtrack.render.common import html_escape
from ozgtrack.render.german import percent

LABEL_WIDTH, BAR_WIDTH, ROW, GAP = 230, 330, 22, 6


@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None  # 0..1; None: nothing to show (no own services)
    note: str = ""  # e.g. "8 von 29"


STEPS = (1, 2, 5, 10, 20, 25)  # percentage points between ticks: the first that needs at most 5 steps


def axis_ticks(highest: float) -> tuple[int, ...]:
    """Ticks in percent from 0 to a round value a fifth above ``highest`` (a percentage): at least 10, at most 100.

    The axis fits the data: a share of 4 % is drawn on an axis to 10 % beside its tick "4 %", not as a sliver
    beside "0 %" on one to 100 %; the top stays well above the largest value, so no bar looks full unless it is,
    and a tiny share is not blown up to half the drawing.
    """
    if highest <= 0:
        return (0, 25, 50, 75, 100)
    room = max(highest * 1.2, 10.0)
    step = next((s for s in STEPS if -(-room // s) <= 5), 25)
    top = min(100, int(-(-room // step)) * step)
    return tuple(range(0, top + 1, step))


def bar_chart(title: str, bars: Sequence[Bar], *, target: float | None = None) -> str:
    """Horizontal bars of shares, one row each, with the value written next to the bar; the axis fits the largest."""
    height = len(bars) * (ROW + GAP) + 30
    width = LABEL_WIDTH + BAR_WIDTH + 200  # room for "0 % (0 von 1; 1 nicht bewertet)"
    ticks = axis_ticks(100 * max([b.share or 0.0 for b in bars] + [target or 0.0]))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" class="chart">',
             f"<title>{html_escape(title)}</title>"]
    parts.append(_axis(len(bars) * (ROW + GAP) + 4, target, ticks))  # first: the grid lies behind the bars
    for i, bar in enumerate(bars):
        parts.append(_row(i * (ROW + GAP) + 4, bar, ticks[-1]))
    parts.append("</svg>")
    return "".join(parts)


def _row(y: int, bar: Bar, top: int) -> str:
    share = bar.share or 0.0
    filled = round(BAR_WIDTH * max(0.0, min(1.0, share * 100 / top)))
    value = f"{percent(bar.share)} {bar.note}".strip()
    return (f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" class="label">{html_escape(bar.label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{filled}" height="{ROW}" class="bar"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 15}" class="value">{html_escape(value)}</text>')


def _axis(y: int, target: float | None, ticks: Sequence[int]) -> str:
    """A grid line and a label at each tick; no grey track behind the bars, which would read as 100 %."""
    labels = "".join(f'<line x1="{LABEL_WIDTH + BAR_WIDTH * t // ticks[-1]}" y1="0" '
                     f'x2="{LABEL_WIDTH + BAR_WIDTH * t // ticks[-1]}" y2="{y}" class="grid"/>'
                     f'<text x="{LABEL_WIDTH + BAR_WIDTH * t // ticks[-1]}" y="{y + 16}" text-anchor="middle" '
                     f'class="tick">{t} %</text>' for t in ticks)
    if target is None:
        return labels
    x = LABEL_WIDTH + round(BAR_WIDTH * min(1.0, target * 100 / ticks[-1]))
    return labels + f'<line x1="{x}" y1="0" x2="{x}" y2="{y}" class="target"/>'


CHART_CSS = """
svg.chart { max-width: 100%; height: auto; font-family: inherit; font-size: 12px; }
svg.chart .label, svg.chart .value { fill: #222; }
svg.chart .tick { fill: #555; font-size: 10px; }
svg.chart .grid { stroke: #ccc; stroke-width: 0.8; }
svg.chart .bar { fill: #2b6cb0; }
svg.chart .target { stroke: #c05621; stroke-dasharray: 3 3; }
"""


@dataclass(frozen=True)
class Drawing:
    """SVG markup made by a function of ozgtrack.render (every text in it escaped there): inserted as it is."""

    markup: str
