"""What the staged plan shows: versions with their stages, their history, and an adopted version compared with now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ozgtrack.views.targets import ForecastView

DRAFT, ADOPTED = "Entwurf", "beschlossen"
# Measures that are no longer open: they get no stage in a new plan.
CLOSED = ("umgesetzt", "verworfen")


@dataclass(frozen=True)
class MeasureSnapshot:
    """A measure as it was at one moment (a plan's build or adoption, a year's end, now)."""

    number: int
    ref: str
    title: str
    lebensbereich: str | None
    state: str
    progress: int
    weight: int
    cost: int | None
    services: tuple[str, ...]
    start: str | None = None
    end: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "lebensbereich": self.lebensbereich, "state": self.state,
                "progress": self.progress, "weight": self.weight, "cost": self.cost, "services": list(self.services),
                "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Stage:
    """One measure of a plan: the year (and quarter) it is to be done, its rank and why it stands there."""

    rank: int
    year: int | None  # None: no room within the plan's years and capacity
    quarter: int | None
    fixed: bool  # the year is the measure's own (its start or end), not proposed
    reason: str
    measure: MeasureSnapshot

    @property
    def period(self) -> str:
        if self.year is None:
            return "später"
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)


@dataclass(frozen=True)
class VersionEntry:
    """One act on a plan version: built, built again, adopted."""

    at: datetime
    by: str
    action: str  # build | rebuild | adopt | rename
    changes: dict[str, Any]
    note: str | None


@dataclass(frozen=True)
class PlanVersionView:
    """A plan version with its stages (by year, then rank) and, for `plan version show`, its history."""

    name: str
    year_from: int
    year_to: int
    capacity: int  # weight units per year
    state: str  # Entwurf | beschlossen
    created_at: datetime
    created_by: str
    adopted_on: date | None
    adopted_by: str | None
    adopted_text: str | None
    stages: tuple[Stage, ...]
    history: tuple[VersionEntry, ...] = ()
    dry_run: bool = False  # built but not stored (`plan build --dry-run`)

    @property
    def years(self) -> range:
        return range(self.year_from, self.year_to + 1)

    def load(self, year: int) -> int:
        """The weight units planned for ``year``."""
        return sum(s.measure.weight for s in self.stages if s.year == year)


class Outcome(StrEnum):
    """What became of a measure of the adopted plan (or that it came later)."""

    DONE = "umgesetzt"
    ON_PLAN = "im Plan"
    LATE = "verspätet"
    MOVED = "verschoben"
    DROPPED = "verworfen"
    ADDED = "neu"


@dataclass(frozen=True)
class Compared:
    """One measure: what the adopted plan said (year, state, progress) and what it is now."""

    ref: str
    title: str
    lebensbereich: str | None
    planned_year: int | None
    planned_quarter: int | None
    planned: MeasureSnapshot | None  # None: added since the adoption
    now: MeasureSnapshot | None  # None: not there at the moment compared (created later)
    now_year: int | None  # the year the measure is due now (its end, else its start), None if it has none
    late: bool
    moved: bool
    dropped: bool
    added: bool

    @property
    def outcome(self) -> Outcome:
        if self.added:
            return Outcome.ADDED
        if self.dropped:
            return Outcome.DROPPED
        if self.now is not None and self.now.state == "umgesetzt":
            return Outcome.DONE
        if self.late:
            return Outcome.LATE
        return Outcome.MOVED if self.moved else Outcome.ON_PLAN


@dataclass(frozen=True)
class PlanComparison:
    """An adopted version compared with the measures at ``as_of`` (a year's end, or now)."""

    version: PlanVersionView
    as_of: datetime
    rows: tuple[Compared, ...]

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome is outcome for r in self.rows)


@dataclass(frozen=True)
class TargetPoint:
    """A year's target share online and the share measured at its end (None: not yet measured or no target)."""

    year: int
    lebensbereich: str | None
    target: float | None  # percent
    measured: float | None  # percent


@dataclass(frozen=True)
class ProgressReport:
    """The yearly progress report for the council: the adopted plan for ``year`` against what became of it."""

    municipality: str
    ars: str
    demo: bool
    year: int
    made_at: datetime
    comparison: PlanComparison
    targets: tuple[TargetPoint, ...]
    forecasts: tuple[ForecastView, ...] = ()  # each whole-town target: when it is reached at today's pace


@dataclass(frozen=True)
class PlanChapter:
    """The plan's sections of the chapter: the stages of the shown version, the comparison if it is adopted."""

    version: PlanVersionView
    comparison: PlanComparison | None
    targets: tuple[TargetPoint, ...]
