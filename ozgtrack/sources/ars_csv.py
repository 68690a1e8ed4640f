"""Reader of the Destatis list of municipalities (Amtlicher Regionalschlüssel): CSV, or the XRepository workbook."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ozgtrack.ars import Ars
from ozgtrack.fields import control_problem
from ozgtrack.records import RowProblem
from ozgtrack.sources._table import Column, Misfit
from ozgtrack.sources._xlsx import read_any
from ozgtrack.values import ags_of, ars_problem

COLUMNS = (
    Column("ars", ("ars", "regionalschluessel", "amtlicherregionalschluessel", "schluessel"), required=True, key=True),
    Column("name", ("bezeichnung", "name", "gemeinde", "gemeindename"), required=True),
    Column("note", ("hinweis", "bemerkung")),
    Column("land", ("land", "bundesland", "landschluessel")),
    Column("ags", ("ags", "gemeindeschluessel", "amtlichergemeindeschluessel")),
)


@dataclass(frozen=True, slots=True)
class MunicipalityRecord:
    ars: str
    name: str
    note: str | None
    line: int

    @property
    def ags(self) -> str:
        return ags_of(self.ars)

    @property
    def land(self) -> str:
        return Ars(self.ars).land


@dataclass(frozen=True)
class MunicipalityList:
    records: tuple[MunicipalityRecord, ...]
    rows: int
    problems: tuple[RowProblem, ...]


def read(data: bytes, name: str) -> MunicipalityList:
    """Parse the list (CSV or .xlsx, told by content).

    A wrong ARS, an AGS or Land that does not fit it, or a repeated ARS is a problem of its row.
    """
    table = read_any(data, name, COLUMNS)
    records, problems, first = [], [], {}
    rows = 0
    for line, row in table.rows:
        rows += 1
        if isinstance(row, Misfit):
            problems.append(RowProblem(line, str(row)))
            continue
        ars = "".join(row["ars"].split())
        name, note = (unicodedata.normalize("NFC", row.get(f) or "") for f in ("name", "note"))
        problem = _control(table.headers, name=name, note=note) or ars_problem(ars) or _mismatch(ars, row) or (
            f"der ARS {ars} steht zweimal in der Liste (zuerst in Zeile {first[ars]})" if ars in first else None) or (
            None if name else "die Bezeichnung der Gemeinde ist leer (eine Zeile nur mit ARS?)")
        if problem:
            problems.append(RowProblem(line, problem))
            continue
        first[ars] = line
        records.append(MunicipalityRecord(ars, name, note or None, line))
    return MunicipalityList(tuple(records), rows, tuple(problems))


def _control(headers: dict[str, str], **cells: str) -> str | None:
    """A control character in a name is no data (a C1 byte is mostly a file read in the wrong encoding)."""
    for field, cell in cells.items():
        if problem := control_problem(cell):
            return f"Spalte „{headers.get(field, field)}“ {problem}"
    return None


def _mismatch(ars: str, row: dict[str, str]) -> str | None:
    if row.get("ags") and row["ags"] != ags_of(ars):
        return f"der AGS {row['ags']} gehört nicht zum ARS {ars} (erwartet: {ags_of(ars)})"
    if row.get("land") and row["land"].zfill(2) != (land := Ars(ars).land):
        return f"das Land {row['land']} gehört nicht zum ARS {ars} (erwartet: {land})"
    return None
