"""The page for citizens: the town's active online services, each in the Lebensbereiche of the services it covers."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.analysis.gaps import memberships
from ozgtrack.catalogue.lebensbereiche import Lebensbereiche
from ozgtrack.store.db import rows
from ozgtrack.store.models import OnlineService
from ozgtrack.town.context import Context
from ozgtrack.town.online_views import covered_by
from ozgtrack.town.regions import kreis_name, land_name, town_name
from ozgtrack.views.citizens import OTHER_AREA, CitizenArea, CitizenService, CitizensPage
from ozgtrack.views.results import WITHOUT_OZG
from ozgtrack.views.what_counts import Targets, is_online


def citizens_page(session: Session, context: Context, lebensbereiche: Lebensbereiche,
                  targets: Targets = Targets()) -> CitizensPage:
    """The municipality's active online services (retired ones left out) grouped by the Lebensbereiche of the
    services they cover; an online service covering nothing with an OZG grouping stands under "Weitere".
    Each says whether it is complete: its stage counts as online by ``targets`` (what_counts)."""
    town = context.municipality
    services = _active(session, town.id, targets)
    areas = _areas(session, services, lebensbereiche)
    ordered = sorted(areas, key=lambda name: (name == OTHER_AREA, lebensbereiche.rank(name)))
    return CitizensPage(
        ars=town.ars, municipality=town_name(town.name), land=land_name(town.ars), kreis=kreis_name(town.ars),
        demo=town.demo, data_date=context.now,
        areas=tuple(CitizenArea(name, tuple(sorted(areas[name], key=lambda s: (s.name.casefold(), s.number))))
                    for name in ordered),
    )


def _active(session: Session, municipality_id: int, targets: Targets) -> dict[int, CitizenService]:
    """The active online services of the municipality by their id."""
    o = OnlineService
    query = (select(o.id, o.number, o.name, o.url, o.delivery, o.provider, o.account, o.payment, o.stage, o.model)
             .where(o.municipality_id == municipality_id, o.retired_at.is_(None)))
    return {row.id: CitizenService(row.number, row.name, row.url, row.delivery, row.provider, row.account,
                                   row.payment, None if row.stage is None else is_online(row.stage, row.model, targets),
                                   row.stage is not None and row.stage <= 1)
            for row in rows(session, query)}


def _areas(session: Session, services: dict[int, CitizenService],
           lebensbereiche: Lebensbereiche) -> dict[str, list[CitizenService]]:
    """Lebensbereich → the online services covering at least one of its services."""
    covered = covered_by(session, list(services))
    members = memberships(session, lebensbereiche) if covered else {}
    areas: dict[str, list[CitizenService]] = defaultdict(list)
    for online_id, service in services.items():
        names = {m.lebensbereich for s in covered[online_id] for m in members.get(s, ())} - {WITHOUT_OZG}
        for name in names or {OTHER_AREA}:
            areas[name].append(service)
    return areas
