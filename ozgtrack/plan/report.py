"""The plan's part of the chapter and the weekly mail: targets, proposals, measures and the measures to chase."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from ozgtrack.catalogue.lebensbereiche import load
from ozgtrack.plan.measures import measure_views
from ozgtrack.plan.proposals import proposal_views
from ozgtrack.plan.targets import CLOSED_STATES, forecast, history_years, planned_by_year, series_for
from ozgtrack.plan.values import period_bounds
from ozgtrack.settings import ReportSettings
from ozgtrack.town.context import Context
from ozgtrack.views.plan import MeasureView
from ozgtrack.views.results import GapAnalysis
from ozgtrack.views.targets import Alert, MeasureAlert, PlanReport, Target

QUIET_DAYS = 91  # a quarter without a progress note
# Where work is expected and so a progress note: a measure only proposed has none to report yet.
WORKING_STATES = ("beschlossen", "in Umsetzung")


def plan_report(session: Session, context: Context, settings: ReportSettings, targets: tuple[Target, ...],
                analysis: GapAnalysis) -> PlanReport | None:
    """Everything the plan sections show; None when the town has no targets, proposals or measures."""
    measures = tuple(measure_views(session, context, with_history=True))
    proposals = tuple(proposal_views(session, context))
    if not (targets or measures or proposals):
        return None
    measured, forecasts = (), ()
    if targets:
        measured = tuple(series_for(session, context, settings, history_years(session, context), analysis))
        planned = planned_by_year(session, context, analysis)
        forecasts = tuple(forecast(measured, t, planned) for t in targets)
    return PlanReport(context.today, targets, measured, forecasts, proposals, measures,
                      tuple(a for m in measures if (a := alert(m, context.today))), load(settings.lebensbereiche).order)


def alert(measure: MeasureView, today: date) -> MeasureAlert | None:
    """Late (its end passed, still open) comes first; else quiet (working, no note for a quarter); else None."""
    if measure.state in CLOSED_STATES:
        return None
    if measure.end and (end := quarter_end(measure.end)) < today:
        return _alert(measure, Alert.LATE, end)
    created = measure.history[0].at.date() if measure.history else measure.updated_at.date()
    last = measure.last_note or created
    if measure.state in WORKING_STATES and (today - last).days >= QUIET_DAYS:
        return _alert(measure, Alert.QUIET, last)
    return None


def _alert(m: MeasureView, kind: Alert, since: date) -> MeasureAlert:
    return MeasureAlert(m.ref, m.title, m.owner, m.state, m.end, kind, since)


def quarter_end(value: str) -> date:
    """The last day of a period: 2027 → 31.12.2027, 2027-Q2 → 30.06.2027."""
    year, quarter = period_bounds(value)[1]
    return date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - timedelta(days=1)
