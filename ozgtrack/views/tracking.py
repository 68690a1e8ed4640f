"""What the town's commands show: municipalities, triage, statuses, their history; no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ozgtrack.records import RowProblem
from ozgtrack.values import Level
from ozgtrack.views.links import LinkCheckView
from ozgtrack.views.online import OnlineLink


@dataclass(frozen=True)
class MunicipalityView:
    """A municipality as `municipality list` shows it."""

    ars: str
    ags: str
    name: str
    note: str | None
    land: str
    kreis_ars: str


@dataclass(frozen=True)
class ImportSummary:
    """What importing an ARS list did."""

    added: int
    updated: int
    unchanged: int
    problems: tuple[RowProblem, ...]


# --- triage ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleMatch:
    """The rule that sets a service's level while the town has not decided it; ``reason`` is German."""

    level: Level | None  # None: information only, out of scope
    reason: str
    file: str  # the rules file's name (never a local path)
    layer: str  # allgemein | land | stadt
    prefix: str | None = None  # the key prefix that matched; None: the Typisierung decided
    typ: tuple[str, ...] = ()  # the Typisierung codes the rule is limited to
    source: str | None = None  # where the rule comes from (law, URL)


# How a service got its level: its own decision, its Leistungsobjekt's decision, or a rule.
DECISION, INHERITED, RULE = "decision", "inherited", "rule"


@dataclass(frozen=True)
class Assignment:
    """The level a service has for a municipality and how it came about."""

    service_id: int
    key: str
    name: str
    typisierung: str | None
    level: Level | None  # None: out of scope
    decided: bool  # the service has a decision of its own
    reason: str
    by: str | None
    at: datetime | None
    withdrawn: bool
    origin: str = RULE  # decision | inherited | rule
    rule: RuleMatch | None = None  # what the rules say, decided or not


@dataclass(frozen=True)
class TriageFilters:
    """Which services `triage list` and `triage export` show; empty fields do not filter."""

    search: str | None = None
    themenfeld: str | None = None
    lage: str | None = None
    lebensbereich: str | None = None
    ozg_ids: tuple[str, ...] = ()
    typ: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()  # level values, "info" for out of scope
    undecided: bool = False  # level unklar
    decided: bool = False  # only services with a decision of their own


@dataclass(frozen=True)
class TriageChange:
    """What a triage command changes for one service: its level and reason, before and after."""

    key: str
    name: str
    old_level: str
    new_level: str
    old_reason: str
    new_reason: str
    how: str  # decision | reset | inherited


@dataclass(frozen=True)
class RuleFileView:
    """A rules file in effect: its layer, its name and how many rules it has."""

    layer: str
    file: str
    label: str
    rules: int


@dataclass(frozen=True)
class RulesView:
    """Which rules files are in effect and how many services each level gets, by what set it."""

    municipality: str
    ars: str
    files: tuple[RuleFileView, ...]
    notes: tuple[str, ...]  # kreisfreie Stadt, Verbandsgemeinde
    counts: dict[str, dict[str, int]]  # set by (file name, "Entscheidungen", …) -> level -> services
    totals: dict[str, int]  # level -> services


@dataclass(frozen=True)
class TriageDetail:
    """One service's level and what set it: the deciding rule, or the decision."""

    key: str
    name: str
    typisierung: str | None
    level: str
    origin: str
    reason: str
    rule: RuleMatch
    decision: dict[str, Any] | None  # by, at, reason, key (the Leistungsobjekt's, when inherited)
    version: int = 0  # how many triage changes so far (`triage set --expect-version`)


@dataclass(frozen=True)
class KeyChange:
    """What one command changed for one service: {field: [old, new]}."""

    key: str
    changes: dict[str, list[Any]]


@dataclass(frozen=True)
class Decision:
    """A level the town decides for one service, with its reason."""

    service_id: int
    level: Level
    reason: str


@dataclass(frozen=True)
class Target:
    """What a command acts on: one LeiKa key or all services of an OZG-Leistung."""

    text: str
    ozg_id: str | None
    services: tuple[tuple[int, str], ...]  # (id, key)


# --- statuses --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusUpdate:
    """New values for one service's status (only the fields given change)."""

    service_id: int
    values: dict[str, Any]
    verified: bool = False


@dataclass(frozen=True)
class StatusResult:
    changed: list[KeyChange]
    skipped: list[str]  # keys left out: not the town's own (when not strict)
    problems: dict[int, str]  # service id -> what is wrong; nothing of that service was written


@dataclass(frozen=True)
class StatusView:
    """A service as the town sees it: level, status fields and OZG-Leistungen."""

    key: str
    name: str
    level: str | None
    level_decided: bool
    level_reason: str
    model: str | None
    stage: int | None
    url: str | None
    portal: str | None
    efa_solution: str | None
    department: str | None
    contact: str | None
    planned: str | None
    note: str | None
    verified_at: date | None
    verified_by: str | None
    updated_at: datetime | None
    updated_by: str | None
    withdrawn: bool
    ozg_ids: tuple[str, ...]
    link_check: LinkCheckView | None = None  # the newest check of the current URL
    version: int = 0  # how many status changes so far (`status set --expect-version`)
    level_version: int = 0  # how many triage changes so far (`triage set --expect-version`)
    online: OnlineLink | None = None  # the online service the stage, URL and department come from


@dataclass(frozen=True)
class Filters:
    department: str | None = None
    stage_below: int | None = None
    stale_months: int | None = None
    unknown: bool = False  # only services never assessed
    undecided: bool = False  # include undecided services without a status
    groupings: bool = False  # include Leistungsobjekte with Verrichtungen (groupings, see ozgtrack.catalogue.counting)
    broken: bool = False  # only services whose current link the newest check found broken


@dataclass(frozen=True)
class HistoryView:
    at: datetime
    by: str
    action: str
    changes: dict[str, list[Any]]
    reason: str | None


@dataclass(frozen=True)
class Orphan:
    """A withdrawn service that still carries the town's work."""

    key: str
    name: str
    withdrawn_release_id: int
    withdrawn_at: datetime | None
    stage: int | None
    model: str | None
    department: str | None
    level: str | None


@dataclass(frozen=True)
class Waiting:
    """A report e-mail in the outbox, not sent yet."""

    id: int
    created_at: datetime
    recipients: tuple[str, ...]
    subject: str
    attempts: int
    last_error: str | None
