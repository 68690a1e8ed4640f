"""What the PVOG commands and report sections show: evidence releases, their diffs, the findings (pure values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FindingKind(StrEnum):
    """What the comparison of the town's status with the Portalverbund found."""

    QUICK_WIN = "quick-win"  # an online service exists in the PVOG; the town has not marked the service online
    NOT_REGISTERED = "not-registered"  # the town marks it online; the PVOG has no online service for the ARS
    LINK = "link"  # both have a URL and they differ
    LEVEL = "level"  # the registration's level contradicts the town's triage


ACCEPTABLE = (FindingKind.QUICK_WIN, FindingKind.LINK, FindingKind.LEVEL)


@dataclass(frozen=True)
class EntryChange:
    """One entry a release added, removed or changed against the previous release of its ARS and format."""

    kind: str  # added | removed | changed
    leika_key: str
    ars: str
    name: str
    url: str | None
    fields: dict[str, list[object]]  # changed: {"url": [old, new], ...}


@dataclass(frozen=True)
class EvidenceRef:
    """One evidence release: which ARS, which format, from where, how current, whether a complete listing."""

    release_id: int | None
    ars: str
    format: str
    origin: str
    sha256: str
    data_date: datetime | None
    imported_at: datetime
    rows: int
    entries: int
    online: int  # entries with an online service
    complete: bool = False  # a complete listing for its ARS (only such a one shows what is missing)
    ars_name: str = ""  # "Bund", "Land Sachsen-Anhalt", "Dessau-Roßlau, Stadt" …
    services: int = 0  # LeiKa services its entries name (an entry is a description × an online service)
    services_online: int = 0  # … of which with an online service

    @property
    def as_of(self) -> datetime:
        """The evidence date: what the file states, else when it was imported; never after the import (a date
        stored before dates after it were refused must not outrank the town's later changes either)."""
        return min(self.data_date, self.imported_at) if self.data_date else self.imported_at


@dataclass(frozen=True)
class ReleaseRow:
    """One line of `pvog releases`: a release with who imported it and whether it was withdrawn."""

    ref: EvidenceRef
    invalid: int
    not_applicable: int
    imported_by: str | None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


@dataclass(frozen=True)
class SyncResult:
    """What a ``pvog sync`` did or would do."""

    release: EvidenceRef
    previous_id: int | None
    added: int
    removed: int
    changed: int
    invalid: int
    not_applicable: int
    changes: tuple[EntryChange, ...]
    problems: tuple[str, ...]
    dry_run: bool = False
    unchanged_release: int | None = None  # the content equals this release: nothing imported
    late: tuple[str, ...] = ()  # warnings: dates after the import, set to the time of import


class Verdict(StrEnum):
    """What the town said of a finding after checking it (`pvog review`)."""

    CONFIRMED = "confirmed"  # checked and true: the report may state it as a fact
    DISMISSED = "dismissed"  # checked and wrong: no longer reported as a finding


@dataclass(frozen=True)
class Review:
    """The town's newest verdict on a finding."""

    verdict: Verdict
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Finding:
    """One finding for a service of the town, with the evidence it rests on; a hint until the town reviews it."""

    kind: FindingKind
    key: str
    name: str
    town_level: str | None
    town_stage: str | None  # as the report shows it ("Reifegrad 2 nach RGM 1.1") or None
    town_url: str | None
    pvog_url: str | None
    pvog_title: str | None
    provider: str | None  # Bund, Land, Kreis, Gemeinde or EfA
    provider_detail: str | None  # the Freigabestelle or Flächendeckung the source names
    pvog_level: str | None  # the level the registration suggests (gemeinde, landkreis, land, bund)
    release_id: int | None
    evidence_date: datetime | None
    town_changed_at: datetime | None = None  # the town changed it after the evidence date: accept leaves it alone
    check: str | None = None  # quick win: why the online service can stand for the town's service (or why not)
    entry_level: str | None = None  # who registered the entry it rests on: bund, land, kreis, gemeinde
    own_service: bool = False  # the service is the town's own (after triage)
    review: Review | None = None  # the town's verdict; None: unreviewed, a hint

    @property
    def confirmed(self) -> bool:
        return self.review is not None and self.review.verdict is Verdict.CONFIRMED


@dataclass(frozen=True)
class PvogResult:
    """The comparison for one municipality: the evidence used, the headline figures and every finding."""

    ars: str
    municipality: str
    evidence: tuple[EvidenceRef, ...]
    own_ars_covered: bool  # evidence for the municipality's own ARS exists ("nicht gemeldet" needs it)
    own_applicable: int
    own_online: int  # own services the town marks online
    own_online_registered: int  # … of which the PVOG has an online service for the ARS
    findings: tuple[Finding, ...]
    # Online services the PVOG names for an own service that cannot stand for it (another level's service,
    # a known non-equivalence such as ELSTER for the Realsteuer-Festsetzung): no quick win, with the reason.
    not_equivalent: tuple[Finding, ...] = ()
    dismissed: tuple[Finding, ...] = ()  # findings the town checked and found wrong

    def of(self, kind: FindingKind) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind is kind)

    @property
    def as_of(self) -> datetime | None:
        return max((e.as_of for e in self.evidence), default=None)


@dataclass(frozen=True)
class AcceptedChange:
    """One suggestion applied (or, in a dry run, to be applied), or left alone with the reason."""

    kind: FindingKind
    key: str
    name: str
    change: str  # German, e.g. "Reifegrad 3 nach RGM 1.1, URL https://…"
    skipped: str | None = None  # why it was left alone
