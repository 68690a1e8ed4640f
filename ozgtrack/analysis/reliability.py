"""How solid the figures are (``ozgtrack.views.reliability``): the dates of the data they rest on.

The PVOG evidence that applies to a town is what the comparison with the Portalverbund reads: for its
ARS and every ARS above it (``ozgtrack.sources.pvog.ancestors``), the newest complete listing of each
format and the newest sample of each format and origin, withdrawn releases left out; the newest of
those by the date it states (``data_date``), else the day it was imported, dates the evidence.
The catalogue is dated by the newest release of each source, each the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.ars import Ars
from ozgtrack.settings import ReportSettings
from ozgtrack.sources.pvog import ancestors
from ozgtrack.store.db import rows
from ozgtrack.store.models import PvogRelease
from ozgtrack.views.reliability import Dated, Thresholds, newest
from ozgtrack.views.results import ReleaseRef

_CHUNK = 500  # ARS per query: a Land's or the country's towns would exceed the bound parameters of SQLite


def thresholds(settings: ReportSettings) -> Thresholds:
    """From when figures are solid (``[report] min_triage``, ``min_assessed``): the chapter's and the roll-up's."""
    return Thresholds.percent(settings.min_triage, settings.min_assessed)


def pvog_releases(session: Session, ars: Iterable[str], complete_only: bool = False) -> list[Dated]:
    """The PVOG releases in effect for one of ``ars`` exactly (the newest import of each format, as the comparison
    with the Portalverbund reads them), each by its ARS, stated date and import time."""
    wanted, newest_of = sorted(set(ars)), {}
    for start in range(0, len(wanted), _CHUNK):
        query = (select(PvogRelease.id, PvogRelease.ars, PvogRelease.format, PvogRelease.complete, PvogRelease.origin,
                        PvogRelease.data_date, PvogRelease.imported_at)
                 .where(PvogRelease.ars.in_(wanted[start:start + _CHUNK]), PvogRelease.withdrawn_at.is_(None))
                 .order_by(PvogRelease.id))
        if complete_only:
            query = query.where(PvogRelease.complete.is_(True))
        for _, a, kind, complete, origin, stated, imported in rows(session, query):
            # A later import replaces an earlier one of the same listing (ozgtrack.evidence.findings.evidence): a complete
            # listing of its ARS and format, a sample of its ARS, format and origin.
            newest_of[(a, kind, complete, None if complete else origin)] = Dated(a, stated, imported)
    return list(newest_of.values())


def above(ars: Iterable[str]) -> set[str]:
    """Every ARS whose evidence applies to one of ``ars``: each itself and those above it."""
    return {a for one in ars for a in ancestors(one)}


def evidence_for(releases: Iterable[Dated], ars: str) -> Dated | None:
    """The newest of ``releases`` that applies to ``ars``; None when none does."""
    applies = set(ancestors(ars))
    return newest([r for r in releases if r.name in applies])


def _own(ars: str) -> list[str]:
    """The ARS whose complete listing holds a town's own registrations: its own, and its Verbandsgemeinde's."""
    verband = Ars(ars).verband_ars()
    return [ars, *([str(verband)] if verband is not None else [])]


def with_own_listing(session: Session, ars: Iterable[str]) -> set[str]:
    """The towns of ``ars`` for which a complete PVOG listing (not withdrawn) exists for their own ARS or their
    Verbandsgemeinde's: only such a listing holds a town's own registrations (``ozgtrack.evidence.findings``)."""
    towns = sorted(set(ars))
    wanted, listed = sorted({a for t in towns for a in _own(t)}), set()
    for start in range(0, len(wanted), _CHUNK):
        listed |= set(session.scalars(select(PvogRelease.ars).where(
            PvogRelease.ars.in_(wanted[start:start + _CHUNK]), PvogRelease.complete.is_(True),
            PvogRelease.withdrawn_at.is_(None))))
    return {t for t in towns if listed & set(_own(t))}


def has_own_listing(session: Session, ars: str) -> bool:
    """Whether a complete PVOG listing exists for the town's own ARS or its Verbandsgemeinde's."""
    return bool(with_own_listing(session, [ars]))


def newest_evidence(session: Session, ars: str, complete_only: bool = False) -> Dated | None:
    """The newest PVOG evidence for the town ``ars`` (``complete_only``: of the complete listings); None when none
    was imported."""
    return evidence_for(pvog_releases(session, ancestors(ars), complete_only), ars)


def catalogues(releases: Iterable[ReleaseRef]) -> tuple[Dated, ...]:
    """The catalogue releases (the newest of each source) by their stated date (Datenstand) and import."""
    return tuple(Dated(r.source, r.published_at, r.fetched_at) for r in releases)
