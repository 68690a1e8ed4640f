"""Merge a bundle's online services and blockers (version 2): planned with the services, written before them.

An online service is the same in both databases when it has the same number for the town. Its history
entries are identified by their content, like a service's (:meth:`Entry.identity` with ``O-003``), so
the same rule decides: the bundle's record (fields, covers, retired or not, version) is taken over when
it brings entries this database lacks, unless this database changed the online service after the newest
entry both share — then it is a conflict, left out and listed (``force`` takes it all the same, with one
more entry recording the takeover). Blockers are events, not a record: a blocker this database lacks is
added and one the bundle has cleared is cleared here, and nothing is ever set again or deleted, so
bundles from either side never conflict over them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ozgtrack.bundle.format_online import stored_value
from ozgtrack.bundle.records import ONLINE_KEYS, Bundle, Entry, OnlineRecord, plain
from ozgtrack.store.models import OnlineCover, OnlineEntry, OnlineService, Service, ServiceBlocker
from ozgtrack.views.bundle import BundleConflict


@dataclass
class OnlinePlan:
    """What the bundle changes of the town's online services and blockers."""

    writes: list[tuple[OnlineRecord, int | None, list[Entry], int]] = field(default_factory=list)  # rec, id, new, v
    changed: list[str] = field(default_factory=list)  # labels: O-003 Name
    unchanged: int = 0
    conflicts: list[BundleConflict] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)  # covered keys this catalogue lacks
    blockers: list[tuple[int, Any, int | None]] = field(default_factory=list)  # service id, BlockerRecord, row id

    @property
    def entries(self) -> int:
        return sum(len(new) for _, _, new, _ in self.writes)


@dataclass(frozen=True)
class _Stored:
    id: int
    values: dict[str, Any]
    version: int
    retired: tuple[datetime | None, str | None]
    covers: frozenset[str]
    entries: dict[str, Entry]


def plan_online(session: Session, municipality_id: int, bundle: Bundle, ids: dict[str, int], *, force: bool,
                now: datetime, by: str) -> OnlinePlan:
    """Plan the bundle's online services and blockers against the database (nothing written)."""
    plan = OnlinePlan()
    stored = _stored(session, municipality_id)
    for record in bundle.online:
        plan.unknown |= {key for key in record.covers if key not in ids}
        _plan_one(plan, record, stored.get(record.number), force, Entry(now, by, "set", {},
                  f"aus dem Bündel von {bundle.name} übernommen (--force)"))
    _plan_blockers(session, plan, municipality_id, bundle, ids)
    return plan


def _plan_one(plan: OnlinePlan, record: OnlineRecord, stored: _Stored | None, force: bool, takeover: Entry) -> None:
    label = f"{record.label} {record.values['name']}"
    mine = {e.identity(record.label): e for e in record.history}
    have = stored.entries if stored else {}
    new = [e for identity, e in mine.items() if identity not in have]
    base = max((e.at for identity, e in have.items() if identity in mine), default=None)
    later = [e for identity, e in have.items() if identity not in mine and (base is None or e.at > base)]
    if later and not (new and force):
        if new:
            newest = max(later, key=lambda e: e.at)
            plan.conflicts.append(BundleConflict(label, newest.at, newest.by))
        else:
            plan.unchanged += 1
        return
    version = record.version
    if later:  # forced over changes made here: the takeover is one more change, after both sides' versions
        replayed = _replayed([*have.values(), *new])
        differing = {f: [replayed.get(f), record.values[f]] for f in ONLINE_KEYS
                     if replayed.get(f) != record.values[f]}
        new.append(Entry(takeover.at, takeover.by, "set", differing, takeover.reason))
        version = max(version, stored.version) + 1
    if stored is not None and not new and _same(stored, record):
        plan.unchanged += 1
        return
    plan.writes.append((record, stored and stored.id, new, version))
    plan.changed.append(label)


def _replayed(entries: list[Entry]) -> dict[str, Any]:
    """The fields the entries, in time order, end with (each entry holds old → new of what it changed)."""
    state: dict[str, Any] = {}
    for entry in sorted(entries, key=lambda e: e.at):
        state |= {f: pair[1] for f, pair in entry.changes.items() if f in ONLINE_KEYS}
    return state


def _same(stored: _Stored, record: OnlineRecord) -> bool:
    return ({f: plain(v) for f, v in stored.values.items()} == record.values and stored.version == record.version
            and stored.retired == (record.retired_at, record.retired_by) and stored.covers == frozenset(record.covers))


def _plan_blockers(session: Session, plan: OnlinePlan, municipality_id: int, bundle: Bundle,
                   ids: dict[str, int]) -> None:
    here = {(row.service_id, row.code, row.set_at, row.set_by): row for row in session.scalars(
        select(ServiceBlocker).where(ServiceBlocker.municipality_id == municipality_id))}
    for record in bundle.services:
        if record.key not in ids:
            continue
        for blocker in record.blockers:
            row = here.get((ids[record.key], *blocker.identity))
            if row is None:
                plan.blockers.append((ids[record.key], blocker, None))
            elif blocker.cleared_at is not None and row.cleared_at is None:
                plan.blockers.append((ids[record.key], blocker, row.id))


def write_online(session: Session, municipality_id: int, plan: OnlinePlan, ids: dict[str, int]) -> dict[int, int]:
    """Write the planned online services and blockers; the town's online service ids by number."""
    for record, online_id, new, version in plan.writes:
        values = {f: stored_value(f, record.values[f]) for f in ONLINE_KEYS}
        values |= {"version": version, "created_at": record.created_at, "created_by": record.created_by,
                   "updated_at": record.updated_at, "updated_by": record.updated_by,
                   "retired_at": record.retired_at, "retired_by": record.retired_by}
        if online_id is None:
            row = OnlineService(municipality_id=municipality_id, number=record.number, **values)
            session.add(row)
            session.flush()
            online_id = row.id
        else:
            session.execute(update(OnlineService).where(OnlineService.id == online_id).values(**values))
        _write_covers(session, online_id, {ids[k] for k in record.covers if k in ids})
        if new:
            session.execute(insert(OnlineEntry), [
                {"online_service_id": online_id, "at": e.at, "by": e.by, "action": e.action, "changes": e.changes,
                 "reason": e.reason} for e in sorted(new, key=lambda e: e.at)])
    _write_blockers(session, municipality_id, plan.blockers)
    return dict(session.execute(select(OnlineService.number, OnlineService.id)
                                .where(OnlineService.municipality_id == municipality_id)).all())


def _write_covers(session: Session, online_id: int, wanted: set[int]) -> None:
    have = set(session.scalars(select(OnlineCover.service_id).where(OnlineCover.online_service_id == online_id)))
    if gone := have - wanted:
        session.execute(delete(OnlineCover).where(OnlineCover.online_service_id == online_id,
                                                  OnlineCover.service_id.in_(sorted(gone))))
    if added := wanted - have:
        session.execute(insert(OnlineCover), [{"online_service_id": online_id, "service_id": i} for i in sorted(added)])


def _write_blockers(session: Session, municipality_id: int, blockers: list[tuple[int, Any, int | None]]) -> None:
    for service_id, blocker, row_id in blockers:
        if row_id is None:
            session.add(ServiceBlocker(municipality_id=municipality_id, service_id=service_id, code=blocker.code,
                                       note=blocker.note, set_at=blocker.set_at, set_by=blocker.set_by,
                                       cleared_at=blocker.cleared_at, cleared_by=blocker.cleared_by))
        else:
            session.execute(update(ServiceBlocker).where(ServiceBlocker.id == row_id).values(
                cleared_at=blocker.cleared_at, cleared_by=blocker.cleared_by))
    session.flush()


def _stored(session: Session, municipality_id: int) -> dict[int, _Stored]:
    rows = session.scalars(select(OnlineService).where(OnlineService.municipality_id == municipality_id)).all()
    covers: dict[int, set[str]] = {row.id: set() for row in rows}
    for online_id, key in session.execute(
            select(OnlineCover.online_service_id, Service.key).join(Service, OnlineCover.service_id == Service.id)
            .where(OnlineCover.online_service_id.in_(list(covers)))):
        covers[online_id].add(key)
    numbers = {row.id: row.number for row in rows}
    entries: dict[int, dict[str, Entry]] = {row.id: {} for row in rows}
    for e in session.scalars(select(OnlineEntry).where(OnlineEntry.online_service_id.in_(list(numbers)))):
        entry = Entry(e.at, e.by, e.action, e.changes, e.reason)
        entries[e.online_service_id][entry.identity(f"O-{numbers[e.online_service_id]:03d}")] = entry
    return {row.number: _Stored(row.id, {f: getattr(row, f) for f in ONLINE_KEYS}, row.version,
                                (row.retired_at, row.retired_by), frozenset(covers[row.id]), entries[row.id])
            for row in rows}
