"""Build `report blockers` and the chapter's "Warum noch nicht online": the gaps by cause with the plan's measures."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ozgtrack.analysis.blockers import analyse
from ozgtrack.analysis.gaps import analyse as analyse_gaps, options
from ozgtrack.plan.measures import measure_views
from ozgtrack.settings import ReportSettings
from ozgtrack.town.context import Context
from ozgtrack.views.blockers import BlockerReport, MeasureRef
from ozgtrack.views.online import BlockerCode
from ozgtrack.views.results import GapAnalysis


def blocker_report(session: Session, context: Context, settings: ReportSettings,
                   gaps: GapAnalysis | None = None) -> BlockerReport:
    """The town's open gaps by cause; ``gaps`` when the caller has analysed them already."""
    gaps = gaps or analyse_gaps(session, context, options(settings))
    measures = [MeasureRef(m.ref, m.title, m.state, BlockerCode(m.blocker) if m.blocker else None, m.services)
                for m in measure_views(session, context)]
    return analyse(session, context, gaps, measures)
