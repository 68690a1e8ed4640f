"""The plan worksheet: measures out to Excel and back, one format both ways, idempotent by measure ID.

A row with an ID changes that measure; a row without one adds a measure (or is the measure with
the same title, so a sheet imported twice adds nothing twice). Every row is checked first: one
bad row and nothing changes. A row whose measure someone changed after the export (its Version
is older) would undo that change: it is a conflict, left out unless forced; so is a row whose
Version is higher than the measure's (it cannot come from this database) and, in a sheet without
the Version column, every row that changes a measure (nobody can tell).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.cells import excel_csv, restore
from ozgtrack.errors import InputError
from ozgtrack.plan import measures as m
from ozgtrack.plan.values import FUNDING, ORIGINS, STATES, fold, measure_number, measure_ref
from ozgtrack.records import RowProblem
from ozgtrack.sources._table import Column, Misfit, header_key
from ozgtrack.sources._xlsx import read_any
from ozgtrack.store.models import Measure, MeasureEntry
from ozgtrack.town.context import Context
from ozgtrack.town.sheets import is_stale, row_version
from ozgtrack.views.plan import MeasureView, PlanConflict, PlanImport

_EXTRA = {"title": ("massnahme", "title"), "services": ("leistung", "ozgleistungen"), "owner": ("verantwortlich",),
          "progress": ("fortschritt",), "cost": ("kosten",)}
_HEAD = (("ref", "ID"),)
_TAIL = (("last_note", "Datum letzte Notiz"), ("note", "Neue Notiz"), ("version", "Version"), ("exported_at", "Exportiert am"))
HEADERS = (*_HEAD, *((f, m.LABELS[f]) for f in m.FIELDS), *_TAIL)
_READ = [Column("ref", ("id", "massnahmenid")), Column("note", ("neuenotiz", "notiz")), Column("version", ("version",)),
         *(Column(f, (header_key(m.LABELS[f]), *_EXTRA.get(f, ()), f), required=f == "title") for f in m.FIELDS)]
EXPLANATIONS = {
    "ref": "Die Nummer der Maßnahme (M-001 …). Bitte nicht ändern. Leer lassen für eine neue Maßnahme.",
    "title": "Was getan wird, in einem Satz.",
    "lebensbereich": "Der Lebensbereich der Maßnahme (Auswahlliste).",
    "services": "Die Leistungen, die die Maßnahme online bringt: LeiKa-Schlüssel oder OZG-IDs, durch Kommas getrennt.",
    "owner": "Der verantwortliche Fachbereich.",
    "origin": "Woher die Maßnahme kommt: " + ", ".join(ORIGINS) + " (Auswahlliste).",
    "proposals": "Die Ideen, auf die sie antwortet: IDs aus `ozgtrack plan proposals list`, durch Kommas getrennt.",
    "ortschaft": "Nur wenn sie eine Ortschaft betrifft; sonst leer.",
    "start": "Beginn: ein Jahr (2027) oder ein Quartal (2027-Q2).",
    "end": "Ende: ein Jahr (2028) oder ein Quartal (2028-Q4); nicht vor dem Beginn.",
    "state": "Stand: " + ", ".join(STATES) + " (Auswahlliste).",
    "progress": "Fortschritt in Prozent, 0 bis 100.",
    "weight": "Gewicht der Maßnahme im Plan, 1 bis 100.",
    "cost": "Geschätzte Kosten in ganzen Euro.",
    "funding": "Finanzierung: " + ", ".join(FUNDING) + " (Auswahlliste).",
    "last_note": "Datum der letzten Fortschrittsnotiz; nur zur Information.",
    "note": "Eine neue Fortschrittsnotiz: sie wird beim Einlesen mit Datum an die Maßnahme angehängt.",
    "version": "Der Stand der Maßnahme beim Export. Bitte nicht ändern: daran erkennt das Einlesen, ob jemand die "
               "Maßnahme nach dem Export geändert hat; solche Zeilen werden nicht übernommen.",
    "exported_at": "Wann das Arbeitsblatt erzeugt wurde (UTC); nur zur Information.",
}


def export_rows(views: Iterable[MeasureView], versions: dict[int, int], exported_at: datetime) -> list[list[Any]]:
    stamp = exported_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    rows = []
    for v in views:
        values = {f: ", ".join(getattr(v, f)) if f in ("services", "proposals") else getattr(v, f) for f in m.FIELDS}
        rows.append([v.ref, *(values[f] for f in m.FIELDS), v.last_note.isoformat() if v.last_note else "", "",
                     versions.get(measure_number(v.ref), 0), stamp])
    return rows


def export_csv(views: Iterable[MeasureView], versions: dict[int, int], exported_at: datetime) -> str:
    """The worksheet as CSV for Excel (``;``, UTF-8 with BOM)."""
    return excel_csv([title for _, title in HEADERS], export_rows(views, versions, exported_at))


def export_workbook(views: Iterable[MeasureView], versions: dict[int, int], exported_at: datetime,
                    lebensbereiche: tuple[str, ...], ortschaften: tuple[str, ...]) -> bytes:
    """The worksheet as an Excel workbook with choice lists and a sheet of explanations."""
    from ozgtrack.town.workbook import Sheet, SheetColumn, workbook

    choices = {"state": STATES, "origin": ORIGINS, "lebensbereich": lebensbereiche, "funding": FUNDING,
               "ortschaft": ortschaften}
    columns = tuple(SheetColumn(title, text=f in ("ref", "services", "proposals", "start", "end"),
                                choices=choices.get(f, ()), max_width=50 if f == "title" else 30)
                    for f, title in HEADERS)
    guide = [["Bitte im Blatt „Maßnahmen“ ausfüllen und als Excel-Arbeitsmappe (.xlsx) zurückgeben. Jede Zeile "
              "wird beim Einlesen geprüft; ist eine fehlerhaft, wird nichts übernommen.", ""], ["", ""],
             ["Spalte", "Erläuterung"], *([title, EXPLANATIONS[f]] for f, title in HEADERS)]
    notes = Sheet("Erläuterungen", (SheetColumn("Arbeitsblatt zum Mehrjahresplan"), SheetColumn("")), guide,
                  freeze=None, header=False, widths=(28, 110))
    return workbook([Sheet("Maßnahmen", columns, export_rows(views, versions, exported_at), freeze="C2"), notes])


def import_sheet(session: Session, context: Context, data: bytes, name: str, known: m.Checks, *,
                 force: bool = False) -> PlanImport:
    """Check every row, then apply the sheet to the session (the caller commits or rolls back)."""
    stored = {x.number: x for x in session.scalars(select(Measure).where(
        Measure.municipality_id == context.municipality.id))}
    rows, problems = _read(data, name, known, stored)
    if problems:
        return PlanImport((), tuple(problems))
    now = m.versions(session, context.municipality.id)
    changes, conflicts = [], []
    for line, measure, values, note, version in rows:
        if measure is None:
            changes.append(m.add(session, context, values, note))
            continue
        differs = {f: v for f, v in values.items() if getattr(measure, f) != v}
        note = None if note == _last_note(session, measure) else note
        if differs and is_stale(version, now.get(measure.number, 0)) and not force:
            conflicts.append(_conflict(session, line, measure, version, now.get(measure.number, 0)))
            continue
        if change := m.update(session, context, measure, differs, note, reason=f"Arbeitsblatt {name}"):
            changes.append(change)
    return PlanImport(tuple(changes), (), tuple(conflicts))


def _read(data: bytes, name: str, known: m.Checks, stored: dict[int, Measure]) -> tuple[list[Any], list[RowProblem]]:
    table = read_any(data, name, _READ)
    by_title = {fold(x.title): x for x in stored.values()}
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        if isinstance(cells, Misfit):
            problems.append(RowProblem(line, str(cells), "row"))
            continue
        cells = {f: restore(v) for f, v in cells.items()}
        try:
            measure, values, version = _row(cells, known, stored, by_title)
        except InputError as exc:
            problems.append(RowProblem(line, str(exc), "row"))
            continue
        identity = measure.number if measure is not None else fold(values["title"])
        if identity in seen:
            problems.append(RowProblem(line, f"die Maßnahme steht doppelt im Blatt (zuerst in Zeile {seen[identity]})",
                                       "row"))
            continue
        seen[identity] = line
        rows.append((line, measure, values, cells.get("note") or None, version))
    return rows, problems


def _row(cells: dict[str, str], known: m.Checks, stored: dict[int, Measure],
         by_title: dict[str, Measure]) -> tuple[Measure | None, dict[str, Any], int | None]:
    if cells.get("ref", "").strip():
        number = measure_number(cells["ref"])
        if number not in stored:
            raise InputError(f"Maßnahme {measure_ref(number)} gibt es nicht; für eine neue Maßnahme die ID leer lassen")
        measure: Measure | None = stored[number]
    else:
        measure = by_title.get(fold(cells["title"]))
    # A row without ID may leave Stand, Fortschritt and Gewicht empty: a new measure starts as vorgeschlagen, 0, 1.
    given = bool(cells.get("ref", "").strip())
    values = {f: m.clean(f, cells[f], known) for f in m.FIELDS
              if f in cells and (given or cells[f].strip() or f not in ("state", "progress", "weight"))}
    current = {f: getattr(measure, f) for f in ("start", "end")} if measure is not None else {}
    m.check_period({**current, **values})
    return measure, values, row_version(cells)


def _last_note(session: Session, measure: Measure) -> str | None:
    return session.scalar(select(MeasureEntry.note).where(MeasureEntry.measure_id == measure.id,
                                                          MeasureEntry.note.is_not(None))
                          .order_by(MeasureEntry.id.desc()).limit(1))


def _conflict(session: Session, line: int, measure: Measure, version: int | None, now: int) -> PlanConflict:
    last = session.scalar(select(MeasureEntry).where(MeasureEntry.measure_id == measure.id)
                          .order_by(MeasureEntry.id.desc()).limit(1))
    return PlanConflict(line, measure_ref(measure.number), last.at, last.by, version, now)
