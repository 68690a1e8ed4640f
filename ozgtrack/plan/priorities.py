"""Rank the town's open gaps by a documented score; each row keeps the parts its score is made of.

The open gaps are the town's own services (applicable) that are not online. Each gets five parts,
each a value from 0 to 1, multiplied by its weight (``[plan] weights``):

- cases: the service's case number in its newest year, divided by the highest among the gaps;
- votes: the votes of the proposals linked to the measures covering the service (by LeiKa key or
  one of its OZG-IDs; each proposal once), divided by the highest among the gaps. Proposals are not
  matched by Lebensbereich: that would give hundreds of services the same votes;
- obligation: 1 when a legal obligation of ``catalog/obligations.toml`` applies, else 0;
- efa: 1 when the PVOG evidence has an online service for it (a quick win: an EfA or Land
  solution the town can connect to), else 0;
- effort: the cost of the cheapest measure covering it (else ``[plan] default_cost``), divided by
  the highest among the gaps; it is subtracted.

score = cases + votes + obligation + efa − effort (each weighted); ties by LeiKa key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.analysis.gaps import analyse, options
from ozgtrack.errors import ConfigError
from ozgtrack.evidence.findings import result as pvog_result
from ozgtrack.plan.cases import newest
from ozgtrack.plan.values import measure_ref
from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.settings import PRIORITY_WEIGHTS, Settings
from ozgtrack.store.db import rows
from ozgtrack.store.models import Measure, Proposal, Service
from ozgtrack.town.context import Context
from ozgtrack.views.priorities import Priority, ScorePart
from ozgtrack.views.pvog import FindingKind
from ozgtrack.views.results import Category, ServiceGap

_CRITERIA = ("ozg_ids", "key_prefixes", "typisierung", "themenfelder")
PARTS = tuple(PRIORITY_WEIGHTS)


@dataclass(frozen=True)
class Obligation:
    name: str
    deadline: dt.date | None
    source: str
    criteria: Mapping[str, tuple[str, ...]]

    def applies(self, key: str, ozg_ids: set[str], codes: set[str], themenfelder: set[str]) -> bool:
        have = {"ozg_ids": ozg_ids, "typisierung": codes, "themenfelder": themenfelder}
        for criterion, values in self.criteria.items():
            if criterion == "key_prefixes":
                if not any(key.startswith(v) for v in values):
                    return False
            elif not have[criterion] & set(values):
                return False
        return bool(self.criteria)


@dataclass(frozen=True)
class Candidate:
    """What the score of one open gap rests on."""

    key: str
    name: str
    cases: tuple[int, int] | None = None  # (year, cases) of the newest year
    votes: int = 0
    proposals: tuple[str, ...] = ()
    obligations: tuple[str, ...] = ()
    quick_win: str | None = None  # who offers the online service (EfA, Land, Kreis …) and whether the town checked it
    cost: int | None = None  # of the cheapest measure covering the gap
    measure: str | None = None


def load_obligations(path: Path | None = None) -> list[Obligation]:
    """The obligations of ``catalog/obligations.toml`` (or ``path``)."""
    path = path or catalog_file("obligations.toml")
    found = []
    for item in read_toml(path, "Pflichtenliste").get("obligation", []):
        criteria = {c: tuple(str(v) for v in item[c]) for c in _CRITERIA if c in item}
        if not criteria or "name" not in item:
            raise ConfigError(f"{path}: jede Pflicht braucht einen Namen und mindestens ein Merkmal "
                              f"({', '.join(_CRITERIA)})")
        found.append(Obligation(item["name"], item.get("deadline"), item.get("source", ""), criteria))
    return found


def rank(candidates: Iterable[Candidate], weights: Mapping[str, float], default_cost: int) -> list[Priority]:
    """The candidates with their scores, highest first (pure)."""
    candidates = list(candidates)
    top_cases = max((c.cases[1] for c in candidates if c.cases), default=0)
    top_votes = max((c.votes for c in candidates), default=0)
    top_cost = max((default_cost if c.cost is None else c.cost for c in candidates), default=0)
    scored = []
    for c in candidates:
        parts = _parts(c, weights, default_cost, top_cases, top_votes, top_cost)
        scored.append((round(sum(p.points for p in parts), 2), c, parts))
    scored.sort(key=lambda s: (-s[0], s[1].key))
    return [Priority(i, c.key, c.name, score, parts) for i, (score, c, parts) in enumerate(scored, 1)]


def _parts(c: Candidate, weights: Mapping[str, float], default_cost: int, top_cases: int, top_votes: int,
           top_cost: int) -> tuple[ScorePart, ...]:
    cost = default_cost if c.cost is None else c.cost
    values = {
        "cases": (c.cases[1] / top_cases if c.cases and top_cases else 0.0,
                  f"{wording.plural(c.cases[1], 'Fall', 'Fälle')} {c.cases[0]}" if c.cases else "keine Fallzahlen"),
        "votes": (c.votes / top_votes if top_votes else 0.0,
                  f"{wording.plural(c.votes, 'Stimme', 'Stimmen')} ({', '.join(c.proposals)})" if c.proposals
                  else "keine verknüpfte Idee"),
        "obligation": (1.0 if c.obligations else 0.0, "; ".join(c.obligations) or "keine Pflicht bekannt"),
        "efa": (1.0 if c.quick_win else 0.0,
                f"Onlinedienst laut PVOG: {c.quick_win}" if c.quick_win else "keine Lösung im PVOG-Nachweis"),
        "effort": (cost / top_cost if top_cost else 0.0,
                   f"{wording.number(cost)} € ({c.measure})" if c.measure and c.cost is not None
                   else f"{wording.number(cost)} € (Annahme)"),
    }
    sign = {"effort": -1.0}
    return tuple(ScorePart(p, round(v, 4), weights[p], round(sign.get(p, 1.0) * weights[p] * v, 2) + 0.0, basis)
                 for p, (v, basis) in values.items())


# --- gathering the inputs from the database -------------------------------------------------------------


def candidates(session: Session, context: Context, settings: Settings,
               obligations: list[Obligation] | None = None) -> list[Candidate]:
    """One candidate per open gap of the town, with everything its score rests on."""
    analysis = analyse(session, context, options(settings.report))
    gaps = [g for g in analysis.applicable if g.category is not Category.ONLINE]
    codes = {i: t for i, t in rows(session, select(Service.id, Service.typisierung))}
    pvog = pvog_result(session, context, analysis)
    quick = {f.key: f"{f.provider or '?'}, {'geprüft' if f.confirmed else 'Hinweis, ungeprüft'}"
             for f in (pvog.findings if pvog else ()) if f.kind is FindingKind.QUICK_WIN}
    cases = newest(session, context.municipality.id)
    covering = _measures(session, context)
    votes = {ref: n for ref, n in rows(session, select(Proposal.ref, Proposal.votes)
                                        .where(Proposal.municipality_id == context.municipality.id))}
    duties = load_obligations() if obligations is None else obligations
    return [_candidate(g, codes.get(g.service_id), cases.get(g.service_id), covering, votes, quick, duties)
            for g in gaps]


def _measures(session: Session, context: Context) -> dict[str, list[Measure]]:
    """The measures (not verworfen) by each LeiKa key or OZG-ID they cover."""
    found: dict[str, list[Measure]] = defaultdict(list)
    for measure in session.scalars(select(Measure).where(Measure.municipality_id == context.municipality.id,
                                                         Measure.state != "verworfen").order_by(Measure.number)):
        for item in measure.services or ():
            found[item].append(measure)
    return found


def _candidate(gap: ServiceGap, typisierung: str | None, cases: tuple[int, int] | None,
               covering: Mapping[str, list[Measure]], votes: Mapping[str, int | None], quick: Mapping[str, str],
               duties: list[Obligation]) -> Candidate:
    ozg_ids = {m.ozg_id for m in gap.memberships}
    measures = {m.id: m for item in (gap.key, *sorted(ozg_ids)) for m in covering.get(item, ())}
    proposals = sorted({p for m in measures.values() for p in m.proposals or ()})
    costed = sorted((m.cost, m.number) for m in measures.values() if m.cost is not None)
    cheapest = next((m for m in measures.values() if costed and m.number == costed[0][1]), None)
    codes = set((typisierung or "").split(";")) - {""}
    themen = {m.themenfeld for m in gap.memberships if m.themenfeld}
    applying = tuple(o.name for o in duties if o.applies(gap.key, ozg_ids, codes, themen))
    return Candidate(gap.key, gap.name, cases, sum(votes.get(p) or 0 for p in proposals), tuple(proposals),
                     applying, quick.get(gap.key), cheapest.cost if cheapest else None,
                     measure_ref(cheapest.number) if cheapest else None)
