"""Writing a planned sync: the release, its change records, services, presences and the OZG grouping."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ozgtrack.catalogue import themenfelder
from ozgtrack.catalogue.import_plan import Plan
from ozgtrack.catalogue.import_state import member_ref, State
from ozgtrack.leika import LeikaKey, parse_typisierung
from ozgtrack.records import Catalogue, ChangeKind, MemberRecord, ServiceRecord
from ozgtrack.store.models import (
    CatalogueChange, Lage, OzgLeistung, OzgMember, Release, Service, ServicePresence, Themenfeld,
)
from ozgtrack.text import fold
from ozgtrack.views.catalog import ReleaseInfo


class Writer:
    """Writes a plan with bulk statements (Core executemany), in dependency order."""

    def __init__(self, session: Session, state: State, catalogue: Catalogue, info: ReleaseInfo, plan: Plan) -> None:
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
        self.release_id = self._run(insert(T.release).returning(T.release.c.id).values(
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
        self._run(insert(T.service), rows)
        self.service_ids = {k: s.id for k, s in self.state.services.items()}
        if rows:
            self.service_ids.update(self._run(select(T.service.c.key, T.service.c.id).where(
                T.service.c.first_release_id == rid)).all())
        _bulk_update(self.session, T.service, [{"id": id_, **_service_columns(r, merged)}
                                                for id_, r, merged in plan.service_updates])
        self._set_withdrawn(T.service, plan.withdraw_services, plan.revive_services, withdrawn_at=self.info.fetched_at)
        self._touch(T.service, [self.service_ids[k] for k in plan.seen_keys])

    def _write_presence(self) -> None:
        plan, rid, table = self.plan, self.release_id, T.presence
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
        self._run(insert(T.ozg), _fill(rows))
        self.ozg_ids = dict(self._run(select(T.ozg.c.ozg_id, T.ozg.c.id)).all())
        _bulk_update(self.session, T.ozg, [{"id": self.ozg_ids[o], **self._ozg_columns(m)}
                                            for o, m in plan.ozg_updates.items()])
        self._set_withdrawn(T.ozg, plan.withdraw_ozg, plan.revive_ozg)
        listed = {m.ozg_id for m in self.catalogue.members or ()}
        self._touch(T.ozg, [self.ozg_ids[o] for o in sorted(listed)])

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
                insert(T.themenfeld).returning(T.themenfeld.c.id).values(slug=slug, name=name)).scalar_one()
        return self.state.themenfelder[slug]

    def _lage_id(self, themenfeld_id: int, name: str) -> int:
        ident = (themenfeld_id, name)
        if ident not in self.state.lagen:
            self.state.lagen[ident] = self._run(
                insert(T.lage).returning(T.lage.c.id).values(themenfeld_id=themenfeld_id, name=name)).scalar_one()
        return self.state.lagen[ident]

    def _write_members(self) -> None:
        plan, rid, table = self.plan, self.release_id, T.member
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
        self._run(insert(T.change), rows)

    def _finish_release(self) -> None:
        counts = {kind.value: 0 for kind in ChangeKind}
        for change in self.plan.changes:
            counts[change.kind.value] += 1
        members = len(self.catalogue.members) if self.catalogue.members is not None else 0
        self._run(update(T.release).where(T.release.c.id == self.release_id).values(
            services=len(self.catalogue.services), members=members, unchanged=self.plan.unchanged, **counts))


class T:
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
