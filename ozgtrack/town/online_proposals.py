"""Online services proposed from today's statuses: the own services that share an address are one online service.

A town that tracked statuses before the register has its online services in them already: every own service
whose status names the same URL is served by the same form or portal. So each address that own services'
statuses name is proposed as one online service covering them, and an address only one service names is one
too (an online service may well cover a single LeiKa service, e.g. the town's own Hundesteuer form).
Addresses are compared as :func:`ozgtrack.fields.address_key` compares them (no scheme, host in lower case, no
trailing slash).

Services an active online service of the town already covers are left out, so a second run proposes
nothing new; an address an active online service already has is not proposed again but named as a hint
(add its services there with `online set --add-covers`). What each proposal takes:

- name: the OZG-Leistung all its services belong to, else the name of its first service (by key);
- delivery: ``efa`` when a status names an EfA solution, else ``eigen`` — always marked as guessed;
- stage and model: those most of its statuses have (on a tie the lower stage: never claim more than known);
  the department likewise. Statuses that differ are changed when the proposal is added, and the preview
  lists each such change before anything is stored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.catalogue.counting import grouping_ids
from ozgtrack.fields import address_key
from ozgtrack.catalogue.query import current_memberships, is_current
from ozgtrack.store.db import rows
from ozgtrack.store.models import OnlineCover, OnlineService, OzgLeistung, OzgMember, Service, ServiceStatus
from ozgtrack.town.context import Context
from ozgtrack.town.municipalities import executed_levels
from ozgtrack.town.triage import assignments
from ozgtrack.views.online import Delivery, OnlineSpec
from ozgtrack.views.online_intake import OnlineProposal, ProposalHint, ProposalResult
from ozgtrack.views.what_counts import Targets

_NAME_LIMIT = 200  # the register's limit of a name (town.online_values)
STATUS_REASON = "aus den Status vorgeschlagen (Leistungen mit derselben Adresse); Weg der Bereitstellung geraten"


def from_statuses(session: Session, context: Context) -> ProposalResult:
    """One proposal per address that own services' statuses name and no active online service has yet."""
    covered = covered_ids(session, context)
    statuses = [s for s in _statuses(session, context) if s["service_id"] not in covered]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for status in statuses:
        groups[address_key(status["url"])].append(status)
    taken = active_addresses(session, context)
    proposals, hints = [], []
    for address, members in sorted(groups.items(), key=lambda item: min(s["key"] for s in item[1])):
        members.sort(key=lambda s: s["key"])
        if address in taken:
            number, name = taken[address]
            hints.append(ProposalHint(number, name, tuple(s["key"] for s in members)))
            continue
        proposals.append(_proposal(session, members))
    return ProposalResult(tuple(proposals), tuple(hints))


def apply_proposals(session: Session, context: Context, result: ProposalResult, *, reason: str,
                    targets: Targets = Targets()) -> ProposalResult:
    """Add each proposal through the register (`online add`); the result with the numbers they got."""
    from ozgtrack.town.online import add_online

    numbers, statuses = [], []
    for proposal in result.proposals:
        made = add_online(session, context, proposal.spec, reason=reason, targets=targets)
        numbers.append(made.number)
        statuses += made.statuses
    return ProposalResult(result.proposals, result.hints, tuple(numbers), tuple(statuses))


def covered_ids(session: Session, context: Context) -> frozenset[int]:
    """The services an active online service of the town covers."""
    return frozenset(session.scalars(
        select(OnlineCover.service_id).join(OnlineService, OnlineService.id == OnlineCover.online_service_id)
        .where(OnlineService.municipality_id == context.municipality.id, OnlineService.retired_at.is_(None))))


def active_addresses(session: Session, context: Context) -> dict[str, tuple[int, str]]:
    """The addresses of the town's active online services (compared as :func:`address_key`): number and name."""
    found = rows(session, select(OnlineService.url, OnlineService.number, OnlineService.name).where(
        OnlineService.municipality_id == context.municipality.id, OnlineService.retired_at.is_(None),
        OnlineService.url.is_not(None)).order_by(OnlineService.number)).all()
    out: dict[str, tuple[int, str]] = {}
    for url, number, name in found:
        out.setdefault(address_key(url), (number, name))
    return out


def own_ids(session: Session, context: Context, service_ids: Iterable[int]) -> frozenset[int]:
    """Which of these services the town executes itself (its own: ``views.what_counts``), withdrawn ones aside."""
    executed = executed_levels(context.municipality)
    return frozenset(a.service_id for a in assignments(session, context.municipality, context.rules,
                                                       service_ids=list(service_ids))
                     if a.level in executed and not a.withdrawn)


def common_name(session: Session, service_ids: list[int], fallback: str) -> str:
    """The OZG-Leistung all these services belong to (the first by OZG-ID), else ``fallback``; at most 200 chars."""
    by_service: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for service_id, ozg_id, name in rows(session, current_memberships(
            OzgMember.service_id, OzgLeistung.ozg_id, OzgLeistung.name).where(OzgMember.service_id.in_(service_ids))):
        by_service[service_id].add((ozg_id, name))
    shared = set.intersection(*(by_service.get(i, set()) for i in service_ids)) if service_ids else set()
    name = min(shared)[1] if shared else fallback
    return name if len(name) <= _NAME_LIMIT else name[: _NAME_LIMIT - 1] + "…"


def _statuses(session: Session, context: Context) -> list[dict[str, Any]]:
    """Today's statuses with an address of the town's own current services (groupings are no services)."""
    found = [dict(r) for r in rows(session, select(
        ServiceStatus.service_id, Service.key, Service.name, ServiceStatus.url, ServiceStatus.model,
        ServiceStatus.stage, ServiceStatus.department, ServiceStatus.efa_solution)
        .join(Service, Service.id == ServiceStatus.service_id)
        .where(ServiceStatus.municipality_id == context.municipality.id, ServiceStatus.url.is_not(None),
               is_current())).mappings()]
    groupings = grouping_ids(session)
    own = own_ids(session, context, [s["service_id"] for s in found])
    return [s for s in found if s["service_id"] in own and s["service_id"] not in groupings]


def _proposal(session: Session, members: list[dict[str, Any]]) -> OnlineProposal:
    stage, model = most_common_stage(members)
    department = most_common(members, "department")
    efa = any(s["efa_solution"] for s in members)
    name = common_name(session, [s["service_id"] for s in members], members[0]["name"])
    spec = OnlineSpec(name=name, delivery=Delivery.EFA if efa else Delivery.EIGEN,
                      covers=tuple(s["key"] for s in members), url=most_common(members, "url"), stage=stage,
                      model=model, department=department)
    count = len(members)
    source = f"gemeinsame Adresse von {count} Status" if count > 1 else "Adresse eines Status"
    return OnlineProposal(spec, guessed=True, source=source)


def most_common_stage(members: list[dict[str, Any]]) -> tuple[int | None, str | None]:
    """The (stage, model) most statuses have; on a tie the lower stage; (None, None) when none is assessed."""
    pairs = Counter((s["stage"], _value(s["model"])) for s in members if s["stage"] is not None)
    if not pairs:
        return None, None
    stage, model = max(pairs, key=lambda p: (pairs[p], -p[0]))
    return stage, model


def most_common(members: list[dict[str, Any]], field: str) -> Any:
    """The value of ``field`` most members have (on a tie the first member's, by key); None when none has one."""
    counts = Counter(s[field] for s in members if s[field])
    if not counts:
        return None
    first = {value: i for i, value in reversed(list(enumerate(s[field] for s in members)))}
    return max(counts, key=lambda value: (counts[value], -first[value]))


def _value(value: Any) -> Any:
    return getattr(value, "value", value)
