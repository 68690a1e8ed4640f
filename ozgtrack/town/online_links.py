"""Which online service a status comes from, and whether it deviates from it (read by `status show` and `status set`).

A status whose ``online_service_id`` is set takes stage, model, URL and department from that online service; when
they differ (set directly since, with a reason) the status is a deviation (Abweichung).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.errors import UsageError
from ozgtrack.store.db import rows
from ozgtrack.store.models import AuditAction, AuditEntry, OnlineService, ServiceStatus
from ozgtrack.values import MaturityModel
from ozgtrack.views.online import OnlineLink, number_text

# The fields of a status that come from its online service (ozgtrack.town.online_derive).
DERIVED_FIELDS = ("model", "stage", "url", "department")
DERIVED_REASON = "über Onlinedienst "


def derived_values(row: Any) -> dict[str, Any]:
    """What a covered status takes from an online service (row or mapping): stage, model and URL always, the
    department when the online service names one."""
    get = row.get if isinstance(row, dict) else lambda f: getattr(row, f)
    model = get("model")
    values = {"model": MaturityModel(model) if model else None, "stage": get("stage"), "url": get("url")}
    if get("department") is not None:
        values["department"] = get("department")
    return values


def in_step(status: Any, values: dict[str, Any]) -> bool:
    """Whether a status (a mapping) holds what an online service gives it (the fields ``values`` names)."""
    return all(_plain(status[f]) == _plain(v) for f, v in values.items())


def links(session: Session, municipality_id: int, service_ids: list[int] | None) -> dict[int, OnlineLink]:
    """For each of these services (None: all of the town) whose status names an online service: which, and the
    deviation with its reason."""
    query = (select(ServiceStatus.service_id, *(getattr(ServiceStatus, f) for f in DERIVED_FIELDS),
                    OnlineService.number, OnlineService.name, OnlineService.retired_at,
                    *(getattr(OnlineService, f).label(f"o_{f}") for f in DERIVED_FIELDS))
             .join(OnlineService, OnlineService.id == ServiceStatus.online_service_id)
             .where(ServiceStatus.municipality_id == municipality_id))
    if service_ids is not None:
        query = query.where(ServiceStatus.service_id.in_(service_ids))
    out = {}
    for row in rows(session, query).mappings():
        given = derived_values({f: row[f"o_{f}"] for f in DERIVED_FIELDS})
        deviates = not in_step(row, given)
        reason = _deviation_reason(session, municipality_id, row["service_id"]) if deviates else None
        out[row["service_id"]] = OnlineLink(row["number"], row["name"], row["retired_at"] is None, deviates, reason)
    return out


def _deviation_reason(session: Session, municipality_id: int, service_id: int) -> str | None:
    """The reason of the newest status change of a derived field that did not come from an online service."""
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.municipality_id == municipality_id, AuditEntry.service_id == service_id,
        AuditEntry.action == AuditAction.STATUS).order_by(AuditEntry.id.desc()))
    for entry in entries:
        if set(entry.changes) & set(DERIVED_FIELDS):
            return None if (entry.reason or "").startswith(DERIVED_REASON) else entry.reason
    return None


def departures(session: Session, municipality_id: int,
               wanted: dict[int, dict[str, Any]]) -> dict[int, tuple[str, str]]:
    """The services whose new values would set a field their active online service gives them (the department
    only where it names one) to something else than both it and the status now hold; each with the online
    service's number (O-003) and label. A value equal to the online service's brings the status back in step; an unchanged one
    (a deviation kept as it is) departs from nothing."""
    if not wanted:
        return {}
    found = rows(session, select(ServiceStatus.service_id, *(getattr(ServiceStatus, f) for f in DERIVED_FIELDS),
                                 OnlineService.number, OnlineService.name,
                                 *(getattr(OnlineService, f).label(f"o_{f}") for f in DERIVED_FIELDS))
                 .join(OnlineService, OnlineService.id == ServiceStatus.online_service_id)
                 .where(ServiceStatus.municipality_id == municipality_id, OnlineService.retired_at.is_(None),
                        ServiceStatus.service_id.in_(list(wanted)))).mappings()
    out = {}
    for row in found:
        given = derived_values({f: row[f"o_{f}"] for f in DERIVED_FIELDS})
        asked = {f: _plain(v) for f, v in wanted[row["service_id"]].items() if f in given}
        if any(v != _plain(given[f]) and v != _plain(row[f]) for f, v in asked.items()):
            number = number_text(row["number"])
            out[row["service_id"]] = (number, f"{number} {row['name']}")
    return out


def require_reason(session: Session, municipality_id: int, services: list[tuple[int, str]], values: dict[str, Any],
                   reason: str | None) -> None:
    """UsageError when a status that comes from an online service would depart from it without a reason."""
    if reason or not set(values) & set(DERIVED_FIELDS):
        return
    for service_id, (number, label) in departures(session, municipality_id, {i: values for i, _ in services}).items():
        raise UsageError(f"{dict(services)[service_id]} hat seinen Stand über Onlinedienst {label}; Reifegrad, URL "
                         "oder Fachbereich hier direkt zu setzen weicht davon ab – bitte mit --reason begründen, oder "
                         f"den Onlinedienst ändern (`ozgtrack online set {number}`)")


def sheet_deviations(session: Session, municipality_id: int, wanted: dict[int, dict[str, Any]]) -> dict[int, str]:
    """The worksheet rows that would depart from their online service, each with a German sentence why it is
    refused: a worksheet has no place for the reason a deviation needs."""
    return {service_id: f"der Stand kommt über Onlinedienst {label}; Reifegrad, Modell, URL und Fachbereich bitte "
                        f"dort ändern (`ozgtrack online set {number}`), oder als begründete "
                        "Abweichung mit `ozgtrack status set … --reason`"
            for service_id, (number, label) in departures(session, municipality_id, wanted).items()}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, MaturityModel) else value
