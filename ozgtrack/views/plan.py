"""What the plan commands show: proposals, measures, their history and what an import changes (pure dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class ProposalView:
    """One proposal as stored."""

    ref: str
    title: str
    description: str | None
    lebensbereich: str | None
    ortschaft: str | None
    votes: int | None
    source: str | None
    submitted: date | None


@dataclass(frozen=True)
class ProposalImport:
    """What a proposals file adds and changes; ``problems`` stop it (nothing is written then)."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: int
    problems: tuple[Any, ...] = ()  # RowProblem


@dataclass(frozen=True)
class EntryView:
    """One history entry of a measure: its changes, or a dated progress note, or both."""

    at: datetime
    by: str
    changes: dict[str, Any]
    note: str | None
    reason: str | None


@dataclass(frozen=True)
class MeasureView:
    """A measure with its fields; ``history`` is filled for `plan measure show` only."""

    ref: str
    title: str
    lebensbereich: str | None
    services: tuple[str, ...]
    owner: str | None
    origin: str | None
    proposals: tuple[str, ...]
    ortschaft: str | None
    start: str | None
    end: str | None
    state: str
    progress: int
    weight: int
    cost: int | None
    funding: str | None
    updated_at: datetime
    updated_by: str
    last_note: date | None = None  # the day of the newest progress note
    history: tuple[EntryView, ...] = ()
    blocker: str | None = None  # the code of the reason the measure removes (catalog/blockers.toml)
    blocker_label: str | None = None  # its German label


@dataclass(frozen=True)
class MeasureChange:
    """A measure a command or worksheet added or changed: {field: [old, new]}."""

    ref: str
    title: str
    changes: dict[str, Any]
    note: str | None = None
    added: bool = False


@dataclass(frozen=True)
class PlanConflict:
    """A worksheet row left out: its measure was changed after the export, or its Version is missing or too high."""

    line: int
    ref: str
    at: datetime
    by: str
    sheet_version: int | None = 0  # None: the sheet has no Version column
    now: int = 0  # the measure's version in the database


@dataclass(frozen=True)
class PlanImport:
    """What a plan worksheet changes, the problems that stop it, and the rows left out as conflicts."""

    changes: tuple[MeasureChange, ...]
    problems: tuple[Any, ...]  # RowProblem
    conflicts: tuple[PlanConflict, ...] = ()
