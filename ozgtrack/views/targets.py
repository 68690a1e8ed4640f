"""Targets, measured shares and forecasts of the plan (pure dataclasses; filled by ``ozgtrack.plan.targets``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


@dataclass(frozen=True)
class Target:
    """``percent`` of the town's own services online by the end of ``year``; ``lebensbereich`` None: all of them."""

    year: int
    percent: int
    lebensbereich: str | None = None


@dataclass(frozen=True)
class Measured:
    """The share of the own services online at the end of ``year`` (today for the current year).

    ``counted`` own services, ``online`` of them online (the definitions of ``report gaps``);
    ``percent`` is None when nothing counts, or when no status had been recorded by then
    (``recorded`` False: a 0 % then would only say that nobody had looked yet).
    """

    year: int
    percent: float | None
    lebensbereich: str | None
    counted: int
    online: int
    at: date | None = None  # the day measured: 31 December, or today for the current year
    recorded: bool = True


class Unforeseeable(StrEnum):
    """Why a forecast cannot name a year."""

    NO_HISTORY = "no_history"  # no status recorded before the newest measurement
    SHORT_HISTORY = "short_history"  # less than a quarter between the first and the newest measurement
    NO_PROGRESS = "no_progress"  # no more services online than at the start
    TOO_SLOW = "too_slow"  # at this pace not before 2100
    NOTHING_COUNTED = "nothing_counted"  # no own services to count


@dataclass(frozen=True)
class ForecastView:
    """When a target is reached at the measured pace, and how far the planned measures carry.

    ``needed``: services online that the target asks for (of today's own services); ``pace``:
    services that went online per year between ``since`` and today; ``year``: the first year at
    whose end the pace reaches ``needed`` (None: ``reason`` says why). ``planned``: own services not
    online yet that open measures cover and end by the target year; ``plan_year``: the first year
    by whose end today's online services plus those of the measures ending by then reach ``needed``.
    """

    target: Target
    counted: int
    online: int
    needed: int
    pace: float | None = None
    since: date | None = None
    year: int | None = None
    reason: Unforeseeable | None = None
    planned: int = 0
    plan_year: int | None = None

    @property
    def reached(self) -> bool:
        return self.counted > 0 and self.online >= self.needed

    @property
    def on_time(self) -> bool | None:
        """Reached, or reached by the target year at this pace; None when no year can be said."""
        if self.reached:
            return True
        return None if self.year is None else self.year <= self.target.year
