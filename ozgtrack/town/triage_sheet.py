"""The triage worksheet: services out to a CSV for the departments with the suggested level, their decisions back in.

Made like the status worksheet (ozgtrack.town.worksheet): ``;``, UTF-8 with BOM, formula-like cells
neutralised; read back as Excel or LibreOffice save it, every row checked, all of it or nothing.
A row's Entscheidung is the town's decision (it needs a Begründung); an empty Entscheidung means
the rule holds: a decision the service had is taken back ("zurück zur Regel", kept in the history).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.cells import excel_csv, restore
from ozgtrack.errors import InputError
from ozgtrack.fields import text as clean_text
from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.records import RowProblem
from ozgtrack.sources._text import Column, Misfit
from ozgtrack.sources._xlsx import read_any
from ozgtrack.store.models import Service
from ozgtrack.town.context import Context
from ozgtrack.town.sheets import Conflict, conflicts, is_stale, row_version, versions
from ozgtrack.town.triage import assignments, decide_each, effects, family, level_text, reset
from ozgtrack.values import Level
from ozgtrack.views.tracking import DECISION, Assignment, Decision, TriageChange

HEADER = ("Schlüssel", "Leistung", "Typisierung", "OZG-IDs", "vorgeschlagene Zuständigkeit", "Grund",
          "Entscheidung", "Begründung", "Version")
_COLUMNS = [
    Column("key", ("schluessel", "leikaschluessel", "key"), required=True, key=True, label="Schlüssel"),
    Column("decision", ("entscheidung", "decision")),
    Column("reason", ("begruendung", "reason")),
    Column("version", ("version", "stand")),
]
_DECISIONS = tuple(level.value for level in Level if level is not Level.UNKLAR)
_DECIDABLE = ", ".join(_DECISIONS)
_EXPLANATIONS = (
    ("Schlüssel", "14-stelliger Schlüssel der Leistung im Leistungskatalog (LeiKa); als Text, bitte nicht ändern."),
    ("Leistung, Typisierung, OZG-IDs", "Zur Orientierung; sie werden beim Einlesen nicht gelesen."),
    ("vorgeschlagene Zuständigkeit, Grund", "Was ohne eigene Entscheidung gilt: die Ebene nach den "
     "Zuständigkeitsregeln und warum."),
    ("Entscheidung", f"Die Entscheidung der Stadt: {_DECIDABLE} (Auswahlliste). Leer heißt: es gilt die Regel; eine "
     "bisherige Entscheidung wird dann zurückgenommen."),
    ("Begründung", "Pflicht zu jeder Entscheidung, z. B. „Meldebehörde ist die Stadt“."),
    ("Version", "Der Stand der Leistung beim Export. Bitte nicht ändern: eine Zeile, deren Leistung danach geändert "
     "wurde, wird nicht übernommen, damit keine neuere Änderung verloren geht."),
    ("eigene Leistung", "Eine Leistung, die die Stadt selbst vollzieht (Zuständigkeit Gemeinde; bei einer "
     "kreisfreien Stadt auch Landkreis). Nur sie zählen in der Lückenanalyse."),
)
UNIT = "Zeile"  # problems are named by the row Excel shows


def export(found: Iterable[Assignment], ozg_ids: dict[int, tuple[str, ...]], now: dict[str, int]) -> str:
    """One row per service: the level it would have without a decision of its own, and its decision."""
    return excel_csv(list(HEADER), _rows(found, ozg_ids, now))


def export_workbook(found: Iterable[Assignment], ozg_ids: dict[int, tuple[str, ...]], now: dict[str, int],
                    stand: Iterable[tuple[str, str]] = ()) -> bytes:
    """The rows of :func:`export` as an Excel workbook: keys as text, a choice list for Entscheidung, and a sheet
    "Erläuterungen" with the ``stand`` lines (town, day, catalogue) and what each column means."""
    from ozgtrack.town.workbook import Sheet, SheetColumn, workbook

    columns = tuple(SheetColumn(title, text=title != "Version", max_width=60 if title == "Leistung" else 40,
                                choices=_DECISIONS if title == "Entscheidung" else (),
                                choice_hint=f"Bitte eine Zuständigkeit wählen: {_DECIDABLE}; leer: es gilt die Regel.")
                    for title in HEADER)
    guide = [*([what, value] for what, value in stand), ["", ""], ["Spalte", "Erläuterung"],
             *([title, text] for title, text in _EXPLANATIONS)]
    notes = Sheet("Erläuterungen", (SheetColumn("Arbeitsblatt zur Zuständigkeit der Leistungen"), SheetColumn("")),
                  guide, freeze=None, header=False, widths=(30, 110))
    return workbook([Sheet("Zuständigkeit", columns, _rows(found, ozg_ids, now), freeze="C2"), notes])


def _rows(found: Iterable[Assignment], ozg_ids: dict[int, tuple[str, ...]], now: dict[str, int]) -> list[list[object]]:
    rows = []
    for a in found:
        suggested, why = (a.rule.level, a.rule.reason) if a.origin == DECISION and a.rule else (a.level, a.reason)
        own = (a.level.value if a.level else "", a.reason) if a.origin == DECISION else ("", "")
        rows.append([a.key, a.name, a.typisierung or "", " ".join(ozg_ids.get(a.service_id, ())),
                     level_text(suggested), why, *own, now.get(a.key, 0)])
    return rows


@dataclass(frozen=True)
class _Row:
    line: int
    service_id: int
    key: str
    level: Level | None  # None: no decision, the rule holds
    reason: str | None
    version: int | None


@dataclass(frozen=True)
class TriageImport:
    """What a triage worksheet changes, or the problems that stop it, and the rows left out as conflicts."""

    changes: tuple[TriageChange, ...]
    problems: tuple[RowProblem, ...]
    conflicts: tuple[Conflict, ...]
    versioned: bool


def import_sheet(session: Session, context: Context, data: bytes, name: str, *, force: bool = False) -> TriageImport:
    """Check every row and apply the decisions to the session (the caller commits or rolls back).

    A row whose service changed after the export would undo that change: unless ``force`` it is a
    conflict, not applied; so is a row whose version is higher than the service's (it cannot come
    from this database) and, in a sheet without the Version column, every row (nobody can tell).
    Rows that change nothing are never conflicts.
    """
    rows, problems, versioned = _read(session, data, name)
    if problems:
        return TriageImport((), tuple(problems), (), versioned)
    now = versions(session, context.municipality.id)
    stale = [] if force else [r for r in rows if is_stale(r.version, now.get(r.key, 0))]
    stale_ids = {r.service_id for r in stale}
    found = conflicts(session, [(r.line, r.key, r.version) for r in stale if _would_change(session, context, r)],
                      now)
    return TriageImport(tuple(_apply(session, context, [r for r in rows if r.service_id not in stale_ids])), (),
                        tuple(found), versioned)


def _would_change(session: Session, context: Context, row: _Row) -> bool:
    current = assignments(session, context.municipality, context.rules, service_ids=[row.service_id])[0]
    if row.level is None:
        return current.decided
    return not current.decided or (current.level, current.reason) != (row.level, row.reason)


def _apply(session: Session, context: Context, rows: list[_Row]) -> list[TriageChange]:
    ids = family(session, [r.service_id for r in rows])
    before = assignments(session, context.municipality, context.rules, service_ids=ids)
    decided = decide_each(session, context, [Decision(r.service_id, r.level, r.reason or "")
                                             for r in rows if r.level is not None])
    taken_back = reset(session, context, [r.service_id for r in rows if r.level is None])
    after = assignments(session, context.municipality, context.rules, service_ids=ids)
    how = {c.key: "decision" for c in decided} | {c.key: "reset" for c in taken_back}
    return effects(before, after, how)


def _read(session: Session, data: bytes, name: str) -> tuple[list[_Row], list[RowProblem], bool]:
    table = read_any(data, name, _COLUMNS)
    if "decision" not in table.columns:
        raise InputError(f"{name} ist kein Zuständigkeits-Arbeitsblatt: die Spalte Entscheidung fehlt "
                         "(erstellen Sie es mit `ozgtrack triage export`)")
    known = dict(session.execute(select(Service.key, Service.id)).all())
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        if isinstance(cells, Misfit):
            problems.append(RowProblem(line, str(cells), UNIT))
            continue
        try:
            row = _row(line, {f: restore(v) for f, v in cells.items()}, known)
        except InputError as exc:
            problems.append(RowProblem(line, str(exc), UNIT))
            continue
        if row.key in seen:
            problems.append(RowProblem(line, f"{row.key} steht zweimal im Blatt (zuerst in Zeile {seen[row.key]})",
                                       UNIT))
            continue
        seen[row.key] = line
        rows.append(row)
    return rows, problems, "version" in table.columns


def _row(line: int, cells: dict[str, str], known: dict[str, int]) -> _Row:
    if problem := key_problem(cells["key"]):
        raise InputError(problem)
    key = normalize_key(cells["key"])
    if key not in known:
        raise InputError(f"unbekannter LeiKa-Schlüssel {key}")
    # Checked as every text is (ozgtrack.fields) before its white space becomes one line.
    reason = " ".join((clean_text("reason", cells.get("reason", "")) or "").split()) or None
    text = cells["decision"].strip().lower()
    version = row_version(cells)
    if not text:
        if reason:
            raise InputError(f"{key}: Begründung ohne Entscheidung; tragen Sie die Zuständigkeit ein "
                             "oder leeren Sie die Begründung (dann gilt die Regel)")
        return _Row(line, known[key], key, None, None, version)
    if text == Level.UNKLAR.value:
        raise InputError(f"{key}: „unklar“ ist keine Entscheidung; leeren Sie die Zelle Entscheidung, "
                         "dann gilt die Regel")
    try:
        level = Level(text)
    except ValueError:
        raise InputError(f"{key}: Entscheidung {cells['decision']!r} ist keine Zuständigkeit ({_DECIDABLE})") from None
    if not reason:
        raise InputError(f"{key}: die Entscheidung {level.value} braucht eine Begründung")
    return _Row(line, known[key], key, level, reason, version)
