"""What the worksheets share: a service's version for conflict checks, and the conflicts found with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack.errors import InputError
from ozgtrack.models import AuditEntry, Service


def versions(session: Session, municipality_id: int) -> dict[str, int]:
    """Each service's version for a municipality: the id of its newest history entry (none: 0)."""
    query = (select(Service.key, func.max(AuditEntry.id)).join(Service, AuditEntry.service_id == Service.id)
             .where(AuditEntry.municipality_id == municipality_id).group_by(Service.key))
    return dict(session.execute(query).all())


def row_version(cells: dict[str, str]) -> int | None:
    """The row's version; an empty cell (a row added by hand) counts as 0, a missing column as None."""
    if "version" not in cells:
        return None
    text = cells["version"].strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()):
        raise InputError(f"die Version {text!r} ist keine ganze Zahl (bitte die Spalte so lassen, wie sie exportiert "
                         "wurde)")
    return int(text)


@dataclass(frozen=True)
class Conflict:
    """A row whose service was changed by someone after the sheet was exported."""

    line: int
    key: str
    at: datetime
    by: str


def conflicts(session: Session, found: list[tuple[int, str]], now: dict[str, int]) -> list[Conflict]:
    """The conflicts of these (line, key) rows: who changed each service last, and when."""
    if not found:
        return []
    latest = {e.id: e for e in session.scalars(select(AuditEntry).where(AuditEntry.id.in_([now[k] for _, k in found])))}
    return [Conflict(line, key, latest[now[key]].at, latest[now[key]].by) for line, key in found]
