"""What the analyses return (gap counts, trends, the gap report): plain values for the renderers, no database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from ozgtrack.values import Level
from ozgtrack.views.blockers import BlockerReport
from ozgtrack.views.links import LinkReport
from ozgtrack.views.online_overview import OnlineOverview
from ozgtrack.views.ozg import OnlineRef, OzgCounts, OzgState
from ozgtrack.views.pvog import PvogResult
from ozgtrack.views.reliability import Reliability
from ozgtrack.views.stages import PlanChapter
from ozgtrack.views.targets import PlanReport
# Targets is defined with "online" in ozgtrack.views.what_counts; the analyses and renderers import it from here too.
from ozgtrack.views.what_counts import Targets, is_online

# The group of services that no OZG-Leistung lists.
WITHOUT_OZG = "Ohne OZG-Zuordnung"


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


def categorise(stage: int | None, model: str | None, planned: str | None, targets: Targets) -> Category:
    """Online, in progress, offline or unknown, by the definitions in :mod:`ozgtrack.analysis.gaps`."""
    if is_online(stage, model, targets):
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
    via: OnlineRef | None = None  # the online service its status is derived from (service_status.online_service_id)


def ozg_state(own: Iterable[ServiceGap]) -> OzgState:
    """The state of an OZG-Leistung from its own services (at least one): complete, partial or none online."""
    online = [gap.category is Category.ONLINE for gap in own]
    return OzgState.COMPLETE if all(online) else OzgState.PARTIAL if any(online) else OzgState.NONE


def ozg_counts(services: Iterable[ServiceGap]) -> OzgCounts:
    """The OZG headline of ``services``: each OZG-Leistung with own services among them, by :func:`ozg_state`."""
    own: dict[str, list[ServiceGap]] = defaultdict(list)
    for gap in services:
        if gap.applicability is Applicability.APPLICABLE:
            for membership in gap.memberships:
                own[membership.ozg_id].append(gap)
    states = [ozg_state(gaps) for gaps in own.values()]
    unassessed = sum(1 for gaps in own.values() if all(g.stage is None for g in gaps))
    return OzgCounts(states.count(OzgState.COMPLETE), states.count(OzgState.PARTIAL), states.count(OzgState.NONE),
                     unassessed)


# Positions in a tally: the fields of Counts, in order.
_SLOT_OF_CATEGORY = {Category.ONLINE: 1, Category.IN_PROGRESS: 2, Category.OFFLINE: 3, Category.UNKNOWN: 4}
_SLOT_OF = {Applicability.NOT_APPLICABLE: 5, Applicability.UNDECIDED: 6, Applicability.OUT_OF_SCOPE: None}


def slot_of(gap: ServiceGap) -> int | None:
    """Where a service counts: its category if applicable, else its applicability; None: nowhere."""
    if gap.category is not None:
        return _SLOT_OF_CATEGORY[gap.category]
    return _SLOT_OF[gap.applicability]


class Tally:
    """Counts by slot as services are added: the fields of Counts, in order."""

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
    state: OzgState = OzgState.NONE  # partial or none (a complete one has no gap)
    via: tuple[OnlineRef, ...] = ()  # the online services its own services that are online are derived from
    below: tuple[OnlineRef, ...] = ()  # online services its open services are derived from: below the target stage


@dataclass(frozen=True)
class GroupingStatus:
    """A status recorded on a Leistungsobjekt that has Verrichtungen: kept, but it counts as no service."""

    key: str
    name: str
    stage: int | None


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
    ozg: OzgCounts  # OZG-Leistungen with own services: complete, partial, none online (:func:`ozg_counts`)
    stale_months: int
    stale: tuple[ServiceGap, ...]
    reliability: Reliability  # how solid the figures are: assessed, verified, undecided, the data's age
    groupings: int = 0  # Leistungsobjekte with Verrichtungen, not counted (the counting unit)
    grouping_statuses: tuple[GroupingStatus, ...] = ()
    demo: bool = False  # the figures were invented by `ozgtrack demo`
    land_rules: str | None = None  # the Land preset in effect (its Land: "Sachsen-Anhalt")

    @property
    def applicable(self) -> tuple[ServiceGap, ...]:
        return tuple(s for s in self.services if s.applicability is Applicability.APPLICABLE)

    @property
    def ozg_complete(self) -> int:
        """OZG-Leistungen with own services, all of them online (``ozg.complete``)."""
        return self.ozg.complete

    @property
    def ozg_with_applicable(self) -> int:
        """OZG-Leistungen with at least one own service (``ozg.total``)."""
        return self.ozg.total

    def top_gaps(self, limit: int) -> list[OzgGap]:
        """OZG-Leistungen ordered by how many of their applicable services are not online, each with its state and
        the online services through which the others are online."""
        own_by, names = defaultdict(list), {}
        for gap in self.applicable:
            for membership in gap.memberships or (Membership("–", WITHOUT_OZG, None, None, WITHOUT_OZG),):
                names[membership.ozg_id] = (membership.ozg_name, membership.lebensbereich)
                own_by[membership.ozg_id].append(gap)
        open_by = {o: [g for g in gaps if g.category is not Category.ONLINE] for o, gaps in own_by.items()}
        ranked = sorted((o for o in open_by if open_by[o]), key=lambda o: (-len(open_by[o]), o))
        return [OzgGap(o, *names[o], len(own_by[o]), tuple(open_by[o]), ozg_state(own_by[o]), _via(own_by[o]),
                       _via(open_by[o], online=False)) for o in ranked[:limit]]


def _via(gaps: Iterable[ServiceGap], online: bool = True) -> tuple[OnlineRef, ...]:
    """The online services that the online (or, ``online`` False, the not online) ones of ``gaps`` are derived
    from, by number, each once."""
    found = {g.via for g in gaps if g.via is not None and (g.category is Category.ONLINE) is online}
    return tuple(sorted(found, key=lambda ref: ref.number))


def tally(services: Iterable[ServiceGap]) -> Counts:
    """The counts of ``services``, each counted once."""
    counter = Tally()
    for gap in services:
        if (slot := slot_of(gap)) is not None:
            counter.add(slot)
    return counter.counts()


def assessed(reliability: Reliability, services: Iterable[ServiceGap]) -> Reliability:
    """``reliability`` with the assessments of the own services among ``services``: how many carry a Reifegrad,
    and of those how many were ever verified (the town's services, or a Fachbereich's)."""
    own = [s for s in services if s.applicability is Applicability.APPLICABLE]
    rated = [s for s in own if s.stage is not None]
    return replace(reliability, applicable=len(own), assessed=len(rated),
                   verified=sum(1 for s in rated if s.verified_at is not None))


def classify(level: Level | None, own: frozenset[Level]) -> Applicability:
    """Whether a service of ``level`` is the town's own, given the levels it executes."""
    if level is None:
        return Applicability.OUT_OF_SCOPE
    if level is Level.UNKLAR:
        return Applicability.UNDECIDED
    return Applicability.APPLICABLE if level in own else Applicability.NOT_APPLICABLE


# --- trends and baselines --------------------------------------------------------------------------


@dataclass(frozen=True)
class Then:
    """One service at the reference point."""

    key: str
    applicability: Applicability
    category: Category | None


@dataclass(frozen=True)
class Reference:
    """The state to compare with: a baseline or a reconstructed date."""

    label: str
    at: datetime
    services: dict[int, Then]
    totals: Counts


@dataclass(frozen=True)
class Trend:
    """What changed between a reference and now, for the town's own services."""

    label: str
    at: datetime
    then: Counts
    newly_online: tuple[ServiceGap, ...]
    regressions: tuple[ServiceGap, ...]
    newly_applicable: tuple[ServiceGap, ...]
    no_longer_applicable: tuple[tuple[str, str], ...]  # (key, name)
    still_open: tuple[ServiceGap, ...]


@dataclass(frozen=True)
class BaselineView:
    name: str
    created_at: datetime
    created_by: str
    applicable: int
    online: int
    coverage: float | None


# --- the report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapReport:
    """Everything a renderer needs; renderers never query anything."""

    analysis: GapAnalysis
    by: GroupBy
    trend: Trend | None = None
    history: tuple[BaselineView, ...] = ()
    top: int = 10
    everything: bool = False  # also the groups without own services (the CLI's --empty-groups)
    limit: int | None = None  # list at most this many rows (the CLI's --limit); None: all
    links: LinkReport | None = None  # the newest link checks; None when none was ever run
    pvog: PvogResult | None = None  # the Portalverbund comparison, when PVOG evidence was imported
    plan: PlanReport | None = None  # targets, proposals and measures (chapter and mail); None: no plan data
    stages: PlanChapter | None = None  # the staged plan (Stufenplan, Fortschritt), when a plan version was built
    blockers: BlockerReport | None = None  # why the gaps are open (the chapter's "Warum noch nicht online")
    online: OnlineOverview | None = None  # the town's active online services ("Unsere Onlinedienste" in the chapter)
