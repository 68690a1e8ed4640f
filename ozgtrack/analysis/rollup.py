"""Roll-ups over many municipalities of one database: coverage per town, and per service how many towns offer it.

Each town is counted exactly as its own gap report counts it (:mod:`ozgtrack.analysis.gaps`): the
counting unit, the level (own decision, else its Leistungsobjekt's decision, else the rules of its
Land), "own" = the levels it executes, "online" = at or above the target stage of the model.

Set-based, so a Land of 218 towns × the whole catalogue is one pass of SQL, not a loop per town:
the rule level of every counted service is computed once per Land in Python (the rules are prefix
and Typisierung matches, not SQL) into a temporary table; one ``GROUP BY`` over towns × services
then overlays each town's decisions and joins its statuses through their unique indexes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, and_, case, func, or_, select, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.analysis import lebensbereiche as lebensbereiche_
from ozgtrack.analysis.gaps import _memberships
from ozgtrack.analysis.results import Targets
from ozgtrack.analysis.rollup_results import (
    RollupBy, RollupResult, Scope, Thresholds, TownFigures, UnitFigures, definitions, task_scope,
)
from ozgtrack.config import Settings
from ozgtrack.counting import is_grouping
from ozgtrack.db import rows
from ozgtrack.errors import NotFoundError
from ozgtrack.models import Municipality, Responsibility, Service, ServiceStatus
from ozgtrack.municipalities import is_kreisfrei
from ozgtrack.rules import Rules, load_rules
from ozgtrack.values import Level

_temp = MetaData()
# Per Land: the rule level of each counted service (NULL: information only) and its Leistungsobjekt's id.
RULE = Table("rollup_rule", _temp, Column("land", String(2), primary_key=True),
             Column("service_id", Integer, primary_key=True), Column("lo_id", Integer), Column("level", String(16)),
             prefixes=["TEMPORARY"])
TOWN = Table("rollup_town", _temp, Column("id", Integer, primary_key=True), Column("land", String(2)),
             Column("kreisfrei", Integer), Column("compared", Integer), prefixes=["TEMPORARY"])
CELL = Table("rollup_cell", _temp, Column("town", Integer), Column("service", Integer), Column("level", String(16)),
             Column("own", Integer), Column("assessed", Integer), Column("online", Integer), Column("planned", Integer),
             prefixes=["TEMPORARY"])
UNIT = Table("rollup_unit", _temp, Column("service_id", Integer, primary_key=True),
             Column("unit", String(200), primary_key=True), prefixes=["TEMPORARY"])


def compute(session: Session, scope: Scope, by: RollupBy, settings: Settings,
            thresholds: Thresholds = Thresholds(), now: datetime | None = None) -> RollupResult:
    """The roll-up of the municipalities in ``scope``; reads only (temporary tables aside).

    Raises NotFoundError when the scope holds no municipality.
    """
    towns = _towns(session, scope)
    targets = Targets(settings.report.target_rgm1, settings.report.target_rgm2)
    connection = session.connection()
    rules = _rules_by_land(towns, settings)
    _create(connection)
    try:
        _fill(session, connection, towns, rules)
        _materialise(connection, targets)
        figures = _rank(_town_figures(connection, towns, thresholds))
        compared = [t.id for t, f in zip(towns, figures, strict=True) if f.comparable]
        if compared:
            connection.execute(TOWN.update().where(TOWN.c.id.in_(compared)).values(compared=1))
        units = () if by is RollupBy.MUNICIPALITY else _units(session, connection, by, settings)
    finally:
        _drop(connection)
    order = sorted(figures, key=lambda f: (not f.comparable, f.land, f.scope_label, f.rank or 0, f.ars))
    return RollupResult(_title(scope, len(towns)), scope, by, now or datetime.now(UTC).replace(tzinfo=None), targets,
                        thresholds, tuple(dict.fromkeys(r.land_preset for r in rules.values() if r.land_preset)),
                        tuple(order), units, definitions(targets, thresholds))


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
    if scope.kreis:
        return f"Kreis {scope.kreis}"
    if scope.land:
        return f"Land {scope.land}"
    return wording.plural(count or len(scope.ars), "Kommune", "Kommunen")


def _rules_by_land(towns: list[Municipality], settings: Settings) -> dict[str, Rules]:
    """The rules of each Land in scope: levels differ by Land only (a town's standing changes the reason, not the level)."""
    first = {t.land: t for t in reversed(towns)}
    return {land: load_rules(settings.triage_rules, town, settings.triage_presets) for land, town in first.items()}


# --- the temporary tables ------------------------------------------------------------------------------


def _create(connection: Connection) -> None:
    for table in (RULE, TOWN, CELL, UNIT):
        table.drop(connection, checkfirst=True)
        table.create(connection)


def _drop(connection: Connection) -> None:
    for table in (RULE, TOWN, CELL, UNIT):
        table.drop(connection, checkfirst=True)


def _fill(session: Session, connection: Connection, towns: list[Municipality], rules: dict[str, Rules]) -> None:
    counted = list(rows(session, select(Service.id, Service.key, Service.typisierung)
                        .where(Service.withdrawn_release_id.is_(None), ~is_grouping())))
    objects = {key: id_ for key, id_ in rows(session, select(Service.key, Service.id)
                                              .where(Service.key.like("%000000")))}
    for land, land_rules in rules.items():
        connection.execute(RULE.insert(), [
            {"land": land, "service_id": id_, "lo_id": _lo_id(key, objects), "level": _level(land_rules, key, typ)}
            for id_, key, typ in counted])
    connection.execute(TOWN.insert(), [{"id": t.id, "land": t.land, "kreisfrei": int(is_kreisfrei(t)), "compared": 0}
                                       for t in towns])


def _lo_id(key: str, objects: dict[str, int]) -> int | None:
    """The Leistungsobjekt whose decision a Verrichtung inherits (``ozgtrack.triage``), else None."""
    lo_key = key[:8] + "000000"
    return objects.get(lo_key) if lo_key != key else None


def _level(rules: Rules, key: str, typisierung: str | None) -> str | None:
    level = rules.match(key, typisierung).level
    return level.value if level is not None else None


# --- the one pass over towns × services -----------------------------------------------------------------


def _cells(targets: Targets) -> Any:
    """Every (town, counted service): its level, whether it is the town's own, assessed, online, planned."""
    own, inherited = Responsibility.__table__.alias("own"), Responsibility.__table__.alias("inherited")
    status = ServiceStatus.__table__
    level = type_coerce(func.coalesce(own.c.level, inherited.c.level, RULE.c.level), String)
    model = type_coerce(status.c.model, String)
    online = or_(and_(model == "rgm1", status.c.stage >= targets.rgm1),
                 and_(model == "rgm2", status.c.stage >= targets.rgm2))
    applicable = or_(level == Level.GEMEINDE.value, and_(TOWN.c.kreisfrei == 1, level == Level.LANDKREIS.value))
    return (
        select(TOWN.c.id.label("town"), RULE.c.service_id.label("service"), level.label("level"),
               case((applicable, 1), else_=0).label("own"),
               case((and_(applicable, status.c.stage.is_not(None)), 1), else_=0).label("assessed"),
               case((and_(applicable, online), 1), else_=0).label("online"),
               case((and_(applicable, status.c.planned.is_not(None), status.c.planned != ""), 1), else_=0)
               .label("planned"))
        .select_from(TOWN)
        .join(RULE, RULE.c.land == TOWN.c.land)
        .outerjoin(own, and_(own.c.municipality_id == TOWN.c.id, own.c.service_id == RULE.c.service_id))
        .outerjoin(inherited, and_(inherited.c.municipality_id == TOWN.c.id, inherited.c.service_id == RULE.c.lo_id))
        .outerjoin(status, and_(status.c.municipality_id == TOWN.c.id, status.c.service_id == RULE.c.service_id))
        .subquery("cell")
    )


def _materialise(connection: Connection, targets: Targets) -> None:
    """Keep the cells that are not simply "not the town's own": own, undecided, information only.

    The pass over towns × services is the one costly step; the rest (most cells: services of the
    Kreis, Land or Bund) only counts as "nicht zuständig", which is what is left over per town.
    """
    cell = _cells(targets)
    kept = select(*cell.c).where(or_(cell.c.own == 1, cell.c.level.is_(None), cell.c.level == Level.UNKLAR.value))
    connection.execute(CELL.insert().from_select([c.name for c in cell.c], kept))


def _town_figures(connection: Connection, towns: list[Municipality], thresholds: Thresholds) -> list[TownFigures]:
    total = lambda condition: func.sum(case((condition, 1), else_=0))  # noqa: E731
    query = select(
        CELL.c.town, total(CELL.c.level.is_(None)), total(CELL.c.level == Level.UNKLAR.value),
        func.sum(CELL.c.own), func.sum(CELL.c.online), total(and_(CELL.c.online == 0, CELL.c.planned == 1)),
        total(and_(CELL.c.own == 1, CELL.c.online == 0, CELL.c.planned == 0, CELL.c.assessed == 1)),
        func.sum(CELL.c.assessed),
    ).group_by(CELL.c.town)
    counts = {row[0]: tuple(int(v or 0) for v in row[1:]) for row in connection.execute(query)}
    services = dict(connection.execute(select(RULE.c.land, func.count()).group_by(RULE.c.land)).all())
    out = []
    for town in towns:
        info, *rest = counts.get(town.id, (0,) * 7)
        out.append(_figures(town, (services[town.land] - info, *rest), thresholds))
    return out


def _figures(town: Municipality, counts: tuple[int, ...], thresholds: Thresholds) -> TownFigures:
    in_scope, undecided, own, online, in_progress, offline, assessed = counts
    scope, label = task_scope(town.ars, town.note)
    unknown = own - online - in_progress - offline
    figures = TownFigures(town.ars, town.name, town.land, scope, label, in_scope, undecided,
                          in_scope - undecided - own, own, online, in_progress, offline, unknown, assessed, False, None)
    why = _why_not(figures, thresholds)
    return TownFigures(**{**figures.__dict__, "comparable": why is None, "why_not": why})


def _why_not(town: TownFigures, thresholds: Thresholds) -> str | None:
    """What keeps a town out of the comparison, in German; None when it is comparable."""
    from ozgtrack.render.german import percent

    reasons = []
    if (town.triage_coverage or 0.0) < thresholds.min_triage:
        reasons.append(f"Zuständigkeit erst zu {percent(town.triage_coverage)} geklärt "
                       f"(nötig: {percent(thresholds.min_triage)})")
    if not town.applicable:
        reasons.append("keine eigenen Leistungen")
    elif (town.assessment_coverage or 0.0) < thresholds.min_assessed:
        reasons.append(f"erst {percent(town.assessment_coverage)} der eigenen Leistungen bewertet "
                       f"(nötig: {percent(thresholds.min_assessed)})")
    return "; ".join(reasons) or None


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


# --- per service, OZG-Leistung or Lebensbereich -----------------------------------------------------------


def _compared_cells() -> Any:
    """The kept cells of the comparable towns: the others count at no service."""
    return (select(CELL).join(TOWN, TOWN.c.id == CELL.c.town).where(TOWN.c.compared == 1, CELL.c.own == 1)
            .subquery("compared"))


def _units(session: Session, connection: Connection, by: RollupBy, settings: Settings) -> tuple[UnitFigures, ...]:
    cell = _compared_cells()
    per_service = {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in connection.execute(
        select(cell.c.service, func.sum(cell.c.own), func.sum(cell.c.online)).group_by(cell.c.service))}
    services = {id_: (key, name) for id_, key, name in rows(session, select(Service.id, Service.key, Service.name)
                                                             .where(Service.id.in_(select(RULE.c.service_id))))}
    if by is RollupBy.SERVICE:
        found = [UnitFigures(services[i][0], services[i][1], None, 1, int(own == online), int(online > 0), own, online,
                             own, online, online) for i, (own, online) in per_service.items() if own]
        return tuple(sorted(found, key=lambda u: (-u.applicable, u.key)))
    return _groups(session, connection, cell, by, per_service, settings)


def _groups(session: Session, connection: Connection, cell: Any, by: RollupBy,
            per_service: dict[int, tuple[int, int]], settings: Settings) -> tuple[UnitFigures, ...]:
    bereiche = lebensbereiche_.load(settings.report.lebensbereiche)
    members = _members(session, by, bereiche)
    connection.execute(UNIT.insert(), [{"service_id": s, "unit": u} for s, units in members.items() for u in units])
    town_level = (select(UNIT.c.unit, cell.c.town, func.sum(cell.c.own).label("own"),
                         func.sum(cell.c.online).label("online"))
                  .join(UNIT, UNIT.c.service_id == cell.c.service)
                  .group_by(UNIT.c.unit, cell.c.town).subquery("per_town"))
    towns = {row[0]: tuple(int(v or 0) for v in row[1:]) for row in connection.execute(
        select(town_level.c.unit, func.sum(case((town_level.c.own > 0, 1), else_=0)),
               func.sum(case((and_(town_level.c.own > 0, town_level.c.own == town_level.c.online), 1), else_=0)),
               func.sum(case((town_level.c.online > 0, 1), else_=0)))
        .group_by(town_level.c.unit))}
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for service, units in members.items():
        own, online = per_service.get(service, (0, 0))
        if own:
            for unit in units:
                sums[unit] = [a + b for a, b in zip(sums[unit], (1, int(own == online), int(online > 0), own, online),
                                                    strict=True)]
    labels = _labels(session, by, bereiche)
    found = [UnitFigures(u, *labels.get(u, (u, None)), *sums[u], *towns.get(u, (0, 0, 0))) for u in sums]
    order = (lambda u: bereiche.rank(u.key)) if by is RollupBy.LEBENSBEREICH else (lambda u: (u.key == "–", u.key))
    return tuple(sorted(found, key=order))


def _members(session: Session, by: RollupBy, bereiche: Any) -> dict[int, set[str]]:
    """Counted service → the OZG-IDs or Lebensbereiche it counts in, as the gap report groups it."""
    from ozgtrack.analysis.results import WITHOUT_OZG

    memberships = _memberships(session, bereiche)
    counted = [s for s, in rows(session, select(RULE.c.service_id).distinct())]
    out: dict[int, set[str]] = {}
    for service in counted:
        found = memberships.get(service, ())
        if by is RollupBy.OZG:
            out[service] = {m.ozg_id for m in found} or {"–"}
        else:
            out[service] = {m.lebensbereich for m in found} or {WITHOUT_OZG}
    return out


def _labels(session: Session, by: RollupBy, bereiche: Any) -> dict[str, tuple[str, str | None]]:
    """Key → (label, parent): the OZG-Leistung's name and Lebensbereich; a Lebensbereich is its own label."""
    from ozgtrack.analysis.results import WITHOUT_OZG

    if by is RollupBy.LEBENSBEREICH:
        return {}
    labels: dict[str, tuple[str, str | None]] = {"–": (WITHOUT_OZG, WITHOUT_OZG)}
    for members in _memberships(session, bereiche).values():
        for m in members:
            labels[m.ozg_id] = (m.ozg_name, m.lebensbereich)
    return labels


def scope_of(kreis: str | None, land: str | None, ars: Iterable[str]) -> Scope:
    """A scope from the CLI's options, digits checked (a Kreis: 5 digits or its 12-digit ARS; a Land: 1–2 digits)."""
    from ozgtrack.digits import is_digits
    from ozgtrack.errors import InputError

    if kreis is not None:
        kreis = "".join(kreis.split())
        if not is_digits(kreis) or len(kreis) not in (5, 12) or (len(kreis) == 12 and kreis[5:] != "0" * 7):
            raise InputError(f"--kreis {kreis!r}: erwartet werden die fünf Ziffern des Kreises (15083) oder sein "
                             "ARS (150830000000)")
        kreis = kreis[:5]
    if land is not None:
        land = "".join(land.split())
        if not is_digits(land) or not 1 <= len(land) <= 2:
            raise InputError(f"--land {land!r}: erwartet wird der zweistellige Landesschlüssel (15)")
        land = land.zfill(2)
    return Scope(kreis, land, tuple(dict.fromkeys("".join(a.split()) for a in ars)))
