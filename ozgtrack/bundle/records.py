"""What a checked town bundle holds, as plain values (no database): services, online services, blockers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ozgtrack.values import Level


def stamp(moment: datetime) -> str:
    """A UTC time as the bundle writes it, to the microsecond (what the database stores)."""
    return moment.isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True)
class Entry:
    """One history entry as the bundle holds it (of a service's status or decision, or of an online service)."""

    at: datetime
    by: str
    action: str
    changes: dict[str, Any]
    reason: str | None

    def identity(self, key: str) -> str:
        """A stable hash of the entry: the same change of the same service is the same entry in every database
        (``key``: the LeiKa key, or ``O-003`` for an online service)."""
        text = json.dumps([key, stamp(self.at), self.by, self.action, self.changes, self.reason],
                          sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DecisionRecord:
    level: Level
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class StatusRecord:
    values: dict[str, Any]  # STATUS_KEYS, as the bundle states them (checked for type only)
    updated_at: datetime
    updated_by: str
    online: int | None = None  # the number of the online service it was taken from (version 2)


@dataclass(frozen=True)
class BlockerRecord:
    """A reason why the service is not online yet (version 2); cleared, never deleted."""

    code: str
    note: str | None
    set_at: datetime
    set_by: str
    cleared_at: datetime | None
    cleared_by: str | None

    @property
    def identity(self) -> tuple[str, datetime, str]:
        """The same blocker in every database: its code, when and by whom it was set."""
        return (self.code, self.set_at, self.set_by)


@dataclass(frozen=True)
class ServiceRecord:
    key: str
    decision: DecisionRecord | None
    status: StatusRecord | None
    history: tuple[Entry, ...]
    blockers: tuple[BlockerRecord, ...] = ()


@dataclass(frozen=True)
class OnlineRecord:
    """An online service of the town (version 2): its fields as stored, what it covers (LeiKa keys), its history."""

    number: int
    values: dict[str, Any]  # ONLINE_KEYS as stored: enums as their values, live_since as a date
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    retired_at: datetime | None
    retired_by: str | None
    covers: tuple[str, ...]
    history: tuple[Entry, ...]

    @property
    def label(self) -> str:
        return f"O-{self.number:03d}"


# The fields of an online service the bundle carries, in the order of `online add`.
ONLINE_KEYS = ("name", "url", "delivery", "provider", "model", "stage", "department", "live_since", "account",
               "payment", "reply", "intake", "system", "contract", "note")


@dataclass(frozen=True)
class Bundle:
    """A town bundle, checked: who, when, which catalogue, each service's record and the online services."""

    exported_at: datetime
    exported_by: str
    ars: str
    name: str
    releases: tuple[dict[str, Any], ...]
    services: tuple[ServiceRecord, ...]
    sha256: str = ""
    origin: str = ""  # the file it was read from, as messages name it
    version: int = 1
    online: tuple[OnlineRecord, ...] = ()


def plain(value: Any) -> Any:
    """A stored value as JSON holds it: a date as ISO text, an enum as its value."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)
