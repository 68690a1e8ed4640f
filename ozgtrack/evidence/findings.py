"""Compare the town's status with the Portalverbund: quick wins, not registered, differing links, levels.

The evidence for a municipality is, for its own ARS and every ARS above it (Verband, Kreis, Land,
Bund), the newest complete listing of each format and the newest sample of each format and origin,
leaving out withdrawn releases (`pvog remove`). The comparison itself (:func:`compare`) is pure.

"nicht gemeldet" needs a complete listing for the town's own ARS (or its Verbandsgemeinde's): a
listing for the Kreis, the Land or the Bund does not hold the town's registrations, and a sample
(an overview of chosen services, one detail answer) says nothing about what it leaves out.

A quick win must be an online service that can stand for the town's own service: registered for
the town itself (or, for a kreisfreie Stadt, its Kreis), or by the Land's editors for every
Kommune — never a Kreis' or the Bund's own service, and never one the shipped list
``catalog/pvog_nicht_gleichwertig.toml`` names (ELSTER takes the tax declaration to the Finanzamt;
the Realsteuer-Festsetzung is the town's own Bescheid).

The PVOG level is suggested only where it is a strong signal: a registration by the Bund (only
Bund entries), the Kreis or the Gemeinde names who executes the service. A Land entry is often
the Land editors' text for a service the Kommunen execute (Personalausweis, Baugenehmigung), so it
never contradicts the town's triage. Every finding is a hint until the town reviews it (`pvog
review`): confirmed, it may be stated as a fact; dismissed, it is no longer reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack.ars import Ars
from ozgtrack.numbers import is_digits
from ozgtrack.errors import ConfigError
from ozgtrack.fields import address_key
from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.sources.pvog import ancestors
from ozgtrack.store.db import rows
from ozgtrack.store.models import AuditAction, AuditEntry, PvogEntry, PvogRelease, PvogReview, Service
from ozgtrack.town import regions
from ozgtrack.town.context import Context
from ozgtrack.town.municipalities import ars_name, is_kreisfrei
from ozgtrack.views.pvog import EvidenceRef, Finding, FindingKind, PvogResult, Review, Verdict
from ozgtrack.views.results import Applicability, Category, GapAnalysis, ServiceGap

# The level a registration suggests, as the town's triage names it; the most local first.
LEVEL_OF = {"gemeinde": "gemeinde", "kreis": "landkreis", "land": "land", "bund": "bund"}
_ORDER = {"gemeinde": 0, "kreis": 1, "land": 2, "bund": 3}
_EFA_RE = re.compile(r"\befa\b|einer f(ü|ue)r alle", re.IGNORECASE)
_FEDERAL_RE = re.compile(r"\bbundes\w*|\(bm[a-z]*\)|\bbmf\b", re.IGNORECASE)
PROVIDER = {"bund": "Bund", "land": "Land", "kreis": "Kreis", "gemeinde": "Gemeinde"}
NOT_EQUIVALENT_FILE = "pvog_nicht_gleichwertig.toml"


def evidence(session: Session, ars: str) -> list[tuple[EvidenceRef, list[dict[str, Any]]]]:
    """For ``ars`` and every ARS above it: the newest complete listing of each format and the newest sample of each
    format and origin (withdrawn releases left out), with their entries."""
    live = PvogRelease.withdrawn_at.is_(None) & PvogRelease.ars.in_(ancestors(ars))
    complete = (select(func.max(PvogRelease.id)).where(live, PvogRelease.complete.is_(True))
                .group_by(PvogRelease.ars, PvogRelease.format))
    samples = (select(func.max(PvogRelease.id)).where(live, PvogRelease.complete.is_(False))
               .group_by(PvogRelease.ars, PvogRelease.format, PvogRelease.origin))
    releases = session.scalars(select(PvogRelease).where(PvogRelease.id.in_(complete.union(samples)))
                               .order_by(PvogRelease.id)).all()
    entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
    columns = (PvogEntry.release_id, PvogEntry.leika_key, PvogEntry.ars, PvogEntry.level, PvogEntry.title,
               PvogEntry.url, PvogEntry.provider, PvogEntry.active, PvogEntry.stated)
    for row in rows(session, select(*columns).where(PvogEntry.release_id.in_([r.id for r in releases]))).mappings():
        entries[row["release_id"]].append(dict(row))
    names = {a: ars_name(session, a) for a in {r.ars for r in releases}}
    return [(_ref(r, entries[r.id], names[r.ars]), entries[r.id]) for r in releases]


def _ref(release: PvogRelease, entries: list[dict[str, Any]], name: str) -> EvidenceRef:
    online = [e for e in entries if e["active"] and e["url"]]
    return EvidenceRef(release.id, release.ars, release.format, release.origin, release.sha256, release.data_date,
                       release.imported_at, release.rows, release.entries, len(online), release.complete, name,
                       len({e["leika_key"] for e in entries}), len({e["leika_key"] for e in online}))


def last_changes(session: Session, municipality_id: int) -> dict[tuple[int, str], datetime]:
    """When the town last changed each service's status or triage: {(service id, action): time}."""
    query = (select(AuditEntry.service_id, AuditEntry.action, func.max(AuditEntry.at))
             .where(AuditEntry.municipality_id == municipality_id,
                    AuditEntry.action.in_([AuditAction.STATUS, AuditAction.TRIAGE]))
             .group_by(AuditEntry.service_id, AuditEntry.action))
    return {(sid, AuditAction(action).value): at for sid, action, at in rows(session, query)}


def reviews(session: Session, municipality_id: int) -> dict[tuple[str, str], tuple[str | None, Review]]:
    """The town's newest verdict per (service key, finding kind), with the online service it was given on."""
    query = (select(Service.key, PvogReview.kind, PvogReview.pvog_url, PvogReview.verdict, PvogReview.reason,
                    PvogReview.by, PvogReview.at)
             .join(Service, PvogReview.service_id == Service.id)
             .where(PvogReview.municipality_id == municipality_id).order_by(PvogReview.id))
    return {(key, kind): (url, Review(Verdict(verdict), reason, by, at))
            for key, kind, url, verdict, reason, by, at in rows(session, query)}


def result(session: Session, context: Context, analysis: GapAnalysis) -> PvogResult | None:
    """The comparison for the municipality of ``context``; None when there is no evidence for it."""
    found = evidence(session, context.municipality.ars)
    if not found:
        return None
    town = Town(context.municipality.ars, is_kreisfrei(context.municipality))
    return compare(analysis, found, last_changes(session, context.municipality.id), town,
                   reviews(session, context.municipality.id))


# --- what can stand for the town's service --------------------------------------------------------


@dataclass(frozen=True)
class Town:
    """What the comparison needs to know of the municipality besides its figures."""

    ars: str
    kreisfrei: bool = False

    @property
    def own_listings(self) -> frozenset[str]:
        """The ARS whose complete listing holds the town's own registrations: its own, and its Verbandsgemeinde's."""
        verband = Ars(self.ars).verband_ars()
        return frozenset({self.ars, *([str(verband)] if verband is not None else [])})


@dataclass(frozen=True)
class NotEquivalent:
    """A known case where a PVOG online service is registered for a service but does not provide it."""

    prefix: str  # LeiKa key prefix
    host: str  # the online service's host (its subdomains too)
    reason: str
    source: str

    def matches(self, key: str, url: str | None) -> bool:
        host = (urlsplit(url or "").hostname or "").lower()
        return key.startswith(self.prefix) and (host == self.host or host.endswith("." + self.host))


@cache
def not_equivalent() -> tuple[NotEquivalent, ...]:
    """The shipped list of known non-equivalences, checked strictly."""
    path = catalog_file(NOT_EQUIVALENT_FILE)
    table = read_toml(path, "Liste nicht gleichwertiger Onlinedienste")
    entries = table.get("entry", [])
    if set(table) - {"entry"} or not isinstance(entries, list):
        raise ConfigError(f"{path}: erwartet werden nur [[entry]]-Einträge")
    return tuple(_not_equivalent(entry, number, path) for number, entry in enumerate(entries, start=1))


def _not_equivalent(entry: Any, number: int, path: Any) -> NotEquivalent:
    fields = ("prefix", "host", "reason", "source")
    if not isinstance(entry, dict) or set(entry) != set(fields) or not all(
            isinstance(entry[f], str) and entry[f].strip() for f in fields) or not is_digits(entry["prefix"]):
        raise ConfigError(f"{path}: [[entry]] Nr. {number} braucht genau prefix (Ziffern als Text), host, reason und "
                          "source, jeweils nicht leer")
    return NotEquivalent(entry["prefix"], entry["host"].strip().lower(), " ".join(entry["reason"].split()),
                         " ".join(entry["source"].split()))


def equivalence(key: str, entry: Mapping[str, Any], town: Town,
                known: Iterable[NotEquivalent] = ()) -> tuple[bool, str]:
    """Whether the online service of ``entry`` can stand for the town's own service ``key``, and why (German)."""
    for case in known:
        if case.matches(key, entry.get("url")):
            return False, f"nicht gleichwertig: {case.reason} (Quelle: {case.source})"
    level = entry.get("level")
    if level == "gemeinde" or (level == "kreis" and town.kreisfrei):
        return True, "für die Kommune selbst im PVOG registriert"
    if level == "land":
        return True, "von der Landesredaktion für die Kommunen des Landes registriert"
    if level == "kreis":
        return False, ("ein Onlinedienst des Landkreises; die Leistung erbringt die Stadt selbst, er nimmt ihre "
                       "Anträge nicht an")
    return False, ("ein Onlinedienst des Bundes; die Leistung erbringt die Stadt selbst – eher ein Hinweis, die "
                   "Zuständigkeit zu prüfen")


# --- the comparison (pure) ------------------------------------------------------------------------


def compare(analysis: GapAnalysis, found: list[tuple[EvidenceRef, list[dict[str, Any]]]],
            changed: Mapping[tuple[int, str], datetime], town: Town | None = None,
            verdicts: Mapping[tuple[str, str], tuple[str | None, Review]] | None = None,
            known: Iterable[NotEquivalent] | None = None) -> PvogResult:
    """Every finding for the services of ``analysis`` against the evidence ``found``."""
    town = town or Town(analysis.ars)
    known = tuple(not_equivalent() if known is None else known)
    found = _efa_by_address(found, regions.land_name(analysis.ars) or "")
    by_key: dict[str, list[tuple[EvidenceRef, dict[str, Any]]]] = defaultdict(list)
    for ref, entries in found:
        for entry in entries:
            by_key[entry["leika_key"]].append((ref, entry))
    own_covered = any(ref.complete and ref.ars in town.own_listings for ref, _ in found)
    land = regions.land_name(analysis.ars) or ""
    findings: list[Finding] = []
    rejected: list[Finding] = []
    own_online = registered = 0
    for gap in analysis.services:
        registrations = by_key.get(gap.key, [])
        online = _best_first([(r, e) for r, e in registrations if e["active"] and e["url"]])
        checked = [(pair, *equivalence(gap.key, pair[1], town, known)) for pair in online]
        if gap.applicability is Applicability.APPLICABLE and gap.category is Category.ONLINE:
            own_online += 1
            registered += any(fits for _, fits, _ in checked)
        found_here, rejected_here = _findings(gap, registrations, checked, own_covered, land, changed, town)
        findings += found_here
        rejected += rejected_here
    kept, dismissed = _reviewed(findings, verdicts or {})
    applicable = sum(1 for s in analysis.services if s.applicability is Applicability.APPLICABLE)
    order = list(FindingKind)
    kept.sort(key=lambda f: (order.index(f.kind), f.key))
    return PvogResult(analysis.ars, analysis.municipality, tuple(ref for ref, _ in found), own_covered, applicable,
                      own_online, registered, tuple(kept), tuple(sorted(rejected, key=lambda f: f.key)),
                      tuple(dismissed))


def _efa_by_address(found: list[tuple[EvidenceRef, list[dict[str, Any]]]],
                    land: str) -> list[tuple[EvidenceRef, list[dict[str, Any]]]]:
    """One online service is one thing: where any entry shows its address as an EfA service, every entry with that
    address says so (the PVOG's Freigabestelle differs from one description to the next)."""
    efa = {normalise(e["url"]) for _, entries in found for e in entries
           if e["url"] and provider_kind(e["level"], e["provider"], land) == "EfA"}
    return [(ref, [{**e, "efa": bool(e["url"]) and normalise(e["url"]) in efa} for e in entries])
            for ref, entries in found]


def _reviewed(findings: list[Finding], verdicts: Mapping[tuple[str, str], tuple[str | None, Review]]
              ) -> tuple[list[Finding], list[Finding]]:
    """Attach the town's verdicts (given on the same online service); a dismissed finding is set apart."""
    kept, dismissed = [], []
    for finding in findings:
        url, review = verdicts.get((finding.key, finding.kind.value), (None, None))
        if review is not None and _same_url(url, finding.pvog_url):
            finding = replace(finding, review=review)
        (dismissed if finding.review and finding.review.verdict is Verdict.DISMISSED else kept).append(finding)
    return kept, dismissed


def _same_url(a: str | None, b: str | None) -> bool:
    return (normalise(a) if a else None) == (normalise(b) if b else None)


def _best_first(pairs: list[tuple[EvidenceRef, dict[str, Any]]]) -> list[tuple[EvidenceRef, dict[str, Any]]]:
    """The most local registration first (the town's own before the Kreis', the Land's, the Bund's), then the newest."""
    return sorted(pairs, key=lambda p: (_ORDER.get(p[1]["level"], 9), -p[0].as_of.timestamp(), p[1]["url"] or ""))


def _findings(gap: ServiceGap, registrations: list, checked: list, own_covered: bool, land: str,
              changed: Mapping[tuple[int, str], datetime], town: Town) -> tuple[list[Finding], list[Finding]]:
    """(the findings for one service, the online services that cannot stand for it).

    ``checked``: the online registrations, best first, each with whether it can stand for the town's own service
    and why. For an own service only those that can count (quick win, link, registered); for another level's
    service the town has no own service to stand for, so every online registration counts for its link.
    """
    own = gap.applicability is Applicability.APPLICABLE
    usable = [(pair, why) for pair, fits, why in checked if fits or not own]
    out, rejected = [], []
    if own and gap.category is not Category.ONLINE and checked:
        if usable:
            out.append(_finding(FindingKind.QUICK_WIN, gap, usable[0][0], land, changed, "status", check=usable[0][1]))
        else:
            pair, _, why = checked[0]
            rejected.append(_finding(FindingKind.QUICK_WIN, gap, pair, land, changed, "status", check=why))
    if own and gap.category is Category.ONLINE and not usable and own_covered:
        out.append(_finding(FindingKind.NOT_REGISTERED, gap, None, land, changed, "status"))
    if gap.url and usable and normalise(gap.url) not in {normalise(pair[1]["url"]) for pair, _ in usable}:
        out.append(_finding(FindingKind.LINK, gap, usable[0][0], land, changed, "status", check=usable[0][1]))
    if registrations and (suggested := suggested_level(gap.level, [e["level"] for _, e in registrations],
                                                       town.kreisfrei)):
        best = _best_first(registrations)[0]
        out.append(_finding(FindingKind.LEVEL, gap, best, land, changed, "triage", suggested))
    return out, rejected


def suggested_level(town: str | None, levels: Iterable[str], kreisfrei: bool = False) -> str | None:
    """The level the registrations suggest where it contradicts the town's, else None (see the module's note).

    A kreisfreie Stadt is Gemeinde and Kreis at once (its own ARS is a Kreis' ARS): between those two there is
    no contradiction.
    """
    levels = set(levels)
    if town is None or not levels:
        return None
    most_local = min(levels, key=lambda level: _ORDER.get(level, 9))
    suggestion = LEVEL_OF.get(most_local)
    if suggestion is None or suggestion == town or most_local == "land":
        return None
    if kreisfrei and {suggestion, town} <= {"gemeinde", "landkreis"}:
        return None
    return suggestion


def _finding(kind: FindingKind, gap: ServiceGap, pair: tuple | None, land: str,
             changed: Mapping[tuple[int, str], datetime], action: str, level: str | None = None,
             check: str | None = None) -> Finding:
    ref, entry = pair if pair else (None, None)
    # the row's own date, else its release's; never after the import (see EvidenceRef.as_of)
    as_of = min(entry.get("stated") or ref.as_of, ref.imported_at) if ref else None
    later = changed.get((gap.service_id, action))
    return Finding(
        kind=kind, key=gap.key, name=gap.name, town_level=gap.level, town_stage=_stage(gap), town_url=gap.url,
        pvog_url=entry["url"] if entry else None, pvog_title=entry["title"] if entry else None,
        provider=("EfA" if entry.get("efa") else provider_kind(entry["level"], entry["provider"], land))
        if entry else None,
        provider_detail=entry["provider"] if entry else None, pvog_level=level,
        release_id=ref.release_id if ref else None, evidence_date=as_of,
        town_changed_at=later if later and as_of and later > as_of else None, check=check,
        entry_level=entry["level"] if entry else None, own_service=gap.applicability is Applicability.APPLICABLE,
    )


def provider_kind(level: str, detail: str | None, land: str) -> str:
    """Bund, Land, Kreis, Gemeinde – or EfA: named so, or a Land entry released by another Land.

    A Land entry released by a federal body (Bundesministerium, BMF) is the Bund's service, not EfA.
    """
    if detail and _EFA_RE.search(detail):
        return "EfA"
    if level == "land" and detail and _FEDERAL_RE.search(detail):
        return "Bund"
    if level == "land" and detail and land and land.casefold() not in detail.casefold():
        return "EfA"
    return PROVIDER.get(level, level)


def normalise(url: str) -> str:
    """A URL compared without its scheme, the case of its host and a trailing slash (:func:`fields.address_key`)."""
    return address_key(url)


def _stage(gap: ServiceGap) -> str | None:
    if gap.stage is None:
        return None
    return f"Reifegrad {gap.stage} nach {'RGM 1.1' if gap.model == 'rgm1' else 'RGM 2.0'}"
