"""What the worksheets share: a record's version for conflict checks, and the conflicts found with it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack.errors import InputError
from ozgtrack.numbers import whole
from ozgtrack.store.models import AuditEntry, Service


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
    try:
        return whole(text, "die Version")
    except InputError as exc:
        raise InputError(f"{exc} (bitte die Spalte so lassen, wie sie exportiert wurde)") from None


def is_stale(sheet_version: int | None, now: int) -> bool:
    """Whether a row may undo someone's change: its version is not the record's own.

    Older: someone changed the record after the export. Higher: the number cannot come from this
    database (typed over, or another database's sheet). None: the sheet has no Version column, so
    nobody can tell. Such rows are conflicts wherever they would change something.
    """
    return sheet_version != now


@dataclass(frozen=True)
class Conflict:
    """A row left out because it may undo a change: its service's version is newer, unknown or not this database's."""

    line: int
    key: str
    at: datetime | None  # the service's last change (None: it has none)
    by: str | None
    sheet_version: int | None = 0  # None: the sheet has no Version column
    now: int = 0


class Stale(Protocol):
    """A conflict of any worksheet (services, measures): where, and what the sheet and the database say."""

    line: int
    at: datetime | None
    by: str | None
    sheet_version: int | None
    now: int


def conflicts(session: Session, found: list[tuple[int, str, int | None]], now: dict[str, int]) -> list[Conflict]:
    """The conflicts of these (line, key, sheet version) rows: who changed each service last, and when."""
    ids = [now[key] for _, key, _ in found if key in now]
    latest = {e.id: e for e in session.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids)))} if ids else {}
    result = []
    for line, key, version in found:
        entry = latest.get(now.get(key, 0))
        result.append(Conflict(line, key, entry.at if entry else None, entry.by if entry else None, version,
                               now.get(key, 0)))
    return result


def conflict_text(conflict: Stale, what: str, thing: str, dry_run: bool = False) -> str:
    """Why a row was left out, in German: ``what`` names the record ("99115005104000", "M-001"), ``thing`` its kind
    with article ("die Leistung", "die Maßnahme"); a dry run says what would happen."""
    when = f"{conflict.at:%Y-%m-%d %H:%M} von {conflict.by}" if conflict.at is not None else None
    if conflict.sheet_version is None:
        said = (f"{what}: das Blatt hat keine Spalte Version, daher ist nicht zu erkennen, ob jemand {thing} nach "
                f"dem Export geändert hat ({f'zuletzt geändert {when}' if when else 'bisher nie geändert'})")
    elif conflict.sheet_version > conflict.now:
        said = (f"{what}: die Version {conflict.sheet_version} im Blatt ist höher als die in der Datenbank "
                f"({conflict.now}); sie kann nicht aus einem Export dieser Datenbank stammen (von Hand geändert oder "
                "aus einer anderen Datenbank?)")
    else:
        said = f"{what} wurde nach dem Export geändert ({when})"
    return f"Zeile {conflict.line}: {said}; {'würde nicht übernommen' if dry_run else 'nicht übernommen'}"


def changed_after_export(found: Iterable[Stale]) -> bool:
    """Whether every one of these conflicts is a change after the export (none a missing or too high version)."""
    return all(c.sheet_version is not None and c.sheet_version < c.now for c in found)


def left_out_reason(found: Iterable[Stale], thing: str) -> str:
    """Why rows were left out, for the summary line: ``thing`` is the record's kind with a possessive ("ihre Leistung")."""
    if changed_after_export(found):
        return f"weil {thing} nach dem Export geändert wurde"
    return "weil ihre Version fehlt oder nicht zum Stand der Datenbank passt"
