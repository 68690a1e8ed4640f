"""Baselines and trends: freeze today's figures under a name, compare now with a baseline or a date.

A baseline keeps every service as it was counted (applicability, category, stage, model). A
date is reconstructed from the history: the audit log holds every triage and status change,
so replaying it up to the end of that day gives the state of the day (levels not decided then
follow today's rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.catalogue.counting import grouping_ids
from ozgtrack.catalogue.query import services_at
from ozgtrack.errors import InputError, NotFoundError
from ozgtrack.store.models import AuditEntry, Baseline, BaselineEntry, Service
from ozgtrack.town.context import Context
from ozgtrack.town.municipalities import executed_levels
from ozgtrack.town.replay import step
from ozgtrack.values import Level
from ozgtrack.views.results import (
    Applicability, BaselineView, Category, Counts, GapAnalysis, GroupBy, Reference, Targets, Then, Trend, categorise,
    classify,
)


def freeze(session: Session, context: Context, analysis: GapAnalysis, name: str) -> int:
    """Store today's figures as baseline ``name``; names are unique per municipality."""
    name = " ".join(name.split())
    if not name:
        raise InputError(f"ein {wording.BASELINE} braucht einen Namen, z. B. IST-2026")
    exists = session.scalar(select(Baseline.id).where(Baseline.municipality_id == context.municipality.id,
                                                      Baseline.name == name))
    if exists:
        raise InputError(f"den {wording.BASELINE} {name!r} gibt es schon; {wording.BASELINES} werden nie "
                         "überschrieben, wählen Sie einen anderen Namen")
    summary = {"totals": asdict(analysis.totals), "coverage": analysis.totals.coverage,
               "targets": asdict(analysis.targets), "catalogue": [r.id for r in analysis.catalogue],
               "lebensbereiche": {g.key: g.counts.coverage for g in analysis.groups[GroupBy.LEBENSBEREICH]}}
    baseline_id = session.execute(insert(Baseline).returning(Baseline.id).values(
        municipality_id=context.municipality.id, name=name, created_at=context.now, created_by=context.by,
        summary=summary)).scalar_one()
    rows = [{"baseline_id": baseline_id, "service_id": s.service_id, "key": s.key,
             "applicability": s.applicability.value, "category": s.category.value if s.category else None,
             "model": s.model, "stage": s.stage} for s in analysis.services
            if s.applicability is not Applicability.OUT_OF_SCOPE]
    session.execute(insert(BaselineEntry), rows)
    return baseline_id


def baselines(session: Session, context: Context) -> list[BaselineView]:
    rows = session.scalars(select(Baseline).where(Baseline.municipality_id == context.municipality.id)
                           .order_by(Baseline.created_at, Baseline.id))
    return [BaselineView(b.name, b.created_at, b.created_by, b.summary["totals"]["applicable"],
                         b.summary["totals"]["online"], b.summary["coverage"]) for b in rows]


def reference(session: Session, context: Context, since: str, targets: Targets) -> Reference:
    """A baseline by name, or a date (2026-01-31, 31.01.2026) reconstructed from the history."""
    baseline = session.scalars(select(Baseline).where(Baseline.municipality_id == context.municipality.id,
                                                      Baseline.name == since.strip())).first()
    if baseline is not None:
        return _from_baseline(session, baseline)
    day = _parse_day(since)
    if day is None:
        raise NotFoundError(f"kein {wording.BASELINE} namens {since!r}, und es ist kein Datum (2026-01-31 oder "
                            f"31.01.2026); die {wording.BASELINES} zeigt `ozgtrack report baselines`")
    return _from_history(session, context, day, targets)


def latest_reference(session: Session, context: Context) -> Reference | None:
    """The newest baseline, the default a chapter compares with."""
    baseline = session.scalars(select(Baseline).where(Baseline.municipality_id == context.municipality.id)
                               .order_by(Baseline.created_at.desc(), Baseline.id.desc())).first()
    return _from_baseline(session, baseline) if baseline else None


def _from_baseline(session: Session, baseline: Baseline) -> Reference:
    entries = session.scalars(select(BaselineEntry).where(BaselineEntry.baseline_id == baseline.id))
    # A baseline frozen before the counting unit holds groupings: its totals stay as frozen, but a
    # grouping is no service that could have become "no longer the town's own".
    groupings = grouping_ids(session)
    services = {e.service_id: Then(e.key, Applicability(e.applicability), Category(e.category) if e.category else None)
                for e in entries if e.service_id not in groupings}
    return Reference(baseline.name, baseline.created_at, services, Counts(**baseline.summary["totals"]))


def _parse_day(text: str) -> date | None:
    text = text.strip()
    if match := re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", text):
        text = f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _from_history(session: Session, context: Context, day: date, targets: Targets) -> Reference:
    """The state at the end of ``day``."""
    if day >= context.today:
        raise InputError(f"der {day:%d.%m.%Y} liegt nicht in der Vergangenheit; vergleichen Sie mit einem "
                         "früheren Datum")
    # Stored times are UTC; the end of the local day is close enough for a daily comparison.
    return reference_at(session, context, datetime.combine(day + timedelta(days=1), time()), day.isoformat(), targets)


def reference_at(session: Session, context: Context, until: datetime, label: str, targets: Targets) -> Reference:
    """The state just before ``until`` (UTC): services that existed then, their decided levels and statuses."""
    levels, statuses = replay(session, context, until)
    own = executed_levels(context.municipality)
    groupings = grouping_ids(session)  # today's counting unit, so that then and now count alike
    services = {}
    for service_id, key, typisierung in existing(session, until):
        if service_id in groupings:
            continue
        level = levels[service_id] if service_id in levels else context.rules.default(key, typisierung)[0]
        applicability = classify(level, own)
        if applicability is Applicability.OUT_OF_SCOPE:
            continue
        status = statuses.get(service_id, {})
        category = categorise(status.get("stage"), status.get("model"), status.get("planned"), targets) \
            if applicability is Applicability.APPLICABLE else None
        services[service_id] = Then(key, applicability, category)
    return Reference(label, until, services, _count(services.values()))


def replay(session: Session, context: Context,
           until: datetime) -> tuple[dict[int, Level], dict[int, dict[str, Any]]]:
    """The decisions standing just before ``until`` (UTC) and each service's status fields, from the audit log."""
    levels: dict[int, str] = {}
    statuses: dict[int, dict[str, Any]] = {}
    entries = session.scalars(select(AuditEntry).where(AuditEntry.municipality_id == context.municipality.id,
                                                       AuditEntry.at < until).order_by(AuditEntry.at, AuditEntry.id))
    for entry in entries:
        # A decision taken back (its entry records the level it fell back to, perhaps "info") leaves no
        # decision: what holds then is the rule, or the Leistungsobjekt's decision, as for any undecided service.
        step(levels, statuses, entry.service_id, entry.action.value, entry.changes, entry.reason)
    return {service_id: Level(level) for service_id, level in levels.items()}, statuses


def existing(session: Session, until: datetime) -> Iterable[tuple[int, str, str | None]]:
    """Services that a release before ``until`` listed and none had withdrawn by then."""
    return session.execute(services_at(until, Service.id, Service.key, Service.typisierung)).all()


def _count(services: Iterable[Then]) -> Counts:
    values = {"applicable": 0, "online": 0, "in_progress": 0, "offline": 0, "unknown": 0, "not_applicable": 0,
              "undecided": 0}
    for then in services:
        if then.applicability is Applicability.APPLICABLE:
            values["applicable"] += 1
            values[then.category.value] += 1
        else:
            values[then.applicability.value] += 1
    return Counts(**values)


def compare(reference: Reference, analysis: GapAnalysis) -> Trend:
    """Newly online, regressions, newly applicable, no longer applicable and still open services."""
    newly_online, regressions, newly_applicable, still_open = [], [], [], []
    now_applicable = set()
    for gap in analysis.applicable:
        now_applicable.add(gap.service_id)
        then = reference.services.get(gap.service_id)
        was_applicable = then is not None and then.applicability is Applicability.APPLICABLE
        online = gap.category is Category.ONLINE
        if not was_applicable:
            newly_applicable.append(gap)
        elif online and then.category is not Category.ONLINE:
            newly_online.append(gap)
        elif not online and then.category is Category.ONLINE:
            regressions.append(gap)
        elif not online:
            still_open.append(gap)
    names = {s.service_id: s.name for s in analysis.services}
    gone = tuple((then.key, names.get(service_id, "")) for service_id, then in reference.services.items()
                 if then.applicability is Applicability.APPLICABLE and service_id not in now_applicable)
    return Trend(reference.label, reference.at, reference.totals, tuple(newly_online), tuple(regressions),
                 tuple(newly_applicable), tuple(sorted(gone)), tuple(still_open))
