"""Why the town's gaps are open: its own services that are not online, by cause, with the measures that address them.

A gap is an own service that is not online (the gap analysis' definition, :mod:`ozgtrack.analysis.gaps`). Its
causes are the reasons set for it, those derived from the register of online services and, apart, the legal
requirement of the shipped list. A measure addresses a cause when it names the cause's code (``blocker``), or
names no code and lists one of the cause's services (its LeiKa key or one of its OZG-IDs). Rejected measures
(``verworfen``) address nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from ozgtrack.town.blocker_list import blocker_list
from ozgtrack.town.blockers import derived_reasons, legal_reason, set_reasons
from ozgtrack.town.context import Context
from ozgtrack.views.blockers import (
    BlockedService, BlockerList, BlockerReport, BlockerView, Cause, LegalGroup, MeasureRef, Origin,
)
from ozgtrack.views.online import BlockerCode
from ozgtrack.views.results import Applicability, Category, GapAnalysis, ServiceGap

REJECTED = "verworfen"


def analyse(session: Session, context: Context, gaps: GapAnalysis, measures: Sequence[MeasureRef],
            listing: BlockerList | None = None) -> BlockerReport:
    """The open gaps of ``gaps`` by cause; ``measures`` are the plan's (all of them; rejected ones are left out)."""
    listing = listing or blocker_list()
    open_ = [s for s in gaps.services if s.applicability is Applicability.APPLICABLE
             and s.category is not Category.ONLINE]
    ids = [s.service_id for s in open_]
    stored = set_reasons(session, context.municipality.id, ids, listing)
    derived = derived_reasons(session, context.municipality.id, ids, listing)
    live = tuple(m for m in measures if m.state != REJECTED)
    by_code: dict[BlockerCode, list[BlockedService]] = {k.code: [] for k in listing.kinds}
    legal: list[tuple[BlockedService, str, str, str]] = []
    without: list[tuple[str, str]] = []
    for gap in open_:
        reasons = [*stored.get(gap.service_id, ()), *derived.get(gap.service_id, ())]
        law = legal_reason(listing, gap.key)
        for reason in _unique(reasons):
            if reason.code is not BlockerCode.RECHTSLAGE:
                by_code[reason.code].append(_blocked(gap, reason, live))
        set_legal = next((r for r in reasons if r.code is BlockerCode.RECHTSLAGE), None)
        if law is not None or set_legal is not None:
            legal.append(_legal(listing, gap, law, set_legal, live))
        if not reasons and law is None:
            without.append((gap.key, gap.name))
    causes = tuple(_cause(listing, code, tuple(services), live) for code, services in by_code.items()
                   if code is not BlockerCode.RECHTSLAGE)
    return BlockerReport(context.municipality.name, context.municipality.ars, gaps.data_date, len(open_), causes,
                         _legal_groups(listing, legal), tuple(without), listing.origin, demo=gaps.demo)


def _unique(reasons: list[BlockerView]) -> list[BlockerView]:
    """One reason per code: a set one before a derived one (a person's note says more)."""
    seen: dict[BlockerCode, BlockerView] = {}
    for reason in reasons:
        seen.setdefault(reason.code, reason)
    return list(seen.values())


def _ozg_ids(gap: ServiceGap) -> tuple[str, ...]:
    return tuple(m.ozg_id for m in gap.memberships)


def _blocked(gap: ServiceGap, reason: BlockerView, measures: tuple[MeasureRef, ...]) -> BlockedService:
    refs = tuple(m.ref for m in measures if m.addresses(gap.key, _ozg_ids(gap)))
    return BlockedService(gap.key, gap.name, _ozg_ids(gap), reason, refs)


def _cause(listing: BlockerList, code: BlockerCode, services: tuple[BlockedService, ...],
           measures: tuple[MeasureRef, ...]) -> Cause:
    kind = listing.kind(code)
    chosen = tuple(m for m in measures if m.blocker is code or (
        m.blocker is None and any(m.addresses(s.key, s.ozg_ids) for s in services)))
    return Cause(code, kind.label, kind.explanation, kind.measure, services, chosen)


def _legal(listing: BlockerList, gap: ServiceGap, law: BlockerView | None, set_legal: BlockerView | None,
           measures: tuple[MeasureRef, ...]) -> tuple[BlockedService, str, str, str]:
    """A service under the law: its group (title, law, explanation) from the list, or the town's own note."""
    requirement = listing.legal_of(gap.key)
    reason = set_legal or law
    assert reason is not None
    if requirement is not None:
        shown = reason if reason.origin is Origin.LAW else BlockerView(
            reason.code, reason.label, reason.origin, reason.note, reason.set_by, reason.set_at, requirement.law)
        return _blocked(gap, shown, measures), requirement.title, requirement.law, requirement.explanation
    return (_blocked(gap, reason, measures), "weitere, von der Stadt erfasst",
            "von der Stadt genannt (siehe Notiz)", listing.kind(BlockerCode.RECHTSLAGE).explanation)


def _legal_groups(listing: BlockerList, legal: list[tuple[BlockedService, str, str, str]]) -> tuple[LegalGroup, ...]:
    """By requirement, in the list's order; the town's own ones last."""
    order = {r.title: i for i, r in enumerate(listing.legal)}
    groups: dict[tuple[str, str, str], list[BlockedService]] = {}
    for service, title, law, explanation in legal:
        groups.setdefault((title, law, explanation), []).append(service)
    ranked = sorted(groups.items(), key=lambda item: order.get(item[0][0], len(order)))
    return tuple(LegalGroup(title, law, explanation, tuple(services)) for (title, law, explanation), services in ranked)
