"""The roll-up's other plan, for few towns: every (town, counted service) in one pass, joined by unique indexes.

Where towns × services is small (a Kreis, a Land), one pass over every cell costs less than the
overlay (:mod:`ozgtrack.analysis.rollup_overlay`), whose passes over the decisions and statuses
pay off only when most cells are neither decided nor assessed (the whole country). Both count
exactly the same; :mod:`ozgtrack.analysis.rollup` picks by the number of cells.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, and_, case, func, or_, select, type_coerce
from sqlalchemy.engine import Connection

from ozgtrack.analysis.rollup_overlay import RULE, TOWN, UNIT
from ozgtrack.store.models import Municipality, Responsibility, ServiceStatus
from ozgtrack.values import Level
from ozgtrack.views.ozg import OzgCounts
from ozgtrack.views.results import Targets
from ozgtrack.views.what_counts import online_sql, own_sql

# Up to this many (town, counted service) cells the one pass is the faster plan (measured with
# bench/bench_scale.py: a Land of 218 towns is 0.7 million cells).
LIMIT = 1_500_000

_temp = MetaData()
CELL = Table("rollup_cell", _temp, Column("town", Integer), Column("service", Integer), Column("level", String(16)),
             Column("own", Integer), Column("assessed", Integer), Column("online", Integer), Column("planned", Integer),
             Column("verified", Integer), prefixes=["TEMPORARY"])


def fits(towns: int, services: int) -> bool:
    """Whether the one pass over towns × services is the plan to take."""
    return towns * services <= LIMIT


def materialise(connection: Connection, targets: Targets) -> None:
    """Keep the cells that are not simply "not the town's own": own, undecided, information only.

    The pass over towns × services is the one costly step; the rest (most cells: services of the
    Kreis, Land or Bund) only counts as "nicht zuständig", which is what is left over per town.
    """
    drop(connection)
    CELL.create(connection)
    cell = _cells(targets)
    kept = select(*cell.c).where(or_(cell.c.own == 1, cell.c.level.is_(None), cell.c.level == Level.UNKLAR.value))
    connection.execute(CELL.insert().from_select([c.name for c in cell.c], kept))


def drop(connection: Connection) -> None:
    CELL.drop(connection, checkfirst=True)


def _cells(targets: Targets) -> Any:
    """Every (town, counted service): its level, whether it is the town's own, assessed, online, planned, verified."""
    own, inherited = Responsibility.__table__.alias("own"), Responsibility.__table__.alias("inherited")
    status = ServiceStatus.__table__
    level = type_coerce(func.coalesce(own.c.level, inherited.c.level, RULE.c.level), String)
    online = online_sql(status.c.stage, status.c.model, targets)
    applicable = own_sql(level, TOWN.c.kreisfrei == 1)
    return (
        select(TOWN.c.id.label("town"), RULE.c.service_id.label("service"), level.label("level"),
               case((applicable, 1), else_=0).label("own"),
               case((and_(applicable, status.c.stage.is_not(None)), 1), else_=0).label("assessed"),
               case((and_(applicable, online), 1), else_=0).label("online"),
               case((and_(applicable, status.c.planned.is_not(None), status.c.planned != ""), 1), else_=0)
               .label("planned"),
               case((and_(applicable, status.c.stage.is_not(None), status.c.verified_at.is_not(None)), 1), else_=0)
               .label("verified"))
        .select_from(TOWN)
        .join(RULE, RULE.c.land == TOWN.c.land)
        .outerjoin(own, and_(own.c.municipality_id == TOWN.c.id, own.c.service_id == RULE.c.service_id))
        .outerjoin(inherited, and_(inherited.c.municipality_id == TOWN.c.id, inherited.c.service_id == RULE.c.lo_id))
        .outerjoin(status, and_(status.c.municipality_id == TOWN.c.id, status.c.service_id == RULE.c.service_id))
        .subquery("cell")
    )


def town_counts(connection: Connection, towns: list[Municipality]) -> dict[int, tuple[int, ...]]:
    """Town id -> (in scope, undecided, own, online, in progress, offline, assessed, verified), as the overlay counts
    them."""
    total = lambda condition: func.sum(case((condition, 1), else_=0))  # noqa: E731
    query = select(
        CELL.c.town, total(CELL.c.level.is_(None)), total(CELL.c.level == Level.UNKLAR.value),
        func.sum(CELL.c.own), func.sum(CELL.c.online), total(and_(CELL.c.online == 0, CELL.c.planned == 1)),
        total(and_(CELL.c.own == 1, CELL.c.online == 0, CELL.c.planned == 0, CELL.c.assessed == 1)),
        func.sum(CELL.c.assessed), func.sum(CELL.c.verified),
    ).group_by(CELL.c.town)
    counts = {row[0]: tuple(int(v or 0) for v in row[1:]) for row in connection.execute(query)}
    services = dict(connection.execute(select(RULE.c.land, func.count()).group_by(RULE.c.land)).all())
    out = {}
    for town in towns:
        info, *rest = counts.get(town.id, (0,) * 8)
        out[town.id] = (services[town.land] - info, *rest)
    return out


def _compared() -> Any:
    """The own cells of the comparable towns: the others count at no service."""
    return (select(CELL).join(TOWN, TOWN.c.id == CELL.c.town).where(TOWN.c.compared == 1, CELL.c.own == 1)
            .subquery("compared"))


def per_service(connection: Connection) -> dict[int, tuple[int, int]]:
    """Counted service -> (compared towns where it is their own task, of those where it is online); own > 0 only."""
    cell = _compared()
    return {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in connection.execute(
        select(cell.c.service, func.sum(cell.c.own), func.sum(cell.c.online)).group_by(cell.c.service))}


def towns_per_unit(connection: Connection) -> dict[str, tuple[int, ...]]:
    """Unit -> compared towns where at least one of its services is their own, where all of those are online,
    where at least one is (UNIT must be filled)."""
    cell = _compared()
    town_level = (select(UNIT.c.unit, cell.c.town, func.sum(cell.c.own).label("own"),
                         func.sum(cell.c.online).label("online"))
                  .join(UNIT, UNIT.c.service_id == cell.c.service)
                  .group_by(UNIT.c.unit, cell.c.town).subquery("per_town"))
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in connection.execute(
        select(town_level.c.unit, func.sum(case((town_level.c.own > 0, 1), else_=0)),
               func.sum(case((and_(town_level.c.own > 0, town_level.c.own == town_level.c.online), 1), else_=0)),
               func.sum(case((town_level.c.online > 0, 1), else_=0)))
        .group_by(town_level.c.unit))}


def units_per_town(connection: Connection) -> dict[int, OzgCounts]:
    """Town id -> its units with an own service: all of those online, some, none, and of those none assessed (UNIT
    must be filled; every town)."""
    per_unit = (select(UNIT.c.unit, CELL.c.town, func.sum(CELL.c.own).label("own"),
                       func.sum(CELL.c.online).label("online"), func.sum(CELL.c.assessed).label("assessed"))
                .join(UNIT, UNIT.c.service_id == CELL.c.service).where(CELL.c.own == 1)
                .group_by(UNIT.c.unit, CELL.c.town).subquery("per_unit"))
    total = lambda condition: func.sum(case((condition, 1), else_=0))  # noqa: E731
    query = select(per_unit.c.town, total(per_unit.c.online == per_unit.c.own),
                   total(and_(per_unit.c.online > 0, per_unit.c.online < per_unit.c.own)),
                   total(per_unit.c.online == 0), total(per_unit.c.assessed == 0)).group_by(per_unit.c.town)
    return {town: OzgCounts(*(int(v or 0) for v in found)) for town, *found in connection.execute(query)}
