"""One truth for a service's status: each covered own service takes stage, model, URL and department from the
best active online service covering it.

Best: counted as online (``views.what_counts`` with its Targets) before not, then the higher stage, then the
lower number. The status is written through :func:`ozgtrack.town.tracking.update_statuses` (audit entries,
versions) with the reason "über Onlinedienst O-003 <Name>", and ``service_status.online_service_id`` names the
online service. A status whose derived fields were changed directly since (a deviation) is left as it is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ozgtrack.store.db import rows
from ozgtrack.store.models import OnlineCover, OnlineService, ServiceStatus
from ozgtrack.town.context import Context
from ozgtrack.town.online_links import DERIVED_FIELDS, derived_values, in_step
from ozgtrack.town.tracking import trackable, update_statuses
from ozgtrack.town.triage import assignments
from ozgtrack.views.online import number_text
from ozgtrack.views.tracking import KeyChange, StatusUpdate
from ozgtrack.views.what_counts import Targets, is_online


@dataclass(frozen=True)
class Source:
    """An online service as derivation reads it: its id, number, name, derived values and whether it is active."""

    id: int
    number: int
    name: str
    values: dict[str, Any]  # model, stage, url, department as a status takes them
    active: bool

    @property
    def label(self) -> str:
        return f"{number_text(self.number)} {self.name}"


@dataclass
class Derivation:
    """What :func:`derive` did: status changes, covered services not the town's own, deviations left alone."""

    changed: list[KeyChange] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deviations: list[str] = field(default_factory=list)


def deviates(status: Any, source: Source | None, previous: dict[int, dict[str, Any]]) -> bool:
    """A status linked to ``source`` whose derived fields differ from what it gives (and gave before the change
    being made, ``previous``): set directly, a deviation."""
    if source is None:
        return False
    before = previous.get(source.id)
    return not in_step(status, source.values) and (before is None or not in_step(status, before))


def rank(source: Source, targets: Targets) -> tuple:
    """Sort key of the best online service: online first, then the higher stage, then the lower number."""
    stage = source.values["stage"]
    return (not is_online(stage, source.values["model"], targets), -(stage if stage is not None else -1),
            source.number)


def derive(session: Session, context: Context, service_ids: list[int] | None = None, *,
           previous: dict[int, dict[str, Any]] | None = None, targets: Targets = Targets()) -> Derivation:
    """Bring the statuses of these services (None: every covered or linked one) in step with their best online
    service; ``previous``: online service id -> the values it gave before the change being made."""
    town = context.municipality.id
    sources = _sources(session, town)
    covers = _covers(session, town, service_ids)
    statuses = _statuses(session, town, service_ids)
    ids = sorted(set(covers) | {i for i, s in statuses.items() if s["online_service_id"] is not None})
    result, plan = Derivation(), defaultdict(list)
    for found in assignments(session, context.municipality, context.rules, service_ids=ids):
        status = statuses.get(found.service_id)
        if not trackable(context, found):
            result.skipped.append(found.key)
            continue
        linked = sources.get(status["online_service_id"]) if status else None
        if status is not None and deviates(status, linked, previous or {}):
            result.deviations.append(found.key)
            continue
        best = sorted((sources[i] for i in covers.get(found.service_id, ()) if sources[i].active),
                      key=lambda s: rank(s, targets))
        if best:
            plan[(best[0].id, True)].append(found.service_id)
        elif linked is not None:
            plan[(linked.id, False)].append(found.service_id)
    for (source_id, take), services in plan.items():
        _write(session, context, sources[source_id], services, take, result)
    return result


def _write(session: Session, context: Context, source: Source, services: list[int], take: bool,
           result: Derivation) -> None:
    """Statuses from ``source`` (``take``), or with its derived fields cleared (it is retired or no longer covers)."""
    if take:
        values, reason, link = source.values, f"über Onlinedienst {source.label}", source.id
    else:
        why = "außer Betrieb" if not source.active else "deckt die Leistung nicht mehr ab"
        values, reason, link = {"model": None, "stage": None, "url": None}, f"Onlinedienst {source.label} {why}", None
    done = update_statuses(session, context, [StatusUpdate(i, values) for i in services], strict=False, reason=reason)
    result.changed.extend(done.changed)
    session.execute(update(ServiceStatus).where(ServiceStatus.municipality_id == context.municipality.id,
                                                ServiceStatus.service_id.in_(services))
                    .values(online_service_id=link))


def _sources(session: Session, town: int) -> dict[int, Source]:
    columns = (OnlineService.id, OnlineService.number, OnlineService.name, OnlineService.retired_at,
               *(getattr(OnlineService, f) for f in DERIVED_FIELDS))
    found = rows(session, select(*columns).where(OnlineService.municipality_id == town)).mappings()
    return {r["id"]: Source(r["id"], r["number"], r["name"], derived_values(dict(r)), r["retired_at"] is None)
            for r in found}


def _covers(session: Session, town: int, service_ids: list[int] | None) -> dict[int, list[int]]:
    query = (select(OnlineCover.service_id, OnlineCover.online_service_id)
             .join(OnlineService, OnlineService.id == OnlineCover.online_service_id)
             .where(OnlineService.municipality_id == town))
    if service_ids is not None:
        query = query.where(OnlineCover.service_id.in_(service_ids))
    out: dict[int, list[int]] = defaultdict(list)
    for service_id, online_id in rows(session, query):
        out[service_id].append(online_id)
    return out


def _statuses(session: Session, town: int, service_ids: list[int] | None) -> dict[int, Any]:
    query = select(ServiceStatus.service_id, ServiceStatus.online_service_id,
                   *(getattr(ServiceStatus, f) for f in DERIVED_FIELDS)).where(ServiceStatus.municipality_id == town)
    if service_ids is not None:
        query = query.where(ServiceStatus.service_id.in_(service_ids))
    else:
        covered = select(OnlineCover.service_id).join(OnlineService, OnlineService.id == OnlineCover.online_service_id)
        query = query.where(or_(ServiceStatus.online_service_id.is_not(None),
                                ServiceStatus.service_id.in_(covered.where(OnlineService.municipality_id == town))))
    return {r["service_id"]: r for r in rows(session, query).mappings()}

