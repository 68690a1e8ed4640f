"""Reader of the Open-PVOG / Dashboard-Digitale-Verwaltung export per ARS (``leika_key, ars, url, online_status …``).

One row per LeiKa key and ARS (with ``includeAbove`` also the Kreis', the Land's and the Bund's);
``aktiv = nein`` or ``online_status = nicht ok`` mark an online service that does not count;
``art_flaechendeckung`` says how it is offered (EfA, Landeslösung …). An export per ARS lists everything
registered for it: a complete listing for its most local ARS (the rows of the levels above belong to it).
"""

from __future__ import annotations

from datetime import datetime

from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.sources._evidence import Evidence, EvidenceEntry, EvidenceFormat, EvidenceProblem, is_ars, leaves
from ozgtrack.sources._text import Column, Misfit, open_lines, read_table

COLUMNS = (
    Column("key", ("leikakey", "leikaschluessel"), required=True, key=True),
    Column("ars", ("ars",), required=True),
    Column("name", ("leikabezeichnung", "leikaname")),
    Column("url", ("url",), required=True),
    Column("status", ("onlinestatus",)),
    Column("active", ("aktiv",)),
    Column("coverage", ("artflaechendeckung",)),
    Column("stand", ("datenstandpvogimport", "datenstand")),
)
MARKERS = frozenset({"leikakey", "onlinestatus", "artflaechendeckung"})


def read(data: bytes, name: str, asked: str | None) -> Evidence:
    """Every row with a valid key and ARS; an inactive or failing online service is kept, marked inactive (``asked``
    is unused: the rows name their ARS)."""
    name, lines = open_lines(data, name)
    table = read_table(lines, name, COLUMNS)
    entries, problems, dates, rows = [], [], [], 0
    for line, row in table.rows:
        rows += 1
        if isinstance(row, Misfit):
            problems.append(EvidenceProblem(line, str(row)))
            continue
        if problem := key_problem(row["key"]) or (None if is_ars(row["ars"]) else f"ARS {row['ars']!r} ist ungültig"):
            problems.append(EvidenceProblem(line, problem))
            continue
        active = (row.get("active") or "").strip().lower() != "nein" and \
            (row.get("status") or "").strip().lower() != "nicht ok"
        entries.append(EvidenceEntry(leika_key=normalize_key(row["key"]), ars=row["ars"],
                                     service_name=row.get("name") or "", line=line, url=row["url"] or None,
                                     provider=row.get("coverage") or None, active=active,
                                     stated=_date(row.get("stand") or "")))
        dates.append(entries[-1].stated)
    return Evidence(EvidenceFormat.DASHBOARD, tuple(entries), rows, leaves({e.ars for e in entries}), True,
                    max(filter(None, dates), default=None), tuple(problems))


def _date(text: str) -> datetime | None:
    text = text.strip()
    for pattern in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text[:19] if "T" in text or ":" in text else text, pattern)
        except ValueError:
            continue
    return None
