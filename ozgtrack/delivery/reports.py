"""What each message reports: the analysis (computed once per run), compared with the recipients' last report."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.analysis import trend
from ozgtrack.delivery import outbox
from ozgtrack.delivery.compose import only
from ozgtrack.render.mail import MailReport
from ozgtrack.report.assemble import build
from ozgtrack.settings import ReportSettings
from ozgtrack.store.db import rows
from ozgtrack.store.models import Release, Service
from ozgtrack.town.context import Context
from ozgtrack.town.tracking import orphans
from ozgtrack.views.results import GapReport, GroupBy, ServiceGap
from ozgtrack.views.tracking import Orphan

LAST = "last"  # --since last: the changes since the last sent report of the same kind and Fachbereich


def town_report(session: Session, context: Context, settings: ReportSettings, since: str) -> GapReport:
    """The gap report by service, compared with ``since`` unless that is "last" (then per recipient)."""
    return build(session, context, settings, GroupBy.SERVICE, None if since == LAST else since, plan=True)


def content(session: Session, context: Context, full: GapReport, since: str, kind: str,
            department: str | None) -> MailReport:
    """The report one message carries: the town's, or one Fachbereich's, with its changes and catalogue news."""
    report, label, since_at = _since(session, context, full, since, kind, department)
    report = only(report, department) if department else report
    new, withdrawn = _catalogue_changes(session, context, report, since_at, department)
    return MailReport(report, department, label, new, withdrawn, _worksheet(session, context, department))


def _worksheet(session: Session, context: Context, department: str | None) -> bytes | None:
    """A Fachbereich's status worksheet, as `status export --department` writes it; None for the town's mail."""
    if department is None:
        return None
    from ozgtrack.town.worksheet import export_workbook, sheet_views, versions

    return export_workbook(sheet_views(session, context, department), versions(session, context.municipality.id),
                           context.now)


def _since(session: Session, context: Context, full: GapReport, since: str, kind: str,
           department: str | None) -> tuple[GapReport, str | None, datetime | None]:
    if since != LAST:
        return full, full.trend.label if full.trend else None, full.trend.at if full.trend else None
    last = outbox.last_sent(session, context.municipality.id, kind, department)
    if last is None:
        return full, None, None
    label = f"Bericht vom {last.strftime('%d.%m.%Y')}"
    reference = trend.reference_at(session, context, last, label, full.analysis.targets)
    return replace(full, trend=trend.compare(reference, full.analysis)), label, last


def _catalogue_changes(session: Session, context: Context, report: GapReport, since: datetime | None,
                       department: str | None) -> tuple[tuple[ServiceGap, ...], tuple[Orphan, ...]]:
    """Own services new in the catalogue since then, and withdrawn keys that carry a status."""
    if since is None:
        return (), ()
    newly = {g.service_id for g in (report.trend.newly_applicable if report.trend else ())}
    first_seen = select(Service.id).join(Release, Release.id == Service.first_release_id).where(Release.fetched_at >= since)
    recent = {service_id for (service_id,) in rows(session, first_seen)}
    new = tuple(g for g in report.analysis.applicable if g.service_id in newly and g.service_id in recent)
    withdrawn = tuple(o for o in orphans(session, context.municipality) if o.withdrawn_at and o.withdrawn_at >= since
                      and (department is None or (o.department or "").casefold() == department.casefold()))
    return new, withdrawn
