"""Why an own service is not online yet: reasons set by the town, derived from its online services, or from the law.

Set reasons are rows of ``service_blocker`` (cleared, never deleted). Derived reasons are read, never stored: an
own service that is not online and covered by an active online service whose payment is ``keins`` waits for
ePayment; by an EfA service whose reuse contract is ``nein``, for the contract. The legal ones come from the
shipped list (:mod:`ozgtrack.town.blocker_list`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ozgtrack.catalogue.counting import grouping_ids
from ozgtrack.errors import InputError
from ozgtrack.fields import text
from ozgtrack.store.db import rows
from ozgtrack.store.models import OnlineCover, OnlineService, Service, ServiceBlocker, ServiceStatus
from ozgtrack.town.blocker_list import blocker_list
from ozgtrack.town.context import Context
from ozgtrack.town.municipalities import executed_levels
from ozgtrack.town.triage import assignments, resolve_target
from ozgtrack.views.blockers import BlockerChange, BlockerList, BlockerView, Origin
from ozgtrack.views.online import BlockerCode, Delivery, Payment, number_text
from ozgtrack.views.tracking import StatusView
from ozgtrack.views.what_counts import Targets, is_online


def set_reasons(session: Session, town_id: int, service_ids: Iterable[int] | None = None,
                listing: BlockerList | None = None) -> dict[int, list[BlockerView]]:
    """The active set reasons of each service (cleared ones are history), oldest first."""
    listing = listing or blocker_list()
    # The town's active reasons are few: read them all and pick (no IN list of thousands of ids).
    query = select(ServiceBlocker).where(ServiceBlocker.municipality_id == town_id, ServiceBlocker.cleared_at.is_(None))
    wanted = None if service_ids is None else set(service_ids)
    found: dict[int, list[BlockerView]] = defaultdict(list)
    for row in session.scalars(query.order_by(ServiceBlocker.set_at, ServiceBlocker.id)):
        if wanted is not None and row.service_id not in wanted:
            continue
        code = BlockerCode(row.code)
        found[row.service_id].append(BlockerView(code, listing.label(code), Origin.SET, row.note, row.set_by,
                                                 row.set_at))
    return found


def derived_reasons(session: Session, town_id: int, service_ids: Iterable[int],
                    listing: BlockerList | None = None) -> dict[int, list[BlockerView]]:
    """What the register knows for these (not online, own) services: ePayment and reuse contract missing."""
    listing = listing or blocker_list()
    query = (select(OnlineCover.service_id, OnlineService.number, OnlineService.name, OnlineService.payment,
                    OnlineService.delivery, OnlineService.contract)
             .join(OnlineService, OnlineCover.online_service_id == OnlineService.id)
             .where(OnlineService.municipality_id == town_id, OnlineService.retired_at.is_(None))
             .order_by(OnlineService.number))
    wanted = set(service_ids)
    found: dict[int, list[BlockerView]] = defaultdict(list)
    for service_id, number, name, payment, delivery, contract in rows(session, query):
        if service_id not in wanted:
            continue
        source = f"{number_text(number)} {name}"
        if payment is Payment.KEINS:
            found[service_id].append(_derived(listing, BlockerCode.EPAYMENT, source))
        if delivery is Delivery.EFA and contract == "nein":
            found[service_id].append(_derived(listing, BlockerCode.VERTRAG, source))
    return found


def _derived(listing: BlockerList, code: BlockerCode, source: str) -> BlockerView:
    return BlockerView(code, listing.label(code), Origin.DERIVED, source=source)


def legal_reason(listing: BlockerList, key: str) -> BlockerView | None:
    """The legal requirement of a LeiKa key as a reason, with its law."""
    found = listing.legal_of(key)
    if found is None:
        return None
    return BlockerView(BlockerCode.RECHTSLAGE, listing.label(BlockerCode.RECHTSLAGE), Origin.LAW,
                       note=found.title, source=found.law)


def open_gaps(session: Session, context: Context, targets: Targets, services: list[tuple[int, str]]) -> set[int]:
    """Of these services, the ids of those that are the town's own and not online (the only ones with reasons)."""
    own = executed_levels(context.municipality)
    ids = [i for i, _ in services]
    mine = {a.service_id for a in assignments(session, context.municipality, context.rules, service_ids=ids)
            if a.level in own}
    stages = {r.service_id: (r.stage, r.model) for r in rows(session, select(
        ServiceStatus.service_id, ServiceStatus.stage, ServiceStatus.model).where(
        ServiceStatus.municipality_id == context.municipality.id, ServiceStatus.service_id.in_(ids)))}
    return {i for i in mine if not is_online(*stages.get(i, (None, None)), targets)}


def reasons(session: Session, context: Context, targets: Targets, services: list[tuple[int, str]],
            gaps: set[int] | None = None) -> dict[int, tuple[BlockerView, ...]]:
    """Every reason of each service (set, derived, legal); derived and legal only while it is an own open gap
    (``gaps``: their ids, when the caller knows them already)."""
    listing = blocker_list()
    gaps = open_gaps(session, context, targets, services) if gaps is None else gaps
    stored = set_reasons(session, context.municipality.id, [i for i, _ in services], listing)
    derived = derived_reasons(session, context.municipality.id, gaps, listing)
    out: dict[int, tuple[BlockerView, ...]] = {}
    for service_id, key in services:
        legal = legal_reason(listing, key) if service_id in gaps else None
        found = [*stored.get(service_id, ()), *derived.get(service_id, ()), *([legal] if legal else [])]
        if found:
            out[service_id] = tuple(found)
    return out


def attach(session: Session, context: Context, targets: Targets, views: list[StatusView],
           services: Iterable[tuple[int, str]]) -> list[StatusView]:
    """``views`` with their reasons (`status show`)."""
    keys = {v.key for v in views}
    chosen = [s for s in services if s[1] in keys]
    found = reasons(session, context, targets, chosen)
    by_key = {key: found[i] for i, key in chosen if i in found}
    return [replace(v, blockers=by_key.get(v.key, ())) for v in views]


def attach_listed(session: Session, context: Context, targets: Targets, views: list[StatusView]) -> list[StatusView]:
    """``views`` with their reasons (`status list`); which are open gaps is read off the views themselves."""
    if not views:
        return views
    ids = dict(rows(session, select(Service.key, Service.id).where(Service.key.in_([v.key for v in views]))).all())
    own = executed_levels(context.municipality)
    gaps = {ids[v.key] for v in views if v.key in ids and v.level in own and not is_online(v.stage, v.model, targets)}
    found = reasons(session, context, targets, [(ids[v.key], v.key) for v in views if v.key in ids], gaps)
    return [replace(v, blockers=found.get(ids.get(v.key, -1), ())) for v in views]


def change(session: Session, context: Context, targets: Targets, target: str, code: BlockerCode,
           note: str | None, *, clear: bool) -> tuple[list[BlockerChange], list[str]]:
    """`status set --blocker` (or ``clear``: `--clear-blocker`) on a key, Leistungsobjekt or OZG-Leistung.

    Only own services that are not online carry a reason: for one key anything else is an InputError; of several,
    the others are left out (returned as the second list), and none left is an InputError.
    """
    found = resolve_target(session, target)
    services = list(found.services)
    groupings = grouping_ids(session)
    if len(services) > 1 or found.ozg_id:
        services = [s for s in services if s[0] not in groupings]
    elif services[0][0] in groupings:
        raise InputError(f"{found.text} ist ein Leistungsobjekt mit Verrichtungen, keine Leistung; bitte den Grund "
                         "bei den Verrichtungen erfassen")
    gaps = open_gaps(session, context, targets, services)
    skipped = [key for i, key in services if i not in gaps]
    if not clear and skipped and len(services) == 1:
        raise InputError(_not_open(skipped[0], session, context, targets, services[0]))
    if not clear and services and len(skipped) == len(services):
        raise InputError(f"keine Leistung von {found.text} ist eine eigene der Kommune, die noch nicht online ist; "
                         "nur sie können einen Grund tragen")
    note = text("note", note) if note is not None else None
    chosen = services if clear else [s for s in services if s[0] in gaps]
    changes = _apply(session, context, chosen, code, note, clear)
    return changes, ([] if clear else skipped)


def _not_open(key: str, session: Session, context: Context, targets: Targets, service: tuple[int, str]) -> str:
    own = executed_levels(context.municipality)
    mine = any(a.level in own for a in assignments(session, context.municipality, context.rules,
                                                     service_ids=[service[0]]))
    why = "ist schon online" if mine else "ist keine eigene Leistung der Kommune"
    return (f"{key} {why}; einen Grund, warum sie nicht online ist, können nur eigene Leistungen tragen, die noch "
            "nicht online sind")


def _apply(session: Session, context: Context, services: list[tuple[int, str]], code: BlockerCode,
           note: str | None, clear: bool) -> list[BlockerChange]:
    active: dict[int, Any] = {r.service_id: r for r in session.scalars(select(ServiceBlocker).where(
        ServiceBlocker.municipality_id == context.municipality.id, ServiceBlocker.code == code.value,
        ServiceBlocker.cleared_at.is_(None), ServiceBlocker.service_id.in_([i for i, _ in services])))}
    changes = []
    for service_id, key in services:
        row = active.get(service_id)
        if clear and row is not None:
            session.execute(update(ServiceBlocker).where(ServiceBlocker.id == row.id).values(
                cleared_at=context.now, cleared_by=context.by))
            changes.append(BlockerChange(key, code, "clear", row.note))
        elif not clear and row is None:
            session.add(ServiceBlocker(municipality_id=context.municipality.id, service_id=service_id,
                                       code=code.value, note=note, set_at=context.now, set_by=context.by))
            changes.append(BlockerChange(key, code, "set", note))
        elif not clear and note is not None and note != row.note:  # a new note: the old one stays in the history
            session.execute(update(ServiceBlocker).where(ServiceBlocker.id == row.id).values(
                cleared_at=context.now, cleared_by=context.by))
            session.add(ServiceBlocker(municipality_id=context.municipality.id, service_id=service_id,
                                       code=code.value, note=note, set_at=context.now, set_by=context.by))
            changes.append(BlockerChange(key, code, "note", note))
    session.flush()
    return changes
