"""Link checks in the database: which links to check, storing the results, the newest check of each current link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ozgtrack.fields import without_credentials
from ozgtrack.store.db import rows
from ozgtrack.store.models import LinkCheck, Service, ServiceStatus
from ozgtrack.town.context import Context
from ozgtrack.views.links import BrokenLink, CheckedLink, LinkCheckView, LinkReport, LinkResult, LinkState


@dataclass(frozen=True)
class LinkTarget:
    """A service's status with an online URL to check."""

    service_id: int
    key: str
    name: str
    department: str | None
    url: str


def targets(session: Session, municipality_id: int) -> list[LinkTarget]:
    """Every status of the municipality with an http(s) URL, by key."""
    query = (select(ServiceStatus.service_id, Service.key, Service.name, ServiceStatus.department, ServiceStatus.url)
             .join(Service, Service.id == ServiceStatus.service_id)
             .where(ServiceStatus.municipality_id == municipality_id, ServiceStatus.url.is_not(None))
             .order_by(Service.key))
    return [LinkTarget(*row) for row in rows(session, query) if urlsplit(row.url).scheme in ("http", "https")]


def checked(found: list[LinkTarget], results: dict[str, LinkResult]) -> tuple[CheckedLink, ...]:
    """Each service's link with the result of its URL (a URL several services share is checked once)."""
    return tuple(CheckedLink(t.key, t.name, t.department, t.url, results[t.url]) for t in found)


def store(session: Session, municipality_id: int, found: list[LinkTarget], results: dict[str, LinkResult],
          at: datetime) -> None:
    """Append one row per service and check; earlier checks stay as history.

    A redirect may lead to an address with credentials (``user:pw@``): it is stored without them.
    """
    final = {url: without_credentials(r.final_url) if r.final_url else None for url, r in results.items()}
    batch = [{"municipality_id": municipality_id, "service_id": t.service_id, "url": t.url,
              "state": results[t.url].state, "http_status": results[t.url].http_status,
              "final_url": final[t.url], "redirects": results[t.url].redirects,
              "error": results[t.url].error, "checked_at": at} for t in found]
    if batch:
        session.execute(insert(LinkCheck), batch)


def latest(session: Session, municipality_id: int) -> dict[int, LinkCheckView]:
    """The newest check of each status's current URL, by service id; a check of an earlier URL says nothing."""
    current = (select(func.max(LinkCheck.id))
               .join(ServiceStatus, (ServiceStatus.municipality_id == LinkCheck.municipality_id)
                     & (ServiceStatus.service_id == LinkCheck.service_id) & (ServiceStatus.url == LinkCheck.url))
               .where(LinkCheck.municipality_id == municipality_id).group_by(LinkCheck.service_id))
    query = select(LinkCheck.service_id, LinkCheck.state, LinkCheck.checked_at, LinkCheck.http_status,
                   LinkCheck.final_url, LinkCheck.redirects, LinkCheck.error).where(LinkCheck.id.in_(current))
    return {row[0]: LinkCheckView(*row[1:]) for row in rows(session, query)}


def report(session: Session, context: Context) -> LinkReport | None:
    """What the chapter and the weekly mail say about links; None when no current link was ever checked."""
    checks = latest(session, context.municipality.id)
    if not checks:
        return None
    broken = tuple(BrokenLink(t.key, t.name, t.department, t.url, checks[t.service_id])
                   for t in targets(session, context.municipality.id)
                   if t.service_id in checks and checks[t.service_id].state is LinkState.BROKEN)
    unverifiable = sum(1 for c in checks.values() if c.state is LinkState.UNVERIFIABLE)
    return LinkReport(len(checks), unverifiable, max(c.checked_at for c in checks.values()), broken)
