"""Why a gap is still open: the shipped list of reasons, a service's reasons and the report by cause; no database.

A reason is *set* (a row of ``service_blocker``, by a person, with a note), *derived* from the register of online
services (an active online service covering the service takes fees but no online payment -> ``epayment``; an EfA
service without reuse contract -> ``vertrag``), or comes from the *law* (``catalog/blockers.toml``: services that
need personal appearance or written form). Derived and legal reasons are never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ozgtrack.views.online import BlockerCode


class Origin(StrEnum):
    """Where a reason comes from."""

    SET = "set"  # recorded with `status set --blocker`
    DERIVED = "derived"  # read from an online service's building blocks
    LAW = "law"  # the service is on the list of legal requirements (catalog/blockers.toml)


ORIGIN_LABEL = {Origin.SET: "erfasst", Origin.DERIVED: "abgeleitet", Origin.LAW: "Rechtslage"}
WITHOUT_REASON = "ohne erfassten Grund"


@dataclass(frozen=True)
class BlockerKind:
    """One reason of the shipped list: its code, German label, explanation and the kind of measure that removes it."""

    code: BlockerCode
    label: str
    explanation: str
    measure: str


@dataclass(frozen=True)
class LegalRequirement:
    """Services that the law binds to personal appearance or written form (by LeiKa key prefix), with the law."""

    title: str
    prefixes: tuple[str, ...]
    law: str
    explanation: str

    def covers(self, key: str) -> bool:
        return key.startswith(self.prefixes)


@dataclass(frozen=True)
class BlockerList:
    """The shipped list: the reasons in their order and the legal requirements; where it was read from."""

    kinds: tuple[BlockerKind, ...]
    legal: tuple[LegalRequirement, ...]
    origin: str

    def kind(self, code: BlockerCode | str) -> BlockerKind:
        return next(k for k in self.kinds if k.code == code)

    def label(self, code: BlockerCode | str) -> str:
        return self.kind(code).label

    def legal_of(self, key: str) -> LegalRequirement | None:
        """The legal requirement a LeiKa key falls under, if any."""
        return next((r for r in self.legal if r.covers(key)), None)


@dataclass(frozen=True)
class BlockerView:
    """One reason a service is not online: set (who, when, note), derived (from which online service) or legal."""

    code: BlockerCode
    label: str
    origin: Origin
    note: str | None = None
    set_by: str | None = None
    set_at: datetime | None = None
    source: str | None = None  # derived: "O-003 Wohnsitz anmelden"; law: the legal basis

    @property
    def derived(self) -> bool:
        """Read from the register of online services (never stored)."""
        return self.origin is Origin.DERIVED


@dataclass(frozen=True)
class BlockerChange:
    """What `status set --blocker/--clear-blocker` changes for one service."""

    key: str
    code: BlockerCode
    action: str  # set | note | clear
    note: str | None = None


@dataclass(frozen=True)
class MeasureRef:
    """A measure of the plan as the blocker report names it."""

    ref: str
    title: str
    state: str
    blocker: BlockerCode | None
    services: tuple[str, ...]  # LeiKa keys and OZG-IDs

    def addresses(self, key: str, ozg_ids: tuple[str, ...]) -> bool:
        """Whether the measure lists the service (its key or one of its OZG-Leistungen)."""
        return key in self.services or any(o in self.services for o in ozg_ids)


@dataclass(frozen=True)
class BlockedService:
    """An own service that is not online, under one cause."""

    key: str
    name: str
    ozg_ids: tuple[str, ...]
    reason: BlockerView
    measures: tuple[str, ...] = ()  # refs of the measures that list this service


@dataclass(frozen=True)
class Cause:
    """A cause with its services and the measures that address it."""

    code: BlockerCode
    label: str
    explanation: str
    measure_kind: str
    services: tuple[BlockedService, ...]
    measures: tuple[MeasureRef, ...]


@dataclass(frozen=True)
class LegalGroup:
    """Services that need personal appearance or written form by law, with the law."""

    title: str
    law: str
    explanation: str
    services: tuple[BlockedService, ...]


@dataclass(frozen=True)
class BlockerReport:
    """`report blockers`: the town's open gaps by cause; the legal ones apart; those without any reason counted."""

    municipality: str
    ars: str
    data_date: datetime
    gaps: int  # own services not online
    causes: tuple[Cause, ...]  # every reason of the list except rechtslage, in the list's order (empty ones too)
    legal: tuple[LegalGroup, ...]  # rechtslage: by legal requirement; a set rechtslage without a listed law last
    without_reason: tuple[tuple[str, str], ...]  # (key, name) of open gaps with no reason at all
    origin: str  # where the list of reasons was read from
    demo: bool = False

    @property
    def with_reason(self) -> int:
        return self.gaps - len(self.without_reason)
