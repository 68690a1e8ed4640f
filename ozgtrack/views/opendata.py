"""What `export opendata` writes: tables of plain values and what the metadata says about them; no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Column:
    """One column: its JSON key (English), its CSV header and what it means (German)."""

    key: str
    header: str
    meaning: str


@dataclass(frozen=True)
class Table:
    """One file of the set, written as ``{name}.csv`` and ``{name}.json`` with the same rows."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Place:
    """A municipality of the export: public facts from the Destatis ARS list."""

    ars: str
    ags: str
    name: str
    kreis_ars: str
    land: str


@dataclass(frozen=True)
class OpenData:
    """The yearly file set: its tables and what the DCAT-AP.de metadata needs to describe it.

    ``level`` is the political geocoding level of the scope (municipality, administrativeDistrict,
    state, federal); ``areas`` are the DCAT-AP.de geocoding URIs of the scope.
    """

    year: int
    as_of: date  # the day whose end the statuses describe (today for the current year)
    replayed: bool  # True: the state was replayed from the history, not read as it is now
    generated_at: datetime  # UTC
    places: tuple[Place, ...]
    scope_label: str
    level: str
    areas: tuple[str, ...]
    publisher: str
    license: str
    base_url: str
    catalogue: tuple[str, ...]  # the releases the keys refer to, e.g. "ozg 2 (2026-01-05)"
    tables: tuple[Table, ...]
    demo: bool = False  # a town of `ozgtrack demo`: invented figures
