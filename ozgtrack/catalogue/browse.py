"""Read-only views of the catalogue: releases, a release's diff, one service, search."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from ozgtrack import wording
from ozgtrack.catalogue import suchbegriffe
from ozgtrack.catalogue.query import current_memberships, is_current
from ozgtrack.errors import NotFoundError
from ozgtrack.leika import normalize_key, parse_typisierung
from ozgtrack.records import ChangeKind
from ozgtrack.store.models import (
    CatalogueChange, Lage, OzgLeistung, OzgMember, Release, Service, ServicePresence, Themenfeld,
)
from ozgtrack.text import fold
from ozgtrack.views.catalog import (
    DiffEntry, DiffView, HistoryEntry, Membership, OzgHit, ReleaseView, SearchHit, SearchResult, ServiceView,
)


_RELEASE_COLUMNS = [getattr(Release, f) for f in ReleaseView.__dataclass_fields__]


def releases(session: Session) -> list[ReleaseView]:
    """All releases, newest first."""
    rows = session.execute(select(*_RELEASE_COLUMNS).order_by(Release.id.desc())).all()
    return [ReleaseView(*row) for row in rows]


def release(session: Session, release_id: int | None = None) -> ReleaseView:
    """One release; the newest when ``release_id`` is None."""
    query = select(*_RELEASE_COLUMNS)
    query = query.where(Release.id == release_id) if release_id else query.order_by(Release.id.desc()).limit(1)
    row = session.execute(query).first()
    if row is None:
        raise NotFoundError(f"kein Release {release_id}; die Releases zeigt `ozgtrack catalog releases`" if release_id
                            else "noch kein Katalog synchronisiert; zuerst `ozgtrack catalog sync` ausführen")
    return ReleaseView(*row)


def release_diff(session: Session, release_id: int | None = None) -> DiffView:
    """The changes a release made to services and OZG-Leistungen."""
    view = release(session, release_id)
    services: dict[ChangeKind, list[DiffEntry]] = {k: [] for k in ChangeKind}
    ozg: dict[ChangeKind, list[DiffEntry]] = {k: [] for k in ChangeKind}
    query = (
        select(CatalogueChange.kind, CatalogueChange.fields, Service.key, Service.name, OzgLeistung.ozg_id,
               OzgLeistung.name)
        .outerjoin(Service, CatalogueChange.service_id == Service.id)
        .outerjoin(OzgLeistung, CatalogueChange.ozg_leistung_id == OzgLeistung.id)
        .where(CatalogueChange.release_id == view.id)
    )
    for kind, fields, key, name, ozg_id, ozg_name in session.execute(query):
        if key is not None:
            services[kind].append(DiffEntry(key, _name_at_change(name, fields), fields))
        else:
            ozg[kind].append(DiffEntry(ozg_id, _name_at_change(ozg_name, fields), fields))
    # Additions are the rows a release saw first.
    for key, name in session.execute(select(Service.key, Service.name).where(Service.first_release_id == view.id)):
        services[ChangeKind.ADDED].append(DiffEntry(key, name, None))
    for ozg_id, name in session.execute(select(OzgLeistung.ozg_id, OzgLeistung.name)
                                        .where(OzgLeistung.first_release_id == view.id)):
        ozg[ChangeKind.ADDED].append(DiffEntry(ozg_id, name, None))
    for entries in (*services.values(), *ozg.values()):
        entries.sort(key=lambda e: e.subject)
    return DiffView(view, services, ozg)


def _name_at_change(current: str, fields: dict[str, list[Any]] | None) -> str:
    # A later release may have renamed it again; show the name this release gave it.
    if fields and "name" in fields:
        return fields["name"][1]
    return current


def service(session: Session, key: str) -> ServiceView:
    """One service with its OZG grouping, its sources and its history of releases."""
    row = session.scalars(select(Service).where(Service.key == normalize_key(key))).first()
    if row is None:
        raise NotFoundError(wording.no_service(repr(key)))
    presence = session.execute(select(ServicePresence.source, ServicePresence.withdrawn_release_id)
                               .where(ServicePresence.service_id == row.id)).all()
    return ServiceView(
        key=row.key, name=row.name, name2=row.name2, kind=row.kind.value, typisierung_raw=row.typisierung_raw,
        typisierung=parse_typisierung(row.typisierung_raw).codes, leistungsobjekt_id=row.leistungsobjekt_id,
        verrichtung=row.verrichtung, detail=row.detail, synonyms=tuple(row.synonyms or ()),
        features=tuple(row.features or ()), legal_basis=row.legal_basis, published_at=row.published_at,
        first_release_id=row.first_release_id, last_release_id=row.last_release_id,
        withdrawn_release_id=row.withdrawn_release_id, withdrawn_at=row.withdrawn_at,
        sources={s.value: w is None for s, w in sorted(presence)},
        ozg=_memberships(session, [row.id])[row.id], history=_history(session, row.id, row.first_release_id),
    )


def _memberships(session: Session, service_ids: list[int]) -> dict[int, tuple[Membership, ...]]:
    query = (
        select(OzgMember.service_id, OzgMember.source, OzgMember.withdrawn_release_id, OzgLeistung.ozg_id,
               OzgLeistung.name, Lage.name, Themenfeld.name)
        .join(OzgLeistung, OzgMember.ozg_leistung_id == OzgLeistung.id)
        .outerjoin(Lage, OzgLeistung.lage_id == Lage.id)
        .outerjoin(Themenfeld, OzgLeistung.themenfeld_id == Themenfeld.id)
        .where(OzgMember.service_id.in_(service_ids))
    )
    found: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for service_id, source, withdrawn, ozg_id, name, lage, themenfeld in session.execute(query):
        entry = found[service_id].setdefault(ozg_id, {"name": name, "lage": lage, "themenfeld": themenfeld,
                                                      "sources": set(), "live": False})
        if withdrawn is None:
            entry["sources"].add(source.value)
            entry["live"] = True
    return defaultdict(tuple, {
        sid: tuple(Membership(o, e["name"], e["lage"], e["themenfeld"], tuple(sorted(e["sources"])), not e["live"])
                   for o, e in sorted(entries.items()))
        for sid, entries in found.items()
    })


def _history(session: Session, service_id: int, first_release_id: int) -> tuple[HistoryEntry, ...]:
    added = session.execute(select(Release.source, Release.fetched_at).where(Release.id == first_release_id)).one()
    query = (
        select(Release.id, Release.source, Release.fetched_at, CatalogueChange.kind, CatalogueChange.fields)
        .join(Release, CatalogueChange.release_id == Release.id)
        .where(CatalogueChange.service_id == service_id)
        .order_by(Release.id, CatalogueChange.id)
    )
    changes = [HistoryEntry(rid, s.value, at, kind, fields) for rid, s, at, kind, fields in session.execute(query)]
    return (HistoryEntry(first_release_id, added.source.value, added.fetched_at, ChangeKind.ADDED, None), *changes)


def search(session: Session, text: str, *, limit: int | None = 50, include_withdrawn: bool = True) -> list[SearchHit]:
    """Services whose names or synonyms contain every word of ``text`` or a LeiKa word it stands for
    (``catalog/suchbegriffe.toml``; umlaut-insensitive), or whose key starts with it.

    Current services first; among them the name itself, then names whose words start with what was
    searched (:func:`ozgtrack.catalogue.suchbegriffe.rank`), and so on; alike ones by name.
    """
    wanted = suchbegriffe.load().search(text)
    if not wanted:
        return []
    matches = and_(*(or_(*(and_(*(Service.search_text.like(f"%{_escape_like(w)}%", escape="\\") for w in alternative))
                           for alternative in group)) for group in wanted))
    digits = normalize_key(text)
    by_key = re.fullmatch(r"[0-9]{2,14}", digits) is not None
    if by_key:
        matches = or_(matches, Service.key.like(f"{digits}%"))
    query = select(Service.id, Service.key, Service.name, Service.typisierung, Service.withdrawn_release_id).where(matches)
    if not include_withdrawn:
        query = query.where(is_current())
    rows = sorted(session.execute(query).all(), key=lambda r: (
        r.withdrawn_release_id is not None, not (by_key and r.key.startswith(digits)),
        suchbegriffe.rank(r.name, wanted), fold(r.name), r.key))[:limit]
    groups = _memberships(session, [r.id for r in rows])
    return [SearchHit(r.key, r.name, r.typisierung, r.withdrawn_release_id is not None,
                      tuple(m.ozg_id for m in groups[r.id] if not m.withdrawn)) for r in rows]


def search_all(session: Session, text: str, *, limit: int = 50, include_withdrawn: bool = True) -> SearchResult:
    """OZG-Leistungen whose name (or OZG-ID) matches ``text``, and the services :func:`search` finds."""
    return SearchResult(search_ozg(session, text, limit=limit, include_withdrawn=include_withdrawn),
                        search(session, text, limit=limit, include_withdrawn=include_withdrawn))


def search_ozg(session: Session, text: str, *, limit: int | None = 50, include_withdrawn: bool = True) -> list[OzgHit]:
    """OZG-Leistungen whose name contains every word of ``text`` or a LeiKa word it stands for (umlaut-insensitive),
    or whose OZG-ID is ``text``; ranked as :func:`search` ranks services."""
    wanted = suchbegriffe.load().search(text)
    if not wanted:
        return []
    # Folded in Python: SQL lower() knows no umlauts, and there are only some hundred OZG-Leistungen.
    query = (select(OzgLeistung.id, OzgLeistung.ozg_id, OzgLeistung.name, Themenfeld.name, Lage.name,
                    OzgLeistung.withdrawn_release_id)
             .outerjoin(Themenfeld, OzgLeistung.themenfeld_id == Themenfeld.id)
             .outerjoin(Lage, OzgLeistung.lage_id == Lage.id))
    if not include_withdrawn:
        query = query.where(OzgLeistung.withdrawn_release_id.is_(None))
    found = [r for r in session.execute(query) if r.ozg_id == text.strip() or suchbegriffe.matches(fold(r.name), wanted)]
    found.sort(key=lambda r: (r.withdrawn_release_id is not None, suchbegriffe.rank(r.name, wanted), fold(r.name),
                              r.ozg_id))
    found = found[:limit]
    counts = dict(session.execute(
        current_memberships(OzgMember.ozg_leistung_id, func.count(func.distinct(OzgMember.service_id)))
        .where(OzgMember.ozg_leistung_id.in_([r.id for r in found]))
        .group_by(OzgMember.ozg_leistung_id)).all())
    return [OzgHit(r.ozg_id, r.name, r[3], r[4], counts.get(r.id, 0), r.withdrawn_release_id is not None)
            for r in found]


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def overview(session: Session) -> list[tuple[str, int, int]]:
    """Per Themenfeld: live OZG-Leistungen and the distinct live services mapped to them."""
    member = aliased(OzgMember)
    query = (
        select(Themenfeld.name, OzgLeistung.ozg_id, member.service_id)
        .join(OzgLeistung, OzgLeistung.themenfeld_id == Themenfeld.id)
        .join(member, and_(member.ozg_leistung_id == OzgLeistung.id, member.withdrawn_release_id.is_(None)))
        .where(OzgLeistung.withdrawn_release_id.is_(None))
    )
    ozg: dict[str, set[str]] = defaultdict(set)
    services: dict[str, set[int]] = defaultdict(set)
    for name, ozg_id, service_id in session.execute(query):
        ozg[name].add(ozg_id)
        if service_id is not None:
            services[name].add(service_id)
    return sorted((name, len(ozg[name]), len(services[name])) for name in ozg)
