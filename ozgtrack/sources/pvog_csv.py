"""Reader of the PVOG Suchdienst CSV per ARS (``v5/servicedescriptions/csv?ars=``).

UTF-8, ``|``-separated, no quoting (a ``"`` inside a name is written doubled, and never opens a
quoted cell), one row per Leistungsbeschreibung × Onlinedienst; an empty ``ID-OD`` means no online
service is registered. The file does not name its ARS: the Mandant of ``ID-LB`` tells who registered
each row (``B…`` the Bund, ``L…`` a Land, others the Kommune), and only a file of Bund rows alone names
its ARS (``000000000000``) by its content. For any other file the caller must say which ARS it was
asked for (the URL's ``ars=`` or ``--ars``); a file of Bund rows alone is never another ARS' listing.
It is a complete listing: everything registered for that ARS.
"""

from __future__ import annotations

import re
from datetime import datetime

from ozgtrack import wording
from ozgtrack.ars import Ars
from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.sources._evidence import (
    BUND_ARS, Evidence, EvidenceEntry, EvidenceFormat, EvidenceProblem, level_of_ars, mandant_level,
)
from ozgtrack.sources._table import MAX_ROWS
from ozgtrack.sources._text import header_key, open_lines
from ozgtrack.errors import SourceError

_ARS_IN_NAME = re.compile(r"(?<![0-9])([0-9]{12})(?![0-9])")  # only for the hint: a name proves nothing
HEADER = ("ID-LB", "Leikaschlüssel", "Name", "Name2", "Updatedatum", "ID-OD", "Bezeichnung OD", "Links")
_FIELDS = {"idlb": "lb_id", "leikaschluessel": "key", "name": "name", "name2": "name2", "updatedatum": "updated",
           "idod": "od_id", "bezeichnungod": "title", "links": "url"}
MARKERS = frozenset({"idlb", "leikaschluessel", "idod"})


def read(data: bytes, name: str, asked: str | None) -> Evidence:
    """The registrations of the CSV for the ARS it was ``asked`` for (None: not known, so Bund rows only)."""
    name, lines = open_lines(data, name)
    header = next(lines, "").rstrip("\r\n").split("|")
    positions = {header_key(h): i for i, h in enumerate(header)}
    missing = [h for h in HEADER if header_key(h) not in positions]
    if missing:
        raise SourceError(f"{name}: Spalte {missing[0]!r} fehlt – ist das die CSV-Datei des PVOG-Suchdienstes?")
    rows_read: list[tuple[int, dict[str, str]]] = []
    problems: list[EvidenceProblem] = []
    rows = 0
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
        rows_read.append((number, {field: cells[positions[key]].strip().replace('""', '"')
                                   for key, field in _FIELDS.items()}))
    subject = _subject(rows_read, name, asked)
    entries, newest = [], None
    for number, row in rows_read:
        entry = _entry(row, number, subject)
        if isinstance(entry, EvidenceProblem):
            problems.append(entry)
            continue
        entries.append(entry)
        newest = max(filter(None, (newest, _date(row["updated"]))), default=None)
    return Evidence(EvidenceFormat.SUCHDIENST_CSV, tuple(entries), rows, (subject,), True, newest, tuple(problems))


def _subject(rows: list[tuple[int, dict[str, str]]], name: str, asked: str | None) -> str:
    """The ARS the file lists: the one it was asked for; a file of Bund rows alone is the Bund's listing."""
    if not rows:
        return asked or BUND_ARS  # no readable row: refused as such by the caller
    federal_only = all(mandant_level(row["lb_id"]) == "bund" for _, row in rows)
    if federal_only and asked not in (None, BUND_ARS):
        raise SourceError(
            f"{name} enthält nur Einträge der Bundesredaktion, ist also die Liste für den Bund (ARS {BUND_ARS}), "
            f"nicht für ARS {asked}; {wording.NOTHING_CHANGED}. Ohne --ars einspielen: die Daten des Bundes gelten "
            "für jede Kommune")
    if federal_only:
        return BUND_ARS
    if asked is None:
        named = _ARS_IN_NAME.search(name)
        hint = (f" (der Dateiname nennt {named.group(1)}: --ars {named.group(1)}, wenn sie dafür abgefragt wurde)"
                if named else "")
        raise SourceError(
            f"{name} nennt nicht, für welchen ARS sie abgefragt wurde (die CSV des PVOG-Suchdienstes enthält keinen "
            f"ARS); {wording.NOTHING_CHANGED}. Geben Sie ihn mit --ars ARS an{hint}")
    if level_of_ars(asked).value == "bund":
        raise SourceError(f"{name} enthält Einträge von Land oder Kommune, ist also nicht die Liste für den Bund "
                          f"(ARS {BUND_ARS}); {wording.NOTHING_CHANGED}")
    return asked


def _entry(row: dict[str, str], line: int, ars: str) -> EvidenceEntry | EvidenceProblem:
    if problem := key_problem(row["key"]):
        return EvidenceProblem(line, problem)
    mandant = mandant_level(row["lb_id"])
    at = BUND_ARS if mandant == "bund" else str(Ars(ars).land_ars()) if mandant == "land" else ars
    return EvidenceEntry(
        leika_key=normalize_key(row["key"]), ars=at, service_name=row["name2"] or row["name"], line=line,
        lb_id=row["lb_id"] or None, od_id=row["od_id"] or None, title=row["title"] or None,
        url=row["url"] or None, provider=None, stated=_date(row["updated"]),
    )


def _date(text: str) -> datetime | None:
    """``20.01.2025 00:48`` (the Suchdienst's Updatedatum); None when absent or unreadable."""
    for pattern in ("%d.%m.%Y %H:%M", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern) if text.isascii() else None
        except ValueError:
            continue
    return None
