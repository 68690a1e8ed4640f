"""Targets of the plan: the share of the town's own services online, measured year by year, and a forecast.

Measured as ``report gaps`` counts (the same unit and definitions, :mod:`ozgtrack.analysis.gaps`):
the share online of the own services at the end of each year, replayed from the history with
:func:`ozgtrack.analysis.trend.reference_at`, and today's figures for the current year. A year
before the first recorded status has no share: 0 % would only say that nobody had looked yet.

The forecast: the pace is the number of own services that went online per year between the first
measurement after a status was recorded and today (at least a quarter apart); the target year is
the first whose end that pace reaches. The measures of the plan are shown beside it, not added
to it (the pace already holds the work done so far): the own services not online yet that open
measures (not umgesetzt, zurückgestellt or verworfen) cover and finish by a year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack.analysis import trend
from ozgtrack.analysis.gaps import analyse
from ozgtrack.plan import versions
from ozgtrack.plan.values import period_bounds
from ozgtrack.settings import ReportSettings, Settings
from ozgtrack.store.models import AuditAction, AuditEntry, Measure, PlanVersionItem
from ozgtrack.town.context import Context
from ozgtrack.views.results import WITHOUT_OZG, Applicability, Category, GapAnalysis, GroupBy, Then
from ozgtrack.views.targets import ForecastView, Measured, Target, Unforeseeable

__all__ = ["ForecastView", "Measured", "Target", "Unforeseeable", "first_recorded", "forecast", "history_years",
           "measured_series", "planned_by_year", "series_for"]

CLOSED_STATES = ("umgesetzt", "zurückgestellt", "verworfen")  # measures that carry no further service online
MIN_HISTORY_DAYS = 91  # a pace over less than a quarter says nothing
_LAST_YEAR = 2100
_YEAR_DAYS = 365.25


def first_recorded(session: Session, context: Context) -> datetime | None:
    """When the town first recorded a status (UTC), None when never."""
    return session.scalar(select(func.min(AuditEntry.at)).where(
        AuditEntry.municipality_id == context.municipality.id, AuditEntry.action == AuditAction.STATUS))


def history_years(session: Session, context: Context, back: int = 10) -> list[int]:
    """The years from the first recorded status (at most ``back`` years ago) to the current one."""
    first = first_recorded(session, context)
    start = max(first.year, context.today.year - back) if first else context.today.year
    return list(range(start, context.today.year + 1))


def measured_series(session: Session, context: Context, settings: Settings, years: Iterable[int], *,
                    analysis: GapAnalysis | None = None) -> list[Measured]:
    """Per year (future years left out) the share online, first of all own services, then per Lebensbereich."""
    return series_for(session, context, settings.report, years, analysis)


def series_for(session: Session, context: Context, settings: ReportSettings, years: Iterable[int],
               analysis: GapAnalysis | None = None) -> list[Measured]:
    """:func:`measured_series` with the report settings alone (what the gap report has)."""
    from ozgtrack.analysis.gaps import options  # here: the gap report builds the plan report (plan.report)

    chosen = options(settings)
    analysis = analysis or analyse(session, context, chosen)
    areas = {s.service_id: {m.lebensbereich for m in s.memberships} or {WITHOUT_OZG} for s in analysis.services}
    first = first_recorded(session, context)
    found: list[Measured] = []
    for year in sorted(set(years)):
        if year > context.today.year:
            continue
        if year == context.today.year:
            found += _today(analysis, first is not None)
            continue
        until = datetime(year + 1, 1, 1)
        then = trend.reference_at(session, context, until, str(year), chosen.targets)
        recorded = first is not None and first < until
        found += _then(year, then.services, areas, recorded, chosen.lebensbereiche.rank)
    return found


def _today(analysis: GapAnalysis, recorded: bool) -> list[Measured]:
    year, day = analysis.today.year, analysis.today
    rows = [(None, analysis.totals)] + [(g.key, g.counts) for g in analysis.groups[GroupBy.LEBENSBEREICH]]
    return [_measured(year, area, c.applicable, c.online, day, recorded) for area, c in rows
            if area is None or c.applicable]


def _then(year: int, services: Mapping[int, Then], areas: Mapping[int, set[str]], recorded: bool,
          rank: Callable[[str], tuple[int, str]]) -> list[Measured]:
    counted: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for service_id, then in services.items():
        if then.applicability is not Applicability.APPLICABLE:
            continue
        for area in (None, *areas.get(service_id, {WITHOUT_OZG})):
            counted[area][0] += 1
            counted[area][1] += then.category is Category.ONLINE
    ordered = [None, *sorted((a for a in counted if a is not None), key=rank)]
    return [_measured(year, a, *counted[a], date(year, 12, 31), recorded) for a in ordered]


def _measured(year: int, area: str | None, counted: int, online: int, day: date, recorded: bool) -> Measured:
    percent = 100 * online / counted if counted and recorded else None
    return Measured(year, percent, area, counted, online, day, recorded)


def planned_by_year(session: Session, context: Context, analysis: GapAnalysis) -> dict[tuple[str | None, int], int]:
    """Own services not online that an open measure covers, by (Lebensbereich or None for all, planned year).

    A measure's year is its own end, else its year in the staged plan the chapter shows (the newest
    adopted version, else the newest draft); a measure with neither counts nowhere. A measure names
    LeiKa keys or OZG-IDs; a service covered by several counts once, in the earliest year.
    """
    version = versions.shown_version(session, context)
    staged = dict(session.execute(select(PlanVersionItem.measure_id, PlanVersionItem.year).where(
        PlanVersionItem.version_id == version.id, PlanVersionItem.year.is_not(None))).all()) if version else {}
    ends: dict[str, int] = {}
    for measure_id, services, end in session.execute(select(Measure.id, Measure.services, Measure.end).where(
            Measure.municipality_id == context.municipality.id, Measure.state.not_in(CLOSED_STATES))):
        year = period_bounds(end)[1][0] if end else staged.get(measure_id)
        if year is None:
            continue
        for item in services or ():
            ends[item] = min(year, ends.get(item, year))
    found: dict[tuple[str | None, int], int] = defaultdict(int)
    for gap in analysis.applicable:
        years = [ends[i] for i in (gap.key, *(m.ozg_id for m in gap.memberships)) if i in ends]
        if gap.category is Category.ONLINE or not years:
            continue
        for area in (None, *({m.lebensbereich for m in gap.memberships} or {WITHOUT_OZG})):
            found[(area, min(years))] += 1
    return dict(found)


def forecast(series: Iterable[Measured], target: Target,
             planned: Mapping[tuple[str | None, int], int] | None = None) -> ForecastView:
    """When ``target`` is reached at the pace of ``series`` (its newest point is now), and how far the plan carries."""
    points = sorted((m for m in series if m.lebensbereich == target.lebensbereich and m.at), key=lambda m: m.at)
    if not points or not points[-1].counted:
        return ForecastView(target, 0, 0, 0, reason=Unforeseeable.NOTHING_COUNTED)
    now = points[-1]
    needed = -(-target.percent * now.counted // 100)  # rounded up: 80 % of 5 services are 4
    planned_total, plan_year = _plan(planned or {}, target, now, needed)
    base = ForecastView(target, now.counted, now.online, needed, planned=planned_total, plan_year=plan_year)
    if now.online >= needed:
        return base
    start = next((m for m in points if m.recorded and m.percent is not None and m.at < now.at), None)
    if start is None:
        return _unforeseeable(base, Unforeseeable.NO_HISTORY)
    days = (now.at - start.at).days
    pace = (now.online - start.online) * _YEAR_DAYS / days if days else 0.0
    base = replace(base, pace=pace, since=start.at)
    if days < MIN_HISTORY_DAYS:
        return _unforeseeable(base, Unforeseeable.SHORT_HISTORY)
    if pace <= 0:
        return _unforeseeable(base, Unforeseeable.NO_PROGRESS)
    for year in range(now.at.year, _LAST_YEAR + 1):
        if now.online + pace * (date(year, 12, 31) - now.at).days / _YEAR_DAYS >= needed:
            return replace(base, year=year)
    return _unforeseeable(base, Unforeseeable.TOO_SLOW)


def _unforeseeable(view: ForecastView, reason: Unforeseeable) -> ForecastView:
    return replace(view, reason=reason)


def _plan(planned: Mapping[tuple[str | None, int], int], target: Target, now: Measured,
          needed: int) -> tuple[int, int | None]:
    """Services the open measures bring online by the target year, and the year they would reach the target in."""
    years = sorted(y for area, y in planned if area == target.lebensbereich)
    total = sum(planned[(target.lebensbereich, y)] for y in years if y <= target.year)
    online, reached = now.online, None
    for year in years:
        online += planned[(target.lebensbereich, year)]
        if reached is None and online >= needed and now.online < needed:
            reached = max(year, now.at.year)
    return total, reached
