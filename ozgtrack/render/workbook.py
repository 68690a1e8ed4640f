"""A table view as an Excel workbook: the rows on one sheet, a sheet "Erläuterungen" with the Stand and definitions.

Pure: headers and rows in, the bytes of the .xlsx out (written by ozgtrack.town.workbook, like the status sheet).
Strings stay text cells, so keys keep their leading zeros and a cell starting with "=" is never a formula; whole
numbers stay numbers; a column of shares ("27,6 %") becomes numbers shown as percent. Every row is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ozgtrack.render.german import day, release
from ozgtrack.views.opendata_terms import definitions as open_data_terms
from ozgtrack.views.stand import Stand
from ozgtrack.views.what_counts import Targets

NOTES = "Erläuterungen"
_PERCENT = re.compile(r"-?\d+(,\d+)? %")
_NO_SHARE = "–"  # wording.percent of nothing to divide by
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")  # Excel refuses these in a sheet's name
# The terms every figure of the town rests on, in the words of the open data files (one wording).
_TERMS = ("Leistung", "Zuständigkeit", "eigene Leistung", "Reifegrad", "online", "in Umsetzung", "offline",
          "nicht bewertet")
COVERAGE = ("Abdeckung, Anteil online", "online ÷ eigene Leistungen: der Anteil der eigenen Leistungen, die online "
            "sind. Nicht bewertete Leistungen zählen mit (als nicht online); Leistungen von Landkreis, Land oder Bund "
            "zählen nicht.")


@dataclass(frozen=True)
class TableView:
    """A table for a workbook: its sheet, header and rows, and what the sheet "Erläuterungen" says about it."""

    sheet: str  # the name of the sheet with the rows
    heading: str  # what the workbook holds, the first line of "Erläuterungen"
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    stand: Sequence[tuple[str, str]] = ()  # (what, value): town, day, catalogue
    definitions: Sequence[tuple[str, str]] = ()  # (term, German definition)
    more: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = ()  # further sheets: (name, headers, rows)


def table_workbook(view: TableView) -> bytes:
    """The .xlsx of ``view``: the rows first (frozen header, filter, widths), any further sheets, then
    "Erläuterungen"."""
    from ozgtrack.town.workbook import workbook

    sheets = [_sheet(name, headers, rows) for name, headers, rows in ((view.sheet, view.headers, view.rows),
                                                                       *view.more)]
    return workbook([*sheets, _notes(view, len(view.rows))])


def _sheet(name: str, headers: Sequence[str], given: Sequence[Sequence[Any]]) -> Any:
    from ozgtrack.town.workbook import Sheet, SheetColumn

    rows = [[None if cell == "" else cell for cell in row] for row in given]  # an empty cell, not ""
    columns = []
    for index, title in enumerate(headers):
        values = [row[index] for row in rows if index < len(row) and row[index] not in (None, "")]
        if values and all(isinstance(v, str) and (_PERCENT.fullmatch(v) or v == _NO_SHARE) for v in values):
            for row in rows:
                row[index] = _share(row[index])
            columns.append(SheetColumn(title, number_format="0.0%"))
        else:
            columns.append(SheetColumn(title, text=not any(isinstance(v, (int, float)) for v in values),
                                       max_width=60))
    return Sheet(_sheet_name(name), tuple(columns), rows)


def _share(cell: Any) -> Any:
    """``27,6 %`` → 0.276; ``–`` → an empty cell."""
    if not isinstance(cell, str) or not _PERCENT.fullmatch(cell):
        return None if cell == _NO_SHARE else cell
    return round(float(cell.removesuffix(" %").replace(",", ".")) / 100, 6)


def _sheet_name(name: str) -> str:
    return _SHEET_NAME_BAD.sub("-", name)[:31] or "Tabelle"


def _notes(view: TableView, count: int) -> Any:
    from ozgtrack.town.workbook import Sheet, SheetColumn

    lines: list[list[str]] = [["Zeilen", f"{count} im Blatt „{_sheet_name(view.sheet)}“, vollständig"]]
    lines += [[what, value] for what, value in view.stand]
    if view.definitions:
        lines += [["", ""], ["Begriff", "Erläuterung"], *([term, text] for term, text in view.definitions)]
    return Sheet(NOTES, (SheetColumn(view.heading), SheetColumn("")), lines, freeze=None, header=False,
                 widths=(30, 110))


def stand_lines(stand: Stand | None) -> list[tuple[str, str]]:
    """Town, day and catalogue of ``stand`` as lines of "Erläuterungen"; none without a Stand."""
    if stand is None:
        return []
    catalogue = "; ".join(release(r) for r in stand.catalogue) or "kein Katalog synchronisiert"
    return [("Kommune", f"{stand.municipality} (ARS {stand.ars})"), ("Stand der Auswertung", day(stand.data_date)),
            ("Katalog", catalogue), ("Als online gilt", _targets(stand.targets))]


def _targets(targets: Targets) -> str:
    return f"Reifegradmodell 1.1 ab Stufe {targets.rgm1}, Reifegradmodell 2.0 ab Stufe {targets.rgm2}"


def terms(targets: Targets) -> list[tuple[str, str]]:
    """What own, online and coverage mean (the wording of the open data files), for "Erläuterungen"."""
    known = dict(open_data_terms((targets.rgm1, targets.rgm2)))
    return [(term, known[term]) for term in _TERMS] + [COVERAGE]


def definitions_of(stand: Stand | None) -> list[tuple[str, str]]:
    """The terms for the targets of ``stand`` (the default targets without one)."""
    return terms(stand.targets if stand is not None else Targets())
