"""Merge a town bundle into a Kreis or Land database: plan every service first, then write it all or nothing.

History entries are identified by a hash of their content (:meth:`Entry.identity`), so importing a
bundle again adds nothing. Per service, the *base* is the newest entry both databases share. The
bundle's record is taken over when it brings entries this database lacks, unless this database
changed the service after the base (an entry the bundle does not hold): then it is a conflict, left
out and listed (``force`` takes the bundle's record all the same; every entry stays in the history, and where the
history, replayed, would then say something else than the record taken over, an entry of the takeover is added).
Online services and blockers (version 2) follow the same rule, in :mod:`ozgtrack.bundle.merge_online`; a status
taken over names its online service by number, written after the online services. A version 1 bundle leaves
the online services, blockers and each status's online service as they are here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ozgtrack.bundle.format import STATUS_KEYS, Bundle, Entry, ServiceRecord, check_times
from ozgtrack.bundle.merge_online import OnlinePlan, plan_online, write_online
from ozgtrack.catalogue.query import newest_releases
from ozgtrack.store.models import (
    AuditAction, AuditEntry, BundleImport, Municipality, OnlineService, Responsibility, Service, ServiceStatus,
)
from ozgtrack.town import record_versions
from ozgtrack.town.context import Context
from ozgtrack.town.replay import RESET_REASON, step
from ozgtrack.town.rules import INFO
from ozgtrack.views.bundle import BundleConflict, BundleMerge
from ozgtrack.views.tracking import KeyChange


@dataclass
class _Plan:
    """What the bundle changes: rows to write, entries to append, and what is left out."""

    decisions: list[tuple[int, Any]] = field(default_factory=list)  # (service id, DecisionRecord | None)
    statuses: list[tuple[int, dict[str, Any], bool]] = field(default_factory=list)  # (id, row, exists)
    entries: list[tuple[int, Entry]] = field(default_factory=list)
    triage: list[KeyChange] = field(default_factory=list)
    status: list[KeyChange] = field(default_factory=list)
    changed: int = 0
    unchanged: int = 0
    conflicts: list[BundleConflict] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    resets: list[tuple[int, Entry]] = field(default_factory=list)  # takeovers of "no decision": level set on write
    version: int = 1  # the bundle's: version 1 says nothing of online services


@dataclass(frozen=True)
class _Stored:
    """This database's record of one service for the town."""

    entries: dict[str, Entry]  # identity -> entry
    decision: Responsibility | None
    status: dict[str, Any] | None  # STATUS_KEYS, updated_at, updated_by and "online" (its online service's number)


def check_known(session: Session, bundle: Bundle) -> None:
    """InputError unless the bundle's municipality is in this database's list of municipalities."""
    from ozgtrack import wording
    from ozgtrack.errors import InputError

    if session.scalar(select(Municipality.id).where(Municipality.ars == bundle.ars)) is None:
        raise InputError(f"die Gemeinde {bundle.name} ({bundle.ars}) des Bündels gibt es in dieser Datenbank "
                         "nicht; importieren Sie zuerst das Gemeindeverzeichnis mit `ozgtrack municipality "
                         f"import DATEI`; {wording.NOTHING_CHANGED}")


def merge(session: Session, context: Context, bundle: Bundle, *, dry_run: bool = False,
          force: bool = False) -> BundleMerge:
    """Plan the bundle against the database for ``context.municipality`` and, unless ``dry_run``, write it.

    A bundle that states a time after ``context.now`` is refused (:func:`check_times`).
    """
    check_times(bundle, context.now)
    municipality_id = context.municipality.id
    ids = dict(session.execute(select(Service.key, Service.id)).all())
    stored = _stored(session, municipality_id)
    plan = _Plan(version=bundle.version)
    online = plan_online(session, municipality_id, bundle, ids, force=force, now=context.now, by=context.by)
    for record in bundle.services:
        if record.key not in ids:
            plan.unknown.append(record.key)
            continue
        if _plan_service(plan, ids[record.key], record, stored.get(ids[record.key]), force):
            _plan_takeover(plan, ids[record.key], record, stored[ids[record.key]], context, bundle.name)
    if not dry_run and (plan.changed or online.writes or online.blockers):
        _write(session, municipality_id, plan, context, online, ids)
        session.add(BundleImport(municipality_id=municipality_id, sha256=bundle.sha256,
                                 exported_at=bundle.exported_at, exported_by=bundle.exported_by,
                                 imported_at=context.now, imported_by=context.by, services=plan.changed,
                                 entries=len(plan.entries) + len(plan.resets) + online.entries,
                                 conflicts=len(plan.conflicts) + len(online.conflicts)))
    return BundleMerge(bundle.ars, context.municipality.name, tuple(plan.triage), tuple(plan.status), plan.changed,
                       len(plan.entries) + len(plan.resets), plan.unchanged, tuple(plan.conflicts),
                       tuple(sorted({*plan.unknown, *online.unknown})),
                       _other_catalogue(session, bundle), tuple(online.changed), online.entries, online.unchanged,
                       tuple(online.conflicts), len(online.blockers))


def _plan_service(plan: _Plan, service_id: int, record: ServiceRecord, stored: _Stored | None, force: bool) -> bool:
    """Plan one service; True when its record is taken over forced, over changes made here after the base."""
    stored = stored or _Stored({}, None, None)
    mine = {e.identity(record.key): e for e in record.history}
    new = [e for identity, e in mine.items() if identity not in stored.entries]
    shared = [e.at for identity, e in stored.entries.items() if identity in mine]
    base = max(shared, default=None)
    later = [e for identity, e in stored.entries.items()
             if identity not in mine and (base is None or e.at > base)]
    if later and not (new and force):
        if new:  # both sides changed the service since the base; no new entries: this database is ahead
            newest = max(later, key=lambda e: e.at)
            plan.conflicts.append(BundleConflict(record.key, newest.at, newest.by))
        else:
            plan.unchanged += 1
        return False
    triage, status = _decision_change(plan, service_id, record, stored), _status_change(plan, service_id, record, stored)
    plan.entries += [(service_id, e) for e in new]
    if triage:
        plan.triage.append(KeyChange(record.key, triage))
    if status:
        plan.status.append(KeyChange(record.key, status))
    if new or triage is not None or status is not None:
        plan.changed += 1
    else:
        plan.unchanged += 1
    return bool(later)


def _plan_takeover(plan: _Plan, service_id: int, record: ServiceRecord, stored: _Stored, context: Context,
                   town: str) -> None:
    """Forced over this database's later changes: where the history, replayed with the bundle's entries, does not end
    where the record taken over stands, one more entry (now, by whoever imports) records the takeover."""
    merged = sorted([*stored.entries.values(), *(e for i, e in plan.entries if i == service_id)], key=lambda e: e.at)
    levels: dict[int, str] = {}
    statuses: dict[int, dict[str, Any]] = {}
    for entry in merged:
        step(levels, statuses, service_id, entry.action, entry.changes, entry.reason)
    why = f"aus dem Bündel von {town} übernommen (--force)"
    replayed = {f: statuses.get(service_id, {}).get(f) for f in STATUS_KEYS}
    if record.status is not None and (changes := {f: [replayed[f], _plain(record.status.values[f])]
                                                  for f in STATUS_KEYS
                                                  if replayed[f] != _plain(record.status.values[f])}):
        plan.entries.append((service_id, Entry(context.now, context.by, "status", changes, why)))
    level, reason = levels.get(service_id), _standing_reason(merged)
    if record.decision is not None and (level, reason) != (record.decision.level.value, record.decision.reason):
        plan.entries.append((service_id, Entry(context.now, context.by, "triage", {
            "level": [level or INFO, record.decision.level.value], "reason": [reason, record.decision.reason]}, why)))
    elif record.decision is None and level is not None:
        plan.resets.append((service_id, Entry(context.now, context.by, "triage",
                                              {"level": [level, None], "reason": [reason, None]}, RESET_REASON)))


def _standing_reason(entries: list[Entry]) -> str | None:
    """The reason of the decision the entries (in time order) end with; None when none stands."""
    last = [e for e in entries if e.action == "triage"][-1:]
    if not last or last[0].reason == RESET_REASON:
        return None
    return last[0].changes.get("reason", [None, None])[1]


def _decision_change(plan: _Plan, service_id: int, record: ServiceRecord, stored: _Stored) -> dict | None:
    """The bundle's decision where it differs (None: no decision, the rule holds); {field: [old, new]} or None."""
    old, new = stored.decision, record.decision
    old_values = (old.level.value, old.reason, old.decided_by, old.decided_at) if old else None
    new_values = (new.level.value, new.reason, new.by, new.at) if new else None
    if old_values == new_values:
        return None
    plan.decisions.append((service_id, new))
    return {"level": [old_values and old_values[0], new_values and new_values[0]],
            "reason": [old_values and old_values[1], new_values and new_values[1]]}


def _status_change(plan: _Plan, service_id: int, record: ServiceRecord, stored: _Stored) -> dict | None:
    """The bundle's status where it differs; a status is never removed (the bundle has none: left alone)."""
    if record.status is None:
        return None
    old = stored.status
    row = {f: _plain(record.status.values[f]) for f in STATUS_KEYS}
    # Version 1 knows no online services: the status keeps the one it has here.
    online = record.status.online if plan.version > 1 else (old or {}).get("online")
    row |= {"updated_at": record.status.updated_at, "updated_by": record.status.updated_by, "online": online}
    if old == row:
        return None
    written = {**record.status.values, "updated_at": record.status.updated_at, "updated_by": record.status.updated_by,
               "online": online}
    plan.statuses.append((service_id, written, old is not None))
    before = old or {**dict.fromkeys(STATUS_KEYS), "online": None}
    changes = {f: [before[f], row[f]] for f in STATUS_KEYS if before[f] != row[f]}
    if before["online"] != online:  # named as the reader of the change list knows it
        changes[_ONLINE] = [_label(before["online"]), _label(online)]
    return changes


_ONLINE = "Onlinedienst"


def _label(number: int | None) -> str | None:
    return None if number is None else f"O-{number:03d}"


def _stored(session: Session, municipality_id: int) -> dict[int, _Stored]:
    entries: dict[int, dict[str, Entry]] = {}
    for service_id, key, at, by, action, changes, reason in session.execute(
            select(AuditEntry.service_id, Service.key, AuditEntry.at, AuditEntry.by, AuditEntry.action,
                   AuditEntry.changes, AuditEntry.reason).join(Service, AuditEntry.service_id == Service.id)
            .where(AuditEntry.municipality_id == municipality_id)):
        entry = Entry(at, by, action.value, changes, reason)
        entries.setdefault(service_id, {})[entry.identity(key)] = entry
    decisions = {d.service_id: d for d in session.scalars(
        select(Responsibility).where(Responsibility.municipality_id == municipality_id))}
    columns = [getattr(ServiceStatus, f) for f in (*STATUS_KEYS, "updated_at", "updated_by")]
    numbers = dict(session.execute(select(OnlineService.id, OnlineService.number)
                                   .where(OnlineService.municipality_id == municipality_id)).all())
    statuses = {row.service_id: {**{k: _plain(v) if k in STATUS_KEYS else v for k, v in row._mapping.items()
                                    if k not in ("service_id", "online_service_id")},
                                 "online": numbers.get(row.online_service_id)}
                for row in session.execute(select(ServiceStatus.service_id, ServiceStatus.online_service_id, *columns)
                                           .where(ServiceStatus.municipality_id == municipality_id))}
    return {i: _Stored(entries.get(i, {}), decisions.get(i), statuses.get(i))
            for i in set(entries) | set(decisions) | set(statuses)}


def _write(session: Session, municipality_id: int, plan: _Plan, context: Context, online: OnlinePlan,
           ids: dict[str, int]) -> None:
    ids_by_number = write_online(session, municipality_id, online, ids)
    for service_id, decision in plan.decisions:
        session.execute(delete(Responsibility).where(Responsibility.municipality_id == municipality_id,
                                                     Responsibility.service_id == service_id))
        if decision is not None:
            session.add(Responsibility(municipality_id=municipality_id, service_id=service_id, level=decision.level,
                                       reason=decision.reason, decided_by=decision.by, decided_at=decision.at))
    session.flush()
    statuses = [(i, {**{k: v for k, v in row.items() if k != "online"},
                     "online_service_id": ids_by_number.get(row["online"])}, exists)
                for i, row, exists in plan.statuses]
    inserts = [{"municipality_id": municipality_id, "service_id": i, **row} for i, row, exists in statuses
               if not exists]
    for service_id, row, exists in statuses:
        if exists:
            session.execute(update(ServiceStatus).where(ServiceStatus.municipality_id == municipality_id,
                                                        ServiceStatus.service_id == service_id).values(**row))
    if inserts:
        session.execute(insert(ServiceStatus), inserts)
    # Appended in time order, so the history reads in the order the town made its changes.
    entries = sorted([*plan.entries, *_resets(session, context, plan.resets)], key=lambda item: item[1].at)
    if entries:
        session.execute(insert(AuditEntry), [
            {"municipality_id": municipality_id, "service_id": i, "at": e.at, "by": e.by,
             "action": AuditAction(e.action), "changes": e.changes, "reason": e.reason} for i, e in entries])
    _renumber(session, municipality_id, {i for i, _ in plan.decisions} | {i for i, _, _ in plan.statuses})


def _resets(session: Session, context: Context, resets: list[tuple[int, Entry]]) -> list[tuple[int, Entry]]:
    """The takeovers of "no decision", with the level that holds now that the decision is gone (as `triage reset`
    records it: the Leistungsobjekt's decision or the rule)."""
    if not resets:
        return []
    from ozgtrack.town.triage import assignments, level_text

    session.flush()
    after = {a.service_id: a for a in assignments(session, context.municipality, context.rules,
                                                  service_ids=[i for i, _ in resets])}
    return [(i, replace(e, changes={"level": [e.changes["level"][0], level_text(after[i].level)],
                                    "reason": [e.changes["reason"][0], after[i].reason]})) for i, e in resets]


def _renumber(session: Session, municipality_id: int, service_ids: set[int]) -> None:
    """Each written row's version is its count of history entries, as if the town's changes had been made here."""
    for kind, table in (("status", ServiceStatus), ("triage", Responsibility)):
        for service_id, count in record_versions.counts(session, municipality_id, sorted(service_ids), kind).items():
            session.execute(update(table).where(table.municipality_id == municipality_id,
                                                table.service_id == service_id).values(version=count))


def _other_catalogue(session: Session, bundle: Bundle) -> bool:
    here = {(r.source.value, r.sha256) for r in newest_releases(session)}
    return bool(bundle.releases) and {(r["source"], r["sha256"]) for r in bundle.releases} != here


def _plain(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)
