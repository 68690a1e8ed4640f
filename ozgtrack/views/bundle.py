"""What merging a town bundle did (or would do): plain values for the CLI and renderers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ozgtrack.views.tracking import KeyChange


@dataclass(frozen=True)
class BundleConflict:
    """A service the receiving database changed after the bundle's base: the newest such change."""

    key: str  # a LeiKa key, or an online service's "O-003 Name"
    at: datetime
    by: str


@dataclass(frozen=True)
class BundleMerge:
    """The changes a bundle brings, and what it leaves out: conflicts and keys the catalogue lacks."""

    ars: str
    name: str
    triage: tuple[KeyChange, ...]
    status: tuple[KeyChange, ...]
    services: int  # services whose record changed
    entries: int  # history entries appended
    unchanged: int
    conflicts: tuple[BundleConflict, ...]
    unknown: tuple[str, ...]
    other_catalogue: bool  # the bundle's newest releases are not this database's
    online: tuple[str, ...] = ()  # online services whose record changed ("O-003 Name")
    online_entries: int = 0  # their history entries appended
    online_unchanged: int = 0
    online_conflicts: tuple[BundleConflict, ...] = ()
    blockers: int = 0  # blockers added or cleared
