"""Status tracking: how far each service is online for a municipality, with an append-only history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.catalogue.counting import grouping_ids
from ozgtrack.catalogue.query import current_memberships
from ozgtrack.errors import InputError
from ozgtrack.fields import STATUS_FIELDS, clean_values, name_key, text
from ozgtrack.store.db import rows
from ozgtrack.store.models import (
    AuditAction, AuditEntry, Baseline, BaselineEntry, LinkCheck, Municipality, OzgLeistung, OzgMember, Responsibility,
    Service, ServiceStatus,
)
from ozgtrack.town.departments import resolve_department
from ozgtrack.town import links, online_links, record_versions
from ozgtrack.town.context import Context
from ozgtrack.town.municipalities import executed_levels
from ozgtrack.town.triage import assignments
from ozgtrack.values import Level, MaturityModel, stage_problem
from ozgtrack.views.links import LinkCheckView, LinkState
from ozgtrack.views.tracking import (
    Assignment, Filters, HistoryView, KeyChange, Orphan, StatusResult, StatusUpdate, StatusView,
)


def trackable(context: Context, assignment: Assignment) -> bool:
    """A status belongs to services the town executes, and to undecided ones while it finds out."""
    return assignment.level is Level.UNKLAR or assignment.level in executed_levels(context.municipality)


def not_trackable_reason(assignment: Assignment) -> str:
    level = wording.name_of(wording.LEVEL, assignment.level) if assignment.level else "keine, nur zur Information"
    return (f"{assignment.key} ist keine eigene Leistung der Kommune (Zuständigkeit {level}: {assignment.reason}); "
            "ändern Sie zuerst die Zuständigkeit mit `ozgtrack triage set`")


def set_status(session: Session, context: Context, services: list[tuple[int, str]], values: dict[str, Any], *,
               verified: bool = False, strict: bool = True,
               reason: str | None = None) -> tuple[list[KeyChange], list[str]]:
    """Change the same fields of each service's status; returns the changes and the keys left out.

    With ``strict`` a service that is not the town's own is an error, otherwise it is left out
    (an OZG-Leistung mixes the town's services with the Landkreis' and the Land's).
    """
    result = update_statuses(session, context, [StatusUpdate(i, values, verified) for i, _ in services],
                             strict=strict, reason=reason)
    if result.problems:
        raise InputError(next(iter(result.problems.values())))
    return result.changed, result.skipped


@dataclass(frozen=True)
class TargetChange:
    """What `status set` changed for a target: the changes, the keys left out, whether the key is a grouping."""

    text: str  # the target as named (normalized)
    ozg_id: str | None
    changed: list[KeyChange]
    skipped: list[str]
    grouping: bool  # a single key that is a Leistungsobjekt with Verrichtungen: its status counts as no service


def move_key(session: Session, context: Context, old_key: str, new_key: str, reason: str | None) -> tuple[str, str]:
    """`status move`: the status, decision and history of the LeiKa key ``old_key`` go to ``new_key``."""
    from ozgtrack.errors import UsageError
    from ozgtrack.town.triage import resolve_target

    old, new = resolve_target(session, old_key), resolve_target(session, new_key)
    if old.ozg_id or new.ozg_id:
        raise UsageError("move erwartet zwei LeiKa-Schlüssel")
    move(session, context, old.services[0], new.services[0], reason)
    return old.text, new.text


def set_target(session: Session, context: Context, target: str, values: dict[str, Any], *, verified: bool,
               reason: str | None, expect_version: int | None) -> TargetChange:
    """Set the status of a LeiKa key, a Leistungsobjekt or every own service of an OZG-Leistung.

    An OZG-Leistung lists Leistungsobjekte beside their Verrichtungen: only the Verrichtungen are
    services, and those that are not the town's own are left out. InputError when none is the town's own.
    """
    from ozgtrack.town.triage import resolve_target

    found = resolve_target(session, target)
    groupings = grouping_ids(session)
    services = [s for s in found.services if s[0] not in groupings] if found.ozg_id else list(found.services)
    record_versions.expect(session, context.municipality.id, services, "status", expect_version,
                           single=found.ozg_id is None)
    online_links.require_reason(session, context.municipality.id, services, values, reason)
    changed, skipped = set_status(session, context, services, values, verified=verified,
                                  strict=found.ozg_id is None, reason=reason)
    if found.ozg_id and not changed and skipped and len(skipped) == len(services):
        raise InputError(f"keine Leistung der OZG-Leistung {found.ozg_id} ist eine eigene der Kommune; siehe "
                         f"`ozgtrack triage list --ozg {found.ozg_id}`")
    return TargetChange(found.text, found.ozg_id, changed, skipped,
                        found.ozg_id is None and services[0][0] in groupings)


def update_statuses(session: Session, context: Context, updates: list[StatusUpdate], *, strict: bool = True,
                    reason: str | None = None) -> StatusResult:
    """Apply each update that is valid; the invalid ones come back as problems (the caller decides).

    Every value is checked here by :func:`ozgtrack.fields.clean_value`, whichever path it came by.
    """
    reason = text("reason", reason) if reason is not None else None
    wanted = {u.service_id: u for u in updates}
    found = assignments(session, context.municipality, context.rules, service_ids=list(wanted))
    stored = _stored_statuses(session, context.municipality, list(wanted))
    result = StatusResult([], [], {})
    inserts, updates_by_id, audits = [], [], []
    for assignment in found:
        wish, row = wanted[assignment.service_id], stored.get(assignment.service_id)
        try:
            new, changes = _diff(context, assignment, row, clean_values(wish.values), wish.verified)
            if changes and not trackable(context, assignment):
                if strict:
                    raise InputError(not_trackable_reason(assignment))
                result.skipped.append(assignment.key)
                continue
        except InputError as exc:
            result.problems[assignment.service_id] = str(exc)
            continue
        if not changes:
            continue
        values = {**new, "updated_at": context.now, "updated_by": context.by}
        if row is None:
            inserts.append({"municipality_id": context.municipality.id, "service_id": assignment.service_id, **values})
        else:
            updates_by_id.append({"id": row["id"], **values, "version": row["version"] + 1})
        audits.append({"municipality_id": context.municipality.id, "service_id": assignment.service_id,
                       "at": context.now, "by": context.by, "action": AuditAction.STATUS, "changes": changes,
                       "reason": reason})
        result.changed.append(KeyChange(assignment.key, changes))
    if inserts:  # a service without a status row may have had one (moved away): its versions go on
        before = record_versions.counts(session, context.municipality.id, [r["service_id"] for r in inserts], "status")
        inserts = [{**r, "version": before.get(r["service_id"], 0) + 1} for r in inserts]
    # Bulk statements: a worksheet of thousands of rows is one INSERT and one UPDATE, not an object each.
    for statement, batch in ((insert(ServiceStatus), inserts), (update(ServiceStatus), updates_by_id),
                             (insert(AuditEntry), audits)):
        if batch:
            session.execute(statement, batch)
    return result


def _stored_statuses(session: Session, municipality: Municipality, service_ids: list[int]) -> dict[int, Any]:
    query = select(ServiceStatus.id, ServiceStatus.service_id, ServiceStatus.version,
                   *(getattr(ServiceStatus, f) for f in STATUS_FIELDS))
    found = rows(session, query.where(ServiceStatus.municipality_id == municipality.id,
                                      ServiceStatus.service_id.in_(service_ids)))
    return {row["service_id"]: row for row in found.mappings()}


def _diff(context: Context, assignment: Assignment, row: Any, values: dict[str, Any],
          verified: bool) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The status after ``values`` and what differs; a stage always gets a model, and must fit it."""
    old = {f: row[f] if row else None for f in STATUS_FIELDS}
    new = {**old, **values}
    if "stage" in values and "model" not in values and new["stage"] is not None:
        new["model"] = old["model"] or context.default_model
    if new["stage"] is None:
        new["model"] = None
    elif new["model"] is None:
        new["model"] = context.default_model
    if new["stage"] is not None and (problem := stage_problem(new["model"], new["stage"])):
        raise InputError(f"{assignment.key}: {problem}")
    if verified:
        new["verified_at"], new["verified_by"] = context.today, context.by
    return new, {f: [_plain(old[f]), _plain(new[f])] for f in STATUS_FIELDS if old[f] != new[f]}


def _plain(value: Any) -> Any:
    """A value as the JSON of an audit entry holds it."""
    if isinstance(value, date):
        return value.isoformat()
    return value.value if isinstance(value, MaturityModel) else value


def views(session: Session, context: Context, filters: Filters = Filters(),
          service_ids: list[int] | None = None) -> list[StatusView]:
    """The town's own services and every service with a status, filtered; sorted by key.

    Groupings (Leistungsobjekte with Verrichtungen) are left out unless ``filters.groupings`` or
    asked for by id: they are no services (``ozgtrack.catalogue.counting``). ``filters.department`` names
    one Fachbereich in use as :func:`ozgtrack.town.departments.resolve_department` finds it.
    """
    if filters.department is not None:
        filters = replace(filters, department=resolve_department(session, context, filters.department))
    found = assignments(session, context.municipality, context.rules, service_ids=service_ids)
    if service_ids is None and not filters.groupings:
        groupings = grouping_ids(session)
        found = [a for a in found if a.service_id not in groupings]
    columns = (ServiceStatus.service_id, ServiceStatus.updated_at, ServiceStatus.updated_by,
               *(getattr(ServiceStatus, f) for f in STATUS_FIELDS))
    statuses = {row["service_id"]: row for row in rows(
        session, select(*columns).where(ServiceStatus.municipality_id == context.municipality.id)).mappings()}
    own = executed_levels(context.municipality)
    chosen = [a for a in found if a.service_id in statuses or a.level in own
              or (filters.undecided and a.level is Level.UNKLAR) or service_ids is not None]
    ozg = ozg_ids_of(session, [a.service_id for a in chosen])
    checks = links.latest(session, context.municipality.id)
    ids = None if service_ids is None else [a.service_id for a in chosen]
    versions = {kind: record_versions.current(session, context.municipality.id, ids, kind)
                for kind in ("status", "triage")}
    online = online_links.links(session, context.municipality.id, ids)
    out = [replace(_view(a, statuses.get(a.service_id), ozg.get(a.service_id, ()), checks.get(a.service_id),
                         (versions["status"].get(a.service_id, 0), versions["triage"].get(a.service_id, 0))),
                   online=online.get(a.service_id)) for a in chosen]
    return [v for v in out if _matches(v, filters, context.today)]


def _view(assignment: Assignment, row: Any, ozg_ids: tuple[str, ...], check: LinkCheckView | None,
          versions: tuple[int, int]) -> StatusView:
    values = {f: row[f] if row else None for f in (*STATUS_FIELDS, "updated_at", "updated_by")}
    values["model"] = values["model"].value if values["model"] else None
    return StatusView(
        key=assignment.key, name=assignment.name, level=assignment.level.value if assignment.level else None,
        level_decided=assignment.decided, level_reason=assignment.reason, **values,
        withdrawn=assignment.withdrawn, ozg_ids=ozg_ids, link_check=check, version=versions[0],
        level_version=versions[1],
    )


def _matches(view: StatusView, filters: Filters, today: date) -> bool:
    if filters.department is not None and name_key(view.department or "") != name_key(filters.department):
        return False
    if filters.broken and (view.link_check is None or view.link_check.state is not LinkState.BROKEN):
        return False
    if filters.unknown and view.stage is not None:
        return False
    if filters.stage_below is not None and (view.stage is None or view.stage >= filters.stage_below):
        return False
    if filters.stale_months is not None:
        limit = months_before(today, filters.stale_months)
        return view.stage is not None and (view.verified_at is None or view.verified_at < limit)
    return True


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day where it is shorter)."""
    from calendar import monthrange

    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def ozg_ids_of(session: Session, service_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The live OZG-IDs of each service."""
    found: dict[int, set[str]] = defaultdict(set)
    query = current_memberships(OzgMember.service_id, OzgLeistung.ozg_id).where(OzgMember.service_id.in_(service_ids))
    for service_id, ozg_id in rows(session, query):
        found[service_id].add(ozg_id)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def history(session: Session, municipality: Municipality, service_id: int) -> list[HistoryView]:
    """Every triage and status change of a service for a municipality, oldest first."""
    rows = session.scalars(select(AuditEntry).where(
        AuditEntry.municipality_id == municipality.id, AuditEntry.service_id == service_id
    ).order_by(AuditEntry.at, AuditEntry.id))
    return [HistoryView(r.at, r.by, r.action.value, r.changes, r.reason) for r in rows]


def orphans(session: Session, municipality: Municipality) -> list[Orphan]:
    """Withdrawn services with a status or a triage decision for the municipality."""
    statuses = {r.service_id: r for r in session.scalars(
        select(ServiceStatus).where(ServiceStatus.municipality_id == municipality.id))}
    decisions = {r.service_id: r for r in session.scalars(
        select(Responsibility).where(Responsibility.municipality_id == municipality.id))}
    services = session.scalars(select(Service).where(
        Service.withdrawn_release_id.is_not(None), Service.id.in_(set(statuses) | set(decisions))).order_by(Service.key))
    out = []
    for service in services:
        row, decision = statuses.get(service.id), decisions.get(service.id)
        out.append(Orphan(service.key, service.name, service.withdrawn_release_id, service.withdrawn_at,
                          row.stage if row else None, row.model.value if row and row.model else None,
                          row.department if row else None, decision.level.value if decision else None))
    return out


def move(session: Session, context: Context, old: tuple[int, str], new: tuple[int, str], reason: str | None) -> None:
    """Carry status, triage decision and history from a withdrawn key to its successor."""
    if old[0] == new[0]:
        raise InputError("der alte und der neue Schlüssel sind gleich")
    reason = text("reason", reason) if reason is not None else None
    municipality_id = context.municipality.id
    for model in (ServiceStatus, Responsibility):
        if session.scalars(select(model).where(model.municipality_id == municipality_id,
                                               model.service_id == new[0])).first():
            what, it = ("einen Status", "ihn") if model is ServiceStatus else ("eine Zuständigkeitsentscheidung", "sie")
            raise InputError(f"{new[1]} hat schon {what}; {old[1]} dorthin zu übertragen würde {it} überschreiben")
    moved = False
    for model in (ServiceStatus, Responsibility, AuditEntry):
        result = session.execute(update(model).where(model.municipality_id == municipality_id,
                                                     model.service_id == old[0]).values(service_id=new[0]))
        moved = moved or result.rowcount > 0
    # Baselines keep the key they saw, but follow the service so trends stay continuous.
    baselines = select(Baseline.id).where(Baseline.municipality_id == municipality_id)
    session.execute(update(BaselineEntry).where(BaselineEntry.baseline_id.in_(baselines),
                                                BaselineEntry.service_id == old[0]).values(service_id=new[0]))
    session.execute(update(LinkCheck).where(LinkCheck.municipality_id == municipality_id,
                                            LinkCheck.service_id == old[0]).values(service_id=new[0]))
    if not moved:
        raise InputError(f"{old[1]} hat weder einen Status noch eine Zuständigkeitsentscheidung noch einen Verlauf, "
                         "der sich übertragen ließe")
    session.add(AuditEntry(municipality_id=municipality_id, service_id=new[0], at=context.now, by=context.by,
                           action=AuditAction.MOVE, changes={"key": [old[1], new[1]]},
                           reason=reason))
    for kind, model in (("status", ServiceStatus), ("triage", Responsibility)):  # a move is a change of both
        version = record_versions.counts(session, municipality_id, [new[0]], kind).get(new[0], 0)
        session.execute(update(model).where(model.municipality_id == municipality_id,
                                            model.service_id == new[0]).values(version=version))

