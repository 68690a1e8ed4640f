"""Plain values of PVOG evidence: what a reader of a Portalverbund file returns (no network, no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ozgtrack.ars import BUND, Ars
from ozgtrack.numbers import is_digits

BUND_ARS = BUND
_MANDANT_RE = re.compile(r"\s*([A-Za-z]+)")


class EvidenceFormat(StrEnum):
    """The outside formats a PVOG evidence release can come in."""

    SUCHDIENST_CSV = "suchdienst-csv"  # v5/servicedescriptions/csv?ars=
    SUCHDIENST_JSON = "suchdienst-json"  # detail JSON or a v3 leikaid page
    UEBERSICHT = "uebersicht"  # per-Kommune overview (Sachsen-Anhalt sample)
    DASHBOARD = "dashboard"  # Open-PVOG / Dashboard Digitale Verwaltung per-ARS export


class EvidenceLevel(StrEnum):
    """Who registered an entry: the level its ARS stands for."""

    BUND = "bund"
    LAND = "land"
    KREIS = "kreis"
    GEMEINDE = "gemeinde"


def level_of_ars(ars: str) -> EvidenceLevel:
    """``000000000000`` Bund, ``LL`` + zeros Land, ``LLRKK`` + zeros Kreis, anything else Gemeinde (or Verband)."""
    code = Ars(ars)
    if code.is_bund:
        return EvidenceLevel.BUND
    if code.is_land:
        return EvidenceLevel.LAND
    if code.kreisfrei:
        return EvidenceLevel.KREIS
    return EvidenceLevel.GEMEINDE


def ancestors(ars: str) -> tuple[str, ...]:
    """``ars`` and every ARS above it (Verband, Kreis, Land, Bund), most local first, without repeats."""
    return (ars, *(str(above) for above in Ars(ars).above()))


def covers(above: str, ars: str) -> bool:
    """True when evidence for ``above`` applies to ``ars`` (the same ARS or one above it)."""
    return above in ancestors(ars)


def is_ars(text: str) -> bool:
    return len(text) == 12 and is_digits(text)


def mandant_level(pvog_id: str) -> str:
    """The Mandant of a PVOG id (``B100019.LB.…``): ``bund`` (B), ``land`` (L) or ``kommunal`` (any other)."""
    match = _MANDANT_RE.match(pvog_id)
    prefix = match.group(1).upper() if match else ""
    return "bund" if prefix == "B" else "land" if prefix == "L" else "kommunal"


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """One registration: a LeiKa service for an ARS, with at most one online service (None: none registered)."""

    leika_key: str
    ars: str  # the ARS the registration is for (Bund, Land, Kreis or Gemeinde)
    service_name: str
    line: int
    lb_id: str | None = None  # the PVOG Leistungsbeschreibung (B100019.LB.…)
    od_id: str | None = None  # the PVOG Onlinedienst
    title: str | None = None  # the online service's name
    url: str | None = None
    provider: str | None = None  # who offers it, as the source says (Freigabestelle, Flächendeckung …)
    active: bool = True  # False: the source lists the online service as inactive
    stated: datetime | None = None  # the date the row states (Updatedatum, pvogStand …)

    @property
    def level(self) -> EvidenceLevel:
        return level_of_ars(self.ars)

    @property
    def online(self) -> bool:
        return self.active and bool(self.url)

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What stays the same from one release to the next: service, ARS, description and online service."""
        return (self.leika_key, self.ars, self.lb_id or "", self.od_id or self.url or "")


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    """A row or item the reader skipped, with where to find it."""

    line: int
    message: str
    unit: str = "Zeile"

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.message}"


@dataclass(frozen=True)
class Evidence:
    """Everything one PVOG file says: its registrations and the ARS they belong to, as its rows name them.

    ``complete``: the file lists everything registered for its ARS (a per-ARS export: the Suchdienst
    CSV, the dashboard export), so a service missing from it is missing in the PVOG. Its ``subjects``
    are the ARS it is the listing for (the ARS a Suchdienst CSV was asked for, the most local ARS of
    an export); each entry belongs to every subject its own ARS covers, the Bund's and the Land's
    rows of a town's listing included. A sample (an overview of chosen services, a detail answer)
    is not complete: each of its entries belongs to its own ARS alone (a "landesweit" row to the
    Land), and its ``subjects`` are those ARS and the Kommunen its rows were asked for.
    """

    format: EvidenceFormat
    entries: tuple[EvidenceEntry, ...]
    rows: int
    subjects: tuple[str, ...] = ()
    complete: bool = False
    data_date: datetime | None = None  # the newest date the file states (Updatedatum, datenstand …)
    problems: tuple[EvidenceProblem, ...] = ()

    def date_of(self, subject: str) -> datetime | None:
        """The newest date the entries stored for ``subject`` state; the file's when they state none."""
        return max((e.stated for e in self.of(subject) if e.stated), default=None) or self.data_date

    def of(self, subject: str) -> tuple[EvidenceEntry, ...]:
        """The entries stored for ``subject``: of a complete listing, those registered for it or an ARS above it;
        of a sample, those registered for it."""
        if self.complete:
            return tuple(e for e in self.entries if covers(e.ars, subject))
        return tuple(e for e in self.entries if e.ars == subject)


def leaves(regions: set[str]) -> tuple[str, ...]:
    """The most local ARS of ``regions``: those no other ARS of the set lies below (Bund and Land rows of a
    Kommune's export belong to the Kommune's listing, not to listings of their own)."""
    return tuple(sorted(r for r in regions if not any(r != other and covers(r, other) for other in regions)))
