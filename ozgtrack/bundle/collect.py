"""A town's record out of the database, as the bundle's JSON document."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack import __version__
from ozgtrack.bundle.format import FORMAT, STATUS_KEYS, VERSION, stamp
from ozgtrack.bundle.records import ONLINE_KEYS, plain
from ozgtrack.catalogue.query import newest_releases
from ozgtrack.store.models import (
    AuditEntry, Municipality, OnlineCover, OnlineEntry, OnlineService, Responsibility, Service, ServiceBlocker,
    ServiceStatus,
)


def town_document(session: Session, municipality: Municipality, now: datetime, by: str) -> dict[str, Any]:
    """Everything the bundle says of ``municipality``: every service with a decision, a status, history or a
    blocker, and every online service (retired ones too) with what it covers and its history.

    Decisions, statuses, blockers, online services and history only: baselines, the plan, case counts and link checks stay with
    the town (they are its own working material, and a Kreis can recount or recheck them).
    """
    decisions = {key: d for d, key in session.execute(
        select(Responsibility, Service.key).join(Service, Responsibility.service_id == Service.id)
        .where(Responsibility.municipality_id == municipality.id))}
    statuses = {key: s for s, key in session.execute(
        select(ServiceStatus, Service.key).join(Service, ServiceStatus.service_id == Service.id)
        .where(ServiceStatus.municipality_id == municipality.id))}
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry, key in session.execute(
            select(AuditEntry, Service.key).join(Service, AuditEntry.service_id == Service.id)
            .where(AuditEntry.municipality_id == municipality.id).order_by(AuditEntry.at, AuditEntry.id)):
        history[key].append({"at": stamp(entry.at), "by": entry.by, "action": entry.action.value,
                             "changes": entry.changes, "reason": entry.reason})
    blockers = _blockers(session, municipality.id)
    numbers = dict(session.execute(select(OnlineService.id, OnlineService.number)
                                   .where(OnlineService.municipality_id == municipality.id)).all())
    keys = sorted(set(decisions) | set(statuses) | set(history) | set(blockers))
    services = [{"key": key, "decision": _decision(decisions.get(key)),
                 "status": _status(statuses.get(key), numbers), "history": history.get(key, []),
                 "blockers": blockers.get(key, [])} for key in keys]
    return {"format": FORMAT, "version": VERSION, "exported_at": stamp(now), "exported_by": by,
            "generator": f"ozgtrack {__version__}", "municipality": {"ars": municipality.ars, "name": municipality.name},
            "catalogue": {"releases": releases(session)}, "services": services,
            "online_services": online_services(session, municipality.id)}


def online_services(session: Session, municipality_id: int) -> list[dict[str, Any]]:
    """The town's online services by number: every field, the covers by LeiKa key, the history in time order."""
    rows = session.scalars(select(OnlineService).where(OnlineService.municipality_id == municipality_id)
                           .order_by(OnlineService.number)).all()
    covers: dict[int, list[str]] = defaultdict(list)
    for online_id, key in session.execute(
            select(OnlineCover.online_service_id, Service.key).join(Service, OnlineCover.service_id == Service.id)
            .join(OnlineService, OnlineCover.online_service_id == OnlineService.id)
            .where(OnlineService.municipality_id == municipality_id).order_by(Service.key)):
        covers[online_id].append(key)
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in session.scalars(
            select(OnlineEntry).join(OnlineService, OnlineEntry.online_service_id == OnlineService.id)
            .where(OnlineService.municipality_id == municipality_id).order_by(OnlineEntry.at, OnlineEntry.id)):
        history[entry.online_service_id].append({"at": stamp(entry.at), "by": entry.by, "action": entry.action,
                                                 "changes": entry.changes, "reason": entry.reason})
    return [{"number": row.number, **{f: plain(getattr(row, f)) for f in ONLINE_KEYS}, "version": row.version,
             "created_at": stamp(row.created_at), "created_by": row.created_by, "updated_at": stamp(row.updated_at),
             "updated_by": row.updated_by, "retired_at": row.retired_at and stamp(row.retired_at),
             "retired_by": row.retired_by, "covers": covers.get(row.id, []), "history": history.get(row.id, [])}
            for row in rows]


def _blockers(session: Session, municipality_id: int) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row, key in session.execute(
            select(ServiceBlocker, Service.key).join(Service, ServiceBlocker.service_id == Service.id)
            .where(ServiceBlocker.municipality_id == municipality_id).order_by(ServiceBlocker.set_at, ServiceBlocker.id)):
        found[key].append({"code": row.code, "note": row.note, "set_at": stamp(row.set_at), "set_by": row.set_by,
                           "cleared_at": row.cleared_at and stamp(row.cleared_at), "cleared_by": row.cleared_by})
    return found


def releases(session: Session) -> list[dict[str, Any]]:
    """The newest release of each catalogue source: the catalogue the bundle's keys refer to."""
    found = sorted(newest_releases(session), key=lambda r: r.source)
    return [{"source": r.source.value, "sha256": r.sha256, "fetched_at": stamp(r.fetched_at),
             "published_at": stamp(r.published_at) if r.published_at else None} for r in found]


def _decision(row: Responsibility | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"level": row.level.value, "reason": row.reason, "by": row.decided_by, "at": stamp(row.decided_at)}


def _status(row: ServiceStatus | None, numbers: dict[int, int]) -> dict[str, Any] | None:
    if row is None:
        return None
    values = {f: plain(getattr(row, f)) for f in STATUS_KEYS}
    return {**values, "online_service": numbers.get(row.online_service_id), "updated_at": stamp(row.updated_at),
            "updated_by": row.updated_by}
