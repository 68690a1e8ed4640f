"""The roll-up's two plans behind one interface, chosen once per roll-up (:func:`choose`).

Both count exactly the same (``tests/test_rollup_plans.py`` forces each and compares them with independent
SQL). The overlay (many towns) starts each town from its Land's and task group's rule counts and moves
them by the decisions and statuses (:mod:`ozgtrack.analysis.rollup_overlay`); the cells (few towns) count
every (town, counted service) in one pass (:mod:`ozgtrack.analysis.rollup_cells`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.engine import Connection

from ozgtrack.analysis import rollup_cells, rollup_overlay as overlay
from ozgtrack.analysis.rollup_overlay import ALL, MEMBER, RULE, TOWN, UNIT, RuleMap
from ozgtrack.store.models import Municipality, Responsibility
from ozgtrack.town.municipalities import is_kreisfrei
from ozgtrack.views.ozg import OzgCounts
from ozgtrack.views.results import Targets


class Plan(Protocol):
    """How a roll-up counts: both plans count exactly the same, at different costs."""

    levels: RuleMap

    def prepare(self, connection: Connection) -> None:
        """Fill what the plan counts from (after the overlay's RULE, TOWN and MEMBER)."""

    def town_counts(self, connection: Connection, towns: list[Municipality]) -> dict[int, tuple[int, ...]]:
        """Town id -> (in scope, undecided, own, online, in progress, offline, assessed, verified)."""

    def per_service(self, connection: Connection, compared: list[Municipality]) -> dict[int, tuple[int, int]]:
        """Counted service -> (compared towns where it is their own task, of those where it is online); own > 0."""

    def towns_per_unit(self, connection: Connection, members: dict[int, set[str]],
                       compared: list[Municipality]) -> dict[str, tuple[int, ...]]:
        """Unit -> compared towns with an own service in it, with all of them online, with one (UNIT filled)."""

    def units_per_town(self, connection: Connection, members: dict[int, set[str]],
                       towns: list[Municipality]) -> dict[int, OzgCounts]:
        """Town id -> its units with an own service: all of those online, some, none (UNIT filled; every town)."""


@dataclass(frozen=True)
class OverlayPlan:
    """Many towns: the rule counts per Land and task group, moved by the decisions and statuses."""

    levels: RuleMap
    targets: Targets

    def prepare(self, connection: Connection) -> None:
        pass  # the overlay's tables are filled already

    def town_counts(self, connection: Connection, towns: list[Municipality]) -> dict[int, tuple[int, ...]]:
        return _town_counts(connection, towns, self.levels, self.targets)

    def per_service(self, connection: Connection, compared: list[Municipality]) -> dict[int, tuple[int, int]]:
        return _per_service(connection, self.levels, compared, self.targets)

    def towns_per_unit(self, connection: Connection, members: dict[int, set[str]],
                       compared: list[Municipality]) -> dict[str, tuple[int, ...]]:
        overlay.fill_members(connection, self.levels, lambda service: members[service])
        overlay.analyze(connection, UNIT, MEMBER)
        return _towns_per_unit(connection, self.levels, members, compared, self.targets)

    def units_per_town(self, connection: Connection, members: dict[int, set[str]],
                       towns: list[Municipality]) -> dict[int, OzgCounts]:
        overlay.fill_members(connection, self.levels, lambda service: members[service])
        overlay.analyze(connection, UNIT, MEMBER)
        return _units_per_town(connection, self.levels, members, towns, self.targets)


@dataclass(frozen=True)
class CellsPlan:
    """Few towns: every (town, counted service) in one pass (:mod:`ozgtrack.analysis.rollup_cells`)."""

    levels: RuleMap
    targets: Targets

    def prepare(self, connection: Connection) -> None:
        rollup_cells.materialise(connection, self.targets)

    def town_counts(self, connection: Connection, towns: list[Municipality]) -> dict[int, tuple[int, ...]]:
        return rollup_cells.town_counts(connection, towns)

    def per_service(self, connection: Connection, compared: list[Municipality]) -> dict[int, tuple[int, int]]:
        return rollup_cells.per_service(connection)

    def towns_per_unit(self, connection: Connection, members: dict[int, set[str]],
                       compared: list[Municipality]) -> dict[str, tuple[int, ...]]:
        return rollup_cells.towns_per_unit(connection)

    def units_per_town(self, connection: Connection, members: dict[int, set[str]],
                       towns: list[Municipality]) -> dict[int, OzgCounts]:
        return rollup_cells.units_per_town(connection)


def choose(towns: list[Municipality], levels: RuleMap, targets: Targets) -> Plan:
    """The cheaper plan for ``towns`` × counted services (``rollup_cells.LIMIT``); chosen once per roll-up."""
    dense = rollup_cells.fits(len(towns), len(next(iter(levels.values()))))
    return (CellsPlan if dense else OverlayPlan)(levels, targets)


# --- the overlay plan ----------------------------------------------------------------------------------------


def _town_counts(connection: Connection, towns: list[Municipality], levels: RuleMap,
                 targets: Targets) -> dict[int, tuple[int, ...]]:
    """Town id -> (in scope, undecided, own, online, in progress, offline, assessed, verified): its group's rule
    counts, moved by its decisions, and the statuses of its own services."""
    kreisfrei = {t.id: int(is_kreisfrei(t)) for t in towns}
    base: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for land, by_service in levels.items():
        for _, level in by_service.values():
            for kf in (0, 1):
                overlay.add(base[(land, kf)], overlay.counts(level, kf))
    moved = _moved_per_town(connection, kreisfrei)
    reached: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for state in overlay.status_moves(targets):
        total = lambda condition, s=state: func.sum(case((condition, s.c.sign), else_=0))  # noqa: E731
        for id_, *found in connection.execute(
                select(state.c.town, total(state.c.online == 1), total(and_(state.c.online == 0, state.c.planned == 1)),
                       total(and_(state.c.online == 0, state.c.planned == 0, state.c.assessed == 1)),
                       total(state.c.assessed == 1), total(state.c.verified == 1)).group_by(state.c.town)):
            overlay.add(reached[id_], (int(v or 0) for v in found))
    out = {}
    for town in towns:
        counts = overlay.add(list(base[(town.land, kreisfrei[town.id])]), moved.get(town.id, (0, 0, 0)))
        out[town.id] = (*counts, *reached.get(town.id, (0, 0, 0, 0, 0)))
    return out


def _moved_per_town(connection: Connection, kreisfrei: dict[int, int]) -> dict[int, list[int]]:
    """Per town how its decisions move (in scope, undecided, own) away from the rule counts of its Land."""
    decision = Responsibility.__table__
    town, level = decision.c.municipality_id, overlay.decision_level(decision)
    moved: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    sums = (func.sum(c) for c in (MEMBER.c.n, MEMBER.c.in_scope, MEMBER.c.unklar, MEMBER.c.own,
                                  MEMBER.c.own_kreisfrei))
    members = overlay.inherited(town, level, *sums, unit=MEMBER.c.unit == ALL).group_by(town, level)
    for id_, to, n, in_scope, unklar, own, own_kreisfrei in connection.execute(members):
        kf = kreisfrei[id_]
        overlay.add(moved[id_], overlay.counts(to, kf), int(n))
        overlay.add(moved[id_], (in_scope, unklar, own_kreisfrei if kf else own), -1)
    query, replaced = overlay.decided(town, level)
    for id_, to, was, n in connection.execute(query.group_by(town, level, replaced)):
        kf = kreisfrei[id_]
        overlay.add(moved[id_], overlay.counts(to, kf), n)
        overlay.add(moved[id_], overlay.counts(was, kf), -n)
    return moved


def _groups_of(compared: list[Municipality]) -> Counter[tuple[str, int]]:
    """How many compared towns each (Land, kreisfrei) group holds: they start from the same rule counts."""
    return Counter((t.land, int(is_kreisfrei(t))) for t in compared)


def _per_service(connection: Connection, levels: RuleMap, compared: list[Municipality],
                 targets: Targets) -> dict[int, tuple[int, int]]:
    """Counted service -> (compared towns where it is their own task, of those where it is online); own > 0 only."""
    own: Counter[int] = Counter()
    for (land, kf), n in _groups_of(compared).items():
        for service, (_, level) in levels[land].items():
            own[service] += n * overlay.own(level, kf)
    decision = Responsibility.__table__
    level, where = overlay.decision_level(decision), TOWN.c.compared == 1
    members: dict[tuple[str, int], list[tuple[int, str | None]]] = defaultdict(list)
    for land, by_service in levels.items():
        for service, (lo, rule) in by_service.items():
            members[(land, lo)].append((service, rule))
    group = (TOWN.c.land, TOWN.c.kreisfrei, decision.c.service_id, level)
    inherited = overlay.inherited(*group, func.count(), unit=MEMBER.c.unit == ALL).where(where).group_by(*group)
    for land, kf, lo, to, n in connection.execute(inherited):
        for service, rule in members[(land, lo)]:
            own[service] += n * (overlay.own(to, kf) - overlay.own(rule, kf))
    query, replaced = overlay.decided(*group)
    for _, kf, service, to, was, n in connection.execute(query.where(where).group_by(*group, replaced)):
        own[service] += n * (overlay.own(to, kf) - overlay.own(was, kf))
    online: Counter[int] = Counter()
    for state in overlay.status_moves(targets):
        online.update(dict(connection.execute(select(state.c.service, func.sum(state.c.sign))
                                              .where(state.c.compared == 1, state.c.online == 1)
                                              .group_by(state.c.service)).all()))
    return {s: (n, int(online.get(s) or 0)) for s, n in own.items() if n > 0}


def _towns_per_unit(connection: Connection, levels: RuleMap, members: dict[int, set[str]],
                    compared: list[Municipality], targets: Targets) -> dict[str, tuple[int, int, int]]:
    """Unit -> compared towns where at least one of its services is their own, where all of those are online,
    where at least one is: each town starts from its group's rule count; only towns with a decision or a
    status online in the unit are looked at one by one."""
    groups, group_of = _groups_of(compared), {t.id: (t.land, int(is_kreisfrei(t))) for t in compared}
    base: Counter[tuple[str, tuple[str, int]]] = Counter()
    for (land, kf) in groups:
        for service, (_, level) in levels[land].items():
            if overlay.own(level, kf):
                for unit in members[service]:
                    base[(unit, (land, kf))] += 1
    moved = _moved_per_unit(connection, group_of, targets, compared_only=True)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    seen = Counter((unit, group_of[town]) for unit, town in moved)
    for unit, group in base:
        out[unit][0] += groups[group] - seen[(unit, group)]  # towns at their rule count: own services, none online
    for (unit, town), (delta, online, _) in moved.items():
        own = base[(unit, group_of[town])] + delta
        if own > 0:
            overlay.add(out[unit], (1, int(own == online), int(online > 0)))
    return {unit: tuple(found) for unit, found in out.items()}


def _moved_per_unit(connection: Connection, group_of: dict[int, tuple[str, int]], targets: Targets,
                    compared_only: bool) -> dict[tuple[str, int], list[int]]:
    """(unit, town) -> [how its decisions move its own services in the unit, its own services online, assessed]; the
    compared towns only, or every town in scope."""
    decision = Responsibility.__table__
    town, level = decision.c.municipality_id, overlay.decision_level(decision)
    where = TOWN.c.compared == 1 if compared_only else true()
    moved: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    inherited = (overlay.inherited(town, MEMBER.c.unit, level, func.sum(MEMBER.c.n), func.sum(MEMBER.c.own),
                                   func.sum(MEMBER.c.own_kreisfrei), unit=MEMBER.c.unit != ALL)
                 .where(where).group_by(town, MEMBER.c.unit, level))
    for id_, unit, to, n, own, own_kreisfrei in connection.execute(inherited):
        kf = group_of[id_][1]
        moved[(unit, id_)][0] += int(n) * overlay.own(to, kf) - (own_kreisfrei if kf else own)
    query, replaced = overlay.decided(town, UNIT.c.unit, level)
    query = query.join(UNIT, UNIT.c.service_id == RULE.c.service_id).where(where)
    for id_, unit, to, was, n in connection.execute(query.group_by(town, UNIT.c.unit, level, replaced)):
        kf = group_of[id_][1]
        moved[(unit, id_)][0] += n * (overlay.own(to, kf) - overlay.own(was, kf))
    for state in overlay.status_moves(targets):
        online = (select(UNIT.c.unit, state.c.town, func.sum(case((state.c.online == 1, state.c.sign), else_=0)),
                         func.sum(state.c.sign))
                  .join(UNIT, UNIT.c.service_id == state.c.service)
                  .where(state.c.compared == 1 if compared_only else true(), state.c.assessed == 1)
                  .group_by(UNIT.c.unit, state.c.town))
        for unit, id_, n, assessed in connection.execute(online):
            overlay.add(moved[(unit, id_)], (0, int(n or 0), int(assessed or 0)))
    return moved


def _units_per_town(connection: Connection, levels: RuleMap, members: dict[int, set[str]], towns: list[Municipality],
                    targets: Targets) -> dict[int, OzgCounts]:
    """Town id -> its units with an own service, by how many of those are online (all, some, none): each town starts
    from its group's rule count (own services, none online); the units its decisions or statuses move are
    counted one by one."""
    group_of = {t.id: (t.land, int(is_kreisfrei(t))) for t in towns}
    base: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for group in set(group_of.values()):
        land, kf = group
        for service, (_, level) in levels[land].items():
            if overlay.own(level, kf):
                for unit in members[service]:
                    base[group][unit] += 1
    moved: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for (unit, town), found in _moved_per_unit(connection, group_of, targets, compared_only=False).items():
        moved[town][unit] = found
    out = {}
    for town in towns:
        rule, mine = base[group_of[town.id]], moved.get(town.id, {})
        states = [(rule[unit] + delta, online, assessed) for unit, (delta, online, assessed) in mine.items()]
        states += [(own, 0, 0) for unit, own in rule.items() if unit not in mine]
        out[town.id] = OzgCounts(sum(1 for own, online, _ in states if own > 0 and online == own),
                                 sum(1 for own, online, _ in states if 0 < online < own),
                                 sum(1 for own, online, _ in states if own > 0 and online == 0),
                                 sum(1 for own, _, assessed in states if own > 0 and assessed == 0))
    return out
