"""Helpers shared by the renderers: JSON conversion and time display."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

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


def local_time(value: datetime | None) -> str:
    """A stored UTC time in the machine's local time zone, to the minute."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def table(rows: list[list[Any]], headers: list[str]) -> str:
    """A plain terminal table (tabulate); an empty list gives a short note instead."""
    from tabulate import tabulate

    if not rows:
        return "(none)\n"
    cells = [[one_line(c) if isinstance(c, str) else c for c in row] for row in rows]
    return tabulate(cells, headers=[one_line(h) for h in headers], tablefmt="simple", disable_numparse=True) + "\n"


def shorten(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def shorten_left(text: str, width: int) -> str:
    """Cut from the left: the end of a path or URL tells more than its start."""
    return text if len(text) <= width else "…" + text[-(width - 1):]


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
