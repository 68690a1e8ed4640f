"""CSV files: plain RFC 4180 UTF-8, and the form Excel opens correctly in Germany, made safe to open."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from ozgtrack.text import printable

# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a formula-like cell plain text with a leading apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise` when a worksheet comes back."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _text(value: Any) -> str:
    return "" if value is None else printable(value)


def excel_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """``;``-separated, CRLF, with a BOM so Excel reads UTF-8; every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(_text(v)) for v in row])
    return "\ufeff" + out.getvalue()


def plain_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """RFC 4180: ``,``-separated, CRLF, UTF-8 without BOM, for programs; still neutralised, as it may meet Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(_text(v)) for v in row])
    return out.getvalue()
