"""The town's online services as `online show` and `online list` read them, with covered services and history."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.errors import NotFoundError
from ozgtrack.store.db import rows
from ozgtrack.store.models import OnlineCover, OnlineEntry, OnlineService, ServiceStatus
from ozgtrack.town.context import Context
from ozgtrack.town.online_links import DERIVED_FIELDS, derived_values, in_step
from ozgtrack.town.tracking import trackable
from ozgtrack.town.triage import assignments
from ozgtrack.views.online import CoveredService, OnlineEntryView, OnlineServiceView, number_text

_VIEW_FIELDS = ("number", "name", "url", "delivery", "provider", "model", "stage", "department", "live_since",
                "account", "payment", "reply", "intake", "system", "contract", "note", "version", "updated_at",
                "updated_by", "retired_at")


def online_views(session: Session, context: Context, *, numbers: list[int] | None = None,
                 include_retired: bool = False) -> list[OnlineServiceView]:
    """The town's online services by number (only the active ones unless ``include_retired``), with their covers."""
    query = select(OnlineService).where(OnlineService.municipality_id == context.municipality.id)
    if numbers is not None:
        query = query.where(OnlineService.number.in_(numbers))
    elif not include_retired:
        query = query.where(OnlineService.retired_at.is_(None))
    found = list(session.scalars(query.order_by(OnlineService.number)))
    covers = _covers(session, context, [r.id for r in found])
    return [_view(row, covers.get(row.id, ())) for row in found]


def history(session: Session, context: Context, number: int) -> list[OnlineEntryView]:
    """Every change of the town's online service ``number``, oldest first."""
    online_id = session.scalar(select(OnlineService.id).where(
        OnlineService.municipality_id == context.municipality.id, OnlineService.number == number))
    if online_id is None:
        raise NotFoundError(f"{context.municipality.name} hat keinen Onlinedienst {number_text(number)}; "
                            "siehe `ozgtrack online list --retired`")
    entries = session.scalars(select(OnlineEntry).where(OnlineEntry.online_service_id == online_id)
                              .order_by(OnlineEntry.at, OnlineEntry.id))
    return [OnlineEntryView(e.at, e.by, e.action, e.changes, e.reason) for e in entries]


def _view(row: OnlineService, covers: tuple[CoveredService, ...]) -> OnlineServiceView:
    values: dict[str, Any] = {f: getattr(row, f) for f in _VIEW_FIELDS}
    values["model"] = row.model.value if row.model else None
    return OnlineServiceView(**values, covers=covers)


def covered_by(session: Session, online_ids: list[int]) -> dict[int, list[int]]:
    """The LeiKa services (ids) each of these online services covers; read by the register, the chapter and the
    citizens' page alike."""
    found: dict[int, list[int]] = defaultdict(list)
    if online_ids:
        for online_id, service_id in rows(session, select(OnlineCover.online_service_id, OnlineCover.service_id)
                                          .where(OnlineCover.online_service_id.in_(online_ids))):
            found[online_id].append(service_id)
    return found


def _covers(session: Session, context: Context, online_ids: list[int]) -> dict[int, tuple[CoveredService, ...]]:
    """Each online service's covered services: own or not, the status's stage, whether it deviates from it."""
    town = context.municipality.id
    pairs = [(o, s) for o, services in covered_by(session, online_ids).items() for s in services]
    service_ids = sorted({s for _, s in pairs})
    found = {a.service_id: a for a in assignments(session, context.municipality, context.rules,
                                                  service_ids=service_ids)}
    statuses = {r["service_id"]: r for r in rows(session, select(
        ServiceStatus.service_id, ServiceStatus.online_service_id, *(getattr(ServiceStatus, f) for f in DERIVED_FIELDS))
        .where(ServiceStatus.municipality_id == town, ServiceStatus.service_id.in_(service_ids))).mappings()}
    sources = {r.id: derived_values(r) for r in session.scalars(select(OnlineService).where(
        OnlineService.municipality_id == town))}
    out: dict[int, list[CoveredService]] = defaultdict(list)
    for online_id, service_id in pairs:
        a, status = found[service_id], statuses.get(service_id)
        linked = status["online_service_id"] if status else None
        deviates = linked is not None and not in_step(status, sources[linked])
        out[online_id].append(CoveredService(a.key, a.name, trackable(context, a),
                                             status["stage"] if status else None, deviates))
    return {k: tuple(sorted(v, key=lambda c: c.key)) for k, v in out.items()}

