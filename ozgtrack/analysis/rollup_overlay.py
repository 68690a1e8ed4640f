"""The roll-up's overlay: temporary tables of rule levels per Land, and the SQL that moves the rule counts.

The rule level of a service depends only on the Land (the rules are prefix and Typisierung matches,
computed in Python once per Land), and whether a level is a town's own only on whether the town is
a kreisfreie Stadt. So every town of a Land and task group starts from the same rule counts; the
queries here sum, by ``GROUP BY`` over the decisions and the statuses of the towns in scope, only
what moves them: a decision changes a service's level from its rule's (a Leistungsobjekt's decision
that of each of its Verrichtungen without a decision of their own), a status counts where the
service is the town's own. Their cost is that of the decisions and statuses, not towns × catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import (
    Column, Index, Integer, MetaData, String, Table, and_, case, func, literal, select, text, type_coerce,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ozgtrack.catalogue.counting import is_grouping
from ozgtrack.catalogue.query import current_services
from ozgtrack.store.db import rows
from ozgtrack.store.models import Municipality, Responsibility, Service, ServiceStatus
from ozgtrack.town.municipalities import is_kreisfrei
from ozgtrack.town.rules import Rules
from ozgtrack.values import Level
from ozgtrack.views.results import Targets
from ozgtrack.views.what_counts import is_own, online_sql, own_sql

_temp = MetaData()
# Per Land: the rule level of each counted service (NULL: information only) and its Leistungsobjekt's id.
RULE = Table("rollup_rule", _temp, Column("land", String(2), primary_key=True),
             Column("service_id", Integer, primary_key=True), Column("lo_id", Integer), Column("level", String(16)),
             prefixes=["TEMPORARY"])
# RULE's services that have a Leistungsobjekt, by it: a table of its own, so that the planner sees how few
# Verrichtungen one Leistungsobjekt has (in RULE most services have none).
LINK = Table("rollup_link", _temp, Column("land", String(2), primary_key=True),
             Column("lo_id", Integer, primary_key=True), Column("service_id", Integer, primary_key=True),
             Column("level", String(16)), prefixes=["TEMPORARY"])
TOWN = Table("rollup_town", _temp, Column("id", Integer, primary_key=True), Column("land", String(2)),
             Column("kreisfrei", Integer), Column("compared", Integer),
             Index("rollup_town_land", "land"), prefixes=["TEMPORARY"])
# Per Land and Leistungsobjekt (and unit: "" for all of them): its counted Verrichtungen, in scope, undecided,
# and own by the rule for a town that is not kreisfrei and for one that is.
MEMBER = Table("rollup_member", _temp, Column("land", String(2), primary_key=True),
               Column("lo_id", Integer, primary_key=True), Column("unit", String(200), primary_key=True),
               Column("n", Integer), Column("in_scope", Integer), Column("unklar", Integer),
               Column("own", Integer), Column("own_kreisfrei", Integer), prefixes=["TEMPORARY"])
UNIT = Table("rollup_unit", _temp, Column("service_id", Integer, primary_key=True),
             Column("unit", String(200), primary_key=True), prefixes=["TEMPORARY"])
ALL = ""  # MEMBER's unit for the counts over every service

# Land -> counted service -> (its Leistungsobjekt's id or None, its rule level or None).
RuleMap = dict[str, dict[int, tuple[int | None, str | None]]]


# --- filling the temporary tables ------------------------------------------------------------------------------


def create(connection: Connection) -> None:
    for table in (RULE, LINK, TOWN, MEMBER, UNIT):
        table.drop(connection, checkfirst=True)
        table.create(connection)


def drop(connection: Connection) -> None:
    for table in (RULE, LINK, TOWN, MEMBER, UNIT):
        table.drop(connection, checkfirst=True)


def fill(session: Session, connection: Connection, towns: list[Municipality], rules: dict[str, Rules]) -> RuleMap:
    """Fill RULE, TOWN and MEMBER (over all services); returns what RULE holds."""
    counted = list(rows(session, current_services(Service.id, Service.key, Service.typisierung)
                        .where(~is_grouping())))
    objects = {key: id_ for key, id_ in rows(session, select(Service.key, Service.id)
                                              .where(Service.key.like("%000000")))}
    levels = {land: {id_: (_lo_id(key, objects), _rule_level(land_rules, key, typ)) for id_, key, typ in counted}
              for land, land_rules in rules.items()}
    insert(connection, RULE, [{"land": land, "service_id": id_, "lo_id": lo, "level": level}
                               for land, by_service in levels.items() for id_, (lo, level) in by_service.items()])
    insert(connection, LINK, [{"land": land, "lo_id": lo, "service_id": id_, "level": level}
                               for land, by_service in levels.items() for id_, (lo, level) in by_service.items()
                               if lo is not None])
    insert(connection, TOWN, [{"id": t.id, "land": t.land, "kreisfrei": int(is_kreisfrei(t)), "compared": 0}
                               for t in towns])
    fill_members(connection, levels, lambda service: (ALL,))
    analyze(connection, RULE, LINK, TOWN, MEMBER)
    return levels


def analyze(connection: Connection, *tables: Table) -> None:
    """Give the planner the sizes of freshly filled temporary tables (PostgreSQL never analyses them itself):
    without them it takes them for tiny and joins the decisions and statuses by nested loops. The same
    statement on SQLite and PostgreSQL."""
    for table in tables:
        connection.execute(text(f"ANALYZE {table.name}"))


def insert(connection: Connection, table: Table, values: list[dict[str, Any]]) -> None:
    if values:  # an executemany of nothing would be an INSERT of one row of defaults
        connection.execute(table.insert(), values)


def _lo_id(key: str, objects: dict[str, int]) -> int | None:
    """The Leistungsobjekt whose decision a Verrichtung inherits (``ozgtrack.town.triage``), else None."""
    lo_key = key[:8] + "000000"
    return objects.get(lo_key) if lo_key != key else None


def _rule_level(rules: Rules, key: str, typisierung: str | None) -> str | None:
    found = rules.match(key, typisierung).level
    return found.value if found is not None else None


def fill_members(connection: Connection, levels: RuleMap, units_of: Callable[[int], Iterable[str]]) -> None:
    """MEMBER: per Land, Leistungsobjekt and unit (``units_of(service)``) its counted Verrichtungen by rule level."""
    found: dict[tuple[str, int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for land, by_service in levels.items():
        for service, (lo, level) in by_service.items():
            if lo is None:
                continue
            for unit in units_of(service):
                add(found[(land, lo, unit)], (1, *counts(level, 0), own(level, 1)))
    insert(connection, MEMBER, [dict(zip(("land", "lo_id", "unit", "n", "in_scope", "unklar", "own",
                                           "own_kreisfrei"), (*key, *by_level), strict=True))
                                 for key, by_level in found.items()])


# --- the overlay: rule counts, moved by decisions, plus the statuses of own services ---------------------


def counts(level: str | None, kreisfrei: int) -> tuple[int, int, int]:
    """(in scope, undecided, own) of one service at ``level`` for a town (``kreisfrei`` 1 or 0)."""
    return int(level is not None), int(level == Level.UNKLAR.value), own(level, kreisfrei)


def own(level: str | None, kreisfrei: int) -> int:
    """1 when a town executes a service of ``level`` itself (:func:`ozgtrack.views.what_counts.is_own`)."""
    return int(is_own(level, kreisfrei == 1))


def add(total: list[int], values: Iterable[int], times: int = 1) -> list[int]:
    for i, value in enumerate(values):
        total[i] += times * value
    return total


def decision_level(table: Any) -> Any:
    return type_coerce(table.c.level, String)


def inherited(*columns: Any, unit: Any) -> Any:
    """Decisions on a Leistungsobjekt of towns in scope, joined to the rule counts of its Verrichtungen (MEMBER)."""
    decision = Responsibility.__table__
    return (select(*columns).select_from(decision)
            .join(TOWN, TOWN.c.id == decision.c.municipality_id)
            .join(MEMBER, and_(MEMBER.c.land == TOWN.c.land, MEMBER.c.lo_id == decision.c.service_id, unit)))


def decided(*columns: Any) -> tuple[Any, Any]:
    """A select of ``columns`` over the decisions on counted services of towns in scope, and the level each
    replaces (its Leistungsobjekt's decision, else the rule); ``columns`` may use ``decision``, TOWN and RULE."""
    decision, lo_decision = Responsibility.__table__, Responsibility.__table__.alias("inherited")
    replaced = type_coerce(func.coalesce(lo_decision.c.level, RULE.c.level), String)
    query = (select(*columns, replaced, func.count()).select_from(decision)
             .join(TOWN, TOWN.c.id == decision.c.municipality_id)
             .join(RULE, and_(RULE.c.land == TOWN.c.land, RULE.c.service_id == decision.c.service_id))
             .outerjoin(lo_decision, and_(lo_decision.c.municipality_id == decision.c.municipality_id,
                                          lo_decision.c.service_id == RULE.c.lo_id)))
    return query, replaced


def mine(level: Any) -> Any:
    """SQL 1 when a town in TOWN executes a service of ``level`` itself, else 0 (as :func:`own`)."""
    return case((own_sql(level, TOWN.c.kreisfrei == 1), 1), else_=0)


def status_moves(targets: Targets) -> tuple[Any, ...]:
    """The statuses that count, in three parts, each with a ``sign``: +1 where the rule makes the service the
    town's own; then +1 or -1 where a decision makes it the town's own or takes it away. Summed over the
    parts, ``sign`` × a 0/1 flag (online, planned, assessed, verified) counts the flag over the town's own services.
    Only the statuses of services whose standing a decision changes are looked up by decision."""
    status, decision = ServiceStatus.__table__, Responsibility.__table__
    lo_decision = Responsibility.__table__.alias("inherited")
    flags = (case((online_sql(status.c.stage, status.c.model, targets), 1), else_=0).label("online"),
             case((and_(status.c.planned.is_not(None), status.c.planned != ""), 1), else_=0).label("planned"),
             case((status.c.stage.is_not(None), 1), else_=0).label("assessed"),
             case((and_(status.c.stage.is_not(None), status.c.verified_at.is_not(None)), 1), else_=0).label("verified"))
    town = (TOWN.c.id.label("town"), RULE.c.service_id.label("service"), TOWN.c.compared.label("compared"))
    by_rule = (select(*town, literal(1).label("sign"), *flags).select_from(status)
               .join(TOWN, TOWN.c.id == status.c.municipality_id)
               .join(RULE, and_(RULE.c.land == TOWN.c.land, RULE.c.service_id == status.c.service_id))
               .where(mine(RULE.c.level) == 1))
    # A decision on the service itself replaces its Leistungsobjekt's decision, else the rule; one on the
    # Leistungsobjekt replaces the rule of each Verrichtung (a decision of its own then moves it once more).
    own = mine(decision.c.level) - mine(func.coalesce(type_coerce(lo_decision.c.level, String), RULE.c.level))
    by_own = (select(*town, own.label("sign"), *flags).select_from(decision)
              .join(TOWN, TOWN.c.id == decision.c.municipality_id)
              .join(RULE, and_(RULE.c.land == TOWN.c.land, RULE.c.service_id == decision.c.service_id))
              .outerjoin(lo_decision, and_(lo_decision.c.municipality_id == decision.c.municipality_id,
                                           lo_decision.c.service_id == RULE.c.lo_id))
              .join(status, and_(status.c.municipality_id == decision.c.municipality_id,
                                 status.c.service_id == decision.c.service_id))
              .where(own != 0))
    lo = mine(decision.c.level) - mine(LINK.c.level)
    by_lo = (select(TOWN.c.id.label("town"), LINK.c.service_id.label("service"), TOWN.c.compared.label("compared"),
                     lo.label("sign"), *flags).select_from(decision)
             .join(TOWN, TOWN.c.id == decision.c.municipality_id)
             .join(LINK, and_(LINK.c.land == TOWN.c.land, LINK.c.lo_id == decision.c.service_id))
             .join(status, and_(status.c.municipality_id == decision.c.municipality_id,
                                status.c.service_id == LINK.c.service_id))
             .where(lo != 0))
    # Summed each apart (the caller adds them up): a sum over their union would sort every status first.
    return tuple(part.subquery(f"state_{i}") for i, part in enumerate((by_rule, by_own, by_lo)))
