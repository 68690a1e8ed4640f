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


def bar_chart(title: str, bars: Sequence[Bar], *, target: float | None = None) -> str:
    """Horizontal bars of shares (0-100 %), one row each, with the value written next to the bar."""
    height = len(bars) * (ROW + GAP) + 30
    width = LABEL_WIDTH + BAR_WIDTH + 150
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" class="chart">',
             f"<title>{html_escape(title)}</title>"]
    for i, bar in enumerate(bars):
        parts.append(_row(i * (ROW + GAP) + 4, bar))
    parts.append(_axis(len(bars) * (ROW + GAP) + 4, target))
    parts.append("</svg>")
    return "".join(parts)


def _row(y: int, bar: Bar) -> str:
    share = bar.share or 0.0
    filled = round(BAR_WIDTH * max(0.0, min(1.0, share)))
    value = f"{percent(bar.share)} {bar.note}".strip()
    return (f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" class="label">{html_escape(bar.label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{ROW}" class="track"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{filled}" height="{ROW}" class="bar"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 15}" class="value">{html_escape(value)}</text>')


def _axis(y: int, target: float | None) -> str:
    ticks = "".join(f'<text x="{LABEL_WIDTH + BAR_WIDTH * t // 100}" y="{y + 16}" text-anchor="middle" '
                    f'class="tick">{t} %</text>' for t in (0, 25, 50, 75, 100))
    if target is None:
        return ticks
    x = LABEL_WIDTH + round(BAR_WIDTH * target)
    return ticks + f'<line x1="{x}" y1="0" x2="{x}" y2="{y}" class="target"/>'


CHART_CSS = """
svg.chart { max-width: 100%; height: auto; font-family: inherit; font-size: 12px; }
svg.chart .label, svg.chart .value { fill: #222; }
svg.chart .tick { fill: #555; font-size: 10px; }
svg.chart .track { fill: #eee; stroke: #bbb; stroke-width: 0.5; }
svg.chart .bar { fill: #2b6cb0; }
svg.chart .target { stroke: #c05621; stroke-dasharray: 3 3; }
"""


@dataclass(frozen=True)
class Drawing:
    """SVG markup made by a function of ozgtrack.render (every text in it escaped there): inserted as it is."""

    markup: str
