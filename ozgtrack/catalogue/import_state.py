"""What a sync diffs against: the stored services, presences and OZG grouping of one source."""

from __future__ import annotations

import hashlib

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.leika import parse_typisierung
from ozgtrack.records import MemberRecord, ServiceRecord, Source
from ozgtrack.store.models import Lage, OzgLeistung, OzgMember, Service, ServicePresence, Themenfeld
from ozgtrack.text import fold


@dataclass
class StoredService:
    id: int
    key: str
    values: dict[str, Any]
    published_at: datetime | None
    withdrawn: bool


@dataclass
class State:
    source: Source
    services: dict[str, StoredService]
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


def load_state(session: Session, source: Source, grouping: bool) -> State:
    state = State(source, _load_services(session), {}, defaultdict(set), {}, defaultdict(set), set(), {}, {}, {})
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


def _load_services(session: Session) -> dict[str, StoredService]:
    columns = (Service.id, Service.key, Service.name, Service.name2, Service.typisierung_raw, Service.synonyms,
               Service.features, Service.legal_basis, Service.published_at, Service.withdrawn_release_id)
    out = {}
    for id_, key, name, name2, typ, synonyms, features, legal, published, withdrawn in session.execute(select(*columns)):
        values = {"name": name, "name2": name2, "typisierung": typ_value(typ), "synonyms": synonyms,
                  "features": features, "legal_basis": legal}
        out[key] = StoredService(id_, key, values, published, withdrawn is not None)
    return out


def _load_grouping(session: Session, state: State) -> None:
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
def typ_value(raw: str | None) -> str | None:
    """A Typisierung as compared and shown in diffs: its codes in code-list order, unknown ones after."""
    if raw is None:
        return None
    parsed = parse_typisierung(raw)
    return ";".join(parsed.codes + parsed.unknown) or None


def record_values(record: ServiceRecord) -> dict[str, Any]:
    """The diffable values a record states; keys the source does not provide are left out."""
    given = {
        "name": record.name,
        "name2": record.name2,
        "typisierung": None if record.typisierung is None else (typ_value(record.typisierung) or ""),
        "synonyms": None if record.synonyms is None else list(record.synonyms),
        "features": None if record.features is None else list(record.features),
        "legal_basis": record.legal_basis,
    }
    # "" and [] mean "provided, but empty": stored as NULL.
    return {k: (v or None) for k, v in given.items() if v is not None}


def member_ref(member: MemberRecord) -> str:
    """Identity of a mapping row within its OZG-Leistung: the key, or a hash of the name for rows without one."""
    if member.key:
        return member.key
    return "name:" + hashlib.sha256(fold(member.leika_name).encode()).hexdigest()[:32]
