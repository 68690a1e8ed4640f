"""The town's register of online services (Onlinedienste): add, change, retire, show; every change in its history.

An online service is numbered per municipality (O-001, O-002 …), covers LeiKa services (given as LeiKa keys,
OZG-IDs or Leistungsobjekte, stored expanded) and is never deleted: retiring it keeps its history. After each
change the statuses of the services it covers are derived again (:mod:`ozgtrack.town.online_derive`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack.catalogue.counting import grouping_ids
from ozgtrack.errors import ConflictError, InputError, NotFoundError
from ozgtrack.fields import text
from ozgtrack.store.models import OnlineCover, OnlineEntry, OnlineService, Service
from ozgtrack.town.context import Context
from ozgtrack.town.online_derive import Derivation, derive, derived_values
from ozgtrack.town.online_values import ONLINE_FIELDS, clean_fields, spec_values, with_model
from ozgtrack.town.online_views import history, online_views
from ozgtrack.views.online import OnlineChange, OnlineSpec, number_text
from ozgtrack.views.tracking import KeyChange
from ozgtrack.views.what_counts import Targets
from ozgtrack.wording import local_time

__all__ = ["add_online", "set_online", "retire_online", "online_views", "history", "rederive", "expand_covers",
           "split_keys"]


def add_online(session: Session, context: Context, spec: OnlineSpec, *, reason: str | None = None,
               targets: Targets = Targets()) -> OnlineChange:
    """Register a new online service with the next number of the town; its covered statuses are derived."""
    reason = text("reason", reason) if reason is not None else None
    values = with_model({}, clean_fields(spec_values(spec)), context.default_model)
    services = expand_covers(session, spec.covers)
    if not services:
        raise InputError("ein Onlinedienst braucht mindestens eine Leistung, die er abdeckt (--covers)")
    town = context.municipality.id
    number = (session.scalar(select(func.max(OnlineService.number)).where(OnlineService.municipality_id == town))
              or 0) + 1
    row = OnlineService(municipality_id=town, number=number, created_at=context.now, created_by=context.by,
                        updated_at=context.now, updated_by=context.by, version=1, **values)
    session.add(row)
    session.flush()
    session.add_all(OnlineCover(online_service_id=row.id, service_id=i) for i, _ in services)
    fields = {f: [None, _plain(v)] for f, v in values.items() if v is not None}
    keys = tuple(k for _, k in services)
    _entry(session, context, row, "add", {**fields, "covers": {"added": list(keys), "removed": []}}, reason)
    done = derive(session, context, [i for i, _ in services], targets=targets)
    return _change(row, fields, keys, (), done)


def set_online(session: Session, context: Context, number: int, values: dict[str, Any], *,
               add_covers: tuple[str, ...] = (), remove_covers: tuple[str, ...] = (),
               expect_version: int | None = None, reason: str | None = None,
               targets: Targets = Targets()) -> OnlineChange:
    """Change the given fields ("" clears one) and covers; version + 1 and an entry with old → new when anything
    changed. ConflictError when ``expect_version`` is not the version now."""
    reason = text("reason", reason) if reason is not None else None
    row = _find(session, context, number)
    _expect(session, row, expect_version)
    if row.retired_at is not None:
        raise InputError(f"{_label(row)} ist außer Betrieb; ein außer Betrieb genommener Onlinedienst wird nicht "
                         "mehr geändert")
    old = {f: getattr(row, f) for f in ONLINE_FIELDS}
    new = with_model(old, clean_fields(values), context.default_model)
    fields = {f: [_plain(old[f]), _plain(new[f])] for f in ONLINE_FIELDS if _plain(old[f]) != _plain(new[f])}
    added, removed = _change_covers(session, row, add_covers, remove_covers)
    if not fields and not added and not removed:
        return OnlineChange(row.number, row.name, {})
    before = derived_values(old)
    for f in fields:
        setattr(row, f, new[f])
    row.version, row.updated_at, row.updated_by = row.version + 1, context.now, context.by
    changes = {**fields, **({"covers": {"added": list(added), "removed": list(removed)}} if added or removed else {})}
    _entry(session, context, row, "set", changes, reason)
    session.flush()
    done = derive(session, context, _covered_ids(session, row) + _ids(session, removed), previous={row.id: before},
                  targets=targets)
    return _change(row, fields, added, removed, done)


def retire_online(session: Session, context: Context, number: int, *, reason: str | None = None,
                  expect_version: int | None = None, targets: Targets = Targets()) -> OnlineChange:
    """Take an online service out of service (its history stays); its covered statuses follow the next best online
    service, else their stage, model and URL are cleared."""
    reason = text("reason", reason) if reason is not None else None
    row = _find(session, context, number)
    _expect(session, row, expect_version)
    if row.retired_at is not None:
        raise InputError(f"{_label(row)} ist schon seit {local_time(row.retired_at)} außer Betrieb")
    row.retired_at, row.retired_by = context.now, context.by
    row.version, row.updated_at, row.updated_by = row.version + 1, context.now, context.by
    fields = {"retired_at": [None, context.now.isoformat()]}
    _entry(session, context, row, "retire", fields, reason)
    session.flush()
    done = derive(session, context, _covered_ids(session, row), targets=targets)
    return _change(row, fields, (), (), done)


def rederive(session: Session, context: Context, service_ids: list[int] | None = None, *,
             targets: Targets = Targets()) -> list[KeyChange]:
    """Bring the statuses of these services (None: all covered or linked ones) in step with their best online
    service; deviations stay as they are."""
    return derive(session, context, service_ids, targets=targets).changed


def expand_covers(session: Session, texts: Iterable[str]) -> list[tuple[int, str]]:
    """The services named by LeiKa keys, OZG-IDs and Leistungsobjekte, each once, sorted by key; groupings
    (Leistungsobjekte with Verrichtungen) are no services and left out. NotFoundError for an unknown one."""
    from ozgtrack.town.triage import resolve_target

    groupings = grouping_ids(session)
    found = {s for t in split_keys(texts) for s in resolve_target(session, t).services if s[0] not in groupings}
    return sorted(found, key=lambda s: s[1])


def split_keys(texts: Iterable[str]) -> list[str]:
    """Keys as typed: each option may hold several, separated by commas or spaces."""
    return [part for t in texts for part in t.replace(",", " ").split()]


def _find(session: Session, context: Context, number: int) -> OnlineService:
    row = session.scalars(select(OnlineService).where(OnlineService.municipality_id == context.municipality.id,
                                                      OnlineService.number == number)).first()
    if row is None:
        raise NotFoundError(f"{context.municipality.name} hat keinen Onlinedienst {number_text(number)}; "
                            "siehe `ozgtrack online list --retired`")
    return row


def _expect(session: Session, row: OnlineService, expected: int | None) -> None:
    """ConflictError, naming who changed the online service when, unless it is at version ``expected``."""
    if expected is None or row.version == expected:
        return
    last = session.scalars(select(OnlineEntry).where(OnlineEntry.online_service_id == row.id)
                           .order_by(OnlineEntry.id.desc()).limit(1)).first()
    since = f", zuletzt am {local_time(last.at)} von {last.by}" if last else ""
    raise ConflictError(f"{_label(row)} wurde inzwischen geändert{since} (jetzt Version {row.version}, Ihre Änderung "
                        f"beruht auf Version {expected}); nichts wurde gespeichert. Lesen Sie den neuen Stand "
                        f"(`ozgtrack online show {number_text(row.number)}`) und ändern Sie dann erneut")


def _change_covers(session: Session, row: OnlineService, add: tuple[str, ...],
                   remove: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Add and remove covers; the keys actually added and removed."""
    have = dict(session.execute(select(Service.key, Service.id).join(OnlineCover, OnlineCover.service_id == Service.id)
                                .where(OnlineCover.online_service_id == row.id)).all())
    adding = [(i, k) for i, k in expand_covers(session, add) if k not in have]
    dropping = [(i, k) for i, k in expand_covers(session, remove) if k in have]
    if set(k for _, k in dropping) >= set(have) and not adding and dropping:
        raise InputError(f"{_label(row)} deckte danach keine Leistung mehr ab; nehmen Sie ihn stattdessen außer "
                         f"Betrieb (`ozgtrack online remove {number_text(row.number)}`)")
    session.add_all(OnlineCover(online_service_id=row.id, service_id=i) for i, _ in adding)
    for i, _ in dropping:
        session.execute(OnlineCover.__table__.delete().where(OnlineCover.online_service_id == row.id,
                                                             OnlineCover.service_id == i))
    return tuple(k for _, k in adding), tuple(k for _, k in dropping)


def _covered_ids(session: Session, row: OnlineService) -> list[int]:
    return list(session.scalars(select(OnlineCover.service_id).where(OnlineCover.online_service_id == row.id)))


def _ids(session: Session, keys: tuple[str, ...]) -> list[int]:
    return list(session.scalars(select(Service.id).where(Service.key.in_(keys)))) if keys else []


def _entry(session: Session, context: Context, row: OnlineService, action: str, changes: dict[str, Any],
           reason: str | None) -> None:
    session.add(OnlineEntry(online_service_id=row.id, at=context.now, by=context.by, action=action, changes=changes,
                            reason=reason))


def _change(row: OnlineService, fields: dict[str, Any], added: tuple[str, ...], removed: tuple[str, ...],
            done: Derivation) -> OnlineChange:
    return OnlineChange(row.number, row.name, fields, tuple(added), tuple(removed), tuple(done.changed),
                        tuple(done.skipped), tuple(done.deviations))


def _label(row: OnlineService) -> str:
    return f"{number_text(row.number)} {row.name}"


def _plain(value: Any) -> Any:
    """A value as the JSON of a history entry holds it."""
    if isinstance(value, date):
        return value.isoformat()
    return value.value if isinstance(value, Enum) else value
