"""What the catalogue commands show: releases, diffs, services, search hits and sync results; no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ozgtrack.records import ChangeKind, RowProblem, Source


@dataclass(frozen=True)
class ReleaseView:
    id: int
    source: str
    origin: str
    sha256: str
    fetched_at: datetime
    published_at: datetime | None
    delta_since: datetime | None
    rows: int
    services: int
    members: int
    invalid: int
    added: int
    changed: int
    withdrawn: int
    reappeared: int
    unchanged: int


@dataclass(frozen=True)
class DiffEntry:
    """A key (or OZG-ID), its name and what changed."""

    subject: str
    name: str
    fields: dict[str, list[Any]] | None


@dataclass(frozen=True)
class DiffView:
    release: ReleaseView
    services: dict[ChangeKind, list[DiffEntry]]
    ozg_leistungen: dict[ChangeKind, list[DiffEntry]]


@dataclass(frozen=True)
class Membership:
    ozg_id: str
    ozg_name: str
    lage: str | None
    themenfeld: str | None
    sources: tuple[str, ...]
    withdrawn: bool


@dataclass(frozen=True)
class HistoryEntry:
    release_id: int
    source: str
    fetched_at: datetime
    kind: ChangeKind
    fields: dict[str, list[Any]] | None


@dataclass(frozen=True)
class ServiceView:
    key: str
    name: str
    name2: str | None
    kind: str
    typisierung_raw: str | None
    typisierung: tuple[str, ...]
    leistungsobjekt_id: str
    verrichtung: str
    detail: str
    synonyms: tuple[str, ...]
    features: tuple[str, ...]
    legal_basis: str | None
    published_at: datetime | None
    first_release_id: int
    last_release_id: int
    withdrawn_release_id: int | None
    withdrawn_at: datetime | None
    sources: dict[str, bool]  # source -> still listed
    ozg: tuple[Membership, ...]
    history: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class SearchHit:
    key: str
    name: str
    typisierung: str | None
    withdrawn: bool
    ozg_ids: tuple[str, ...]


@dataclass(frozen=True)
class OzgHit:
    """An OZG-Leistung whose name matches a search, with its live LeiKa services."""

    ozg_id: str
    name: str
    themenfeld: str | None
    lage: str | None
    services: int
    withdrawn: bool


@dataclass(frozen=True)
class SearchResult:
    """What `catalog search` found: OZG-Leistungen by name, and services."""

    ozg_leistungen: list[OzgHit]
    services: list[SearchHit]


# --- what a sync did ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseInfo:
    """Where a release came from and how it was fetched."""

    origin: str
    sha256: str
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    delta_since: datetime | None = None


@dataclass(frozen=True)
class Change:
    """One line of a diff: a LeiKa key or an OZG-ID, and what happened to it."""

    subject: str
    name: str
    kind: ChangeKind
    fields: dict[str, list[Any]] | None = None


@dataclass(frozen=True)
class SyncResult:
    """What a sync did (or, for a dry run, would do)."""

    source: Source
    release_id: int | None
    services: tuple[Change, ...]
    ozg_leistungen: tuple[Change, ...]
    unchanged: int
    problems: tuple[RowProblem, ...]

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.services if c.kind is kind)
