"""The catalogue as it stands, asked one way: current services, current OZG memberships, newest releases.

"Current" is what the newest releases list: nothing withdrawn. A membership is current when the
mapping is live, names a LeiKa service and its OZG-Leistung is live (the importer withdraws an
OZG-Leistung only when none of its mappings is left, so the last test is a guard, not a filter).
What stood at a past moment (``*_at``) is what a release before it listed and none had withdrawn by then.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from ozgtrack.store.models import OzgLeistung, OzgMember, Release, Service


def is_current(service: Any = Service) -> Any:
    """SQL condition: ``service`` (the ``Service`` entity or an alias of it) is listed by the catalogue now."""
    return service.withdrawn_release_id.is_(None)


def current_services(*columns: Any) -> Select[Any]:
    """``select(*columns)`` over the services the catalogue lists now."""
    return select(*columns).where(is_current())


def services_at(until: datetime, *columns: Any) -> Select[Any]:
    """``select(*columns)`` over the services that a release before ``until`` listed and none had withdrawn by then."""
    return select(*columns).where(_listed_at(until, Service))


def current_memberships(*columns: Any) -> Select[Any]:
    """``select(*columns)`` over the current memberships: ``OzgMember`` joined to its ``OzgLeistung``."""
    return _memberships(*columns).where(OzgMember.withdrawn_release_id.is_(None),
                                        OzgLeistung.withdrawn_release_id.is_(None))


def memberships_at(until: datetime, *columns: Any) -> Select[Any]:
    """``select(*columns)`` over the memberships as the catalogue mapped them just before ``until``."""
    return _memberships(*columns).where(_listed_at(until, OzgMember))


def _memberships(*columns: Any) -> Select[Any]:
    return (select(*columns).select_from(OzgMember).join(OzgLeistung, OzgMember.ozg_leistung_id == OzgLeistung.id)
            .where(OzgMember.service_id.is_not(None)))


def _listed_at(until: datetime, entity: Any) -> Any:
    first = select(Release.fetched_at).where(Release.id == entity.first_release_id).scalar_subquery()
    gone = select(Release.fetched_at).where(Release.id == entity.withdrawn_release_id).scalar_subquery()
    return and_(first < until, or_(entity.withdrawn_release_id.is_(None), gone >= until))


def newest_release_ids() -> Select[Any]:
    """The ids of the newest release of each catalogue source (a subquery for ``Release.id.in_``)."""
    return select(func.max(Release.id)).group_by(Release.source)


def newest_releases(session: Session) -> list[Release]:
    """The newest release of each catalogue source, oldest first."""
    return list(session.scalars(select(Release).where(Release.id.in_(newest_release_ids())).order_by(Release.id)))


def newest_release(session: Session, source: Any) -> Release | None:
    """The newest release of one catalogue source; None before its first sync."""
    return session.scalars(select(Release).where(Release.source == source).order_by(Release.id.desc()).limit(1)).first()
