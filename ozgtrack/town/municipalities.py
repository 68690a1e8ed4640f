"""Municipalities: import the ARS list, find the town in use, know which levels it executes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.ars import Ars
from ozgtrack.numbers import is_digits
from ozgtrack.errors import NotFoundError, SourceError
from ozgtrack.fields import nfc
from ozgtrack.sources import ars_csv
from ozgtrack.store.models import Municipality
from ozgtrack.text import fold
from ozgtrack.town import regions
from ozgtrack.values import Level, kreis_of
from ozgtrack.views import what_counts
from ozgtrack.views.tracking import ImportSummary, MunicipalityView

MAX_PROBLEM_SHARE = 0.01


def import_list(session: Session, data: bytes, name: str, now: datetime) -> ImportSummary:
    """Add new municipalities and update renamed ones by ARS; none is ever deleted."""
    parsed = ars_csv.read(data, name)
    if not parsed.rows:
        raise SourceError(f"{name} enthält keine Datenzeilen")
    if len(parsed.problems) > parsed.rows * MAX_PROBLEM_SHARE:
        bad, shown = len(parsed.problems), "; ".join(map(str, parsed.problems[:5]))
        raise SourceError(f"{name}: {wording.number(bad)} von {wording.plural(parsed.rows, 'Zeile', 'Zeilen')} "
                          f"{'ist' if bad == 1 else 'sind'} ungültig, das ist also kein Gemeindeverzeichnis (ARS); "
                          f"{wording.NOTHING_CHANGED}. Die ersten Probleme: {shown}")
    stored = {m.ars: m for m in session.scalars(select(Municipality))}
    added = updated = 0
    for record in parsed.records:
        # NFC: "Lüderitz" with a combining diaeresis is the same name, not a renaming, and matches as typed.
        record = replace(record, name=nfc(record.name), note=nfc(record.note) if record.note else record.note)
        existing = stored.get(record.ars)
        if existing is None:
            session.add(Municipality(ars=record.ars, ags=record.ags, name=record.name, note=record.note,
                                     land=record.land, kreis_ars=kreis_of(record.ars), imported_at=now))
            added += 1
        elif (existing.name, existing.note) != (record.name, record.note):
            existing.name, existing.note, existing.imported_at = record.name, record.note, now
            updated += 1
    return ImportSummary(added, updated, len(parsed.records) - added - updated, parsed.problems)


def resolve(session: Session, text: str) -> Municipality:
    """The municipality named by its ARS, its AGS or a unique name ("Wolmirstedt")."""
    text = text.strip()
    digits = "".join(text.split())
    if is_digits(digits):
        column = Municipality.ars if len(digits) == 12 else Municipality.ags if len(digits) == 8 else None
        found = session.scalars(select(Municipality).where(column == digits)).all() if column is not None else []
        if len(found) == 1:
            return found[0]
        raise NotFoundError(_not_found(session, f"keine Gemeinde mit dem ARS oder AGS {text}"))
    return _by_name(session, text)


def _by_name(session: Session, text: str) -> Municipality:
    # Compared folded in Python: SQL lower() knows no umlauts, and "Boerde" should find "Börde".
    wanted = fold(text)
    names = session.execute(select(Municipality.id, Municipality.name)).all()
    exact = [id_ for id_, name in names if wanted in (fold(name), fold(name.split(",")[0]))]
    matches = exact or [id_ for id_, name in names if fold(name).startswith(wanted)]
    if len(matches) == 1:
        return session.get_one(Municipality, matches[0])
    if not matches:
        raise NotFoundError(_not_found(session, f"keine Gemeinde namens {text!r}"))
    found = session.scalars(select(Municipality).where(Municipality.id.in_(matches[:8])).order_by(Municipality.ars))
    shown = ", ".join(f"{m.name} ({m.ars})" for m in found) + (", …" if len(matches) > 8 else "")
    raise NotFoundError(f"{text!r} passt auf {wording.number(len(matches))} Gemeinden: {shown}; geben Sie den ARS an")


def _not_found(session: Session, message: str) -> str:
    if session.scalar(select(func.count()).select_from(Municipality)) == 0:
        return f"{message}: noch keine Gemeinden importiert; zuerst `ozgtrack municipality import DATEI` ausführen"
    return f"{message}; {wording.FIND_MUNICIPALITY}"


def search(session: Session, text: str | None = None, land: str | None = None,
           limit: int = 50) -> list[MunicipalityView]:
    """Municipalities whose name contains ``text`` (or whose ARS starts with it), optionally in one Land."""
    query = select(Municipality)
    if land:
        query = query.where(Municipality.land == land.zfill(2))
    if text:
        # Folded in Python like _by_name: SQL lower() and LIKE differ between databases (SQLite lowers
        # no umlauts, so "ölsen" missed "Ölsen" there), and "_" or "%" in the text are no wildcards.
        wanted = fold(text)
        names = session.execute(query.with_only_columns(Municipality.id, Municipality.name, Municipality.ars)
                                .order_by(Municipality.ars))
        found = [id_ for id_, name, ars in names if wanted in fold(name) or ars.startswith(text)]
        query = select(Municipality).where(Municipality.id.in_(found[:limit]))
    return [MunicipalityView(m.ars, m.ags, m.name, m.note, m.land, m.kreis_ars)
            for m in session.scalars(query.order_by(Municipality.ars).limit(limit))]


def executed_levels(municipality: Municipality) -> frozenset[Level]:
    """The levels whose services a municipality itself must offer.

    A kreisfreie Stadt (ARS ending in seven zeros) is Gemeinde and Kreis at once (``ozgtrack.views.what_counts``).
    """
    return what_counts.executed_levels(is_kreisfrei(municipality))


def is_kreisfrei(municipality: Municipality) -> bool:
    """Whether the municipality is a kreisfreie Stadt (its ARS ends in seven zeros): Gemeinde and Kreis at once."""
    return Ars(municipality.ars).kreisfrei


def verband_of(ars: str) -> str | None:
    """The 4-digit Verband part of a member of a Gemeindeverband, else None.

    The ARS is Land (2) Regierungsbezirk (1) Kreis (2) Verband (4) Gemeinde (3). Destatis codes the
    Verband part as "0" + the Gemeinde's own number for a verbandsfreie Gemeinde (Wolmirstedt:
    15083 0565 565), "5…" for a member of a Gemeindeverband (Angern: 15083 5051 030, Verbandsgemeinde
    Elbe-Heide) and "9…" for gemeindefreies Gebiet. The list names no Verband, only its number.
    """
    try:
        found = Ars(ars)
    except ValueError:
        return None
    return found.verband_part if found.verband is not None else None


# What the Gemeindeverbände of a Land are called (Sachsen-Anhalt and Rheinland-Pfalz: only Verbandsgemeinden).
VERBAND_KIND = {"07": "Verbandsgemeinde", "15": "Verbandsgemeinde"}


def ars_name(session: Session, ars: str) -> str:
    """What an ARS is called in reports: a municipality's name where it is one (a kreisfreie Stadt too), else
    "Bund", "Land Sachsen-Anhalt", "Landkreis Börde" … (``ozgtrack.town.regions``; the code where no name is known)."""
    found = session.scalar(select(Municipality.name).where(Municipality.ars == ars))
    return found or regions.region_label(ars)
