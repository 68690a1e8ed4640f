"""The worksheet round trip: the town's services out to the departments, their answers back in.

The export is an Excel workbook (keys as text, choice lists, a sheet explaining the columns) or
a CSV file Excel in Germany opens correctly (``;``, UTF-8 with BOM, formula-like cells
neutralised). The import accepts either as Excel or LibreOffice saves it (a workbook, or CSV in
Windows-1252 or UTF-8, with or without BOM, ``;`` or ``,``), checks every row first and applies
all of it or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.cells import excel_csv, restore
from ozgtrack.errors import InputError
from ozgtrack.fields import STATUS_FIELDS, clean_value, name_key, text
from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.records import RowProblem
from ozgtrack.sources._table import Column, Misfit
from ozgtrack.sources._xlsx import read_any
from ozgtrack.store.models import Service
from ozgtrack.town import online_links
from ozgtrack.town.context import Context
from ozgtrack.town.sheets import Conflict, conflicts as _conflicts, is_stale, row_version as _version, versions
from ozgtrack.town.tracking import StatusUpdate, update_statuses
from ozgtrack.town.triage import assignments, decide_each
from ozgtrack.values import Level, MaturityModel
from ozgtrack.views.tracking import Assignment, Decision, KeyChange, StatusView

# (field, German header, other names the import accepts after header_key())
SHEET_COLUMNS = (
    ("key", "LeiKa-Schlüssel", ("leikaschluessel", "schluessel", "key")),
    ("name", "Leistung", ("leistung", "name")),
    ("ozg_ids", "OZG-IDs", ("ozgids", "ozgid")),
    ("level", "Zuständigkeit", ("zustaendigkeit", "level")),
    ("level_reason", "Begründung Zuständigkeit", ("begruendungzustaendigkeit", "begruendung", "levelreason")),
    ("model", "Reifegradmodell", ("reifegradmodell", "model")),
    ("stage", "Reifegrad", ("reifegrad", "stage")),
    ("url", "Online-Link", ("onlinelink", "link", "url")),
    ("portal", "Portal", ("portal",)),
    ("efa_solution", "EfA-Lösung", ("efaloesung", "efa", "efasolution")),
    ("department", "Fachbereich", ("fachbereich", "department")),
    ("contact", "Ansprechperson", ("ansprechperson", "ansprechpartner", "kontakt", "contact")),
    ("planned", "Geplant bis", ("geplantbis", "geplant", "planned")),
    ("note", "Notiz", ("notiz", "bemerkung", "note")),
    ("verified_at", "Geprüft am", ("geprueftam", "verifiedat")),
    ("verified_by", "Geprüft von", ("geprueftvon", "verifiedby")),
)
# The row's version: the newest history entry of the service when the sheet was made. A whole
# number, because Excel keeps those as they are (it would rewrite a date-time on saving).
VERSION_COLUMN = ("version", "Version", ("version", "stand"))
EXPORTED_COLUMN = ("exported_at", "Exportiert am", ("exportiertam", "exportedat"))
_EXPORTED = (*SHEET_COLUMNS, VERSION_COLUMN, EXPORTED_COLUMN)
_IMPORTED = [Column(f, names, required=f == "key", key=f == "key", label=title)
             for f, title, names in (*SHEET_COLUMNS, VERSION_COLUMN) if f not in ("name", "ozg_ids")]
# A sheet needs at least one of these besides the key, or it is some other file (a catalogue?).
_ANSWER_FIELDS = frozenset(f for f, _, _ in SHEET_COLUMNS if f not in ("key", "name", "ozg_ids"))


SHEET_FORMATS = ("csv", "xlsx")
# What the sheet "Erläuterungen" says about each column (a test checks that every column has its line).
EXPLANATIONS = {
    "key": "14-stelliger Schlüssel der Leistung im Leistungskatalog (LeiKa). Bitte nicht ändern: er verbindet "
           "die Zeile mit der Leistung. Die Spalte ist als Text formatiert, damit Excel keine Zahl daraus macht.",
    "name": "Bezeichnung der Leistung im Katalog; nur zur Orientierung, sie wird beim Einlesen nicht gelesen.",
    "ozg_ids": "Die OZG-Leistungen, zu denen die Leistung gehört; nur zur Orientierung.",
    "level": "Wer die Leistung ausführt: gemeinde, landkreis, land, bund oder unklar (Auswahlliste). "
             "Wer die Zuständigkeit ändert, schreibt eine neue Begründung dazu.",
    "level_reason": "Warum die Zuständigkeit so ist, z. B. „Meldebehörde ist die Stadt“. Pflicht, wenn die "
                    "Zuständigkeit geändert wird.",
    "model": "Das Reifegradmodell des Reifegrads: rgm1 (Reifegradmodell 1.1, Stufen 0 bis 4) oder rgm2 "
             "(Reifegradmodell 2.0, Stufen 0 bis 7) (Auswahlliste).",
    "stage": "Wie weit die Leistung online ist, als Stufe im Reifegradmodell: 0 bis 7 (Auswahlliste; "
             "im Modell rgm1 nur 0 bis 4).",
    "url": "Adresse, unter der Bürgerinnen und Bürger die Leistung online nutzen (beginnt mit http:// oder "
           "https://).",
    "portal": "Wo die Leistung online angeboten wird: eigene Website, Landesportal, EfA-Dienst …",
    "efa_solution": "Name der genutzten EfA- oder landesweiten Lösung.",
    "department": "Der Fachbereich, der die Leistung verantwortet.",
    "contact": "Ansprechperson oder Funktionspostfach.",
    "planned": "Bis wann die Leistung online sein soll: ein Datum (2027-06-30 oder 30.06.2027), ein Quartal "
               "(2027-Q2) oder ein Jahr (2027).",
    "note": "Freitext, bis zu 4.000 Zeichen.",
    "verified_at": "Wann der Stand zuletzt geprüft wurde: ein Datum (2026-11-25 oder 25.11.2026).",
    "verified_by": "Wer den Stand geprüft hat.",
    "version": "Der Stand der Leistung beim Export (eine laufende Nummer). Bitte nicht ändern: daran erkennt das "
               "Einlesen, ob jemand die Leistung nach dem Export geändert hat; solche Zeilen werden nicht "
               "übernommen, damit keine neuere Änderung verloren geht.",
    "exported_at": "Wann das Arbeitsblatt erzeugt wurde (UTC); nur zur Information.",
}
_GUIDE = (
    "Bitte im Blatt „Leistungen“ ausfüllen, als Excel-Arbeitsmappe (.xlsx) speichern und zurückgeben.",
    "Jede Zeile wird beim Einlesen geprüft. Ist eine Zeile fehlerhaft, wird nichts übernommen und jede "
    "fehlerhafte Zeile mit ihrer Zeilennummer genannt.",
    "Eine geleerte Zelle löscht den bisherigen Wert; Zeilen ohne Änderung ändern nichts.",
)
_CHOICES = {
    "level": (tuple(Level), "Bitte eine Zuständigkeit aus der Liste wählen: gemeinde, landkreis, land, bund "
                            "oder unklar."),
    "model": (tuple(MaturityModel), "Bitte rgm1 (Reifegradmodell 1.1) oder rgm2 (Reifegradmodell 2.0) wählen."),
    "stage": (tuple(str(n) for n in range(8)), "Bitte einen Reifegrad von 0 bis 7 wählen (im Modell rgm1 "
                                               "nur 0 bis 4)."),
}
_WIDE = {"name": 60, "level_reason": 40, "note": 50, "url": 45}


def export(views: Iterable[StatusView], versions: dict[str, int], exported_at: datetime) -> str:
    """One row per service with its current values and version, ready for Excel."""
    header = [title for _, title, _ in _EXPORTED]
    return excel_csv(header, _rows(views, versions, exported_at))


def export_workbook(views: Iterable[StatusView], versions: dict[str, int], exported_at: datetime) -> bytes:
    """The same rows as :func:`export` as an Excel workbook, with choice lists and a sheet of explanations."""
    from ozgtrack.town.workbook import Sheet, SheetColumn, workbook

    columns = tuple(SheetColumn(title, text=f == "key", choices=_CHOICES.get(f, ((), ""))[0],
                                choice_hint=_CHOICES.get(f, ((), ""))[1], max_width=_WIDE.get(f, 30))
                    for f, title, _ in _EXPORTED)
    rows = list(_rows(views, versions, exported_at))
    guide = [[line, ""] for line in _GUIDE] + [["", ""], ["Spalte", "Erläuterung"]]
    guide += [[title, EXPLANATIONS[f]] for f, title, _ in _EXPORTED]
    notes = Sheet("Erläuterungen", (SheetColumn("Arbeitsblatt zum Online-Stand der Leistungen"), SheetColumn("")),
                  guide, freeze=None, header=False, widths=(28, 110))
    return workbook([Sheet("Leistungen", columns, rows, freeze="C2"), notes])


def _rows(views: Iterable[StatusView], versions: dict[str, int], exported_at: datetime) -> Iterable[list[Any]]:
    stamp = exported_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    for v in views:
        yield [*(_cell(getattr(v, f) if f != "ozg_ids" else " ".join(v.ozg_ids)) for f, _, _ in SHEET_COLUMNS),
               versions.get(v.key, 0), stamp]


def _cell(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@dataclass(frozen=True)
class SheetRow:
    """One checked row: the service, its level (if the sheet has the column) and its status values."""

    line: int
    service_id: int
    key: str
    level: Level | None
    level_reason: str | None
    values: dict[str, Any]
    version: int | None = None  # None: the sheet has no version column


@dataclass(frozen=True)
class SheetImport:
    """What a worksheet changes, or the problems that stop it, and the rows left out as conflicts."""

    triage: tuple[KeyChange, ...]
    status: tuple[KeyChange, ...]
    problems: tuple[RowProblem, ...]
    conflicts: tuple[Conflict, ...] = ()
    versioned: bool = True


def import_sheet(session: Session, context: Context, data: bytes, name: str, *, force: bool = False) -> SheetImport:
    """Check every row and apply the sheet's changes to the session (the caller commits or rolls back).

    A row whose service changed after the export would revert that change: unless ``force``, it
    is a conflict, not applied; so is a row whose version is higher than the service's (it cannot
    come from this database) and, in a sheet without the Version column, every row (nobody can tell).
    Rows that change nothing are never conflicts.
    """
    rows, problems, versioned = _read(session, data, name)
    now = versions(session, context.municipality.id)
    stale = [] if force else [r for r in rows if is_stale(r.version, now.get(r.key, 0))]
    stale_ids = {r.service_id for r in stale}
    fresh = [r for r in rows if r.service_id not in stale_ids]
    triage, status = _apply(session, context, fresh, name, problems)
    conflicts: list[Conflict] = []
    if stale:
        with session.begin_nested() as savepoint:
            stale_triage, stale_status = _apply(session, context, stale, name, problems)
            changed = {c.key for c in (*stale_triage, *stale_status)}
            savepoint.rollback()  # they changed nothing (then nothing is lost) or are conflicts
        conflicts = _conflicts(session, [(r.line, r.key, r.version) for r in stale if r.key in changed], now)
    return SheetImport(tuple(triage), tuple(status), tuple(sorted(problems, key=lambda p: p.line)),
                       tuple(conflicts), versioned)


def _apply(session: Session, context: Context, rows: list[SheetRow], name: str,
           problems: list[RowProblem]) -> tuple[list[KeyChange], list[KeyChange]]:
    """Apply the rows' decisions and statuses; their problems are added to ``problems``."""
    line_of = {row.service_id: row.line for row in rows}
    current = {a.service_id: a for a in assignments(session, context.municipality, context.rules,
                                                    service_ids=list(line_of))}
    decisions = []
    for row in rows:
        try:
            if decision := _decision(row, current[row.service_id]):
                decisions.append(decision)
        except InputError as exc:
            problems.append(RowProblem(row.line, str(exc), "row"))
    triage = decide_each(session, context, decisions)
    refused = online_links.sheet_deviations(session, context.municipality.id, {r.service_id: r.values for r in rows})
    problems += [RowProblem(line_of[service_id], f"{current[service_id].key}: {message}", "row")
                 for service_id, message in refused.items()]
    status = update_statuses(session, context, [StatusUpdate(r.service_id, r.values) for r in rows
                                                if r.service_id not in refused], reason=f"Arbeitsblatt {name}")
    problems += [RowProblem(line_of[service_id], message, "row") for service_id, message in status.problems.items()]
    return triage, status.changed


def _read(session: Session, data: bytes, name: str) -> tuple[list[SheetRow], list[RowProblem], bool]:
    table = read_any(data, name, _IMPORTED)
    if not _ANSWER_FIELDS & set(table.columns):
        wanted = ", ".join(title for f, title, _ in SHEET_COLUMNS if f in _ANSWER_FIELDS)
        raise InputError(f"{name} ist kein Status-Arbeitsblatt: es hat keine der Spalten {wanted} "
                         "(ein Arbeitsblatt erzeugt `ozgtrack status export`)")
    known = dict(session.execute(select(Service.key, Service.id)).all())
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        if isinstance(cells, Misfit):
            problems.append(RowProblem(line, str(cells), "row"))
            continue
        cells = {field: restore(value) for field, value in cells.items()}
        try:
            row = _row(line, cells, known)
        except InputError as exc:
            problems.append(RowProblem(line, str(exc), "row"))
            continue
        if row.key in seen:
            problems.append(RowProblem(line, f"{row.key} steht zweimal im Blatt (zuerst in Zeile {seen[row.key]})", "row"))
            continue
        seen[row.key] = line
        rows.append(row)
    return rows, problems, "version" in table.columns


def _row(line: int, cells: dict[str, str], known: dict[str, int]) -> SheetRow:
    key = normalize_key(cells["key"])
    if problem := key_problem(cells["key"]):
        raise InputError(problem)
    if key not in known:
        raise InputError(f"den LeiKa-Schlüssel {key} gibt es im Katalog nicht")
    level = None
    if cells.get("level"):
        try:
            level = Level(cells["level"].strip().lower())
        except ValueError:
            raise InputError(f"die Zuständigkeit {cells['level']!r} ist keine von "
                             f"{wording.listing(Level, 'oder')}") from None
    values = {f: clean_value(f, cells[f]) for f in STATUS_FIELDS if f in cells}
    reason = text("reason", cells["level_reason"]) if cells.get("level_reason") else None
    return SheetRow(line, known[key], key, level, reason, values, _version(cells))


def _decision(row: SheetRow, current: Assignment) -> Decision | None:
    """A changed Zuständigkeit becomes a triage decision; it needs a Begründung of its own."""
    if row.level is None:
        return None
    if row.level is current.level and (not current.decided or row.level_reason in (current.reason, None)):
        return None
    if not row.level_reason or row.level_reason == current.reason and row.level is not current.level:
        raise InputError(f"{row.key}: Zuständigkeit auf {row.level.value} geändert, aber ohne neue Begründung "
                         "(Spalte „Begründung Zuständigkeit“)")
    return Decision(row.service_id, row.level, row.level_reason)


def sheet_views(session: Session, context: Context, department: str | None = None, *,
                undecided: bool = False) -> list[StatusView]:
    """The rows of the worksheet: the services the town executes, with ``undecided`` also those still unklar.

    ``department`` names one Fachbereich in use (:func:`ozgtrack.town.departments.resolve_department`).
    """
    from ozgtrack.town.departments import resolve_department
    from ozgtrack.town.municipalities import executed_levels
    from ozgtrack.town.tracking import Filters, views

    own = {level.value for level in executed_levels(context.municipality)}
    if undecided:
        own.add(Level.UNKLAR.value)
    found = [v for v in views(session, context, Filters(undecided=True)) if not v.withdrawn]
    if department is not None:
        chosen = name_key(resolve_department(session, context, department))
        found = [v for v in found if name_key(v.department or "") == chosen]
    return [v for v in found if v.level in own]
