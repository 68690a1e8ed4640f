"""The counting unit: a LeiKa Leistung (Verrichtung); a Leistungsobjekt with Verrichtungen only groups them.

A key ``99 GGG KKK 000 000`` names a bare Leistungsobjekt ("Hundesteuer"); its Verrichtungen
("Hundesteuer Festsetzung", "… Befreiung") share the first 8 digits. Where the catalogue lists
live Verrichtungen, the Leistungsobjekt is their heading, not a service of its own: counting it
too would count the same work twice. A Leistungsobjekt without live Verrichtungen is the service.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from ozgtrack.catalogue.query import is_current
from ozgtrack.leika import ServiceKind
from ozgtrack.store.db import rows
from ozgtrack.store.models import Service, ServiceStatus
from ozgtrack.views.results import GroupingStatus


def is_grouping() -> Any:
    """SQL condition on ``Service``: a Leistungsobjekt with at least one live Verrichtung (same first 8 digits)."""
    verrichtung = aliased(Service)
    return and_(Service.kind == ServiceKind.LO, exists().where(
        verrichtung.leistungsobjekt_id == Service.leistungsobjekt_id, verrichtung.kind != ServiceKind.LO,
        is_current(verrichtung)))


def grouping_ids(session: Session) -> frozenset[int]:
    """Ids of the groupings: never counted, listed or put in a worksheet as services."""
    return frozenset(rows(session, select(Service.id).where(is_grouping())).scalars())


def grouping_statuses(session: Session, municipality_id: int) -> tuple[GroupingStatus, ...]:
    """Statuses a municipality recorded on live groupings: kept as they are, shown apart, not counted."""
    query = (select(Service.key, Service.name, ServiceStatus.stage)
             .join(ServiceStatus, ServiceStatus.service_id == Service.id)
             .where(ServiceStatus.municipality_id == municipality_id, is_current(),
                    is_grouping())
             .order_by(Service.key))
    return tuple(GroupingStatus(key, name, stage) for key, name, stage in rows(session, query))
