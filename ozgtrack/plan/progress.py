"""The adopted plan against what became of it: measures replayed to a moment, compared, the yearly progress report.

A measure's history holds every change (old → new per field), so replaying it up to a moment
gives the measure as it was then: the progress report for 2027, written in 2029, says what the
measures were at the end of 2027.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.errors import NotFoundError
from ozgtrack.plan import versions
from ozgtrack.plan.stages import due
from ozgtrack.plan.targets import forecast, history_years, planned_by_year, series_for
from ozgtrack.plan.values import DEFAULT_STATE, measure_ref
from ozgtrack.settings import Settings
from ozgtrack.store.models import Measure, MeasureEntry
from ozgtrack.town.context import Context
from ozgtrack.views.results import GapAnalysis
from ozgtrack.views.stages import (
    CLOSED, Compared, MeasureSnapshot, PlanChapter, PlanComparison, PlanVersionView, ProgressReport, TargetPoint,
)
from ozgtrack.views.targets import ForecastView, Measured

_START = {"state": DEFAULT_STATE, "progress": 0, "weight": 1}


def measures_at(session: Session, context: Context, until: datetime) -> list[MeasureSnapshot]:
    """The municipality's measures as they were just before ``until`` (UTC), replayed from their history."""
    numbers = dict(session.execute(select(Measure.id, Measure.number).where(
        Measure.municipality_id == context.municipality.id)).all())
    state: dict[int, dict[str, Any]] = {}
    entries = session.scalars(select(MeasureEntry).where(MeasureEntry.measure_id.in_(list(numbers)),
                                                         MeasureEntry.at < until).order_by(MeasureEntry.id))
    for entry in entries:
        fields = state.setdefault(entry.measure_id, dict(_START))
        fields.update({name: new for name, (_, new) in entry.changes.items()})
    return sorted((_snapshot(numbers[i], f) for i, f in state.items()), key=lambda m: m.number)


def _snapshot(number: int, f: dict[str, Any]) -> MeasureSnapshot:
    return MeasureSnapshot(number, measure_ref(number), f.get("title") or "", f.get("lebensbereich"), f["state"],
                           f["progress"], f["weight"], f.get("cost"), tuple(f.get("services") or ()), f.get("start"),
                           f.get("end"))


def passed(year: int | None, quarter: int | None, as_of: datetime) -> bool:
    """Whether the planned year (or quarter) is over at ``as_of``."""
    if year is None:
        return False
    last = quarter or 4
    return (as_of.year, (as_of.month - 1) // 3 + 1) > (year, last)


def compare(version: PlanVersionView, now: Iterable[MeasureSnapshot], as_of: datetime,
            left_out: frozenset[int] = frozenset()) -> PlanComparison:
    """Each measure of the adopted ``version`` against ``now`` (pure); measures not in the plan are "neu".

    ``left_out``: numbers of measures already umgesetzt or verworfen at the adoption (no stage on purpose).
    """
    current = {m.number: m for m in now}
    rows = [_planned(s.measure, s.year, s.quarter, current.get(s.measure.number), as_of) for s in version.stages]
    planned = {s.measure.number for s in version.stages}
    rows += [_added(m) for n, m in sorted(current.items())
             if n not in planned and n not in left_out and m.state != "verworfen"]
    return PlanComparison(version, as_of, tuple(rows))


def _planned(then: MeasureSnapshot, year: int | None, quarter: int | None, now: MeasureSnapshot | None,
             as_of: datetime) -> Compared:
    shown = now or then
    now_due = due(now) if now is not None else None
    dropped = now is not None and now.state == "verworfen"
    done = now is not None and now.state == "umgesetzt"
    late = not done and not dropped and passed(year, quarter, as_of)
    moved = now_due is not None and year is not None and now_due[0] != year
    return Compared(shown.ref, shown.title, shown.lebensbereich, year, quarter, then, now,
                    now_due[0] if now_due else None, late, moved, dropped, False)


def _added(now: MeasureSnapshot) -> Compared:
    now_due = due(now)
    return Compared(now.ref, now.title, now.lebensbereich, None, None, None, now, now_due[0] if now_due else None,
                    False, False, False, True)


def comparison(session: Session, context: Context, version_name: str | None, year: int | None,
               as_of: datetime) -> PlanComparison:
    """The adopted version (by name, else the newest covering ``year``) compared with the measures at ``as_of``."""
    version = versions.adopted_for(session, context, year) if version_name is None else \
        versions.find_adopted(session, context, version_name)
    if version is None:
        when = f" für {year}" if year is not None else ""
        raise NotFoundError(f"es gibt keinen beschlossenen Plan{when}; einen Entwurf beschließt "
                            "`ozgtrack plan adopt NAME`")
    view = versions.version_view(session, version)
    adopted = versions.adopted_at(session, version)
    planned = {s.measure.number for s in view.stages}
    left_out = frozenset(m.number for m in measures_at(session, context, adopted)
                         if m.state in CLOSED and m.number not in planned)
    return compare(view, measures_at(session, context, as_of), as_of, left_out)


# --- targets and what was measured (ozgtrack.plan.targets) ----------------------------------------------


def measured(session: Session, context: Context, settings: Settings, years: Iterable[int],
             analysis: GapAnalysis | None = None) -> list[Measured]:
    """The measured shares for ``years`` and for the town's whole history (what a forecast needs), in one pass."""
    wanted = set(years) | set(history_years(session, context))
    return series_for(session, context, settings.report, wanted, analysis)


def target_points(settings: Settings, span: Sequence[int], until: int,
                  series: Iterable[Measured]) -> tuple[TargetPoint, ...]:
    """The whole town's target and measured share for each year of ``span`` (measured up to ``until``)."""
    targets = {t.year: t.percent for t in settings.plan.targets if t.lebensbereich is None}
    found = {m.year: m.percent for m in series if m.lebensbereich is None and m.year in span and m.year <= until}
    return tuple(TargetPoint(y, None, targets.get(y), found.get(y)) for y in span if y in targets or y in found)


def progress_report(session: Session, context: Context, settings: Settings, year: int,
                    version_name: str | None = None) -> ProgressReport:
    """The progress report for ``year``: the adopted plan against the measures at the year's end (or now)."""
    from ozgtrack.analysis.gaps import analyse, options

    as_of = min(context.now, datetime(year + 1, 1, 1))
    compared = comparison(session, context, version_name, year, as_of)
    span = range(compared.version.years[0] - 1, max(compared.version.years[-1], year) + 1)  # and the year before
    analysis = analyse(session, context, options(settings.report))
    series = measured(session, context, settings, span, analysis)
    town = context.municipality
    return ProgressReport(town.name, town.ars, bool(town.demo), year, context.now, compared,
                          target_points(settings, span, year, series),
                          forecasts(session, context, settings, analysis, series))


def forecasts(session: Session, context: Context, settings: Settings, analysis: GapAnalysis,
              series: list[Measured]) -> tuple[ForecastView, ...]:
    """Each whole-town target with the year it is reached at today's pace and how far the plan carries."""
    targets = [t for t in settings.plan.targets if t.lebensbereich is None]
    if not targets:
        return ()
    planned = planned_by_year(session, context, analysis)
    return tuple(forecast(series, t, planned) for t in targets)


def chapter_part(session: Session, context: Context, settings: Settings,
                 analysis: GapAnalysis | None = None) -> PlanChapter | None:
    """The plan's sections of the chapter: the newest adopted version (else the newest draft), compared with now.

    ``analysis``: the chapter's own gap analysis, so that today's share is not counted twice.
    """
    version = versions.shown_version(session, context)
    if version is None:
        return None
    view = versions.version_view(session, version)
    if version.state != "beschlossen":
        return PlanChapter(view, None, ())
    compared = comparison(session, context, version.name, None, context.now)
    span = range(view.year_from - 1, view.year_to + 1)
    series = series_for(session, context, settings.report, span, analysis)
    return PlanChapter(view, compared, target_points(settings, span, context.today.year, series))
