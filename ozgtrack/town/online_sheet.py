"""The worksheet of the town's online services: out to the departments, their answers back in.

One row per active online service with its building blocks (Excel with choice lists, or CSV for Excel). The
import accepts either as Excel or LibreOffice saves it, checks every row first (one bad row and nothing
changes) and changes each online service through the register (`online set`), so its history, version and
the statuses it gives follow. A row names its online service by its number; new online services are added
with `online add`. A row whose online service someone changed after the export would undo that change: it is
a conflict, left out and reported (unless forced); so is a row whose Version is higher than the online
service's (it cannot come from this database) and, in a sheet without the Version column, every row that
changes something (nobody can tell). Rows that change nothing are never conflicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.cells import excel_csv, restore
from ozgtrack.errors import InputError
from ozgtrack.records import RowProblem
from ozgtrack.sources._table import Column, Misfit, header_key
from ozgtrack.sources._xlsx import read_any
from ozgtrack.store.models import OnlineEntry, OnlineService
from ozgtrack.town.context import Context
from ozgtrack.town.online_values import LABEL, ONLINE_FIELDS, clean_field
from ozgtrack.town.sheets import Conflict, is_stale, row_version
from ozgtrack.views.online import BLOCKS, Delivery, OnlineServiceView, number_text, parse_number
from ozgtrack.views.what_counts import Targets

# (field, German header); the covered services are shown, never read (they change with `online set`).
HEADERS = (("number", "Nr."), *((f, "Online seit" if f == "live_since" else LABEL[f]) for f in ONLINE_FIELDS),
           ("covers", "Leistungen"), ("version", "Version"), ("exported_at", "Exportiert am"))
_READ = [Column("number", ("nr", "nummer", "number"), required=True, key=True, label="Nr."),
         *(Column(f, (header_key(title), f), label=title) for f, title in HEADERS[1:-3]),
         Column("version", ("version", "stand"), label="Version")]
_CHOICES: dict[str, tuple[str, ...]] = {
    "delivery": tuple(d.value for d in Delivery), "model": ("rgm1", "rgm2"),
    "stage": tuple(str(n) for n in range(8)), **{name: tuple(v.value for v in kind) for name, kind, _, _ in BLOCKS}}
EXPLANATIONS = {
    "number": "Die Nummer des Onlinedienstes (O-001 …). Bitte nicht ändern: sie verbindet die Zeile mit dem "
              "Onlinedienst. Neue Onlinedienste legt `ozgtrack online add` an.",
    "name": "Wie Bürgerinnen und Bürger den Onlinedienst kennen; nicht leer.",
    "url": "Wo der Onlinedienst zu finden ist (beginnt mit http:// oder https://).",
    "delivery": "Weg der Bereitstellung: eigen, efa, land, zsa, kreis oder anbieter (Auswahlliste); nicht leer.",
    "provider": "Wer ihn betreibt (Land, Kreis, Firma).",
    "model": "Das Reifegradmodell des Reifegrads: rgm1 oder rgm2 (Auswahlliste).",
    "stage": "Wie weit der Onlinedienst ist: 0 bis 7 (im Modell rgm1 0 bis 4); gilt für jede abgedeckte Leistung.",
    "department": "Der Fachbereich, der ihn verantwortet.",
    "live_since": "Seit wann er online ist: ein Datum (2025-03-31 oder 31.03.2025).",
    "account": "Nutzerkonto: bundid, servicekonto oder keins (Auswahlliste).",
    "payment": "Bezahlung: epaybl, anderes, keins (Gebühren, aber keine Online-Zahlung) oder nicht-noetig "
               "(gebührenfrei) (Auswahlliste).",
    "reply": "Rückkanal zum Bürger: postfach, fit-connect, email oder brief (Auswahlliste).",
    "intake": "Eingangskanal in die Verwaltung: fit-connect, xta, email, papier oder fachverfahren (Auswahlliste).",
    "system": "Das angebundene Fachverfahren.",
    "contract": "Nachnutzungsvertrag (EfA): das Datum der Unterzeichnung oder nein.",
    "note": "Freitext.",
    "covers": "Die LeiKa-Schlüssel der abgedeckten Leistungen; nur zur Information (ändern mit `ozgtrack online "
              "set … --add-covers/--remove-covers`).",
    "version": "Der Stand des Onlinedienstes beim Export. Bitte nicht ändern: daran erkennt das Einlesen, ob jemand "
               "ihn nach dem Export geändert hat; solche Zeilen werden nicht übernommen.",
    "exported_at": "Wann das Arbeitsblatt erzeugt wurde (UTC); nur zur Information.",
}


@dataclass(frozen=True)
class OnlineSheetImport:
    """What the sheet changed (each `online set`), the rows that stop it, and the rows left out as conflicts."""

    changes: tuple[Any, ...]  # OnlineChange
    problems: tuple[RowProblem, ...]
    conflicts: tuple[Conflict, ...] = ()
    versioned: bool = True


def export_rows(views: Iterable[OnlineServiceView], exported_at: datetime) -> list[list[Any]]:
    stamp = exported_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return [[number_text(v.number), *(_cell(getattr(v, f)) for f in ONLINE_FIELDS),
             " ".join(c.key for c in v.covers), v.version, stamp] for v in views]


def export_csv(views: Iterable[OnlineServiceView], exported_at: datetime) -> str:
    """The worksheet as CSV for Excel (``;``, UTF-8 with BOM, formula-like cells neutralised)."""
    return excel_csv([title for _, title in HEADERS], export_rows(views, exported_at))


def export_workbook(views: Iterable[OnlineServiceView], exported_at: datetime) -> bytes:
    """The worksheet as an Excel workbook with choice lists for the building blocks and a sheet of explanations."""
    from ozgtrack.town.workbook import Sheet, SheetColumn, workbook

    columns = tuple(SheetColumn(title, text=f in ("number", "covers", "live_since", "contract"),
                                choices=_CHOICES.get(f, ()), choice_hint=_hint(f), max_width=45 if f in
                                ("name", "url", "note") else 30) for f, title in HEADERS)
    guide = [["Bitte im Blatt „Onlinedienste“ ausfüllen und als Excel-Arbeitsmappe (.xlsx) zurückgeben. Jede Zeile "
              "wird beim Einlesen geprüft; ist eine fehlerhaft, wird nichts übernommen. Eine geleerte Zelle löscht "
              "den bisherigen Wert.", ""], ["", ""], ["Spalte", "Erläuterung"],
             *([title, EXPLANATIONS[f]] for f, title in HEADERS)]
    notes = Sheet("Erläuterungen", (SheetColumn("Arbeitsblatt zu den Onlinediensten"), SheetColumn("")), guide,
                  freeze=None, header=False, widths=(28, 110))
    return workbook([Sheet("Onlinedienste", columns, export_rows(views, exported_at), freeze="C2"), notes])


def import_sheet(session: Session, context: Context, data: bytes, name: str, *, force: bool = False,
                 targets: Targets = Targets()) -> OnlineSheetImport:
    """Check every row, then change each online service through the register (the caller commits or rolls back)."""
    from ozgtrack.town.online import set_online

    stored = {row.number: row for row in session.scalars(select(OnlineService).where(
        OnlineService.municipality_id == context.municipality.id))}
    rows, problems, versioned = _read(data, name, stored)
    if problems:
        return OnlineSheetImport((), tuple(problems), (), versioned)
    changes, conflicts = [], []
    for line, row, values, version in rows:
        differs = {f: raw for f, (raw, clean) in values.items() if clean != _plain(getattr(row, f))}
        if not differs:
            continue
        if is_stale(version, row.version) and not force:
            conflicts.append(_conflict(session, line, row, version))
            continue
        try:
            change = set_online(session, context, row.number, differs, reason=f"Arbeitsblatt {name}",
                                expect_version=None if force else version, targets=targets)
        except InputError as exc:  # a stage beyond the model the row keeps, say
            problems.append(RowProblem(line, f"{number_text(row.number)}: {exc}", "row"))
            continue
        changes.append(change)
    return OnlineSheetImport(tuple(changes), tuple(problems), tuple(conflicts), versioned)


def _read(data: bytes, name: str, stored: dict[int, OnlineService]) -> tuple[list[Any], list[RowProblem], bool]:
    table = read_any(data, name, _READ)
    if not set(ONLINE_FIELDS) & set(table.columns):
        raise InputError(f"{name} ist kein Arbeitsblatt der Onlinedienste: es hat keine der Spalten "
                         f"{', '.join(LABEL[f] for f in ONLINE_FIELDS)} (ein Arbeitsblatt erzeugt `ozgtrack online "
                         "export`)")
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        if isinstance(cells, Misfit):
            problems.append(RowProblem(line, str(cells), "row"))
            continue
        cells = {f: restore(v) for f, v in cells.items()}
        try:
            row = _online(cells["number"], stored)
            if row.number in seen:
                raise InputError(f"{number_text(row.number)} steht zweimal im Blatt (zuerst in Zeile "
                                 f"{seen[row.number]})")
            seen[row.number] = line
            values = {f: (cells[f], _plain(_clean(f, cells[f]))) for f in ONLINE_FIELDS if f in cells}
            rows.append((line, row, values, row_version(cells)))
        except InputError as exc:
            problems.append(RowProblem(line, str(exc), "row"))
    return rows, problems, "version" in table.columns


def _online(cell: str, stored: dict[int, OnlineService]) -> OnlineService:
    number = parse_number(cell or "")
    if number is None:
        raise InputError(f"{cell.strip()[:40]!r} ist keine Nummer eines Onlinedienstes (O-001); neue Onlinedienste "
                         "legt `ozgtrack online add` an" if cell.strip() else
                         "die Spalte Nr. ist leer; neue Onlinedienste legt `ozgtrack online add` an")
    if number not in stored:
        raise InputError(f"den Onlinedienst {number_text(number)} gibt es nicht (siehe `ozgtrack online list --retired`)")
    if stored[number].retired_at is not None:
        raise InputError(f"{number_text(number)} ist außer Betrieb und wird nicht mehr geändert")
    return stored[number]


def _clean(field: str, value: str) -> Any:
    try:
        return clean_field(field, value)
    except InputError as exc:
        raise InputError(f"{LABEL[field]}: {exc}" if not str(exc).startswith(LABEL[field]) else str(exc)) from None


def _conflict(session: Session, line: int, row: OnlineService, version: int | None) -> Conflict:
    last = session.scalars(select(OnlineEntry).where(OnlineEntry.online_service_id == row.id)
                           .order_by(OnlineEntry.id.desc()).limit(1)).first()
    return Conflict(line, f"{number_text(row.number)} {row.name}", last.at if last else None,
                    last.by if last else None, version, row.version)


def _hint(field: str) -> str:
    return f"Bitte einen Wert aus der Liste wählen: {', '.join(_CHOICES[field])}." if field in _CHOICES else ""


def _cell(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


def _plain(value: Any) -> Any:
    """A value as compared: enums by value, dates as ISO text."""
    return _cell(value)
