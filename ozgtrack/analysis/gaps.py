"""The gap analysis: which of the town's own services are online, grouped as the report needs them.

Definitions (the report prints them with every figure):

- the counting unit is the LeiKa Leistung (Verrichtung): a Leistungsobjekt that has live
  Verrichtungen is a grouping and counts nowhere (``ozgtrack.catalogue.counting``); a status recorded on
  one is kept and shown apart. A Leistungsobjekt without Verrichtungen is the service.
- applicable: the town executes the service itself (after triage); services of the Landkreis,
  the Land or the Bund are not applicable and never count as the town's gap; services whose
  level is still "unklar" are counted apart as undecided, never as applicable.
- online: applicable and assessed at or above the target stage of the model it was assessed in.
- in progress: applicable, not online, with a planned date.
- offline: applicable, assessed below the target stage, nothing planned.
- unknown: applicable, never assessed, nothing planned.
- coverage = online / applicable.
- how solid these figures are (``ozgtrack.views.reliability``): the share of own services assessed,
  of assessments ever verified, of responsibilities still undecided, the age of the PVOG evidence
  and of the catalogue; "vorläufig" below the thresholds of ``[report]``.

A service belongs to every OZG-Leistung (and so Lage, Themenfeld, Lebensbereich) that lists it;
it is counted once in each group but only once in the totals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ozgtrack.analysis import reliability
from ozgtrack.analysis.reliability import thresholds
from ozgtrack.catalogue.counting import grouping_ids, grouping_statuses
from ozgtrack.catalogue.lebensbereiche import Lebensbereiche, load as load_lebensbereiche
from ozgtrack.catalogue.query import current_memberships, newest_releases
from ozgtrack.settings import ReportSettings
from ozgtrack.store.db import rows
from ozgtrack.store.models import Lage, OnlineService, OzgLeistung, OzgMember, ServiceStatus, Themenfeld
from ozgtrack.town.context import Context
from ozgtrack.town.municipalities import executed_levels
from ozgtrack.town.tracking import months_before
from ozgtrack.town.triage import assignments
from ozgtrack.values import Level, MaturityModel
from ozgtrack.views.reliability import Reliability, Thresholds
from ozgtrack.views.results import (
    WITHOUT_OZG, Applicability, Category, Counts, GapAnalysis, GroupBy, GroupRow, Membership, ModelUse, ReleaseRef,
    ServiceGap, Tally, Targets, assessed, categorise, classify, ozg_counts, slot_of, tally,
)
from ozgtrack.views.ozg import OnlineRef
from ozgtrack.views.tracking import RULE, Assignment


@dataclass(frozen=True)
class Options:
    targets: Targets
    lebensbereiche: Lebensbereiche
    stale_months: int = 12
    thresholds: Thresholds = Thresholds()


def options(settings: ReportSettings) -> Options:
    """The analysis options ``[report]`` sets: targets, Lebensbereiche, staleness, reliability thresholds."""
    return Options(Targets.of_settings(settings), load_lebensbereiche(settings.lebensbereiche),
                   settings.stale_months, thresholds(settings))


def analyse(session: Session, context: Context, options: Options) -> GapAnalysis:
    """Count the municipality's services by the definitions of this module."""
    every = assignments(session, context.municipality, context.rules)
    groupings = grouping_ids(session)
    found = [a for a in every if a.service_id not in groupings]
    statuses = _statuses(session, context)
    members = memberships(session, options.lebensbereiche)
    own = executed_levels(context.municipality)
    services = tuple(_gap(a, statuses.get(a.service_id), members.get(a.service_id, ()), own, options.targets)
                     for a in found)
    limit = months_before(context.today, options.stale_months)
    stale = tuple(s for s in services if s.applicability is Applicability.APPLICABLE and s.stage is not None
                  and (s.verified_at is None or s.verified_at < limit))
    totals, catalogue = tally(services), releases(session)
    return GapAnalysis(
        ars=context.municipality.ars, municipality=context.municipality.name, data_date=context.now,
        today=context.today, catalogue=catalogue, targets=options.targets,
        default_model=context.default_model.value, rules_origin=context.rules.origin,
        land_rules=context.rules.land_preset,
        lebensbereiche_origin=options.lebensbereiche.origin, totals=totals,
        out_of_scope=sum(1 for s in services if s.applicability is Applicability.OUT_OF_SCOPE),
        models=_model_use(services, options.targets), services=services,
        groups=_groups(services, options.lebensbereiche), ozg=ozg_counts(services),
        stale_months=options.stale_months, stale=stale,
        reliability=_reliability(session, context, options, totals, services, catalogue,
                                 sum(1 for a in found if a.level is not None and a.origin != RULE)),
        groupings=len(every) - len(found),
        grouping_statuses=grouping_statuses(session, context.municipality.id), demo=context.municipality.demo,
    )


def _reliability(session: Session, context: Context, options: Options, totals: Counts,
                 services: tuple[ServiceGap, ...], catalogue: tuple[ReleaseRef, ...], decided: int) -> Reliability:
    ars = context.municipality.ars
    base = Reliability(0, 0, 0, totals.applicable + totals.not_applicable + totals.undecided, totals.undecided,
                       reliability.newest_evidence(session, ars), reliability.catalogues(catalogue), context.today,
                       options.thresholds, decided=decided, own_listing=reliability.has_own_listing(session, ars),
                       complete_evidence=reliability.newest_evidence(session, ars, complete_only=True))
    return assessed(base, services)


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
        OnlineRef(status["online_number"], status["online_name"]) if status and status["online_number"] else None,
    )


def _statuses(session: Session, context: Context) -> dict[int, Any]:
    columns = (ServiceStatus.service_id, ServiceStatus.stage, ServiceStatus.model, ServiceStatus.planned,
               ServiceStatus.department, ServiceStatus.url, ServiceStatus.verified_at,
               OnlineService.number.label("online_number"), OnlineService.name.label("online_name"))
    # "über Onlinedienst O-003 …": the active online service the register derived the status from.
    via = and_(OnlineService.id == ServiceStatus.online_service_id, OnlineService.retired_at.is_(None))
    found = rows(session, select(*columns).outerjoin(OnlineService, via)
                 .where(ServiceStatus.municipality_id == context.municipality.id))
    return {row["service_id"]: row for row in found.mappings()}


def memberships(session: Session, lebensbereiche: Lebensbereiche) -> dict[int, tuple[Membership, ...]]:
    """Each counted service's OZG-Leistungen with their Lage, Themenfeld and Lebensbereich (the gap report's grouping)."""
    query = (
        current_memberships(OzgMember.service_id, OzgLeistung.ozg_id, OzgLeistung.name, Lage.name, Themenfeld.slug,
                            Themenfeld.name)
        .outerjoin(Lage, OzgLeistung.lage_id == Lage.id)
        .outerjoin(Themenfeld, OzgLeistung.themenfeld_id == Themenfeld.id)
    )
    found: dict[int, dict[str, Membership]] = defaultdict(dict)
    for service_id, ozg_id, name, lage, slug, themenfeld in rows(session, query):
        found[service_id][ozg_id] = Membership(ozg_id, name, lage, themenfeld, lebensbereiche.of(slug, lage))
    return {k: tuple(v[o] for o in sorted(v)) for k, v in found.items()}


def releases(session: Session) -> tuple[ReleaseRef, ...]:
    """The newest release of each catalogue source."""
    return tuple(ReleaseRef(r.id, r.source.value, r.fetched_at, r.published_at) for r in newest_releases(session))


def _model_use(services: tuple[ServiceGap, ...], targets: Targets) -> tuple[ModelUse, ...]:
    out = []
    for model in MaturityModel:
        assessed = [s for s in services if s.applicability is Applicability.APPLICABLE and s.model == model.value]
        if assessed:
            online = sum(1 for s in assessed if s.category is Category.ONLINE)
            out.append(ModelUse(model.value, model.label, targets.of(model), len(assessed), online))
    return tuple(out)


def _groups(services: tuple[ServiceGap, ...], lebensbereiche: Lebensbereiche) -> dict[GroupBy, tuple[GroupRow, ...]]:
    keyed: dict[GroupBy, dict[tuple[str, str, str | None], Tally]] = {g: defaultdict(Tally) for g in GroupBy
                                                                        if g is not GroupBy.SERVICE}
    for gap in services:
        slot = slot_of(gap)
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
