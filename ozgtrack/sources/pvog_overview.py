"""Reader of the per-Kommune overview of PVOG results (Sachsen-Anhalt sample: ``ars;kommune;…;ebene;onlineDienst``).

One row per Kommune × LeiKa key; ``gefunden=false`` means the PVOG has no registration for it.
``ebene`` says who registered it: ``bundesweit`` (the Bund), ``landesweit`` (the Land's editors:
applies to every Gemeinde of the Land) or ``kommunal`` (the Kommune of the row). The file lists a
chosen set of services per Kommune, not everything registered: a sample, never a complete listing.
Each entry belongs to the ARS its ``ebene`` names: a "landesweit" row to the Land, so it counts for
every Gemeinde there. But the answer was asked for one Kommune (``ars``), and an address made for it
(``st.digitalebaugenehmigung.de/dessau-rosslau/…``) is that Kommune's alone: such an entry stays the
Kommune's.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from urllib.parse import urlsplit

from ozgtrack.ars import Ars
from ozgtrack.leika import key_problem, normalize_key
from ozgtrack.sources._evidence import (
    BUND_ARS, Evidence, EvidenceEntry, EvidenceFormat, EvidenceProblem, is_ars,
)
from ozgtrack.sources._text import Column, Misfit, open_lines, read_table
from ozgtrack.text import spelled_out

COLUMNS = (
    Column("ars", ("ars",), required=True),
    Column("kommune", ("kommune",)),
    Column("key", ("leika", "leikaschluessel", "leikakey"), required=True, key=True),
    Column("found", ("gefunden",), required=True),
    Column("ebene", ("ebene",), required=True),
    Column("name", ("pvogname",)),
    Column("url", ("onlinedienst",)),
    Column("provider", ("freigabestelle",)),
    Column("stand", ("pvogstand",)),
)
MARKERS = frozenset({"ebene", "onlinedienst", "gefunden"})


def read(data: bytes, name: str, asked: str | None) -> Evidence:
    """The found registrations; a row not found in the PVOG is counted but gives no entry (``asked`` is unused:
    the rows name their Kommune)."""
    name, lines = open_lines(data, name)
    table = read_table(lines, name, COLUMNS)
    entries, problems, dates, rows, regions = [], [], [], 0, set()
    for line, row in table.rows:
        rows += 1
        if isinstance(row, Misfit):
            problems.append(EvidenceProblem(line, str(row)))
            continue
        if problem := key_problem(row["key"]) or (None if is_ars(row["ars"]) else f"ARS {row['ars']!r} ist ungültig"):
            problems.append(EvidenceProblem(line, problem))
            continue
        regions.add(row["ars"])
        if row["found"].strip().lower() != "true":
            continue
        at = {"bundesweit": BUND_ARS, "landesweit": str(Ars(row["ars"]).land_ars())}.get(row["ebene"].strip().lower(),
                                                                                   row["ars"])
        if names_kommune(row.get("url") or "", row.get("kommune") or ""):
            at = row["ars"]
        provider = " ".join(html.unescape(row.get("provider") or "").split()) or None
        entries.append(EvidenceEntry(leika_key=normalize_key(row["key"]), ars=at, service_name=row.get("name") or "",
                                     line=line, url=row.get("url") or None, provider=provider,
                                     stated=_date(row.get("stand") or "")))
        dates.append(entries[-1].stated)
    subjects = tuple(sorted(regions | {e.ars for e in entries}))
    return Evidence(EvidenceFormat.UEBERSICHT, tuple(entries), rows, subjects, False,
                    max(filter(None, dates), default=None), tuple(problems))


def names_kommune(url: str, kommune: str) -> bool:
    """Whether the address is made for the Kommune: a part of its host or path is the Kommune's name."""
    slug = _slug(kommune)
    if len(slug) < 3 or not url:
        return False
    parts = urlsplit(url.strip())
    return slug in {_slug(p) for p in [*(parts.hostname or "").split("."), *parts.path.split("/")]}


def _slug(text: str) -> str:
    """``Dessau-Roßlau`` → ``dessau-rosslau``, as names stand in addresses."""
    return re.sub(r"[^a-z0-9]+", "-", spelled_out(text.split(",")[0])).strip("-")


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text[:19]) if len(text) >= 10 and text.isascii() else None
    except ValueError:
        return None
