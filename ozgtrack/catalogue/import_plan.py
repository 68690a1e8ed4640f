"""The plan of a sync: what a release adds, changes, withdraws and brings back (nothing written yet)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


from ozgtrack.catalogue import themenfelder
from ozgtrack.catalogue.import_state import member_ref, State, StoredService, record_values
from ozgtrack.records import Catalogue, ChangeKind, MemberRecord, ServiceRecord
from ozgtrack.sources import REGISTRY
from ozgtrack.views.catalog import Change


@dataclass
class Plan:
    new_services: list[ServiceRecord] = field(default_factory=list)
    service_updates: list[tuple[int, ServiceRecord, dict[str, Any]]] = field(default_factory=list)
    withdraw_services: list[int] = field(default_factory=list)
    revive_services: list[int] = field(default_factory=list)
    new_presence: list[str] = field(default_factory=list)  # keys
    revive_presence: list[int] = field(default_factory=list)
    withdraw_presence: list[int] = field(default_factory=list)
    seen_keys: list[str] = field(default_factory=list)  # listed keys that were stored before
    new_ozg: dict[str, MemberRecord] = field(default_factory=dict)
    ozg_updates: dict[str, MemberRecord] = field(default_factory=dict)
    revive_ozg: list[int] = field(default_factory=list)
    withdraw_ozg: list[int] = field(default_factory=list)
    new_members: list[MemberRecord] = field(default_factory=list)
    revive_members: list[int] = field(default_factory=list)
    withdraw_members: list[int] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    ozg_changes: list[Change] = field(default_factory=list)
    unchanged: int = 0


class Planner:
    """Works out what a release changes, without touching the database."""

    def __init__(self, state: State, catalogue: Catalogue) -> None:
        self.state, self.catalogue, self.out = state, catalogue, Plan()
        self.rank = REGISTRY[catalogue.source].rank
        self.grouping = catalogue.members is not None
        self.listed = {r.key: r for r in catalogue.services}
        self.new_ozg_of: dict[str, set[str]] = defaultdict(set)  # key -> OZG-IDs after this release
        self.old_ozg_of: dict[str, set[str]] = defaultdict(set)  # key -> OZG-IDs before, this source

    def plan(self) -> Plan:
        if self.grouping:
            self._plan_members()
        for record in self.catalogue.services:
            self._plan_listed(record)
        if self.catalogue.complete:
            self._plan_unlisted()
        return self.out

    # services

    def _plan_listed(self, record: ServiceRecord) -> None:
        plan, stored = self.out, self.state.services.get(record.key)
        if stored is None:
            plan.new_services.append(record)
            plan.new_presence.append(record.key)
            plan.changes.append(Change(record.key, record.name, ChangeKind.ADDED))
            return
        plan.seen_keys.append(record.key)
        fields = self._value_changes(stored, record)
        self._presence_listed(stored, fields)
        self._grouping_change(stored, fields)
        if stored.withdrawn:
            plan.revive_services.append(stored.id)
            plan.changes.append(Change(record.key, record.name, ChangeKind.REAPPEARED, fields or None))
        elif fields:
            plan.changes.append(Change(record.key, record.name, ChangeKind.CHANGED, fields))
        else:
            plan.unchanged += 1

    def _value_changes(self, stored: StoredService, record: ServiceRecord) -> dict[str, list[Any]]:
        """The values this release changes (and plans their update); none when a higher source owns them."""
        if any(REGISTRY[s].rank > self.rank for s in self.state.other_live.get(stored.id, ())):
            return {}
        new = record_values(record)
        fields = {k: [stored.values[k], v] for k, v in new.items() if stored.values[k] != v}
        if fields or (record.published_at and record.published_at != stored.published_at):
            self.out.service_updates.append((stored.id, record, {**stored.values, **new}))
        return fields

    def _presence_listed(self, stored: StoredService, fields: dict[str, list[Any]]) -> None:
        presence = self.state.presence.get(stored.id)
        if presence is not None and not presence[1]:
            return
        if presence is None:
            self.out.new_presence.append(stored.key)
        else:
            self.out.revive_presence.append(presence[0])
        others = sorted(self.state.other_live.get(stored.id, ()))
        if others:
            fields["sources"] = [others, sorted([*others, self.state.source])]

    def _grouping_change(self, stored: StoredService, fields: dict[str, list[Any]]) -> None:
        if not self.grouping:
            return
        others = self.state.other_ozg.get(stored.id, set())
        old = sorted(others | self.old_ozg_of.get(stored.key, set()))
        new = sorted(others | self.new_ozg_of.get(stored.key, set()))
        if old != new:
            fields["ozg"] = [old, new]

    def _plan_unlisted(self) -> None:
        state, plan = self.state, self.out
        for stored in state.services.values():
            presence = state.presence.get(stored.id)
            if presence is None or presence[1] or stored.key in self.listed:
                continue
            plan.withdraw_presence.append(presence[0])
            fields: dict[str, list[Any]] = {}
            self._grouping_change(stored, fields)
            others = sorted(state.other_live.get(stored.id, ()))
            if others:
                fields["sources"] = [sorted([*others, state.source]), others]
                plan.changes.append(Change(stored.key, stored.values["name"], ChangeKind.CHANGED, fields))
            else:
                plan.withdraw_services.append(stored.id)
                plan.changes.append(Change(stored.key, stored.values["name"], ChangeKind.WITHDRAWN, fields or None))

    # OZG grouping

    def _plan_members(self) -> None:
        state, plan = self.state, self.out
        wanted: dict[tuple[str, str], MemberRecord] = {}
        for member in self.catalogue.members or ():
            wanted[(member.ozg_id, member_ref(member))] = member
            if member.key:
                self.new_ozg_of[member.key].add(member.ozg_id)
        self._plan_ozg_leistungen(wanted.values())
        delta_keys = None if self.catalogue.complete else set(self.listed)
        keys_by_service = {s.id: s.key for s in state.services.values()}
        for (ozg_id, ref), (id_, service_id, withdrawn) in state.members.items():
            key = keys_by_service.get(service_id) if service_id else None
            if key and not withdrawn:
                self.old_ozg_of[key].add(ozg_id)
            if (ozg_id, ref) in wanted:
                if withdrawn:
                    plan.revive_members.append(id_)
            elif not withdrawn and (delta_keys is None or key in delta_keys):
                plan.withdraw_members.append(id_)
        if delta_keys is not None:
            # A delta lists only changed services; the others keep their OZG-IDs.
            for key, ozg_ids in self.old_ozg_of.items():
                if key not in delta_keys:
                    self.new_ozg_of[key] |= ozg_ids
        plan.new_members = [m for ident, m in wanted.items() if ident not in state.members]
        self._plan_ozg_withdrawals(wanted)

    def _plan_ozg_leistungen(self, members: Iterable[MemberRecord]) -> None:
        state, plan = self.state, self.out
        for member in members:
            if member.ozg_id in plan.new_ozg or member.ozg_id in plan.ozg_updates:
                continue
            stored = state.ozg.get(member.ozg_id)
            if stored is None:
                plan.new_ozg[member.ozg_id] = member
                plan.ozg_changes.append(Change(member.ozg_id, member.ozg_name, ChangeKind.ADDED))
                continue
            id_, values, withdrawn = stored
            fields = {k: [values[k], v] for k, v in ozg_values(member).items() if values[k] != v}
            if fields:
                plan.ozg_updates[member.ozg_id] = member
            if withdrawn:
                plan.revive_ozg.append(id_)
                plan.ozg_changes.append(Change(member.ozg_id, member.ozg_name, ChangeKind.REAPPEARED, fields or None))
            elif fields:
                plan.ozg_changes.append(Change(member.ozg_id, member.ozg_name, ChangeKind.CHANGED, fields))

    def _plan_ozg_withdrawals(self, wanted: dict[tuple[str, str], MemberRecord]) -> None:
        """An OZG-Leistung is withdrawn when no live mapping of any source is left."""
        state, plan = self.state, self.out
        withdrawn_members = set(plan.withdraw_members)
        alive = {ozg_id for ozg_id, _ in wanted} | state.other_live_ozg
        for (ozg_id, _), (id_, _, withdrawn) in state.members.items():
            if not withdrawn and id_ not in withdrawn_members:
                alive.add(ozg_id)
        for ozg_id, (id_, values, withdrawn) in state.ozg.items():
            if not withdrawn and ozg_id not in alive:
                plan.withdraw_ozg.append(id_)
                plan.ozg_changes.append(Change(ozg_id, values["name"], ChangeKind.WITHDRAWN))


def ozg_values(member: MemberRecord) -> dict[str, Any]:
    """The values of an OZG-Leistung a catalogue row states; a missing Lage or Themenfeld says nothing."""
    values: dict[str, Any] = {"name": member.ozg_name}
    if member.themenfeld:
        values["themenfeld"] = themenfelder.resolve(member.themenfeld)[1]
        if member.lage:
            values["lage"] = " ".join(member.lage.split())
    return values
