"""A town's record out of the database, as the bundle's JSON document."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack import __version__
from ozgtrack.bundle.format import FORMAT, STATUS_KEYS, VERSION, stamp
from ozgtrack.catalogue.query import newest_releases
from ozgtrack.store.models import AuditEntry, Municipality, Responsibility, Service, ServiceStatus


def town_document(session: Session, municipality: Municipality, now: datetime, by: str) -> dict[str, Any]:
    """Everything the bundle says of ``municipality``: every service with a decision, a status or history.

    Decisions, statuses and history only: baselines, the plan, case counts and link checks stay with
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
    keys = sorted(set(decisions) | set(statuses) | set(history))
    services = [{"key": key, "decision": _decision(decisions.get(key)), "status": _status(statuses.get(key)),
                 "history": history.get(key, [])} for key in keys]
    return {"format": FORMAT, "version": VERSION, "exported_at": stamp(now), "exported_by": by,
            "generator": f"ozgtrack {__version__}", "municipality": {"ars": municipality.ars, "name": municipality.name},
            "catalogue": {"releases": releases(session)}, "services": services}


def releases(session: Session) -> list[dict[str, Any]]:
    """The newest release of each catalogue source: the catalogue the bundle's keys refer to."""
    found = sorted(newest_releases(session), key=lambda r: r.source)
    return [{"source": r.source.value, "sha256": r.sha256, "fetched_at": stamp(r.fetched_at),
             "published_at": stamp(r.published_at) if r.published_at else None} for r in found]


def _decision(row: Responsibility | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"level": row.level.value, "reason": row.reason, "by": row.decided_by, "at": stamp(row.decided_at)}


def _status(row: ServiceStatus | None) -> dict[str, Any] | None:
    if row is None:
        return None
    values = {f: _plain(getattr(row, f)) for f in STATUS_KEYS}
    return {**values, "updated_at": stamp(row.updated_at), "updated_by": row.updated_by}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)
