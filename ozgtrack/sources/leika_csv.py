"""Reader of the official LeiKa export ``leika_leistungen_de.csv`` (bare or inside its zip)."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.records import Catalogue, RowProblem, ServiceRecord, Source
from ozgtrack.sources._text import Column, Misfit, open_lines, read_table

MEMBER_NAME = "leika_leistungen_de.csv"

# Column names as the official export and programs reading it spell them, after header_key().
COLUMNS = (
    Column("key", ("schluessel", "leistungsschluessel", "leikaschluessel", "leikaid", "key"), required=True, key=True),
    Column("name", ("bezeichnung", "leistungsbezeichnung", "leikabezeichnung", "name"), required=True),
    Column("name2", ("bezeichnung2", "bezeichnungii", "leistungsbezeichnung2", "leistungsbezeichnungii")),
    Column("typ", ("typ", "typisierung", "leikatyp")),
    Column("synonyms", ("synonyme", "synonym")),
    Column("features", ("besonderemerkmale",)),
    Column("published", ("veroeffentlichungsdatum", "veroeffentlicht", "datum")),
    Column("legal_basis", ("handlungsgrundlage", "rechtsgrundlage", "rechtsgrundlagen")),
)
_DATE_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def read(data: bytes, name: str) -> Catalogue:
    """Parse a LeiKa export; invalid and duplicate keys become problems with their line number."""
    name, lines = open_lines(data, name, MEMBER_NAME)
    table = read_table(lines, name, COLUMNS)
    services: list[ServiceRecord] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    rows = 0
    for line, row in table.rows:
        rows += 1
        if isinstance(row, Misfit):
            problems.append(RowProblem(line, str(row)))
            continue
        key = normalize_key(row["key"])
        if problem := key_problem(row["key"]) or _nameless(row, table.heading("name")):
            problems.append(RowProblem(line, problem))
        elif key in first_line:
            problems.append(RowProblem(line, f"doppelter Schlüssel {key} (zuerst in Zeile {first_line[key]})"))
        else:
            first_line[key] = line
            services.append(_service(key, line, row))
    published = max((s.published_at for s in services if s.published_at), default=None)
    return Catalogue(Source.LEIKA, tuple(services), None, rows, tuple(problems), published)


def _nameless(row: dict[str, str], heading: str) -> str | None:
    """A service without a name (a row with only its key) is a bad row: it would clear the name stored."""
    if row["name"] or row.get("name2"):
        return None
    return f"die Pflichtspalte „{heading}“ ist leer (eine Zeile nur mit Schlüssel?)"


def _service(key: str, line: int, row: dict[str, str]) -> ServiceRecord:
    # A missing column gives None ("the file does not say"); an empty cell gives "" (clears the value).
    name2 = row.get("name2")
    return ServiceRecord(
        key=key,
        name=row["name"] or name2 or "",
        line=line,
        name2=name2,
        typisierung=row.get("typ"),
        synonyms=split_list(row["synonyms"]) if "synonyms" in row else None,
        features=split_list(row["features"]) if "features" in row else None,
        legal_basis=row.get("legal_basis"),
        published_at=parse_date(row.get("published", "")),
    )


def split_list(text: str) -> tuple[str, ...]:
    """Split a ``|``-separated cell, dropping blanks and repeats."""
    return tuple(dict.fromkeys(p.strip() for p in text.split("|") if p.strip()))


def parse_date(text: str) -> datetime | None:
    """Parse ``DD.MM.YYYY hh:mm`` (or ISO), a German local time, into naive UTC; None when unreadable."""
    for fmt in _DATE_FORMATS:
        try:
            stated = datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return stated.replace(tzinfo=_german_time()).astimezone(UTC).replace(tzinfo=None)
    return None


@cache
def _german_time() -> tzinfo:
    try:
        return ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:  # no time zone database on this machine: an hour off at worst
        return UTC
