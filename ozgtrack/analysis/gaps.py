"""The gap analysis: which of the town's own services are online, grouped as the report needs them.

Definitions (the report prints them with every figure):

- applicable: the town executes the service itself (after triage); services of the Landkreis,
  the Land or the Bund are not applicable and never count as the town's gap; services whose
  level is still "unklar" are counted apart as undecided, never as applicable.
- online: applicable and assessed at or above the target stage of the model it was assessed in.
- in progress: applicable, not online, with a planned date.
- offline: applicable, assessed below the target stage, nothing planned.
- unknown: applicable, never assessed, nothing planned.
- coverage = online / applicable.

A service belongs to every OZG-Leistung (and so Lage, Themenfeld, Lebensbereich) that lists it;
it is counted once in each group but only once in the totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack.analysis.lebensbereiche import WITHOUT_OZG, Lebensbereiche
from ozgtrack.db import rows
from ozgtrack.models import Lage, OzgLeistung, OzgMember, Release, ServiceStatus, Themenfeld
from ozgtrack.municipalities import executed_levels
from ozgtrack.tracking import Context, months_before
from ozgtrack.triage import Assignment, assignments
from ozgtrack.values import Level, MaturityModel


class Applicability(StrEnum):
    APPLICABLE = "applicable"
    NOT_APPLICABLE = "not_applicable"
    UNDECIDED = "undecided"
    OUT_OF_SCOPE = "out_of_scope"  # information only, no service


class Category(StrEnum):
    ONLINE = "online"
    IN_PROGRESS = "in_progress"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class GroupBy(StrEnum):
    LEBENSBEREICH = "lebensbereich"
    THEMENFELD = "themenfeld"
    LAGE = "lage"
    OZG = "ozg"
    SERVICE = "service"


@dataclass(frozen=True)
class Targets:
    """The stage from which a service counts as online, per maturity model."""

    rgm1: int = 3
    rgm2: int = 3

    def of(self, model: MaturityModel | str) -> int:
        return self.rgm1 if MaturityModel(model) is MaturityModel.RGM1 else self.rgm2


def categorise(stage: int | None, model: str | None, planned: str | None, targets: Targets) -> Category:
    """Online, in progress, offline or unknown, by the definitions above."""
    if stage is not None and model is not None and stage >= targets.of(model):
        return Category.ONLINE
    if planned:
        return Category.IN_PROGRESS
    return Category.UNKNOWN if stage is None else Category.OFFLINE


@dataclass(frozen=True)
class Membership:
    ozg_id: str
    ozg_name: str
    lage: str | None
    themenfeld: str | None
    lebensbereich: str


@dataclass(frozen=True)
class ServiceGap:
    """One service's standing for the municipality."""

    service_id: int
    key: str
    name: str
    level: str | None
    applicability: Applicability
    category: Category | None  # for applicable services only
    model: str | None
    stage: int | None
    planned: str | None
    department: str | None
    url: str | None
    verified_at: date | None
    memberships: tuple[Membership, ...]


# Positions in a tally: the fields of Counts, in order.
_SLOT_OF_CATEGORY = {Category.ONLINE: 1, Category.IN_PROGRESS: 2, Category.OFFLINE: 3, Category.UNKNOWN: 4}
_SLOT_OF = {Applicability.NOT_APPLICABLE: 5, Applicability.UNDECIDED: 6, Applicability.OUT_OF_SCOPE: None}


def _slot(gap: ServiceGap) -> int | None:
    """Where a service counts: its category if applicable, else its applicability; None: nowhere."""
    if gap.category is not None:
        return _SLOT_OF_CATEGORY[gap.category]
    return _SLOT_OF[gap.applicability]


class _Tally:
    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values = [0] * 7

    def add(self, slot: int) -> None:
        self.values[slot] += 1
        if slot <= 4:  # every category of an applicable service also counts as applicable
            self.values[0] += 1

    def counts(self) -> Counts:
        return Counts(*self.values)


@dataclass(frozen=True)
class Counts:
    applicable: int = 0
    online: int = 0
    in_progress: int = 0
    offline: int = 0
    unknown: int = 0
    not_applicable: int = 0
    undecided: int = 0

    @property
    def coverage(self) -> float | None:
        """online / applicable; None when the town executes none of them."""
        return self.online / self.applicable if self.applicable else None

    @property
    def gaps(self) -> int:
        return self.applicable - self.online


@dataclass(frozen=True)
class GroupRow:
    """Counts of one group: a Lebensbereich, Themenfeld, Lage or OZG-Leistung."""

    key: str
    label: str
    parent: str | None
    counts: Counts


@dataclass(frozen=True)
class ModelUse:
    """How many applicable services were assessed in a maturity model, and how many reach its target."""

    model: str
    label: str
    target: int
    assessed: int
    online: int


@dataclass(frozen=True)
class ReleaseRef:
    id: int
    source: str
    fetched_at: datetime
    published_at: datetime | None


@dataclass(frozen=True)
class OzgGap:
    """An OZG-Leistung with applicable services that are not online."""

    ozg_id: str
    ozg_name: str
    lebensbereich: str
    applicable: int
    open: tuple[ServiceGap, ...]


@dataclass(frozen=True)
class GapAnalysis:
    """Everything a gap report shows, counted once."""

    ars: str
    municipality: str
    data_date: datetime
    today: date
    catalogue: tuple[ReleaseRef, ...]
    targets: Targets
    default_model: str
    rules_origin: str
    lebensbereiche_origin: str
    totals: Counts
    out_of_scope: int
    models: tuple[ModelUse, ...]
    services: tuple[ServiceGap, ...]
    groups: dict[GroupBy, tuple[GroupRow, ...]]
    ozg_complete: int  # OZG-Leistungen with applicable services, all of them online
    ozg_with_applicable: int
    stale_months: int
    stale: tuple[ServiceGap, ...]

    @property
    def applicable(self) -> tuple[ServiceGap, ...]:
        return tuple(s for s in self.services if s.applicability is Applicability.APPLICABLE)

    def top_gaps(self, limit: int) -> list[OzgGap]:
        """OZG-Leistungen ordered by how many of their applicable services are not online."""
        open_by, applicable_by, names = defaultdict(list), defaultdict(int), {}
        for gap in self.applicable:
            for membership in gap.memberships or (Membership("–", WITHOUT_OZG, None, None, WITHOUT_OZG),):
                names[membership.ozg_id] = (membership.ozg_name, membership.lebensbereich)
                applicable_by[membership.ozg_id] += 1
                if gap.category is not Category.ONLINE:
                    open_by[membership.ozg_id].append(gap)
        ranked = sorted(open_by, key=lambda o: (-len(open_by[o]), o))
        return [OzgGap(o, *names[o], applicable_by[o], tuple(open_by[o])) for o in ranked[:limit]]


@dataclass(frozen=True)
class Options:
    targets: Targets
    lebensbereiche: Lebensbereiche
    stale_months: int = 12


def analyse(session: Session, context: Context, options: Options) -> GapAnalysis:
    """Count the municipality's services by the definitions of this module."""
    found = assignments(session, context.municipality, context.rules)
    statuses = _statuses(session, context)
    memberships = _memberships(session, options.lebensbereiche)
    own = executed_levels(context.municipality)
    services = tuple(_gap(a, statuses.get(a.service_id), memberships.get(a.service_id, ()), own, options.targets)
                     for a in found)
    limit = months_before(context.today, options.stale_months)
    stale = tuple(s for s in services if s.applicability is Applicability.APPLICABLE and s.stage is not None
                  and (s.verified_at is None or s.verified_at < limit))
    complete, with_applicable = _ozg_completeness(services)
    return GapAnalysis(
        ars=context.municipality.ars, municipality=context.municipality.name, data_date=context.now,
        today=context.today, catalogue=_releases(session), targets=options.targets,
        default_model=context.default_model.value, rules_origin=context.rules.origin,
        lebensbereiche_origin=options.lebensbereiche.origin, totals=tally(services),
        out_of_scope=sum(1 for s in services if s.applicability is Applicability.OUT_OF_SCOPE),
        models=_model_use(services, options.targets), services=services,
        groups=_groups(services, options.lebensbereiche), ozg_complete=complete, ozg_with_applicable=with_applicable,
        stale_months=options.stale_months, stale=stale,
    )


def tally(services: Iterable[ServiceGap]) -> Counts:
    counter = _Tally()
    for gap in services:
        if (slot := _slot(gap)) is not None:
            counter.add(slot)
    return counter.counts()


def _gap(assignment: Assignment, status: Any, memberships: tuple[Membership, ...], own: frozenset[Level],
         targets: Targets) -> ServiceGap:
    applicability = classify(assignment.level, own)
    stage = status["stage"] if status else None
    model = status["model"].value if status and status["model"] else None
    planned = status["planned"] if status else None
    category = categorise(stage, model, planned, targets) if applicability is Applicability.APPLICABLE else None
    return ServiceGap(
        assignment.service_id, assignment.key, assignment.name, assignment.level.value if assignment.level else None,
        applicability, category, model, stage, planned, status["department"] if status else None,
        status["url"] if status else None, status["verified_at"] if status else None, memberships,
    )


def classify(level: Level | None, own: frozenset[Level]) -> Applicability:
    if level is None:
        return Applicability.OUT_OF_SCOPE
    if level is Level.UNKLAR:
        return Applicability.UNDECIDED
    return Applicability.APPLICABLE if level in own else Applicability.NOT_APPLICABLE


def _statuses(session: Session, context: Context) -> dict[int, Any]:
    columns = (ServiceStatus.service_id, ServiceStatus.stage, ServiceStatus.model, ServiceStatus.planned,
               ServiceStatus.department, ServiceStatus.url, ServiceStatus.verified_at)
    found = rows(session, select(*columns).where(ServiceStatus.municipality_id == context.municipality.id))
    return {row["service_id"]: row for row in found.mappings()}


def _memberships(session: Session, lebensbereiche: Lebensbereiche) -> dict[int, tuple[Membership, ...]]:
    query = (
        select(OzgMember.service_id, OzgLeistung.ozg_id, OzgLeistung.name, Lage.name, Themenfeld.slug, Themenfeld.name)
        .join(OzgLeistung, OzgMember.ozg_leistung_id == OzgLeistung.id)
        .outerjoin(Lage, OzgLeistung.lage_id == Lage.id)
        .outerjoin(Themenfeld, OzgLeistung.themenfeld_id == Themenfeld.id)
        .where(OzgMember.withdrawn_release_id.is_(None), OzgMember.service_id.is_not(None),
               OzgLeistung.withdrawn_release_id.is_(None))
    )
    found: dict[int, dict[str, Membership]] = defaultdict(dict)
    for service_id, ozg_id, name, lage, slug, themenfeld in rows(session, query):
        found[service_id][ozg_id] = Membership(ozg_id, name, lage, themenfeld, lebensbereiche.of(slug, lage))
    return {k: tuple(v[o] for o in sorted(v)) for k, v in found.items()}


def _releases(session: Session) -> tuple[ReleaseRef, ...]:
    newest = select(func.max(Release.id)).group_by(Release.source)
    found = rows(session, select(Release.id, Release.source, Release.fetched_at, Release.published_at)
                 .where(Release.id.in_(newest)).order_by(Release.id))
    return tuple(ReleaseRef(id_, source.value, fetched, published) for id_, source, fetched, published in found)


def _model_use(services: tuple[ServiceGap, ...], targets: Targets) -> tuple[ModelUse, ...]:
    out = []
    for model in MaturityModel:
        assessed = [s for s in services if s.applicability is Applicability.APPLICABLE and s.model == model.value]
        if assessed:
            online = sum(1 for s in assessed if s.category is Category.ONLINE)
            out.append(ModelUse(model.value, model.label, targets.of(model), len(assessed), online))
    return tuple(out)


def _ozg_completeness(services: tuple[ServiceGap, ...]) -> tuple[int, int]:
    state: dict[str, bool] = {}
    for gap in services:
        if gap.applicability is Applicability.APPLICABLE:
            for membership in gap.memberships:
                state[membership.ozg_id] = state.get(membership.ozg_id, True) and gap.category is Category.ONLINE
    return sum(state.values()), len(state)


def _groups(services: tuple[ServiceGap, ...], lebensbereiche: Lebensbereiche) -> dict[GroupBy, tuple[GroupRow, ...]]:
    keyed: dict[GroupBy, dict[tuple[str, str, str | None], _Tally]] = {g: defaultdict(_Tally) for g in GroupBy
                                                                        if g is not GroupBy.SERVICE}
    for gap in services:
        slot = _slot(gap)
        if slot is None:
            continue
        for group, keys in _group_keys(gap).items():
            for key in keys:
                keyed[group][key].add(slot)
    ordering = {
        GroupBy.LEBENSBEREICH: lambda k: lebensbereiche.rank(k[0]),
        GroupBy.THEMENFELD: lambda k: (k[0] == WITHOUT_OZG, k[0]),
        GroupBy.LAGE: lambda k: (k[2] is None, k[2] or "", k[1]),
        GroupBy.OZG: lambda k: (k[0] == "–", k[0]),
    }
    return {group: tuple(GroupRow(k[0], k[1], k[2], t.counts()) for k, t in
                         sorted(tallies.items(), key=lambda item: ordering[group](item[0])))
            for group, tallies in keyed.items()}


def _group_keys(gap: ServiceGap) -> dict[GroupBy, set[tuple[str, str, str | None]]]:
    """The groups a service counts in: once per distinct group, however many OZG-Leistungen lead there."""
    members = gap.memberships or (Membership("–", WITHOUT_OZG, None, None, WITHOUT_OZG),)
    return {
        GroupBy.LEBENSBEREICH: {(m.lebensbereich, m.lebensbereich, None) for m in members},
        GroupBy.THEMENFELD: {(m.themenfeld or WITHOUT_OZG, m.themenfeld or WITHOUT_OZG, None) for m in members},
        GroupBy.LAGE: {(m.lage or WITHOUT_OZG, m.lage or WITHOUT_OZG, m.themenfeld) for m in members},
        GroupBy.OZG: {(m.ozg_id, m.ozg_name, m.lebensbereich) for m in members},
    }
