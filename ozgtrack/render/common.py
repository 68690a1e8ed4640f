"""Helpers shared by the renderers: JSON conversion and time display."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import textwrap
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from ozgtrack import wording
from ozgtrack.text import CONTROL, printable


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, tuples and datetimes (stored as naive UTC) as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z") if value.tzinfo is None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """Indented JSON, UTF-8 characters kept readable, with a final newline.

    Control characters stay in the data but are written as escapes (json escapes C0 only), so
    that the JSON printed on a terminal cannot act on it.
    """
    text = json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def table(rows: list[list[Any]], headers: list[str], width: int | None = None) -> str:
    """A plain terminal table (tabulate); an empty list gives a short note instead (``(keine)``).

    With ``width`` (the terminal's columns), long text cells wrap onto several lines until the table fits;
    words are not broken unless one alone is wider than :data:`_LONGEST_WORD`. ``None``: one line per row.
    """
    from tabulate import tabulate

    if not rows:
        return f"({wording.NONE})\n"
    rows = [[one_line(c) if isinstance(c, str) else c for c in row] for row in rows]
    headers = [one_line(h) for h in headers]
    if width is not None:
        cells = [["" if c is None else str(c) for c in row] for row in rows]
        caps = _column_caps(headers, cells, width)
        headers = [_wrap(h, cap - _HEADER_PADDING) for h, cap in zip(headers, caps, strict=True)]
        rows = [[_wrap(c, cap) for c, cap in zip(row, caps, strict=True)] for row in cells]
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True) + "\n"


_GAP = 2  # tabulate's "simple" format puts two spaces between columns
_HEADER_PADDING = 2  # and makes each column two wider than its header (tabulate.MIN_PADDING)
_LONGEST_WORD = 30  # a longer word (a URL) may be broken; a key or a German compound never is


def _column_caps(headers: list[str], rows: list[list[str]], width: int) -> list[int]:
    """The widest each column may be so that the table fits ``width``: the widest columns give way first."""
    natural, floors = [], []
    for i, header in enumerate(headers):
        cells = [row[i] for row in rows]
        natural.append(max(_text_width(header) + _HEADER_PADDING, *map(_text_width, cells)))
        words = max(_longest_word(header) + _HEADER_PADDING, *map(_longest_word, cells))
        floors.append(min(natural[-1], words, _LONGEST_WORD))
    room = width - _GAP * (len(natural) - 1)

    def total(cap: int) -> int:
        return sum(max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True))

    cap = max(natural)
    while cap > 1 and total(cap) > room:
        cap -= 1
    return [max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)]


def _text_width(text: str) -> int:
    return max((len(part) for part in text.split("\n")), default=0)


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _wrap(text: str, cap: int) -> str:
    if _text_width(text) <= cap:
        return text
    return "\n".join(textwrap.fill(part, cap, break_on_hyphens=False) for part in text.split("\n"))


def shorten(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


_WHITESPACE = re.compile(r"\s+")
def one_line(text: object) -> str:
    """Text from outside as one line for a table cell: no control characters, whitespace collapsed."""
    return _WHITESPACE.sub(" ", printable(text)).strip()
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def markdown_escape(text: object) -> str:
    """Text from outside, safe in Markdown and its tables: specials escaped, no line breaks."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", printable(text)))


def html_escape(text: object) -> str:
    """Text from outside, safe in HTML content and attribute values."""
    return html.escape(printable(text), quote=True)
