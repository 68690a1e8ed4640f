"""Online services proposed from the PVOG evidence: own services that share an online service there are one.

The evidence is what :func:`ozgtrack.evidence.findings.evidence` holds for the town: for its own ARS and every
ARS above it, the newest complete listing of each format and the newest samples, withdrawn releases never.
An entry is used only where it can stand for the town's own service (:func:`findings.equivalence`): registered
for the town itself (or its Verbandsgemeinde; for a kreisfreie Stadt its Kreis) or by the Land's editors for
every Kommune, and not on the shipped list of known non-equivalences. A Kreis' or the Bund's own online service
never stands for a service the town executes itself, so none is proposed from them. Each own service takes its
best entry (the most local, then the newest), and entries with the same ID-OD or the same address are one
online service.

What each proposal takes: the PVOG online service's title as its name (else the services' OZG-Leistung), its
link as the address; the delivery path guessed from the entry — ``efa`` where the entry (or any entry with its
address) names an EfA service or another Land released it, ``land`` for the Land's own, ``eigen`` for one
registered for the town — and always marked as guessed. The PVOG says nothing of a Reifegrad, so stage, model
and department are those most of the covered statuses have (none: not assessed), as `online from-statuses`
takes them. Services an active online service already covers are left out (a second run proposes nothing new);
an address an active online service already has is named as a hint.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.catalogue.counting import grouping_ids
from ozgtrack.fields import address_key
from ozgtrack.store.db import rows
from ozgtrack.store.models import PvogEntry, Service, ServiceStatus
from ozgtrack.town import regions
from ozgtrack.town.context import Context
from ozgtrack.town.municipalities import is_kreisfrei
from ozgtrack.town.online_proposals import (
    active_addresses, common_name, covered_ids, most_common, most_common_stage, own_ids,
)
from ozgtrack.evidence.findings import Town, equivalence, evidence, not_equivalent, provider_kind
from ozgtrack.views.online import Delivery, OnlineSpec
from ozgtrack.views.online_intake import OnlineProposal, ProposalHint, ProposalResult

PVOG_REASON = "aus den PVOG-Daten vorgeschlagen (Leistungen mit demselben Onlinedienst); Weg der Bereitstellung geraten"
_ORDER = {"gemeinde": 0, "kreis": 1, "land": 2, "bund": 3}
_NAME_LIMIT = 200


def from_pvog(session: Session, context: Context) -> ProposalResult:
    """One proposal per PVOG online service that stands for own services no active online service covers yet."""
    best = _best_entries(session, context)
    groups = _grouped(best)
    taken = active_addresses(session, context)
    statuses = _statuses(session, context, [e["service_id"] for e in best.values()])
    proposals, hints = [], []
    for members in sorted(groups, key=lambda m: min(e["leika_key"] for e in m)):
        members.sort(key=lambda e: e["leika_key"])
        url = most_common(members, "url")
        if (found := taken.get(address_key(url))) is not None:
            hints.append(ProposalHint(found[0], found[1], tuple(e["leika_key"] for e in members)))
            continue
        proposals.append(_proposal(session, members, url, statuses))
    return ProposalResult(tuple(proposals), tuple(hints))


def _best_entries(session: Session, context: Context) -> dict[str, dict[str, Any]]:
    """Each own, uncovered service's best PVOG entry that can stand for it (the most local, then the newest)."""
    ars = context.municipality.ars
    refs = {ref.release_id: ref for ref, _ in evidence(session, ars)}
    if not refs:
        return {}
    columns = (PvogEntry.release_id, PvogEntry.leika_key, PvogEntry.level, PvogEntry.od_id, PvogEntry.title,
               PvogEntry.url, PvogEntry.provider, Service.id.label("service_id"), Service.name.label("service_name"))
    entries = [dict(r) for r in rows(session, select(*columns).join(Service, Service.key == PvogEntry.leika_key)
                                     .where(PvogEntry.release_id.in_(list(refs)), PvogEntry.active.is_(True),
                                            PvogEntry.url.is_not(None))).mappings()]
    own = own_ids(session, context, {e["service_id"] for e in entries})
    skip = covered_ids(session, context) | grouping_ids(session)
    town, known, land = Town(ars, is_kreisfrei(context.municipality)), not_equivalent(), regions.land_name(ars) or ""
    efa = {address_key(e["url"]) for e in entries if provider_kind(e["level"], e["provider"], land) == "EfA"}
    best: dict[str, dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda e: (_ORDER.get(e["level"], 9), -refs[e["release_id"]].as_of.timestamp(),
                                                e["url"])):
        if entry["service_id"] not in own or entry["service_id"] in skip or entry["leika_key"] in best:
            continue
        if equivalence(entry["leika_key"], entry, town, known)[0]:
            best[entry["leika_key"]] = {**entry, "efa": address_key(entry["url"]) in efa}
    return best


def _grouped(best: dict[str, dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The entries that name the same online service (the same ID-OD or the same address), as groups."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for entry in best.values():
        names = [f"url:{address_key(entry['url'])}", *([f"od:{entry['od_id']}"] if entry["od_id"] else [])]
        for name in names[1:]:
            parent[root(name)] = root(names[0])
        root(names[0])
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in best.values():
        groups[root(f"url:{address_key(entry['url'])}")].append(entry)
    return list(groups.values())


def _statuses(session: Session, context: Context, service_ids: list[int]) -> dict[int, dict[str, Any]]:
    query = select(ServiceStatus.service_id, ServiceStatus.stage, ServiceStatus.model, ServiceStatus.department).where(
        ServiceStatus.municipality_id == context.municipality.id, ServiceStatus.service_id.in_(service_ids))
    return {r["service_id"]: dict(r) for r in rows(session, query).mappings()}


def _proposal(session: Session, members: list[dict[str, Any]], url: str,
              statuses: dict[int, dict[str, Any]]) -> OnlineProposal:
    assessed = [statuses[e["service_id"]] for e in members if e["service_id"] in statuses]
    stage, model = most_common_stage(assessed)
    title = most_common(members, "title")
    name = title or common_name(session, [e["service_id"] for e in members], members[0]["service_name"])
    delivery = Delivery.EFA if any(e["efa"] for e in members) else (
        Delivery.LAND if all(e["level"] == "land" for e in members) else Delivery.EIGEN)
    spec = OnlineSpec(name=_cut(name), delivery=delivery,
                      covers=tuple(e["leika_key"] for e in members), url=url, stage=stage, model=model,
                      department=most_common(assessed, "department") if assessed else None,
                      provider=_cut(most_common(members, "provider")))
    od = most_common(members, "od_id")
    return OnlineProposal(spec, guessed=True, source=f"PVOG-Onlinedienst {od}" if od else "PVOG-Link")


def _cut(text: str | None) -> str | None:
    """A PVOG text on one line and within the register's 200 characters."""
    if text is None:
        return None
    line = " ".join(text.split())
    return line if len(line) <= _NAME_LIMIT else line[: _NAME_LIMIT - 1] + "…"
