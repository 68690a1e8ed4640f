"""Case numbers (Fallzahlen) per service and year: read the Fachbereiche's list, check it, store it.

Columns are found by name. Every row is checked first; one bad row and nothing is stored. There
is one value per municipality, service and year: importing a year again replaces its values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.cells import restore
from ozgtrack.errors import InputError
from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.numbers import whole
from ozgtrack.records import RowProblem
from ozgtrack.sources._table import Column, Misfit
from ozgtrack.sources._xlsx import read_any
from ozgtrack.store.db import rows
from ozgtrack.store.models import CaseCount, Service
from ozgtrack.town.context import Context
from ozgtrack.views.priorities import CaseImport

COLUMNS = (
    Column("key", ("leikaschluessel", "schluessel", "leika", "leistungsschluessel", "key"), required=True, key=True),
    Column("year", ("jahr", "year"), required=True),
    Column("cases", ("fallzahl", "fallzahlen", "anzahl", "faelle", "cases"), required=True),
)
# Years outside this range are typing mistakes (or an Excel date turned into a number).
YEARS = (2000, 2100)


def read_cases(data: bytes, name: str, service_ids: dict[str, int]) -> tuple[list[tuple[int, dict[str, Any]]],
                                                                            list[RowProblem]]:
    """The file's rows as {service_id, year, cases} with their row numbers, and the problems of the bad ones."""
    table = read_any(data, name, COLUMNS)
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        if isinstance(cells, Misfit):
            problems.append(RowProblem(line, str(cells), "row"))
            continue
        try:
            values = _row({f: restore(v) for f, v in cells.items()}, service_ids)
        except InputError as exc:
            problems.append(RowProblem(line, str(exc), "row"))
            continue
        identity = (values["service_id"], values["year"])
        if identity in seen:
            problems.append(RowProblem(line, f"Leistung {values['key']} steht für {values['year']} doppelt in der "
                                             f"Liste (zuerst in Zeile {seen[identity]})", "row"))
            continue
        seen[identity] = line
        rows.append((line, values))
    return rows, problems


def _row(cells: dict[str, str], service_ids: dict[str, int]) -> dict[str, Any]:
    text = cells.get("key", "")
    if problem := key_problem(text):
        raise InputError(problem)
    key = normalize_key(text)
    if key not in service_ids:
        raise InputError(f"der Schlüssel {key} steht nicht im Katalog (siehe `ozgtrack catalog search`)")
    if not cells.get("cases", "").strip():
        raise InputError("die Fallzahl fehlt")
    if not cells.get("year", "").strip():
        raise InputError("das Jahr fehlt")
    year = whole(cells["year"], "Jahr", *YEARS, grouped=False)
    return {"key": key, "service_id": service_ids[key], "year": year,
            "cases": whole(cells["cases"], "Fallzahl")}


def service_ids(session: Session) -> dict[str, int]:
    return {key: i for key, i in rows(session, select(Service.key, Service.id))}


def import_cases(session: Session, context: Context, rows: list[tuple[int, dict[str, Any]]]) -> CaseImport:
    """Store the rows, replacing the value of the same service and year (the caller commits or rolls back)."""
    stored = {(c.service_id, c.year): c for c in session.scalars(select(CaseCount).where(
        CaseCount.municipality_id == context.municipality.id))}
    added = changed = unchanged = 0
    for _, values in rows:
        current = stored.get((values["service_id"], values["year"]))
        if current is None:
            session.add(CaseCount(municipality_id=context.municipality.id, service_id=values["service_id"],
                                  year=values["year"], cases=values["cases"], imported_at=context.now))
            added += 1
        elif current.cases != values["cases"]:
            current.cases, current.imported_at = values["cases"], context.now
            changed += 1
        else:
            unchanged += 1
    session.flush()
    return CaseImport(added, changed, unchanged)


def newest(session: Session, municipality_id: int) -> dict[int, tuple[int, int]]:
    """Each service's newest year with its case number: {service id: (year, cases)}."""
    found: dict[int, tuple[int, int]] = {}
    query = select(CaseCount.service_id, CaseCount.year, CaseCount.cases).where(
        CaseCount.municipality_id == municipality_id).order_by(CaseCount.year)
    for service_id, year, cases in rows(session, query):
        found[service_id] = (year, cases)
    return found
