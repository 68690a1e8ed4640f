"""The multi-year plan: proposals, measures, case numbers, plan versions; town bundles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ozgtrack.store.models.base import Base


class Proposal(Base):
    """An idea from the Zukunftswerkstatt, a portal, the council or the administration; ``ref`` is its identity.

    ``ref`` is the file's own ID when it has one, else derived from source, title and date, so that
    importing the same list again changes nothing.
    """

    __tablename__ = "plan_proposal"
    __table_args__ = (UniqueConstraint("municipality_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    ref: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    lebensbereich: Mapped[str | None] = mapped_column(String(100))
    ortschaft: Mapped[str | None] = mapped_column(String(100))
    votes: Mapped[int | None]
    source: Mapped[str | None] = mapped_column(String(200))  # Zukunftswerkstatt, Beteiligungsportal …
    submitted: Mapped[date | None]
    imported_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Measure(Base):
    """A Maßnahme of the plan: what, for which Lebensbereich and services, who, when, how far, at what cost.

    State, origin and funding are German words checked in code (``ozgtrack.plan.values``).
    """

    __tablename__ = "plan_measure"
    __table_args__ = (UniqueConstraint("municipality_id", "number"),
                      CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"))

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    number: Mapped[int]  # shown as M-001, counted per municipality
    title: Mapped[str] = mapped_column(Text)
    lebensbereich: Mapped[str | None] = mapped_column(String(100))
    services: Mapped[list[str] | None]  # LeiKa keys and OZG-IDs
    owner: Mapped[str | None] = mapped_column(String(200))  # Fachbereich
    origin: Mapped[str | None] = mapped_column(String(32))
    proposals: Mapped[list[str] | None]  # refs of plan_proposal
    ortschaft: Mapped[str | None] = mapped_column(String(100))
    start: Mapped[str | None] = mapped_column(String(7))  # 2027 or 2027-Q2
    end: Mapped[str | None] = mapped_column(String(7))
    state: Mapped[str] = mapped_column(String(32))
    progress: Mapped[int] = mapped_column(default=0)
    weight: Mapped[int] = mapped_column(default=1)
    cost: Mapped[int | None]  # estimated, whole euros
    funding: Mapped[str | None] = mapped_column(String(32))
    blocker: Mapped[str | None] = mapped_column(String(16))  # the code of catalog/blockers.toml it removes
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))


class MeasureEntry(Base):
    """One change of a measure (old → new per field) or a dated progress note; only ever appended."""

    __tablename__ = "plan_measure_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("plan_measure.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(100))
    changes: Mapped[dict[str, Any]]  # {"state": ["vorgeschlagen", "beschlossen"], ...}; {} for a note alone
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)


class CaseCount(Base):
    """How often a service was requested in the municipality in a year (Fallzahl); one value per service and year."""

    __tablename__ = "plan_case_count"
    __table_args__ = (UniqueConstraint("municipality_id", "service_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"))
    year: Mapped[int]
    cases: Mapped[int]
    imported_at: Mapped[datetime]


# --- plan versions: staged plans, drafts and adopted ones -------------------------------------------


class PlanVersion(Base):
    """A staged plan under a name: a draft (``Entwurf``) until the council adopts it, then frozen (``beschlossen``)."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("municipality_id", "name"),
                      CheckConstraint("state IN ('Entwurf', 'beschlossen')", name="state_known"),
                      CheckConstraint("year_from <= year_to", name="years_ordered"))

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    name: Mapped[str] = mapped_column(String(100))  # "Entwurf 2027-2030"
    year_from: Mapped[int]
    year_to: Mapped[int]
    capacity: Mapped[int]  # weight units per year (a measure of weight 1 is one unit)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    adopted_on: Mapped[date | None]  # the day of the council's decision
    adopted_by: Mapped[str | None] = mapped_column(String(100))
    adopted_text: Mapped[str | None] = mapped_column(Text)  # "Beschluss des Stadtrats vom 12.03.2027"


class PlanVersionItem(Base):
    """One measure in a plan version: its stage year (and quarter), rank, and the measure as it was (snapshot)."""

    __tablename__ = "plan_version_item"
    __table_args__ = (UniqueConstraint("version_id", "measure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("plan_measure.id"), index=True)
    year: Mapped[int | None]  # None: no room within the plan's years and capacity
    quarter: Mapped[int | None]
    rank: Mapped[int]
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)  # the year came from the measure's own start/end
    reason: Mapped[str | None] = mapped_column(Text)  # why this year, in German ("Priorität 4,6 …")
    snapshot: Mapped[dict[str, Any]]  # number, title, lebensbereich, state, progress, weight, cost, services


class PlanVersionEntry(Base):
    """One act on a plan version (built, built again, adopted); only ever appended."""

    __tablename__ = "plan_version_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))  # build | rebuild | adopt | rename
    changes: Mapped[dict[str, Any]]
    note: Mapped[str | None] = mapped_column(Text)


# --- town bundles -----------------------------------------------------------------------------------


class BundleImport(Base):
    """A town bundle merged into this database (`ozgtrack import town`): whose, from when, by whom, what it changed.

    Kept only when the bundle changed something, so importing the same bundle again leaves no trace.
    """

    __tablename__ = "town_bundle_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    exported_at: Mapped[datetime]  # UTC, as the bundle states it
    exported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime]  # UTC
    imported_by: Mapped[str] = mapped_column(String(100))
    services: Mapped[int] = mapped_column(default=0)
    entries: Mapped[int] = mapped_column(default=0)
    conflicts: Mapped[int] = mapped_column(default=0)
