"""Excel workbooks (.xlsx) for people to fill in: text stays text, a frozen header, widths, choice lists.

Pure: sheets in, the bytes of the file out. A cell that starts like a formula ("=HYPERLINK(…)")
is written as a text cell, so Excel and LibreOffice show it and never run it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_MIN_WIDTH, _MAX_ROWS_MEASURED = 8, 500
# Excel's last row: a choice list covers the rows a department adds at the end, too.
_LAST_ROW = 1_048_576


@dataclass(frozen=True)
class SheetColumn:
    """A column: its header, whether it is text (Excel must not turn "0101…" into a number), its choices."""

    title: str
    text: bool = False
    choices: tuple[str, ...] = ()
    choice_hint: str = ""  # the message Excel shows for a value outside the choices
    max_width: int = 40
    number_format: str | None = None  # Excel's code for numbers ("0.0%"); None: as Excel shows them


@dataclass(frozen=True)
class Sheet:
    """One worksheet: columns, rows of plain values (str, int, float, None) and the frozen cell."""

    title: str
    columns: tuple[SheetColumn, ...]
    rows: Sequence[Sequence[Any]]
    freeze: str | None = "A2"  # the cell below and right of what stays in view
    header: bool = True  # a bold first row with a filter
    widths: tuple[int, ...] = field(default=())  # fixed widths; else measured from the content


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx file of ``sheets``, in this order (the first is the one that opens)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book.create_sheet(sheet.title), sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(ws: Any, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append([c.title for c in sheet.columns])
    for row in sheet.rows:
        ws.append([_value(v) for v in row])
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _width(sheet, index - 1)
        if column.text:
            ws.column_dimensions[letter].number_format = "@"  # rows typed in later are text as well
        for cells in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            _fix(cells[0], column.text)
            if column.number_format and isinstance(cells[0].value, (int, float)):
                cells[0].number_format = column.number_format
        if column.choices:
            _choices(ws, column, f"{letter}2:{letter}{_LAST_ROW}")
    if sheet.header:
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(len(sheet.rows) + 1, 2)}"
    ws.freeze_panes = sheet.freeze


def _value(value: Any) -> Any:
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters cannot be stored in the file
    return value


def _fix(cell: Any, text: bool) -> None:
    """Strings are text cells, never formulas; a text column keeps Excel's text format "@"."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    if text:
        cell.number_format = "@"


def _choices(ws: Any, column: SheetColumn, cells: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    listed = ",".join(column.choices)
    check = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showDropDown=False,
                           showErrorMessage=True, errorStyle="stop", errorTitle=column.title,
                           error=column.choice_hint or f"Bitte einen Wert aus der Liste wählen: {listed}")
    ws.add_data_validation(check)
    check.add(cells)


def _width(sheet: Sheet, index: int) -> int:
    if sheet.widths:
        return sheet.widths[index]
    column = sheet.columns[index]
    longest = max((len(str(row[index])) for row in sheet.rows[:_MAX_ROWS_MEASURED]
                   if index < len(row) and row[index] is not None), default=0)
    return min(max(len(column.title) + 3, longest + 2, _MIN_WIDTH), column.max_width)
