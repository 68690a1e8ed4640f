"""The Fachbereiche a town has entered (at its statuses and online services), and the one a filter names."""

from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from ozgtrack.text import resolve
from ozgtrack.store.models import OnlineService, ServiceStatus
from ozgtrack.town.context import Context

_NONE = ("es ist noch bei keiner Leistung ein Fachbereich eingetragen (Spalte Fachbereich im Arbeitsblatt "
         "oder `ozgtrack status set … --department`)")


def in_use(session: Session, municipality_id: int) -> list[str]:
    """The Fachbereiche entered at the municipality's statuses and online services, sorted."""
    query = union(
        select(ServiceStatus.department).where(ServiceStatus.municipality_id == municipality_id,
                                               ServiceStatus.department.is_not(None)),
        select(OnlineService.department).where(OnlineService.municipality_id == municipality_id,
                                               OnlineService.department.is_not(None)))
    return sorted({name for name in session.scalars(query) if name.strip()}, key=str.casefold)


def resolve_department(session: Session, context: Context, wanted: str) -> str:
    """The one Fachbereich in use that ``wanted`` names (equal, unique start, unique part; case aside);
    unknown or ambiguous is an InputError with the closest names."""
    return resolve(wanted, in_use(session, context.municipality.id), "Fachbereich", "Fachbereichen", none=_NONE)
