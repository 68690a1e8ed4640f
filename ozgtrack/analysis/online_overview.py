"""The town's active online services for the chapter: what each covers, and its building blocks (reads only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.store.models import OnlineService
from ozgtrack.town.online_views import covered_by
from ozgtrack.views.online_overview import READINESS, OnlineOverview, RegisteredService
from ozgtrack.views.results import Applicability, Category, GapAnalysis, ServiceGap


def overview(session: Session, municipality_id: int, analysis: GapAnalysis) -> OnlineOverview:
    """The active online services of the municipality by number, each with the services it covers counted as
    ``analysis`` counts them (own, online) and the OZG-Leistungen they belong to."""
    found = list(session.scalars(select(OnlineService).where(OnlineService.municipality_id == municipality_id,
                                                               OnlineService.retired_at.is_(None))
                                 .order_by(OnlineService.number)))
    covered = covered_by(session, [s.id for s in found])
    gaps = {g.service_id: g for g in analysis.services}
    # Only the services the analysis counts: a Leistungsobjekt with Verrichtungen is a grouping, no service.
    return OnlineOverview(tuple(_registered(s, [gaps[i] for i in covered[s.id] if i in gaps]) for s in found))


def _registered(service: OnlineService, gaps: list[ServiceGap]) -> RegisteredService:
    own = [g for g in gaps if g.applicability is Applicability.APPLICABLE]
    ozg = {m.ozg_id: m.ozg_name for g in gaps for m in g.memberships}
    blocks = {rule.key: _value(getattr(service, rule.key)) for rule in READINESS}
    return RegisteredService(service.number, service.name, service.url, service.delivery, service.provider, blocks,
                             len(gaps), len(own), sum(1 for g in own if g.category is Category.ONLINE),
                             tuple(sorted(ozg.items())))


def _value(value: object) -> str | None:
    """An enum's stored value or the text as recorded; None when not recorded."""
    return None if value is None else str(getattr(value, "value", value))
