"""Compare the town's status with the Portalverbund: quick wins, not registered, differing links, levels.

The evidence for a municipality is the newest release of each format for its own ARS and every
ARS above it (Verband, Kreis, Land, Bund). The comparison itself (:func:`compare`) is pure.

The PVOG level is suggested only where it is a strong signal: a registration by the Bund (only
Bund entries), the Kreis or the Gemeinde names who executes the service. A Land entry is often
the Land editors' text for a service the Kommunen execute (Personalausweis, Baugenehmigung), so it
never contradicts the town's triage.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack import regions
from ozgtrack.analysis.results import Applicability, Category, GapAnalysis, ServiceGap
from ozgtrack.context import Context
from ozgtrack.db import rows
from ozgtrack.models import AuditAction, AuditEntry, PvogEntry, PvogRelease
from ozgtrack.sources.pvog import ancestors
from ozgtrack.views.pvog import EvidenceRef, Finding, FindingKind, PvogResult

# The level a registration suggests, as the town's triage names it; the most local first.
LEVEL_OF = {"gemeinde": "gemeinde", "kreis": "landkreis", "land": "land", "bund": "bund"}
_ORDER = {"gemeinde": 0, "kreis": 1, "land": 2, "bund": 3}
_EFA_RE = re.compile(r"\befa\b|einer f(ü|ue)r alle", re.IGNORECASE)
PROVIDER = {"bund": "Bund", "land": "Land", "kreis": "Kreis", "gemeinde": "Gemeinde"}


def evidence(session: Session, ars: str) -> list[tuple[EvidenceRef, list[dict[str, Any]]]]:
    """The newest release of each format for ``ars`` and every ARS above it, with its entries."""
    newest = (select(func.max(PvogRelease.id)).where(PvogRelease.ars.in_(ancestors(ars)))
              .group_by(PvogRelease.ars, PvogRelease.format))
    releases = session.scalars(select(PvogRelease).where(PvogRelease.id.in_(newest)).order_by(PvogRelease.id)).all()
    entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
    columns = (PvogEntry.release_id, PvogEntry.leika_key, PvogEntry.ars, PvogEntry.level, PvogEntry.title,
               PvogEntry.url, PvogEntry.provider, PvogEntry.active)
    for row in rows(session, select(*columns).where(PvogEntry.release_id.in_([r.id for r in releases]))).mappings():
        entries[row["release_id"]].append(dict(row))
    return [(_ref(r, entries[r.id]), entries[r.id]) for r in releases]


def _ref(release: PvogRelease, entries: list[dict[str, Any]]) -> EvidenceRef:
    online = sum(1 for e in entries if e["active"] and e["url"])
    return EvidenceRef(release.id, release.ars, release.format, release.origin, release.sha256, release.data_date,
                       release.imported_at, release.rows, release.entries, online)


def last_changes(session: Session, municipality_id: int) -> dict[tuple[int, str], datetime]:
    """When the town last changed each service's status or triage: {(service id, action): time}."""
    query = (select(AuditEntry.service_id, AuditEntry.action, func.max(AuditEntry.at))
             .where(AuditEntry.municipality_id == municipality_id,
                    AuditEntry.action.in_([AuditAction.STATUS, AuditAction.TRIAGE]))
             .group_by(AuditEntry.service_id, AuditEntry.action))
    return {(sid, AuditAction(action).value): at for sid, action, at in rows(session, query)}


def result(session: Session, context: Context, analysis: GapAnalysis) -> PvogResult | None:
    """The comparison for the municipality of ``context``; None when there is no evidence for it."""
    found = evidence(session, context.municipality.ars)
    if not found:
        return None
    return compare(analysis, found, last_changes(session, context.municipality.id))


# --- the comparison (pure) ------------------------------------------------------------------------


def compare(analysis: GapAnalysis, found: list[tuple[EvidenceRef, list[dict[str, Any]]]],
            changed: Mapping[tuple[int, str], datetime]) -> PvogResult:
    """Every finding for the services of ``analysis`` against the evidence ``found``."""
    by_key: dict[str, list[tuple[EvidenceRef, dict[str, Any]]]] = defaultdict(list)
    for ref, entries in found:
        for entry in entries:
            by_key[entry["leika_key"]].append((ref, entry))
    own_covered = any(ref.ars == analysis.ars for ref, _ in found)
    land = regions.land_name(analysis.ars) or ""
    findings: list[Finding] = []
    own_online = registered = 0
    for gap in analysis.services:
        registrations = by_key.get(gap.key, [])
        online = _best_first([(r, e) for r, e in registrations if e["active"] and e["url"]])
        if gap.applicability is Applicability.APPLICABLE and gap.category is Category.ONLINE:
            own_online += 1
            registered += bool(online)
        findings += _findings(gap, registrations, online, own_covered, land, changed)
    applicable = sum(1 for s in analysis.services if s.applicability is Applicability.APPLICABLE)
    order = list(FindingKind)
    findings.sort(key=lambda f: (order.index(f.kind), f.key))
    return PvogResult(analysis.ars, analysis.municipality, tuple(ref for ref, _ in found), own_covered, applicable,
                      own_online, registered, tuple(findings))


def _best_first(pairs: list[tuple[EvidenceRef, dict[str, Any]]]) -> list[tuple[EvidenceRef, dict[str, Any]]]:
    """The most local registration first (the town's own before the Kreis', the Land's, the Bund's), then the newest."""
    return sorted(pairs, key=lambda p: (_ORDER.get(p[1]["level"], 9), -p[0].as_of.timestamp(), p[1]["url"] or ""))


def _findings(gap: ServiceGap, registrations: list, online: list, own_covered: bool, land: str,
              changed: Mapping[tuple[int, str], datetime]) -> list[Finding]:
    own = gap.applicability is Applicability.APPLICABLE
    out = []
    if own and gap.category is not Category.ONLINE and online:
        out.append(_finding(FindingKind.QUICK_WIN, gap, online[0], land, changed, "status"))
    if own and gap.category is Category.ONLINE and not online and own_covered:
        out.append(_finding(FindingKind.NOT_REGISTERED, gap, None, land, changed, "status"))
    if gap.url and online and normalise(gap.url) not in {normalise(e["url"]) for _, e in online}:
        out.append(_finding(FindingKind.LINK, gap, online[0], land, changed, "status"))
    if registrations and (suggested := suggested_level(gap.level, [e["level"] for _, e in registrations])):
        best = _best_first(registrations)[0]
        out.append(_finding(FindingKind.LEVEL, gap, best, land, changed, "triage", suggested))
    return out


def suggested_level(town: str | None, levels: Iterable[str]) -> str | None:
    """The level the registrations suggest where it contradicts the town's, else None (see the module's note)."""
    levels = set(levels)
    if town is None or not levels:
        return None
    most_local = min(levels, key=lambda level: _ORDER.get(level, 9))
    suggestion = LEVEL_OF.get(most_local)
    if suggestion is None or suggestion == town or most_local == "land":
        return None
    return suggestion


def _finding(kind: FindingKind, gap: ServiceGap, pair: tuple | None, land: str,
             changed: Mapping[tuple[int, str], datetime], action: str, level: str | None = None) -> Finding:
    ref, entry = pair if pair else (None, None)
    as_of = ref.as_of if ref else None
    later = changed.get((gap.service_id, action))
    return Finding(
        kind=kind, key=gap.key, name=gap.name, town_level=gap.level, town_stage=_stage(gap), town_url=gap.url,
        pvog_url=entry["url"] if entry else None, pvog_title=entry["title"] if entry else None,
        provider=provider_kind(entry["level"], entry["provider"], land) if entry else None,
        provider_detail=entry["provider"] if entry else None, pvog_level=level,
        release_id=ref.release_id if ref else None, evidence_date=as_of,
        town_changed_at=later if later and as_of and later > as_of else None,
    )


def provider_kind(level: str, detail: str | None, land: str) -> str:
    """Bund, Land, Kreis, Gemeinde – or EfA: named so, or a Land entry released by another Land or the Bund."""
    if detail and _EFA_RE.search(detail):
        return "EfA"
    if level == "land" and detail and land and land.casefold() not in detail.casefold():
        return "EfA"
    return PROVIDER.get(level, level)


def normalise(url: str) -> str:
    """A URL compared without its scheme, the case of its host and a trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{(parts.netloc or '').lower()}{path}{query}"


def _stage(gap: ServiceGap) -> str | None:
    if gap.stage is None:
        return None
    return f"Reifegrad {gap.stage} nach {'RGM 1.1' if gap.model == 'rgm1' else 'RGM 2.0'}"
