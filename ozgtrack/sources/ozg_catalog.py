"""Reader of the OZG-Umsetzungskatalog as a flat CSV: one row per LeiKa service in an OZG-Leistung."""

from __future__ import annotations

import re

from ozgtrack.numbers import lookalike_problem
from ozgtrack.leika import KEY_LENGTH, key_problem, normalize_key
from ozgtrack.records import Catalogue, MemberRecord, RowProblem, ServiceRecord, Source
from ozgtrack.sources._text import Column, Misfit, Table, open_lines, read_table

# German headers ("LeiKa-Schlüssel") and snake_case ones ("leika_schluessel") meet after header_key().
COLUMNS = (
    Column("themenfeld", ("themenfeld",)),
    Column("lage", ("lage", "lebensgeschaeftslage", "lebenslage", "geschaeftslage", "lebenslagegeschaeftslage")),
    Column("ozg_id", ("ozgid", "ozgleistungsid", "ozgnummer", "ozgnr"), required=True),
    Column("ozg_name", ("ozgleistung", "ozgleistungsbezeichnung", "ozgbezeichnung"), required=True),
    Column("leika_name", ("leikabezeichnung", "leikaleistung", "leistungsbezeichnung", "bezeichnung"), required=True),
    Column("key", ("leikaschluessel", "leistungsschluessel", "schluessel", "leikaid"), required=True, key=True),
    Column("typ", ("leikatyp", "typ", "typisierung")),
    Column("legal_basis", ("rechtsgrundlage", "rechtsgrundlagen", "handlungsgrundlage")),
)
from ozgtrack.text import fold
_OZG_ID_RE = re.compile(r"[0-9]{1,6}")
# How the catalogue says "this row has no LeiKa key yet" (folded).
_NO_KEY_MARKERS = tuple(map(fold, ("nicht im LeiKa", "nicht vorhanden", "kein LeiKa", "ohne LeiKa")))


def read(data: bytes, name: str) -> Catalogue:
    """Parse the flat catalogue; rows without a LeiKa key become members without a service."""
    name, lines = open_lines(data, name, "ozg_umsetzungskatalog.csv")
    table = read_table(lines, name, COLUMNS)
    services: dict[str, ServiceRecord] = {}
    members: list[MemberRecord] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[str, str], int] = {}
    rows = 0
    for line, row in table.rows:
        rows += 1
        member = RowProblem(line, str(row)) if isinstance(row, Misfit) else _member(line, row, table)
        if isinstance(member, RowProblem):
            problems.append(member)
            continue
        ident = (member.ozg_id, member.key or fold(member.leika_name))
        if ident in seen:
            shown = member.key or f"„{member.leika_name}“"  # the name as written, not the folded comparison key
            problems.append(RowProblem(line, f"doppelte Zeile für OZG-ID {ident[0]} und {shown} "
                                             f"(zuerst in Zeile {seen[ident]})"))
            continue
        seen[ident] = line
        members.append(member)
        if member.key and member.key not in services:
            services[member.key] = _service(member, row)
    return Catalogue(Source.OZG, tuple(services.values()), tuple(members), rows, tuple(problems))


def _member(line: int, row: dict[str, str], table: Table) -> MemberRecord | RowProblem:
    ozg_id, raw_key, leika_name = row["ozg_id"], row["key"], row["leika_name"]
    if not ozg_id:
        return RowProblem(line, _empty(table, "ozg_id"))
    if not _OZG_ID_RE.fullmatch(ozg_id):
        return RowProblem(line, lookalike_problem(f"die OZG-ID {ozg_id!r}", ozg_id)
                          or f"die OZG-ID {ozg_id!r} ist keine Zahl")
    key: str | None = normalize_key(raw_key)
    if len(key) != KEY_LENGTH and is_no_key(raw_key):
        if not leika_name:
            return RowProblem(line, "die Zeile hat weder einen LeiKa-Schlüssel noch eine LeiKa-Bezeichnung")
        key = None
    elif problem := key_problem(raw_key):
        return RowProblem(line, problem)
    if empty := next((f for f in ("ozg_name", "leika_name") if not row[f]), None):
        return RowProblem(line, _empty(table, empty))
    return MemberRecord(
        ozg_id=ozg_id,
        ozg_name=row["ozg_name"],
        leika_name=leika_name,
        line=line,
        key=key,
        themenfeld=row.get("themenfeld") or None,
        lage=row.get("lage") or None,
    )


def _empty(table: Table, field: str) -> str:
    return f"die Pflichtspalte „{table.heading(field)}“ ist leer"


def is_no_key(cell: str) -> bool:
    """True for an empty key cell or the catalogue's "nicht im LeiKa" text."""
    text = fold(cell.strip())
    return not text or text in ("-", "n/a") or any(m in text for m in _NO_KEY_MARKERS)


def _service(member: MemberRecord, row: dict[str, str]) -> ServiceRecord:
    return ServiceRecord(
        key=member.key or "",
        name=member.leika_name,
        line=member.line,
        typisierung=row.get("typ"),
        legal_basis=row.get("legal_basis"),
    )
