"""Propose the plan's stages: which open measure goes into which year, quick wins first, within capacity.

The algorithm (README "Stufenplan"):

1. Open measures are those not umgesetzt or verworfen. A measure with its own date keeps it: its
   stage is the year (and quarter) of its end, else of its start; it uses up that year's capacity.
2. The others are ordered quick wins first: the highest priority score (`plan priorities`) of the
   open gaps their services cover, then lower cost (an unknown cost counts as ``[plan]
   default_cost``), lower weight, lower number; zurückgestellt measures and measures that cover no
   ranked gap come after. Each goes into the first year that still has room for its weight.
3. Capacity is counted in weight units per year (a measure of the default weight 1 is one unit),
   so ``--capacity 5`` is five ordinary measures a year. What does not fit stays "später".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.catalogue.query import current_memberships
from ozgtrack.plan.values import measure_ref, period_bounds
from ozgtrack.settings import Settings
from ozgtrack.store.db import rows
from ozgtrack.store.models import Measure, OzgLeistung, OzgMember, Service
from ozgtrack.town.context import Context
from ozgtrack.views.priorities import Priority
from ozgtrack.views.stages import CLOSED, MeasureSnapshot, Stage

POSTPONED = "zurückgestellt"


@dataclass(frozen=True)
class Ranked:
    """An open measure with the best priority among the gaps it covers (None: it covers no ranked gap)."""

    measure: MeasureSnapshot
    score: float | None = None
    gap: str | None = None  # the LeiKa key of that gap


def due(measure: MeasureSnapshot) -> tuple[int, int | None] | None:
    """The year and quarter a measure is due by its own dates: its end, else its start; None without dates."""
    value = measure.end or measure.start
    if not value:
        return None
    (year, _), _ = period_bounds(value)
    return year, int(value.partition("-Q")[2]) if "-Q" in value else None


def stage(measures: Iterable[Ranked], years: range, capacity: int, default_cost: int) -> list[Stage]:
    """The stages of the open measures (pure): by year ("später" last), then rank."""
    order = sorted(measures, key=lambda r: _order(r, default_cost))
    load = dict.fromkeys(years, 0)
    placed: dict[int, tuple[int | None, int | None, bool, str]] = {}
    for r in order:
        if (own := due(r.measure)) is not None:
            load[own[0]] = load.get(own[0], 0) + r.measure.weight
            placed[r.measure.number] = (*own, True, _own_reason(r.measure, own[0], years))
    for r in order:
        if r.measure.number in placed:
            continue
        year = next((y for y in years if load[y] + r.measure.weight <= capacity), None)
        if year is not None:
            load[year] += r.measure.weight
        placed[r.measure.number] = (year, None, False, _reason(r, year, years, capacity))
    found = [Stage(rank, *placed[r.measure.number], r.measure) for rank, r in enumerate(order, 1)]
    return sorted(found, key=lambda s: (s.year is None, s.year or 0, s.rank))


def _order(r: Ranked, default_cost: int) -> tuple[object, ...]:
    m = r.measure
    return (m.state == POSTPONED, r.score is None, -(r.score or 0.0), default_cost if m.cost is None else m.cost,
            m.weight, m.number)


def _own_reason(m: MeasureSnapshot, year: int, years: range) -> str:
    which = f"Ende {m.end}" if m.end else f"Beginn {m.start}"
    outside = "" if year in years else " (außerhalb des Planungszeitraums)"
    return f"eigener Termin: {which}{outside}"


def _reason(r: Ranked, year: int | None, years: range, capacity: int) -> str:
    m = r.measure
    if year is None:
        if m.weight > capacity:
            return f"kein Platz: Gewicht {m.weight} ist größer als die Kapazität von {capacity} je Jahr"
        return f"kein Platz: die Kapazität {years[0]}–{years[-1]} ist ausgeschöpft"
    basis = (f"Priorität {wording.score(r.score)} (Lücke {r.gap})" if r.score is not None
             else "deckt keine offene Lücke mit Priorität")
    cost = f"Kosten {wording.number(m.cost)} €" if m.cost is not None else "Kosten nicht geschätzt"
    postponed = "zurückgestellt; " if m.state == POSTPONED else ""
    return f"{postponed}{basis}; {cost}"


# --- gathering the inputs from the database -------------------------------------------------------------


def snapshot(m: Measure) -> MeasureSnapshot:
    return MeasureSnapshot(m.number, measure_ref(m.number), m.title, m.lebensbereich, m.state, m.progress, m.weight,
                           m.cost, tuple(m.services or ()), m.start, m.end)


def open_measures(session: Session, context: Context) -> list[MeasureSnapshot]:
    """The municipality's measures that are not umgesetzt or verworfen, by number."""
    query = select(Measure).where(Measure.municipality_id == context.municipality.id,
                                  Measure.state.not_in(CLOSED)).order_by(Measure.number)
    return [snapshot(m) for m in session.scalars(query)]


def ranked(session: Session, context: Context, settings: Settings,
           measures: Sequence[MeasureSnapshot]) -> list[Ranked]:
    """Each measure with the best priority score of the open gaps its services cover (by key or OZG-ID)."""
    from ozgtrack.plan.priorities import candidates, rank

    scores = {p.key: p for p in rank(candidates(session, context, settings), settings.plan.weights,
                                     settings.plan.default_cost)}
    members = _members(session, {s for m in measures for s in m.services if len(s) != 14})
    return [_best(m, scores, members) for m in measures]


def _best(m: MeasureSnapshot, scores: Mapping[str, Priority], members: Mapping[str, set[str]]) -> Ranked:
    keys = {k for s in m.services for k in ({s} if len(s) == 14 else members.get(s, set()))}
    found = sorted((scores[k] for k in keys if k in scores), key=lambda p: (-p.score, p.key))
    return Ranked(m, found[0].score, found[0].key) if found else Ranked(m)


def _members(session: Session, ozg_ids: set[str]) -> dict[str, set[str]]:
    """The LeiKa keys of the given OZG-IDs (current mappings)."""
    found: dict[str, set[str]] = {}
    if not ozg_ids:
        return found
    query = (current_memberships(OzgLeistung.ozg_id, Service.key).join(Service, Service.id == OzgMember.service_id)
             .where(OzgLeistung.ozg_id.in_(sorted(ozg_ids))))
    for ozg_id, key in rows(session, query):
        found.setdefault(ozg_id, set()).add(key)
    return found
