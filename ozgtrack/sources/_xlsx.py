"""Excel workbooks (.xlsx) to the same rows a CSV file gives, so both meet the same checks.

A sheet becomes a :class:`~ozgtrack.sources._table.Table`: the header row is searched for in the
first rows, columns are found by name, each row carries its Excel row number, and every cell is
text as German Excel writes it to CSV (a stage stored as 3.0 is "3", 1.5 is "1,5", a cell formatted
as percent holding 0.4 is "40 %", a date cell "2026-11-25"), so numbers are then read as typed text
is (:mod:`ozgtrack.numbers`). A key Excel turned into a number reads as Excel shows it
("9,91150E+13"), so the key checks name it.
openpyxl loads only when a workbook comes (``ozgtrack --help`` stays fast).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from typing import Any

from ozgtrack import numbers, wording
from ozgtrack.errors import SourceError
from ozgtrack.sources._table import MAX_ROWS, Column, Table, _find_columns, header_key
from ozgtrack.sources._text import _ZIP_ERRORS, DEFAULT_MAX_BYTES, is_zip, looks_like_html, open_lines, read_table

# The old binary Excel format (.xls) and password-protected workbooks are OLE2 compound files.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The header is looked for in the first rows: XRepository code lists put 7 rows of metadata above the data.
HEADER_ROWS = 30
# XRepository publishes its code lists (the Destatis ARS list among them) as workbooks whose column
# A labels the rows: "Spaltenname (lang)" is the header, rows describing the columns follow, and
# the data starts after the row labelled "Daten".
_XREPOSITORY_HEADER = "spaltennamelang"
_XREPOSITORY_DATA = "daten"


def is_xlsx(data: bytes, name: str = "") -> bool:
    """True when ``data`` is an Excel workbook: a zip archive holding ``xl/workbook.xml``.

    A damaged archive counts when its first entries or its name say workbook, so it is refused as one.
    """
    if not is_zip(data):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except _ZIP_ERRORS:
        head = data[:4096]
        return b"[Content_Types].xml" in head or b"xl/" in head or name.lower().endswith((".xlsx", ".xlsm"))


def is_ole2(data: bytes) -> bool:
    """True for an old Excel file (.xls) or an encrypted workbook: neither can be read."""
    return data.startswith(_OLE2_MAGIC)


def read_any(data: bytes, name: str, columns: Sequence[Column], max_bytes: int = DEFAULT_MAX_BYTES) -> Table:
    """The rows of a CSV file (also zipped) or of an Excel workbook, told apart by their content."""
    if is_ole2(data):
        raise SourceError(f"{name} ist eine alte Excel-Datei (.xls) oder eine mit Kennwort geschützte "
                          "Arbeitsmappe; bitte ohne Kennwort als „Excel-Arbeitsmappe (*.xlsx)“ oder als CSV "
                          "speichern und erneut einlesen")
    if is_xlsx(data, name):
        return read_workbook(data, name, columns, max_bytes)
    if looks_like_html(data):
        raise SourceError(f"{name} ist eine HTML-Seite (eine Fehler- oder Anmeldeseite?), keine Tabelle; "
                          "laden Sie die Datei erneut herunter oder speichern Sie sie als CSV oder .xlsx")
    return read_table(open_lines(data, name, max_bytes=max_bytes)[1], name, columns, sheet_rows=True)


def read_workbook(data: bytes, name: str, columns: Sequence[Column], max_bytes: int = DEFAULT_MAX_BYTES) -> Table:
    """The sheet whose header fits ``columns`` best (the first, on a tie) as a table; rows are Excel rows."""
    _check_size(data, name, max_bytes)
    workbook = _load(data, name)
    try:
        best = None
        for sheet in workbook.worksheets:
            found = _header(sheet, columns, name)
            if found and (best is None or len(found[1]) > len(best[2])):
                best = (sheet, *found)
        if best is None:
            _missing(workbook, columns, name)
    except SourceError:
        workbook.close()
        raise
    except Exception as exc:  # a sheet's XML is damaged
        workbook.close()
        raise SourceError(_broken(name, exc)) from exc
    sheet, header_row, found, first_data = best
    key = next((found[c.field] for c in columns if c.key and c.field in found), None)
    return Table(name, found, _rows(workbook, sheet, found, key, first_data, name))


def _check_size(data: bytes, name: str, max_bytes: int) -> None:
    """A workbook is a zip archive: its unpacked size is bounded like a CSV file's (zipfile keeps to it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(member.file_size for member in archive.infolist())
    except _ZIP_ERRORS as exc:
        raise SourceError(_broken(name, exc)) from exc
    if size > max_bytes:
        raise SourceError(f"{name} ist entpackt {wording.number(size)} Bytes groß, mehr als die Grenze von "
                          f"{wording.number(max_bytes)} Bytes (http.max_bytes); {wording.RAISE_LIMIT}")


def _load(data: bytes, name: str) -> Any:
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # "no default style", "unknown extension": harmless for reading values
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for broken files
        raise SourceError(_broken(name, exc)) from exc


def _broken(name: str, exc: BaseException) -> str:
    return (f"{name} ist keine lesbare Excel-Arbeitsmappe ({type(exc).__name__}: {exc}); ist die Datei "
            "vollständig? Bitte in Excel oder LibreOffice erneut als .xlsx speichern oder neu herunterladen")


def _header(sheet: Any, columns: Sequence[Column], name: str) -> tuple[int, dict[str, int], int] | None:
    """(header row, {field: column index}, first data row) of a sheet, or None when no row has the columns."""
    sheet.reset_dimensions()  # some programs write a wrong sheet size; read what is there
    rows = list(sheet.iter_rows(max_row=HEADER_ROWS, values_only=True))
    for number, row in enumerate(rows, start=1):
        header = [cell_text(v) for v in row]
        if not any(header_key(h) in c.aliases for h in header for c in columns):
            continue
        try:
            found = _find_columns(header, columns, name)
        except SourceError:
            continue
        return number, found, _first_data(rows, number, header)
    return None


def _first_data(rows: list[tuple[Any, ...]], header_row: int, header: list[str]) -> int:
    if not header or header_key(header[0]) != _XREPOSITORY_HEADER:
        return header_row + 1
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        if row and header_key(cell_text(row[0])) == _XREPOSITORY_DATA:
            return number + 1
    return header_row + 1


def _missing(workbook: Any, columns: Sequence[Column], name: str) -> None:
    wanted = ", ".join(repr(c.aliases[0]) for c in columns if c.required)
    sheets = ", ".join(s.title for s in workbook.worksheets)
    raise SourceError(f"{name}: kein Tabellenblatt ({sheets}) hat in den ersten {HEADER_ROWS} Zeilen eine "
                      f"Kopfzeile mit den Spalten {wanted}; ist das die richtige Datei?")


def _rows(workbook: Any, sheet: Any, found: dict[str, int], key: int | None, first: int,
          name: str) -> Iterator[tuple[int, dict[str, str]]]:
    fields, positions = list(found), list(found.values())
    try:
        for number, row in enumerate(sheet.iter_rows(min_row=first), start=first):
            if number - first >= MAX_ROWS:
                raise SourceError(f"{name} hat mehr als {wording.number(MAX_ROWS)} Zeilen; ein Katalog, eine Liste oder ein "
                                  "Arbeitsblatt hat weit weniger: ist das die richtige Datei?")
            cells = [_cell(row[i] if i < len(row) else None, i == key) for i in positions]
            if any(cells) or any(cell_text(c.value) for c in row):
                yield number, dict(zip(fields, cells, strict=True))
    except SourceError:
        raise
    except Exception as exc:  # a sheet damaged after its first rows
        raise SourceError(_broken(name, exc)) from exc
    finally:
        workbook.close()


def _cell(cell: Any, is_key: bool) -> str:
    value = None if cell is None else cell.value
    if is_key and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.5E}".replace(".", ",")  # as Excel shows a long number: the key checks refuse it
    return cell_text(value, getattr(cell, "number_format", None))


def cell_text(value: Any, number_format: str | None = None) -> str:
    """A cell as the text a German CSV file would hold: 3.0 → "3", 1.5 → "1,5", 0.4 formatted as percent → "40 %",
    a date → "2026-11-25", nothing → "". Numbers are then read as typed text is (:mod:`ozgtrack.numbers`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, int | float):
        return numbers.cell_text(value, number_format)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()
