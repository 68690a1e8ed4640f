"""Sync one catalogue release into the database: diff it against what is stored, then write it.

The caller owns the transaction, so a sync is all or nothing. Nothing is ever deleted: a key
a complete release no longer lists is marked withdrawn, and comes back as "reappeared".

Several sources may describe the same service. Each source's listing is kept apart
(``service_presence``, ``ozg_member.source``); a service is withdrawn when every source that
listed it has withdrawn it. The LeiKa sources (CSV, FIM API) outrank the OZG catalogue for a
service's names and Typisierung, so syncing both never makes those values flip back and forth.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ozgtrack import themenfelder, wording
from ozgtrack.errors import SourceError
from ozgtrack.leika import LeikaKey, fold, parse_typisierung
from ozgtrack.models import (
    CatalogueChange, Lage, OzgLeistung, OzgMember, Release, Service, ServicePresence, Themenfeld,
)
from ozgtrack.records import Catalogue, ChangeKind, MemberRecord, ServiceRecord, Source
from ozgtrack.sources import REGISTRY
from ozgtrack.views.catalog import Change, ReleaseInfo, SyncResult

# A complete release that withdraws more than this share of what its source listed is refused
# unless forced: an incomplete download must not withdraw half the catalogue.
MAX_WITHDRAWN_SHARE = 0.25
# Service values whose change a release reports; published_at is updated silently.
DIFF_FIELDS = ("name", "name2", "typisierung", "synonyms", "features", "legal_basis")


def sync(session: Session, catalogue: Catalogue, info: ReleaseInfo, *, dry_run: bool = False,
         force: bool = False) -> SyncResult:
    """Diff ``catalogue`` against the database and, unless ``dry_run``, write release, changes and data.

    Raises SourceError when the release would withdraw too much of its source and ``force`` is not set.
    """
    state = _load_state(session, catalogue.source, grouping=catalogue.members is not None)
    plan = _Planner(state, catalogue).plan()
    if not force:
        _check_withdrawals(state, plan, info.origin)
    release_id = None if dry_run else _Writer(session, state, catalogue, info, plan).write()
    return SyncResult(
        source=catalogue.source,
        release_id=release_id,
        services=tuple(sorted(plan.changes, key=lambda c: (c.kind, c.subject))),
        ozg_leistungen=tuple(sorted(plan.ozg_changes, key=lambda c: (c.kind, c.subject))),
        unchanged=plan.unchanged,
        problems=catalogue.problems,
    )


def _check_withdrawals(state: _State, plan: _Plan, origin: str) -> None:
    listed = sum(1 for _, withdrawn in state.presence.values() if not withdrawn)
    gone = len(plan.withdraw_presence)
    if listed >= 20 and gone > listed * MAX_WITHDRAWN_SHARE:
        share, source = f"{round(gone / listed * 100)} %", wording.SOURCE[state.source.value]
        raise SourceError(
            f"{origin} würde {wording.number(gone)} der {wording.plural(listed, 'Leistung', 'Leistungen')} "
            f"zurückziehen, die der vorige Stand der Quelle {source} aufführte ({share}); "
            f"das sieht nach einer unvollständigen oder falschen Datei aus, daher wurde nichts geändert. "
            "Prüfen Sie die Datei oder synchronisieren Sie mit --force erneut, um sie zu übernehmen."
        )


def member_ref(member: MemberRecord) -> str:
    """Identity of a mapping row within its OZG-Leistung: the key, or a hash of the name for rows without one."""
    if member.key:
        return member.key
    return "name:" + hashlib.sha256(fold(member.leika_name).encode()).hexdigest()[:32]


# --- state --------------------------------------------------------------------------------------


@dataclass
class _StoredService:
    id: int
    key: str
    values: dict[str, Any]
    published_at: datetime | None
    withdrawn: bool


@dataclass
class _State:
    source: Source
    services: dict[str, _StoredService]
    presence: dict[int, tuple[int, bool]]  # service id -> (presence id, withdrawn) for this source
    other_live: dict[int, set[Source]]  # service id -> other sources listing it
    members: dict[tuple[str, str], tuple[int, int | None, bool]]  # (ozg_id, ref) -> (id, service id, withdrawn)
    other_ozg: dict[int, set[str]]  # service id -> OZG-IDs other sources map it to
    other_live_ozg: set[str]  # OZG-IDs with a live mapping row of another source
    ozg: dict[str, tuple[int, dict[str, Any], bool]]  # ozg_id -> (id, values, withdrawn)
    themenfelder: dict[str, int]  # slug -> id
    lagen: dict[tuple[int, str], int]  # (themenfeld id, name) -> id
    themenfeld_names: dict[int, str] = field(default_factory=dict)
    lage_names: dict[int, str] = field(default_factory=dict)


def _load_state(session: Session, source: Source, grouping: bool) -> _State:
    state = _State(source, _load_services(session), {}, defaultdict(set), {}, defaultdict(set), set(), {}, {}, {})
    for service_id, presence_source, presence_id, withdrawn in session.execute(
        select(ServicePresence.service_id, ServicePresence.source, ServicePresence.id, ServicePresence.withdrawn_release_id)
    ):
        if presence_source is source:
            state.presence[service_id] = (presence_id, withdrawn is not None)
        elif withdrawn is None:
            state.other_live[service_id].add(presence_source)
    if grouping:
        _load_grouping(session, state)
    return state


def _load_services(session: Session) -> dict[str, _StoredService]:
    columns = (Service.id, Service.key, Service.name, Service.name2, Service.typisierung_raw, Service.synonyms,
               Service.features, Service.legal_basis, Service.published_at, Service.withdrawn_release_id)
    out = {}
    for id_, key, name, name2, typ, synonyms, features, legal, published, withdrawn in session.execute(select(*columns)):
        values = {"name": name, "name2": name2, "typisierung": _typ_value(typ), "synonyms": synonyms,
                  "features": features, "legal_basis": legal}
        out[key] = _StoredService(id_, key, values, published, withdrawn is not None)
    return out


def _load_grouping(session: Session, state: _State) -> None:
    state.themenfelder = dict(session.execute(select(Themenfeld.slug, Themenfeld.id)).all())
    state.themenfeld_names = dict(session.execute(select(Themenfeld.id, Themenfeld.name)).all())
    for id_, themenfeld_id, name in session.execute(select(Lage.id, Lage.themenfeld_id, Lage.name)):
        state.lagen[(themenfeld_id, name)] = id_
        state.lage_names[id_] = name
    for id_, ozg_id, name, themenfeld_id, lage_id, withdrawn in session.execute(select(
        OzgLeistung.id, OzgLeistung.ozg_id, OzgLeistung.name, OzgLeistung.themenfeld_id, OzgLeistung.lage_id,
        OzgLeistung.withdrawn_release_id,
    )):
        values = {"name": name, "themenfeld": state.themenfeld_names.get(themenfeld_id),
                  "lage": state.lage_names.get(lage_id)}
        state.ozg[ozg_id] = (id_, values, withdrawn is not None)
    ozg_by_id = {id_: ozg_id for ozg_id, (id_, _, _) in state.ozg.items()}
    for id_, source, ozg_leistung_id, ref, service_id, withdrawn in session.execute(select(
        OzgMember.id, OzgMember.source, OzgMember.ozg_leistung_id, OzgMember.member_ref, OzgMember.service_id,
        OzgMember.withdrawn_release_id,
    )):
        ozg_id = ozg_by_id[ozg_leistung_id]
        if source is state.source:
            state.members[(ozg_id, ref)] = (id_, service_id, withdrawn is not None)
        elif withdrawn is None:
            state.other_live_ozg.add(ozg_id)
            if service_id is not None:
                state.other_ozg[service_id].add(ozg_id)


@lru_cache(maxsize=256)
def _typ_value(raw: str | None) -> str | None:
    """A Typisierung as compared and shown in diffs: its codes in code-list order, unknown ones after."""
    if raw is None:
        return None
    parsed = parse_typisierung(raw)
    return ";".join(parsed.codes + parsed.unknown) or None


def _record_values(record: ServiceRecord) -> dict[str, Any]:
    """The diffable values a record states; keys the source does not provide are left out."""
    given = {
        "name": record.name,
        "name2": record.name2,
        "typisierung": None if record.typisierung is None else (_typ_value(record.typisierung) or ""),
        "synonyms": None if record.synonyms is None else list(record.synonyms),
        "features": None if record.features is None else list(record.features),
        "legal_basis": record.legal_basis,
    }
    # "" and [] mean "provided, but empty": stored as NULL.
    return {k: (v or None) for k, v in given.items() if v is not None}


# --- plan ---------------------------------------------------------------------------------------


@dataclass
class _Plan:
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


class _Planner:
    """Works out what a release changes, without touching the database."""

    def __init__(self, state: _State, catalogue: Catalogue) -> None:
        self.state, self.catalogue, self.out = state, catalogue, _Plan()
        self.rank = REGISTRY[catalogue.source].rank
        self.grouping = catalogue.members is not None
        self.listed = {r.key: r for r in catalogue.services}
        self.new_ozg_of: dict[str, set[str]] = defaultdict(set)  # key -> OZG-IDs after this release
        self.old_ozg_of: dict[str, set[str]] = defaultdict(set)  # key -> OZG-IDs before, this source

    def plan(self) -> _Plan:
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

    def _value_changes(self, stored: _StoredService, record: ServiceRecord) -> dict[str, list[Any]]:
        """The values this release changes (and plans their update); none when a higher source owns them."""
        if any(REGISTRY[s].rank > self.rank for s in self.state.other_live.get(stored.id, ())):
            return {}
        new = _record_values(record)
        fields = {k: [stored.values[k], v] for k, v in new.items() if stored.values[k] != v}
        if fields or (record.published_at and record.published_at != stored.published_at):
            self.out.service_updates.append((stored.id, record, {**stored.values, **new}))
        return fields

    def _presence_listed(self, stored: _StoredService, fields: dict[str, list[Any]]) -> None:
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

    def _grouping_change(self, stored: _StoredService, fields: dict[str, list[Any]]) -> None:
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
            fields = {k: [values[k], v] for k, v in _ozg_values(member).items() if values[k] != v}
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


def _ozg_values(member: MemberRecord) -> dict[str, Any]:
    """The values of an OZG-Leistung a catalogue row states; a missing Lage or Themenfeld says nothing."""
    values: dict[str, Any] = {"name": member.ozg_name}
    if member.themenfeld:
        values["themenfeld"] = themenfelder.resolve(member.themenfeld)[1]
        if member.lage:
            values["lage"] = " ".join(member.lage.split())
    return values


# --- write --------------------------------------------------------------------------------------


class _Writer:
    """Writes a plan with bulk statements (Core executemany), in dependency order."""

    def __init__(self, session: Session, state: _State, catalogue: Catalogue, info: ReleaseInfo, plan: _Plan) -> None:
        self.session, self.state, self.catalogue, self.info, self.plan = session, state, catalogue, info, plan
        self.source = catalogue.source
        self.release_id = 0
        self.service_ids: dict[str, int] = {}
        self.ozg_ids: dict[str, int] = {}

    def write(self) -> int:
        self._insert_release()
        self._write_services()
        self._write_presence()
        if self.catalogue.members is not None:
            self._write_ozg()
            self._write_members()
        self._write_changes()
        self._finish_release()
        return self.release_id

    def _run(self, statement: Any, rows: list[dict[str, Any]] | None = None) -> Any:
        if rows is None:
            return self.session.connection().execute(statement)
        if rows:
            self.session.connection().execute(statement, rows)
        return None

    def _insert_release(self) -> None:
        info = self.info
        self.release_id = self._run(insert(_T.release).returning(_T.release.c.id).values(
            source=self.source, origin=info.origin, sha256=info.sha256, etag=info.etag,
            last_modified=info.last_modified, fetched_at=info.fetched_at, published_at=self.catalogue.published_at,
            delta_since=info.delta_since, rows=self.catalogue.rows, invalid=len(self.catalogue.problems),
        )).scalar_one()

    def _set_withdrawn(self, table: Any, withdraw: list[int], revive: list[int], **extra: Any) -> None:
        for chunk in _chunks(withdraw):
            self._run(update(table).where(table.c.id.in_(chunk)).values(withdrawn_release_id=self.release_id, **extra))
        for chunk in _chunks(revive):
            self._run(update(table).where(table.c.id.in_(chunk)).values(withdrawn_release_id=None, **dict.fromkeys(extra)))

    def _touch(self, table: Any, ids: list[int], *where: Any) -> None:
        """Set last_release_id on the rows this release lists."""
        for chunk in _chunks(ids):
            self._run(update(table).where(*where, table.c.id.in_(chunk)).values(last_release_id=self.release_id))

    # services

    def _write_services(self) -> None:
        plan, rid = self.plan, self.release_id
        rows = [_new_service_row(r, rid) for r in plan.new_services]
        self._run(insert(_T.service), rows)
        self.service_ids = {k: s.id for k, s in self.state.services.items()}
        if rows:
            self.service_ids.update(self._run(select(_T.service.c.key, _T.service.c.id).where(
                _T.service.c.first_release_id == rid)).all())
        _bulk_update(self.session, _T.service, [{"id": id_, **_service_columns(r, merged)}
                                                for id_, r, merged in plan.service_updates])
        self._set_withdrawn(_T.service, plan.withdraw_services, plan.revive_services, withdrawn_at=self.info.fetched_at)
        self._touch(_T.service, [self.service_ids[k] for k in plan.seen_keys])

    def _write_presence(self) -> None:
        plan, rid, table = self.plan, self.release_id, _T.presence
        rows = [{"service_id": self.service_ids[k], "source": self.source, "first_release_id": rid,
                 "last_release_id": rid} for k in plan.new_presence]
        self._run(insert(table), rows)
        self._set_withdrawn(table, plan.withdraw_presence, plan.revive_presence)
        seen = [self.service_ids[k] for k in plan.seen_keys]
        for chunk in _chunks(seen):
            self._run(update(table).where(table.c.source == self.source, table.c.service_id.in_(chunk))
                      .values(last_release_id=rid))

    # OZG grouping

    def _write_ozg(self) -> None:
        plan, rid = self.plan, self.release_id
        rows = [{"ozg_id": o, "first_release_id": rid, "last_release_id": rid, **self._ozg_columns(m)}
                for o, m in plan.new_ozg.items()]
        self._run(insert(_T.ozg), _fill(rows))
        self.ozg_ids = dict(self._run(select(_T.ozg.c.ozg_id, _T.ozg.c.id)).all())
        _bulk_update(self.session, _T.ozg, [{"id": self.ozg_ids[o], **self._ozg_columns(m)}
                                            for o, m in plan.ozg_updates.items()])
        self._set_withdrawn(_T.ozg, plan.withdraw_ozg, plan.revive_ozg)
        listed = {m.ozg_id for m in self.catalogue.members or ()}
        self._touch(_T.ozg, [self.ozg_ids[o] for o in sorted(listed)])

    def _ozg_columns(self, member: MemberRecord) -> dict[str, Any]:
        columns: dict[str, Any] = {"name": member.ozg_name}
        if member.themenfeld:
            columns["themenfeld_id"] = self._themenfeld_id(member.themenfeld)
            if member.lage:
                columns["lage_id"] = self._lage_id(columns["themenfeld_id"], " ".join(member.lage.split()))
        return columns

    def _themenfeld_id(self, text: str) -> int:
        slug, name = themenfelder.resolve(text)
        if slug not in self.state.themenfelder:
            self.state.themenfelder[slug] = self._run(
                insert(_T.themenfeld).returning(_T.themenfeld.c.id).values(slug=slug, name=name)).scalar_one()
        return self.state.themenfelder[slug]

    def _lage_id(self, themenfeld_id: int, name: str) -> int:
        ident = (themenfeld_id, name)
        if ident not in self.state.lagen:
            self.state.lagen[ident] = self._run(
                insert(_T.lage).returning(_T.lage.c.id).values(themenfeld_id=themenfeld_id, name=name)).scalar_one()
        return self.state.lagen[ident]

    def _write_members(self) -> None:
        plan, rid, table = self.plan, self.release_id, _T.member
        rows = [{"source": self.source, "ozg_leistung_id": self.ozg_ids[m.ozg_id], "member_ref": member_ref(m),
                 "service_id": self.service_ids[m.key] if m.key else None, "leika_name": m.leika_name,
                 "first_release_id": rid, "last_release_id": rid} for m in plan.new_members]
        self._run(insert(table), rows)
        self._set_withdrawn(table, plan.withdraw_members, plan.revive_members)
        live = (table.c.source == self.source, table.c.withdrawn_release_id.is_(None))
        if self.catalogue.complete:  # rows inserted by this release already say so
            self._run(update(table).where(*live, table.c.first_release_id != rid).values(last_release_id=rid))
            return
        for chunk in _chunks([self.service_ids[k] for k in plan.seen_keys]):
            self._run(update(table).where(*live, table.c.service_id.in_(chunk)).values(last_release_id=rid))

    # history

    def _write_changes(self) -> None:
        # "added" is not stored: it is the first_release_id of the service or OZG-Leistung.
        rid, rows = self.release_id, []
        for change in self.plan.changes:
            if change.kind is not ChangeKind.ADDED:
                rows.append({"release_id": rid, "service_id": self.service_ids[change.subject], "ozg_leistung_id": None,
                             "kind": change.kind, "fields": change.fields})
        for change in self.plan.ozg_changes:
            if change.kind is not ChangeKind.ADDED:
                rows.append({"release_id": rid, "service_id": None, "ozg_leistung_id": self.ozg_ids[change.subject],
                             "kind": change.kind, "fields": change.fields})
        self._run(insert(_T.change), rows)

    def _finish_release(self) -> None:
        counts = {kind.value: 0 for kind in ChangeKind}
        for change in self.plan.changes:
            counts[change.kind.value] += 1
        members = len(self.catalogue.members) if self.catalogue.members is not None else 0
        self._run(update(_T.release).where(_T.release.c.id == self.release_id).values(
            services=len(self.catalogue.services), members=members, unchanged=self.plan.unchanged, **counts))


class _T:
    """The Core tables behind the models (bulk statements skip the ORM's per-row work)."""

    release = Release.__table__
    service = Service.__table__
    presence = ServicePresence.__table__
    themenfeld = Themenfeld.__table__
    lage = Lage.__table__
    ozg = OzgLeistung.__table__
    member = OzgMember.__table__
    change = CatalogueChange.__table__


def _new_service_row(record: ServiceRecord, release_id: int) -> dict[str, Any]:
    """Every column of a service a release adds (executemany needs the same keys in each row)."""
    key = LeikaKey(record.key)
    synonyms = list(record.synonyms) if record.synonyms else None
    return {
        "key": record.key, "name": record.name, "name2": record.name2 or None,
        "typisierung_raw": record.typisierung or None,
        "typisierung": parse_typisierung(record.typisierung).canonical if record.typisierung else None,
        "gruppierung": key.gruppierung, "kennung": key.kennung, "verrichtung": key.verrichtung,
        "detail": key.detail, "leistungsobjekt_id": key.leistungsobjekt_id, "kind": key.kind,
        "synonyms": synonyms, "features": list(record.features) if record.features else None,
        "legal_basis": record.legal_basis or None, "published_at": record.published_at,
        "search_text": _search_text(record.name, record.name2, synonyms),
        "first_release_id": release_id, "last_release_id": release_id, "withdrawn_release_id": None,
        "withdrawn_at": None,
    }


def _service_columns(record: ServiceRecord, values: dict[str, Any]) -> dict[str, Any]:
    """Columns to update for a record; ``values`` are the merged diffable values after this release."""
    columns = {k: values.get(k) for k in ("name", "name2", "synonyms", "features", "legal_basis")
               if k == "name" or k in values}
    if record.typisierung is not None:
        columns["typisierung_raw"] = record.typisierung or None
        columns["typisierung"] = parse_typisierung(record.typisierung).canonical
    if record.published_at is not None:
        columns["published_at"] = record.published_at
    columns["search_text"] = _search_text(values.get("name"), values.get("name2"), values.get("synonyms"))
    return columns


def _search_text(name: str | None, name2: str | None, synonyms: list[str] | None) -> str:
    return fold(" ".join(t for t in (name, name2, *(synonyms or ())) if t))


def _fill(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """executemany needs the same keys in every row: give absent nullable columns NULL."""
    keys = {k for row in rows for k in row}
    return [{**dict.fromkeys(keys), **row} for row in rows]


def _bulk_update(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """UPDATE ... WHERE id = ? as executemany, one statement per set of columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(k for k in row if k != "id"))].append(row)
    for columns, group in groups.items():
        statement = update(table).where(table.c.id == bindparam("_id")).values({c: bindparam("_" + c) for c in columns})
        session.connection().execute(statement, [{"_" + k: v for k, v in row.items()} for row in group])


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
