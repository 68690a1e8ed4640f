"""Finding services to triage and explaining their level: filters, one service's detail, the rules in effect."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.catalogue import suchbegriffe
from ozgtrack.catalogue.query import current_memberships, current_services
from ozgtrack.numbers import is_digits
from ozgtrack.errors import NotFoundError
from ozgtrack.leika import normalize_key, parse_typisierung
from ozgtrack.store.db import rows
from ozgtrack.store.models import Lage, OzgLeistung, OzgMember, Service, Themenfeld
from ozgtrack.text import fold, resolve
from ozgtrack.town import record_versions
from ozgtrack.town.rules import INFO
from ozgtrack.town.triage import assignments, level_text
from ozgtrack.values import Level
from ozgtrack.views.tracking import (
    DECISION, INHERITED, Assignment, RuleFileView, RulesView, TriageDetail, TriageFilters,
)

if TYPE_CHECKING:
    from ozgtrack.catalogue.lebensbereiche import Lebensbereiche
    from ozgtrack.town.context import Context

WITHOUT_OZG = "Ohne OZG-Zuordnung"


@dataclass(frozen=True)
class _Group:
    """One live OZG-Leistung of a service: its name folded for the search, the names its filters compare."""

    ozg_id: str
    name: str
    themenfeld: str
    lage: str
    lebensbereich: str


def find(session: Session, context: Context, filters: TriageFilters,
         lebensbereiche: Lebensbereiche | None = None) -> list[Assignment]:
    """The live services matching every given filter, with their level.

    Themenfeld, Lage and Lebensbereich each name one of theirs as :func:`ozgtrack.text.resolve` finds it
    (equal, unique start, unique part); unknown or ambiguous is an InputError with the closest names.
    """
    filters = _resolved(session, filters, lebensbereiche)
    groups = _groups(session, lebensbereiche)
    live = rows(session, current_services(Service.id, Service.key, Service.search_text))
    ids = [i for i, key, text in live if _matches(key, text, groups.get(i, ()), filters)]
    found = [a for a in assignments(session, context.municipality, context.rules, service_ids=ids)
             if _level_matches(a, filters)]
    return found


def _matches(key: str, search_text: str, groups: tuple[_Group, ...], filters: TriageFilters) -> bool:
    if filters.ozg_ids and not {g.ozg_id for g in groups} & set(filters.ozg_ids):
        return False
    for wanted, field in ((filters.themenfeld, "themenfeld"), (filters.lage, "lage"),
                          (filters.lebensbereich, "lebensbereich")):
        if wanted and not any(wanted == getattr(g, field) for g in groups or (_NO_GROUP,)):
            return False
    if filters.search:
        digits = normalize_key(filters.search)
        if is_digits(digits) and key.startswith(digits):
            return True
        text = " ".join([search_text, *(fold(g.name) for g in groups)])
        return suchbegriffe.matches(text, suchbegriffe.load().search(filters.search))
    return True


_NO_GROUP = _Group("", "", "", "", WITHOUT_OZG)


def _resolved(session: Session, filters: TriageFilters, lebensbereiche: Lebensbereiche | None) -> TriageFilters:
    """The filters with each name replaced by the one Themenfeld, Lage or Lebensbereich it names."""
    changes = {}
    if filters.themenfeld:
        known = rows(session, select(Themenfeld.name, Themenfeld.slug)).all()
        changes["themenfeld"] = resolve(filters.themenfeld, [n for n, _ in known], "Themenfeld", "Themenfeldern",
                                        aliases={s: n for n, s in known if s})
    if filters.lage:
        changes["lage"] = resolve(filters.lage, session.scalars(select(Lage.name)), "Lage", "Lagen")
    if filters.lebensbereich:
        names = [*(lebensbereiche.order if lebensbereiche else ()), WITHOUT_OZG]
        changes["lebensbereich"] = resolve(filters.lebensbereich, names, "Lebensbereich", "Lebensbereichen")
    return replace(filters, **changes)


def _level_matches(assignment: Assignment, filters: TriageFilters) -> bool:
    if filters.typ:
        codes = set(parse_typisierung(assignment.typisierung).codes)
        if not codes & {t.lower() for t in filters.typ}:
            return False
    if filters.levels and level_text(assignment.level) not in filters.levels:
        return False
    if filters.undecided and assignment.level is not Level.UNKLAR:
        return False
    return not filters.decided or assignment.decided


def _groups(session: Session, lebensbereiche: Lebensbereiche | None) -> dict[int, tuple[_Group, ...]]:
    query = (current_memberships(OzgMember.service_id, OzgLeistung.ozg_id, OzgLeistung.name, Themenfeld.slug,
                                 Themenfeld.name, Lage.name)
             .outerjoin(Themenfeld, OzgLeistung.themenfeld_id == Themenfeld.id)
             .outerjoin(Lage, OzgLeistung.lage_id == Lage.id))
    found: dict[int, list[_Group]] = defaultdict(list)
    for service_id, ozg_id, name, slug, themenfeld, lage in rows(session, query):
        bereich = lebensbereiche.of(slug, lage) if lebensbereiche else ""
        found[service_id].append(_Group(ozg_id, name, themenfeld or "", lage or "", bereich))
    return {k: tuple(v) for k, v in found.items()}


def detail(session: Session, context: Context, key: str) -> TriageDetail:
    """One service's level and what set it: the rule that decided (file, prefix, reason, source) or the decision."""
    cleaned = normalize_key(key)
    service_id = session.scalar(select(Service.id).where(Service.key == cleaned))
    if service_id is None:
        raise NotFoundError(wording.no_service(cleaned))
    found = assignments(session, context.municipality, context.rules, service_ids=[service_id])[0]
    decision = None
    if found.origin in (DECISION, INHERITED):
        decided_on = found.key if found.origin == DECISION else found.key[:8] + "000000"
        reason = found.reason.split(": ", 1)[1] if found.origin == INHERITED else found.reason
        decision = {"key": decided_on, "by": found.by, "at": found.at, "reason": reason}
    assert found.rule is not None
    version = record_versions.current(session, context.municipality.id, [service_id], "triage")[service_id]
    return TriageDetail(found.key, found.name, found.typisierung, level_text(found.level), found.origin,
                        found.reason, found.rule, decision, version)


def summary(session: Session, context: Context) -> RulesView:
    """The rules files in effect and how many live services each level gets, by what set it."""
    rules = context.rules
    files = tuple(RuleFileView(f.layer, f.name, f.label, len(f.rules) + len(f.typisierung)) for f in rules.files)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for a in assignments(session, context.municipality, rules):
        what = {DECISION: "Entscheidungen", INHERITED: "vom Leistungsobjekt übernommen"}.get(a.origin)
        counts[what or a.rule.file][level_text(a.level)] += 1  # type: ignore[union-attr]
    levels = [*(level.value for level in Level), INFO]
    totals = {level: sum(c[level] for c in counts.values()) for level in levels}
    order = [f.name for f in rules.files] + ["vom Leistungsobjekt übernommen", "Entscheidungen"]
    table = {name: {level: counts[name][level] for level in levels}
             for name in sorted(counts, key=lambda n: (order.index(n) if n in order else -1, n))}
    return RulesView(context.municipality.name, context.municipality.ars, files, _notes(context), table, totals)


def _notes(context: Context) -> tuple[str, ...]:
    place = context.rules.place
    notes = []
    if place.kreisfrei:
        notes.append("Kreisfreie Stadt: die Aufgaben des Landkreises nimmt die Stadt selbst wahr; Regeln mit der "
                     "Ebene „landkreis“ gelten für sie als „gemeinde“.")
    if place.verband and place.verband_kind == "Verbandsgemeinde":
        notes.append(f"Mitgliedsgemeinde der {place.verband_label}: Aufgaben der Gemeinde nimmt die Verbandsgemeinde "
                     "wahr; die Ebene bleibt „gemeinde“.")
    elif place.verband:
        notes.append(f"Mitglied eines Gemeindeverbands ({place.verband_label}): Aufgaben der Gemeinde nimmt der "
                     "Verband wahr; die Ebene bleibt „gemeinde“.")
    return tuple(notes)
