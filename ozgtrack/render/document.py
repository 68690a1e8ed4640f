"""A small document model with two outputs, Markdown and self-contained HTML.

Report builders describe what to say with these blocks; escaping happens here, once, for every
string, so text from outside (catalogue names, notes, URLs) cannot break out in either format.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ozgtrack.render.common import html_escape, markdown_escape, one_line
from ozgtrack.render.german import percent
from ozgtrack.render.plan_svg import PLAN_CSS
from ozgtrack.render.svg import CHART_CSS, Bar, Drawing, bar_chart
from ozgtrack.text import printable


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Link:
    text: str
    url: str


Inline = str | Strong | Link


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Inline | int, ...], ...]
    numeric: frozenset[int] = frozenset()  # right-aligned columns


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    label: str = "Bereich"  # what the bars stand for (the column head in Markdown)
    target: float | None = None


@dataclass(frozen=True)
class Notice:
    """A sentence the reader must not miss (the demo mark): a framed box in HTML, a quote in Markdown."""

    text: str


@dataclass(frozen=True)
class Svg:
    """A drawing (a timeline, a line chart) in HTML; Markdown and text show ``fallback``, the same figures as a table.

    ``fallback`` None: the figures stand in a table beside the drawing, so Markdown and text leave it out.
    """

    title: str
    drawing: Drawing
    fallback: Table | None


Block = Heading | Para | Bullets | Table | Chart | Notice | Svg


@dataclass(frozen=True)
class Frame:
    """How an HTML page frames its blocks: the running head on paper, landmarks and rules of its own.

    With ``header`` or ``footer`` the page has the landmarks ``<header>``, ``<main>`` (the blocks) and ``<footer>``.
    """

    running_head: str = "Digitales Rathaus"
    header: tuple[Block, ...] = ()
    footer: tuple[Block, ...] = ()
    css: str = ""  # more rules, after the page's own


def para(*parts: Inline) -> Para:
    return Para(tuple(parts))


def safe_url(url: str) -> str | None:
    """Only http(s) links become links; anything else (javascript:, data:) stays text."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.hostname else None


# --- Markdown ----------------------------------------------------------------------------------------


def to_markdown(blocks: Sequence[Block]) -> str:
    return "\n".join(text for text in map(_md_block, blocks) if text)  # a drawing without a table leaves no gap


def _md_inline(part: Inline | int) -> str:
    if isinstance(part, Strong):
        return f"**{markdown_escape(part.text)}**"
    if isinstance(part, Link):
        url = safe_url(part.url)
        if url is None:
            return markdown_escape(part.text)
        return f"[{markdown_escape(part.text)}](<{url.replace('<', '%3C').replace('>', '%3E')}>)"
    return markdown_escape(part)


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {markdown_escape(block.text)}\n"
    if isinstance(block, Para):
        return "".join(_md_inline(p) for p in block.parts) + "\n"
    if isinstance(block, Bullets):
        return "".join("- " + "".join(_md_inline(p) for p in item) + "\n" for item in block.items)
    if isinstance(block, Table):
        return _md_table(block)
    if isinstance(block, Notice):
        return f"> **{markdown_escape(block.text)}**\n"
    if isinstance(block, Svg):
        return f"{markdown_escape(block.title)}\n\n" + _md_table(block.fallback) if block.fallback else ""
    return _md_chart(block)


def _md_table(table: Table) -> str:
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.headers))]
    lines = ["| " + " | ".join(markdown_escape(h) for h in table.headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_md_inline(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def _md_chart(chart: Chart) -> str:
    """Bars drawn with block characters in a table: every label escaped like any other cell."""
    rows = tuple((b.label, _text_bar(b.share), f"{percent(b.share)} {b.note}".strip()) for b in chart.bars)
    return f"{markdown_escape(chart.title)}\n\n" + _md_table(Table((chart.label, "Anteil online", ""), rows))


def _text_bar(share: float | None, width: int = 20) -> str:
    filled = round((share or 0.0) * width)
    return "█" * filled + "░" * (width - filled)


# --- HTML --------------------------------------------------------------------------------------------

PAGE_CSS = """
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: #1a1a1a; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: 0.8rem 0; width: 100%; font-size: 0.92rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.45rem; vertical-align: top; }
th { background: #f0f0f0; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.id { white-space: nowrap; }
p.meta { color: #444; font-size: 0.9rem; }
.headline { font-size: 1.15rem; }
p.notice { border: 2px solid #c05621; background: #fff4e5; padding: 0.5rem 0.8rem; }
figure { margin: 0.8rem 0; }
figcaption { font-size: 0.9rem; color: #444; }
/* Print: A4 (the council's paper), page numbers at the foot (our margin boxes replace the browser's own header
   with its date and file path); long tables run on over pages with their
   head repeated, but a heading never ends a page and no row, chart or list item is cut in two. */
@page { size: A4; margin: 16mm 15mm 18mm 18mm;
        @top-right { content: RUNNING_HEAD; font-size: 8pt; color: #555; }
        @bottom-right { content: "Seite " counter(page) " von " counter(pages); font-size: 8pt; color: #555; } }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; line-height: 1.35; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  h2 { margin-top: 0; } h3 { margin-top: 1.2rem; }
  h3 + p, h3 + ul, figure + table { break-before: avoid; }
  h3 + p, p:has(+ table), p:has(+ figure) { break-after: avoid; page-break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
  figure, svg, tr, li, p.notice { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 9pt; }
  a { color: inherit; text-decoration: none; }
  th, p.notice { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  th { background: #e8e8e8; }
}
"""


def to_html(blocks: Sequence[Block], title: str, frame: Frame = Frame()) -> str:
    """One self-contained HTML file: inline CSS and SVG, no scripts, nothing loaded from elsewhere."""
    body = "\n".join(_html_block(b) for b in blocks)
    if frame.header or frame.footer:
        body = (f"<header>\n{_html_blocks(frame.header)}\n</header>\n<main>\n{body}\n</main>\n"
                f"<footer>\n{_html_blocks(frame.footer)}\n</footer>")
    # The plan's drawings bring their own styles; a page without them stays as it was.
    drawings = PLAN_CSS if any(isinstance(b, Svg) for b in blocks) else ""
    css = PAGE_CSS.replace("RUNNING_HEAD", _css_string(frame.running_head)) + frame.css
    return ("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:\">\n"
            f"<title>{html_escape(title)}</title>\n<style>{css}{CHART_CSS}{drawings}</style>\n</head>\n<body>\n"
            f"{body}\n</body>\n</html>\n")


def _html_blocks(blocks: Sequence[Block]) -> str:
    return "\n".join(_html_block(b) for b in blocks)


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string: quotes, backslashes and line breaks cannot end it."""
    return '"' + "".join(c if c.isalnum() or c in " -–.,:" else f"\\{ord(c):x} " for c in one_line(text)) + '"'


def _html_inline(part: Inline | int) -> str:
    if isinstance(part, Strong):
        return f"<strong>{_whole_ids(html_escape(part.text))}</strong>"
    if isinstance(part, Link):
        url = safe_url(part.url)
        if url is None:
            return html_escape(part.text)
        return f'<a href="{html_escape(url)}" rel="noreferrer noopener">{html_escape(part.text)}</a>'
    return _whole_ids(html_escape(part))


# A measure's, idea's or online service's ID (M-005, O-003): a narrow column must not break it after the hyphen.
_ID = re.compile(r"\b([A-Z]-\d{3,})\b")


def _whole_ids(escaped: str) -> str:
    return _ID.sub(r'<span class="id">\1</span>', escaped)


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{html_escape(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        return "<p>" + "".join(_html_inline(p) for p in block.parts) + "</p>"
    if isinstance(block, Bullets):
        items = "".join("<li>" + "".join(_html_inline(p) for p in item) + "</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Table):
        return _html_table(block)
    if isinstance(block, Notice):
        return f'<p class="notice"><strong>{html_escape(block.text)}</strong></p>'
    if isinstance(block, Svg):
        return f"<figure>{block.drawing.markup}<figcaption>{html_escape(block.title)}</figcaption></figure>"
    return f"<figure>{bar_chart(block.title, block.bars, target=block.target)}" \
           f"<figcaption>{html_escape(block.title)}</figcaption></figure>"


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html_escape(h)}</th>" for h in table.headers)
    rows = "".join(
        "<tr>" + "".join(f'<td class="num">{_html_inline(c)}</td>' if i in table.numeric else f"<td>{_html_inline(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"
        for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


# --- plain text (the text part of an e-mail) ----------------------------------------------------------


def to_text(blocks: Sequence[Block]) -> str:
    """Readable plain text: underlined headings, bullets, aligned tables, links written out."""
    return "\n".join(text for text in map(_text_block, blocks) if text)


def _text_inline(part: Inline | int) -> str:
    if isinstance(part, Strong):
        return printable(part.text)
    if isinstance(part, Link):
        url = safe_url(part.url)
        return printable(f"{part.text} <{url}>" if url and url != part.text else part.text)
    return printable(part)


def _text_block(block: Block) -> str:
    if isinstance(block, Heading):
        text = one_line(block.text)
        return f"{text}\n{('=' if block.level <= 2 else '-') * len(text)}\n"
    if isinstance(block, Para):
        return "".join(_text_inline(p) for p in block.parts) + "\n"
    if isinstance(block, Bullets):
        return "".join("- " + "".join(_text_inline(p) for p in item) + "\n" for item in block.items)
    if isinstance(block, Table):
        from ozgtrack.render.common import table

        return table([[_text_inline(c) for c in row] for row in block.rows], list(block.headers))
    if isinstance(block, Notice):
        return f"*** {one_line(block.text)} ***\n"
    if isinstance(block, Svg):
        return one_line(block.title) + "\n" + _text_block(block.fallback) if block.fallback else ""
    lines = [one_line(f"{b.label}: {percent(b.share)} {b.note}") for b in block.bars]
    return one_line(block.title) + "\n" + "\n".join(lines) + "\n"
