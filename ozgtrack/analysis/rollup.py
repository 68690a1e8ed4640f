"""Roll-ups over many municipalities of one database: coverage per town, and per service how many towns offer it.

Each town is counted exactly as its own gap report counts it (:mod:`ozgtrack.analysis.gaps`): the
counting unit, the level (own decision, else its Leistungsobjekt's decision, else the rules of its
Land), "own" and "online" as :mod:`ozgtrack.views.what_counts` defines them, in Python and in SQL.

Two plans count the same. Many towns (the whole country): per Land and task group (kreisfrei or
not) the rule counts, moved by what differs per town — its decisions and the statuses of its own
services (:mod:`ozgtrack.analysis.rollup_overlay`), so the cost is that of the decisions and
statuses, not towns × catalogue. Few towns (a Kreis, a Land): one pass over every (town, service)
(:mod:`ozgtrack.analysis.rollup_cells`), cheaper there because most cells are decided or assessed.
Both stand behind one interface, chosen once per roll-up (:mod:`ozgtrack.analysis.rollup_plans`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ozgtrack import clock, wording
from ozgtrack.analysis import reliability, rollup_cells, rollup_online, rollup_overlay as overlay
from ozgtrack.analysis.gaps import memberships, releases
from ozgtrack.analysis.rollup_overlay import ALL, MEMBER, RULE, TOWN, UNIT, RuleMap
from ozgtrack.analysis.rollup_plans import Plan, choose
from ozgtrack.ars import Ars
from ozgtrack.catalogue import lebensbereiche as lebensbereiche_
from ozgtrack.errors import NotFoundError
from ozgtrack.settings import Settings
from ozgtrack.store.db import rows
from ozgtrack.store.models import Municipality, Service
from ozgtrack.town import regions
from ozgtrack.town.rules import Place, Rules, load_rules
from ozgtrack.views.ozg import OzgCounts
from ozgtrack.views.reliability import Doubt, Reliability, doubts, newest
from ozgtrack.views.results import Targets
from ozgtrack.views.rollup import (
    RollupBy, RollupResult, Scope, Thresholds, TownFigures, UnitFigures, definitions, task_scope,
)


def compute(session: Session, scope: Scope, by: RollupBy, settings: Settings,
            thresholds: Thresholds | None = None, now: datetime | None = None) -> RollupResult:
    """The roll-up of the municipalities in ``scope``; reads only (temporary tables aside).

    ``thresholds``: None for ``[report] min_triage`` and ``min_assessed``. Raises NotFoundError when the
    scope holds no municipality.
    """
    thresholds = thresholds or reliability.thresholds(settings.report)
    now = now or clock.now()
    towns = _towns(session, scope)
    targets = Targets.of_settings(settings.report)
    connection = session.connection()
    rules = _rules_by_land(towns, settings)
    overlay.create(connection)
    try:
        plan = choose(towns, overlay.fill(session, connection, towns, rules), targets)
        plan.prepare(connection)
        counts = plan.town_counts(connection, towns)
        ozg = _ozg_per_town(session, connection, plan, towns, settings)
        figures = _rank([_figures(town, counts[town.id], thresholds, ozg.get(town.id, OzgCounts()))
                         for town in towns])
        compared = [t for t, f in zip(towns, figures, strict=True) if f.comparable]
        if compared:
            connection.execute(TOWN.update().where(TOWN.c.id.in_([t.id for t in compared])).values(compared=1))
            overlay.analyze(connection, TOWN)
        units = () if by is RollupBy.MUNICIPALITY else _units(session, connection, by, settings, plan, compared)
    finally:
        rollup_cells.drop(connection)
        overlay.drop(connection)
    order = sorted(figures, key=lambda f: (not f.comparable, f.land, f.scope_label, f.rank or 0, f.ars))
    return RollupResult(_title(scope, len(towns)), scope, by, now, targets, thresholds,
                        tuple(dict.fromkeys(r.land_preset for r in rules.values() if r.land_preset)),
                        tuple(order), units, definitions(targets, thresholds),
                        _reliability(session, figures, thresholds, now),
                        rollup_online.shared(session, [t.id for t in towns]))


def _towns(session: Session, scope: Scope) -> list[Municipality]:
    query = select(Municipality)
    if scope.kreis:
        query = query.where(Municipality.ars.like(f"{scope.kreis}%"))
    if scope.land:
        query = query.where(Municipality.land == scope.land)
    if scope.ars:
        query = query.where(Municipality.ars.in_(scope.ars))
    found = list(session.scalars(query.order_by(Municipality.ars)))
    if not found:
        raise NotFoundError(f"keine Gemeinde in {_title(scope, 0)}; {wording.FIND_MUNICIPALITY}")
    return found


def _title(scope: Scope, count: int) -> str:
    """The scope by name: "Landkreis Börde", "Land Sachsen-Anhalt" (the code where the name is unknown)."""
    if scope.kreis:
        return regions.region_label(str(Ars.of_kreis(scope.kreis)))
    if scope.land:
        return regions.region_label(str(Ars.of_land(scope.land)))
    return wording.plural(count or len(scope.ars), "Kommune", "Kommunen")


def _rules_by_land(towns: list[Municipality], settings: Settings) -> dict[str, Rules]:
    """The rules of each Land in scope, as they stand for the Land, not for one of its towns.

    The rule levels differ by Land only: a town's standing changes the reason, and for a kreisfreie Stadt
    ``landkreis`` into ``gemeinde`` (:meth:`Rules._placed`), which counts the same for it, since it executes
    both (``own`` here and in SQL). So the Land's rules are taken without any town's place: the first
    town of a Land may be a kreisfreie Stadt, whose levels are not those of the other towns.
    """
    first = {t.land: t for t in reversed(towns)}
    return {land: replace(load_rules(settings.triage_rules, town, settings.triage_presets), place=Place())
            for land, town in first.items()}


def _ozg_per_town(session: Session, connection: Connection, plan: Plan, towns: list[Municipality],
                  settings: Settings) -> dict[int, OzgCounts]:
    """Town id -> its OZG-Leistungen with own services, complete, partial or not online, as its gap report counts
    them (:func:`ozgtrack.views.results.ozg_counts`); UNIT and MEMBER are left as they were."""
    groups = memberships(session, lebensbereiche_.load(settings.report.lebensbereiche))
    counted = {service for by_service in plan.levels.values() for service in by_service}
    members = {service: {m.ozg_id for m in groups.get(service, ())} for service in counted}
    overlay.insert(connection, UNIT, [{"service_id": s, "unit": u} for s, units in members.items() for u in units])
    try:
        return plan.units_per_town(connection, members, towns)
    finally:
        connection.execute(UNIT.delete())
        connection.execute(MEMBER.delete().where(MEMBER.c.unit != ALL))


def _figures(town: Municipality, counts: tuple[int, ...], thresholds: Thresholds, ozg: OzgCounts) -> TownFigures:
    in_scope, undecided, own, online, in_progress, offline, assessed, verified = counts
    scope, label = task_scope(town.ars, town.note)
    unknown = own - online - in_progress - offline
    figures = TownFigures(town.ars, town.name, town.land, scope, label, in_scope, undecided,
                          in_scope - undecided - own, own, online, in_progress, offline, unknown, assessed, verified,
                          False, None, ozg=ozg)
    why = _why_not(figures, thresholds)
    return TownFigures(**{**figures.__dict__, "comparable": why is None, "why_not": why})


def _why_not(town: TownFigures, thresholds: Thresholds) -> str | None:
    """What keeps a town out of the comparison, in German; None when it is comparable (its figures are solid)."""
    found = doubts(town.applicable, town.assessed, town.in_scope, town.undecided, thresholds)
    decided = wording.honest_percent(town.triage_coverage, thresholds.min_triage)
    assessed = wording.honest_percent(town.assessment_coverage, thresholds.min_assessed)
    reasons = {
        Doubt.UNCLEAR: f"Zuständigkeit erst zu {decided} geklärt (nötig: {wording.percent(thresholds.min_triage)})",
        Doubt.NO_OWN: "keine eigenen Leistungen",
        Doubt.FEW_ASSESSED: f"erst {assessed} der eigenen Leistungen bewertet "
                            f"(nötig: {wording.percent(thresholds.min_assessed)})",
    }
    return "; ".join(reasons[d] for d in found) or None


def _reliability(session: Session, figures: list[TownFigures], thresholds: Thresholds, now: datetime) -> Reliability:
    """How solid the figures of all towns are, summed; the newest PVOG evidence of any of them, and how many have one."""
    found = reliability.pvog_releases(session, reliability.above(t.ars for t in figures))
    evidence = [e for e in (reliability.evidence_for(found, t.ars) for t in figures) if e is not None]
    total = lambda field: sum(getattr(t, field) for t in figures)  # noqa: E731
    return Reliability(total("applicable"), total("assessed"), total("verified"), total("in_scope"), total("undecided"),
                       newest(evidence), reliability.catalogues(releases(session)), now.date(), thresholds,
                       towns=len(figures), towns_with_evidence=len(evidence),
                       towns_with_own_listing=len(reliability.with_own_listing(session, (t.ars for t in figures))))


def _rank(figures: list[TownFigures]) -> list[TownFigures]:
    """Rank the comparable towns by share online within their Land and task scope (ties share a rank)."""
    groups: dict[tuple[str, str], list[TownFigures]] = defaultdict(list)
    for town in figures:
        if town.comparable:
            groups[(town.land, town.scope.value)].append(town)
    ranks: dict[str, tuple[int, int]] = {}
    for members in groups.values():
        shares = sorted((t.share or 0.0 for t in members), reverse=True)
        for town in members:
            ranks[town.ars] = (shares.index(town.share or 0.0) + 1, len(members))
    return [TownFigures(**{**t.__dict__, "rank": ranks[t.ars][0], "ranked": ranks[t.ars][1]}) if t.ars in ranks else t
            for t in figures]


# --- per service, OZG-Leistung or Lebensbereich: the comparable towns only ---------------------------------


def _units(session: Session, connection: Connection, by: RollupBy, settings: Settings, plan: Plan,
           compared: list[Municipality]) -> tuple[UnitFigures, ...]:
    per_service = plan.per_service(connection, compared)
    if by is RollupBy.SERVICE:
        services = {id_: (key, name) for id_, key, name in rows(
            session, select(Service.id, Service.key, Service.name).where(Service.id.in_(select(RULE.c.service_id))))}
        found = [UnitFigures(services[i][0], services[i][1], None, 1, int(own == online), int(online > 0), own, online,
                             own, online, online) for i, (own, online) in per_service.items()]
        return tuple(sorted(found, key=lambda u: (-u.applicable, u.key)))
    return _groups(session, connection, by, per_service, settings, plan, compared)


def _groups(session: Session, connection: Connection, by: RollupBy, per_service: dict[int, tuple[int, int]],
            settings: Settings, plan: Plan, compared: list[Municipality]) -> tuple[UnitFigures, ...]:
    bereiche = lebensbereiche_.load(settings.report.lebensbereiche)
    members = _members(session, by, bereiche, plan.levels)
    overlay.insert(connection, UNIT, [{"service_id": s, "unit": u} for s, units in members.items() for u in units])
    towns = plan.towns_per_unit(connection, members, compared)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for service, units in members.items():
        own, online = per_service.get(service, (0, 0))
        if own:
            for unit in units:
                overlay.add(sums[unit], (1, int(own == online), int(online > 0), own, online))
    labels = _labels(session, by, bereiche)
    found = [UnitFigures(u, *labels.get(u, (u, None)), *sums[u], *towns.get(u, (0, 0, 0))) for u in sums]
    order = (lambda u: bereiche.rank(u.key)) if by is RollupBy.LEBENSBEREICH else (lambda u: (u.key == "–", u.key))
    return tuple(sorted(found, key=order))


def _members(session: Session, by: RollupBy, bereiche: Any, levels: RuleMap) -> dict[int, set[str]]:
    """Counted service → the OZG-IDs or Lebensbereiche it counts in, as the gap report groups it."""
    from ozgtrack.views.results import WITHOUT_OZG

    groups = memberships(session, bereiche)
    counted = {service for by_service in levels.values() for service in by_service}
    out: dict[int, set[str]] = {}
    for service in counted:
        found = groups.get(service, ())
        if by is RollupBy.OZG:
            out[service] = {m.ozg_id for m in found} or {"–"}
        else:
            out[service] = {m.lebensbereich for m in found} or {WITHOUT_OZG}
    return out


def _labels(session: Session, by: RollupBy, bereiche: Any) -> dict[str, tuple[str, str | None]]:
    """Key → (label, parent): the OZG-Leistung's name and Lebensbereich; a Lebensbereich is its own label."""
    from ozgtrack.views.results import WITHOUT_OZG

    if by is RollupBy.LEBENSBEREICH:
        return {}
    labels: dict[str, tuple[str, str | None]] = {"–": (WITHOUT_OZG, WITHOUT_OZG)}
    for members in memberships(session, bereiche).values():
        for m in members:
            labels[m.ozg_id] = (m.ozg_name, m.lebensbereich)
    return labels


def scope_of(kreis: str | None, land: str | None, ars: Iterable[str]) -> Scope:
    """A scope from the CLI's options, digits checked (a Kreis: 5 digits or its 12-digit ARS; a Land: 1–2 digits)."""
    from ozgtrack.numbers import is_digits
    from ozgtrack.errors import InputError

    if kreis is not None:
        kreis = "".join(kreis.split())
        if not is_digits(kreis) or len(kreis) not in (5, 12) or (len(kreis) == 12 and not Ars(kreis).kreisfrei):
            raise InputError(f"--kreis {kreis!r}: erwartet werden die fünf Ziffern des Kreises (15083) oder sein "
                             "ARS (150830000000)")
        kreis = kreis[:5]
    if land is not None:
        land = "".join(land.split())
        if not is_digits(land) or not 1 <= len(land) <= 2:
            raise InputError(f"--land {land!r}: erwartet wird der zweistellige Landesschlüssel (15)")
        land = land.zfill(2)
    return Scope(kreis, land, tuple(dict.fromkeys("".join(a.split()) for a in ars)))
