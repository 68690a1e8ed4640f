"""Build the gap report renderers receive: the analysis, how to group it, what changed since when."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ozgtrack.analysis import online_overview, trend
from ozgtrack.analysis.gaps import analyse, options
from ozgtrack.evidence import findings as pvog
from ozgtrack.report.blockers import blocker_report
from ozgtrack.settings import ReportSettings
from ozgtrack.store.perf import cyclic_gc_paused
from ozgtrack.town import links
from ozgtrack.town.context import Context
from ozgtrack.views.results import GapReport, GroupBy
from ozgtrack.views.targets import Target


def build(session: Session, context: Context, settings: ReportSettings, by: GroupBy = GroupBy.LEBENSBEREICH,
          since: str | None = None, latest_baseline: bool = False, *, plan: bool = False, chapter: bool = False,
          targets: tuple[Target, ...] = ()) -> GapReport:
    """Analyse now; compare with ``since`` (a baseline or a date), or with the newest baseline if asked.

    ``plan``: also the plan's targets (measured and forecast), proposals and measures (chapter, mail).
    ``chapter``: also the sections only the chapter shows (the town's online services, why gaps are open).
    """
    chosen = options(settings)
    with cyclic_gc_paused():
        analysis = analyse(session, context, chosen)
        reference = trend.reference(session, context, since, chosen.targets) if since else (
            trend.latest_reference(session, context) if latest_baseline else None)
        compared = trend.compare(reference, analysis) if reference else None
    plan_part = None
    if plan:
        from ozgtrack.plan.report import plan_report  # here: the plan modules build on this one

        plan_part = plan_report(session, context, settings, targets, analysis)
    blockers = blocker_report(session, context, settings, analysis) if chapter else None
    online = online_overview.overview(session, context.municipality.id, analysis) if chapter else None
    return GapReport(analysis, by, compared, tuple(trend.baselines(session, context)), settings.top_gaps,
                     links=links.report(session, context), pvog=pvog.result(session, context, analysis),
                     plan=plan_part, blockers=blockers, online=online)
