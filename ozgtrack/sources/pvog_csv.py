"""Reader of the PVOG Suchdienst CSV per ARS (``v5/servicedescriptions/csv?ars=``).

UTF-8, ``|``-separated, no quoting (a ``"`` inside a name is written doubled, and never opens a
quoted cell), one row per Leistungsbeschreibung × Onlinedienst; an empty ``ID-OD`` means no online
service is registered. The file does not name its ARS: the caller passes the ARS it asked for.
The Mandant of ``ID-LB`` tells who registered it: ``B…`` the Bund, ``L…`` the Land, others the Kommune.
"""

from __future__ import annotations

from datetime import datetime

from ozgtrack import wording
from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.sources._evidence import (
    BUND_ARS, Evidence, EvidenceEntry, EvidenceFormat, EvidenceProblem, mandant_level,
)
from ozgtrack.sources._table import MAX_ROWS
from ozgtrack.sources._text import header_key, open_lines
from ozgtrack.errors import SourceError

HEADER = ("ID-LB", "Leikaschlüssel", "Name", "Name2", "Updatedatum", "ID-OD", "Bezeichnung OD", "Links")
_FIELDS = {"idlb": "lb_id", "leikaschluessel": "key", "name": "name", "name2": "name2", "updatedatum": "updated",
           "idod": "od_id", "bezeichnungod": "title", "links": "url"}
MARKERS = frozenset({"idlb", "leikaschluessel", "idod"})


def read(data: bytes, name: str, ars: str) -> Evidence:
    """The registrations of the CSV for ``ars``; a row that cannot be read is a problem, not an entry."""
    name, lines = open_lines(data, name)
    header = next(lines, "").rstrip("\r\n").split("|")
    positions = {header_key(h): i for i, h in enumerate(header)}
    missing = [h for h in HEADER if header_key(h) not in positions]
    if missing:
        raise SourceError(f"{name}: Spalte {missing[0]!r} fehlt – ist das die CSV-Datei des PVOG-Suchdienstes?")
    entries, problems, newest, rows = [], [], None, 0
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise SourceError(f"{name} hat mehr als {wording.number(MAX_ROWS)} Zeilen; ist das die richtige Datei?")
        cells = line.rstrip("\r\n").split("|")
        if len(cells) != len(header):
            problems.append(EvidenceProblem(number, f"{len(cells)} statt {len(header)} Felder (ein | im Text?)"))
            continue
        row = {field: cells[positions[key]].strip().replace('""', '"') for key, field in _FIELDS.items()}
        entry = _entry(row, number, ars)
        if isinstance(entry, EvidenceProblem):
            problems.append(entry)
            continue
        entries.append(entry)
        newest = max(filter(None, (newest, _date(row["updated"]))), default=None)
    return Evidence(EvidenceFormat.SUCHDIENST_CSV, tuple(entries), rows, ars, newest, tuple(problems))


def _entry(row: dict[str, str], line: int, ars: str) -> EvidenceEntry | EvidenceProblem:
    if problem := key_problem(row["key"]):
        return EvidenceProblem(line, problem)
    mandant = mandant_level(row["lb_id"])
    at = BUND_ARS if mandant == "bund" else ars[:2] + "0" * 10 if mandant == "land" else ars
    return EvidenceEntry(
        leika_key=normalize_key(row["key"]), ars=at, service_name=row["name2"] or row["name"], line=line,
        lb_id=row["lb_id"] or None, od_id=row["od_id"] or None, title=row["title"] or None,
        url=row["url"] or None, provider=None,
    )


def _date(text: str) -> datetime | None:
    """``20.01.2025 00:48`` (the Suchdienst's Updatedatum); None when absent or unreadable."""
    for pattern in ("%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern) if text.isascii() else None
        except ValueError:
            continue
    return None
