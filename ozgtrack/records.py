"""Plain values that flow from the source readers to the importer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Source(StrEnum):
    """Where a catalogue release comes from."""

    LEIKA = "leika"  # the LeiKa CSV export (file or download)
    OZG = "ozg"  # the OZG-Umsetzungskatalog as a flat CSV
    FIM = "fim"  # the FIM Portal API (leistung-steckbriefe)


class ChangeKind(StrEnum):
    """What a catalogue release did to a service or an OZG-Leistung."""

    ADDED = "added"
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"
    REAPPEARED = "reappeared"


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    """One LeiKa service as a source describes it; None means "this source does not say"."""

    key: str
    name: str
    line: int
    name2: str | None = None
    typisierung: str | None = None
    synonyms: tuple[str, ...] | None = None
    features: tuple[str, ...] | None = None
    legal_basis: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """One row of the OZG-Umsetzungskatalog: a LeiKa service (or a name without key) in an OZG-Leistung."""

    ozg_id: str
    ozg_name: str
    leika_name: str
    line: int
    key: str | None = None  # None: "nicht im LeiKa"
    themenfeld: str | None = None
    lage: str | None = None


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row the reader skipped, with the line number a user can look up."""

    line: int
    message: str
    unit: str = "line"  # "item" for JSON sources

    def __str__(self) -> str:
        return f"{_UNITS.get(self.unit, self.unit)} {self.line}: {self.message}"


_UNITS = {"line": "Zeile", "item": "Eintrag", "row": "Zeile"}  # as a message names them


@dataclass(frozen=True)
class Catalogue:
    """Everything one release of a source says.

    ``members`` is None when the source carries no OZG grouping (the LeiKa CSV);
    an empty tuple means "this release groups nothing".
    """

    source: Source
    services: tuple[ServiceRecord, ...]
    members: tuple[MemberRecord, ...] | None
    rows: int
    problems: tuple[RowProblem, ...] = ()
    published_at: datetime | None = None
    complete: bool = True  # False for a delta (FIM updated_since): absent keys are not withdrawn
