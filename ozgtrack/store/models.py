"""Database tables as SQLAlchemy 2.0 declarative models; Alembic migrations create them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, DateTime, Enum, ForeignKey, Index, MetaData, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ozgtrack.leika import ServiceKind
from ozgtrack.records import ChangeKind, Source
from ozgtrack.values import Level, MaturityModel
from ozgtrack.views.links import LinkState

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def value_enum(enum: type[StrEnum], name: str, *, checked: bool = True) -> Enum:
    """Store an enum as its value in a VARCHAR (portable; no native ENUM type to migrate).

    ``checked=False`` leaves out the CHECK constraint: the values are validated in code only,
    so adding one needs no migration (catalogue sources, whose list is ``sources.REGISTRY``).
    """
    return Enum(enum, name=name, native_enum=False, create_constraint=checked, length=16,
                values_callable=lambda members: [m.value for m in members], validate_strings=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # none_as_null: Python None is SQL NULL, not the JSON text "null".
    type_annotation_map = {datetime: DateTime(), date: Date(), dict[str, Any]: JSON(none_as_null=True), list[str]: JSON(none_as_null=True)}


def release_fk(nullable: bool = False) -> Mapped[Any]:
    return mapped_column(ForeignKey("catalogue_release.id"), nullable=nullable)


class Release(Base):
    """One sync of one source: where it came from, its checksum and what it changed."""

    __tablename__ = "catalogue_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[Source] = mapped_column(value_enum(Source, "source", checked=False))
    origin: Mapped[str] = mapped_column(Text)  # URL or file path
    sha256: Mapped[str] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[datetime]  # UTC
    published_at: Mapped[datetime | None]  # newest date the release itself states
    delta_since: Mapped[datetime | None]  # FIM updated_since; None for a complete release
    rows: Mapped[int] = mapped_column(default=0)
    services: Mapped[int] = mapped_column(default=0)
    members: Mapped[int] = mapped_column(default=0)
    invalid: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    withdrawn: Mapped[int] = mapped_column(default=0)
    reappeared: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)


class Service(Base):
    """A LeiKa service; never deleted, only marked withdrawn when no source lists it any more."""

    __tablename__ = "leika_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(Text)
    name2: Mapped[str | None] = mapped_column(Text)
    typisierung_raw: Mapped[str | None] = mapped_column(String(100))  # as the source wrote it
    typisierung: Mapped[str | None] = mapped_column(String(100))  # known codes, "1;2/3"
    gruppierung: Mapped[str] = mapped_column(String(3))
    kennung: Mapped[str] = mapped_column(String(3))
    verrichtung: Mapped[str] = mapped_column(String(3))
    detail: Mapped[str] = mapped_column(String(3))
    leistungsobjekt_id: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[ServiceKind] = mapped_column(value_enum(ServiceKind, "service_kind"))
    synonyms: Mapped[list[str] | None]
    features: Mapped[list[str] | None]  # "Besondere Merkmale"
    legal_basis: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text)  # folded names and synonyms
    first_release_id: Mapped[int] = release_fk()
    last_release_id: Mapped[int] = release_fk()
    withdrawn_release_id: Mapped[int | None] = release_fk(nullable=True)
    withdrawn_at: Mapped[datetime | None]


class ServicePresence(Base):
    """Whether a source lists a service; a service is withdrawn when all its presences are."""

    __tablename__ = "service_presence"
    __table_args__ = (UniqueConstraint("service_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"))
    source: Mapped[Source] = mapped_column(value_enum(Source, "source", checked=False))
    first_release_id: Mapped[int] = release_fk()
    last_release_id: Mapped[int] = release_fk()
    withdrawn_release_id: Mapped[int | None] = release_fk(nullable=True)


class Themenfeld(Base):
    """One of the 14 OZG Themenfelder, keyed by its FIM slug."""

    __tablename__ = "themenfeld"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Lage(Base):
    """A Lebens- or Geschäftslage within a Themenfeld."""

    __tablename__ = "lage"
    __table_args__ = (UniqueConstraint("themenfeld_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    themenfeld_id: Mapped[int] = mapped_column(ForeignKey("themenfeld.id"))
    name: Mapped[str] = mapped_column(String(300))


class OzgLeistung(Base):
    """An OZG-Leistung (OZG-ID); withdrawn when no source maps a service to it any more."""

    __tablename__ = "ozg_leistung"

    id: Mapped[int] = mapped_column(primary_key=True)
    ozg_id: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(Text)
    themenfeld_id: Mapped[int | None] = mapped_column(ForeignKey("themenfeld.id"))
    lage_id: Mapped[int | None] = mapped_column(ForeignKey("lage.id"))
    first_release_id: Mapped[int] = release_fk()
    last_release_id: Mapped[int] = release_fk()
    withdrawn_release_id: Mapped[int | None] = release_fk(nullable=True)


class OzgMember(Base):
    """OZG-Leistung ↔ LeiKa mapping as one source states it; rows "nicht im LeiKa" have no service."""

    __tablename__ = "ozg_member"
    __table_args__ = (UniqueConstraint("source", "ozg_leistung_id", "member_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[Source] = mapped_column(value_enum(Source, "source", checked=False))
    ozg_leistung_id: Mapped[int] = mapped_column(ForeignKey("ozg_leistung.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("leika_service.id"), index=True)
    member_ref: Mapped[str] = mapped_column(String(40))  # the key, or "name:" + hash of the name
    leika_name: Mapped[str] = mapped_column(Text)
    first_release_id: Mapped[int] = release_fk()
    last_release_id: Mapped[int] = release_fk()
    withdrawn_release_id: Mapped[int | None] = release_fk(nullable=True)


class CatalogueChange(Base):
    """One entry of a release's diff: a service or an OZG-Leistung changed, withdrawn or back.

    Additions are not stored here: a service or OZG-Leistung was added by its ``first_release_id``.
    """

    __tablename__ = "catalogue_change"
    __table_args__ = (
        CheckConstraint("service_id IS NOT NULL OR ozg_leistung_id IS NOT NULL", name="subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("catalogue_release.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("leika_service.id"), index=True)
    ozg_leistung_id: Mapped[int | None] = mapped_column(ForeignKey("ozg_leistung.id"))
    kind: Mapped[ChangeKind] = mapped_column(value_enum(ChangeKind, "change_kind"))
    fields: Mapped[dict[str, Any] | None]  # {"name": [old, new], ...}


# --- the town's view -------------------------------------------------------------------------------


class AuditAction(StrEnum):
    """What an audit entry records."""

    TRIAGE = "triage"
    STATUS = "status"
    MOVE = "move"


class Municipality(Base):
    """A Gemeinde from the Destatis ARS list; one database can hold many (a Landkreis runs it for all)."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    ars: Mapped[str] = mapped_column(String(12), unique=True)
    ags: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(200))  # "Hinweis", e.g. Stadt-/Ortsteil
    land: Mapped[str] = mapped_column(String(2))
    kreis_ars: Mapped[str] = mapped_column(String(12), index=True)
    imported_at: Mapped[datetime]
    # Set by `ozgtrack demo` on its demo town: the figures are invented, and every report says so.
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Responsibility(Base):
    """A town's decision who executes a service, overriding the Typisierung rule; with reason, who and when."""

    __tablename__ = "responsibility"
    __table_args__ = (UniqueConstraint("municipality_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"), index=True)
    level: Mapped[Level] = mapped_column(value_enum(Level, "level"))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime]
    # How many triage changes the service has had (ozgtrack.town.record_versions): the optimistic version check.
    version: Mapped[int] = mapped_column(server_default="1")


class ServiceStatus(Base):
    """How far a service is online for a municipality; a stage always carries its maturity model."""

    __tablename__ = "service_status"
    __table_args__ = (
        UniqueConstraint("municipality_id", "service_id"),
        CheckConstraint("(stage IS NULL AND model IS NULL) OR (model = 'rgm1' AND stage BETWEEN 0 AND 4) "
                        "OR (model = 'rgm2' AND stage BETWEEN 0 AND 7)", name="stage_in_model"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"), index=True)
    model: Mapped[MaturityModel | None] = mapped_column(value_enum(MaturityModel, "maturity_model"))
    stage: Mapped[int | None]
    url: Mapped[str | None] = mapped_column(Text)
    portal: Mapped[str | None] = mapped_column(String(200))
    efa_solution: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    contact: Mapped[str | None] = mapped_column(String(200))
    planned: Mapped[str | None] = mapped_column(String(10))  # 2027-06-30 or 2027-Q2
    note: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[date | None]
    verified_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))
    # How many status changes the service has had (ozgtrack.town.record_versions): the optimistic version check.
    version: Mapped[int] = mapped_column(server_default="1")


class AuditEntry(Base):
    """One change of triage or status: old → new per field, who, when and why. Only ever appended."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index(None, "municipality_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(100))
    action: Mapped[AuditAction] = mapped_column(value_enum(AuditAction, "audit_action"))
    changes: Mapped[dict[str, Any]]  # {"stage": [1, 3], ...}
    reason: Mapped[str | None] = mapped_column(Text)


# --- baselines --------------------------------------------------------------------------------------


class Baseline(Base):
    """Figures frozen under a name (``IST-2026``) so later reports can say what changed since."""

    __tablename__ = "baseline"
    __table_args__ = (UniqueConstraint("municipality_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    summary: Mapped[dict[str, Any]]  # headline figures and what they were counted with


class BaselineEntry(Base):
    """One service as a baseline saw it."""

    __tablename__ = "baseline_entry"
    __table_args__ = (UniqueConstraint("baseline_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    baseline_id: Mapped[int] = mapped_column(ForeignKey("baseline.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"), index=True)
    key: Mapped[str] = mapped_column(String(14))  # as it was, should the service move to another key
    applicability: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(16))
    model: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[int | None]


# --- reports by e-mail --------------------------------------------------------------------------


class MailMessage(Base):
    """A report e-mail: queued in the outbox until the server took it, then kept as sent.

    The time of the last sent report of a kind is what "since last" compares with.
    """

    __tablename__ = "mail_message"
    __table_args__ = (Index(None, "municipality_id", "kind", "department", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    kind: Mapped[str] = mapped_column(String(16))  # weekly | department
    department: Mapped[str | None] = mapped_column(String(200))
    recipients: Mapped[list[str]]
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    body: Mapped[str] = mapped_column(Text)  # the whole message (RFC 5322), attachment included
    since_label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A newer report of the same kind, period and recipients took this unsent one's place.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("mail_message.id"))


# --- link checks ----------------------------------------------------------------------------------


class LinkCheck(Base):
    """One check of a status's online URL. Every check is kept; the newest of the current URL is the state."""

    __tablename__ = "link_check"
    __table_args__ = (Index(None, "municipality_id", "service_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"))
    url: Mapped[str] = mapped_column(Text)  # as the status had it when checked
    state: Mapped[LinkState] = mapped_column(value_enum(LinkState, "link_state"))
    http_status: Mapped[int | None]
    final_url: Mapped[str | None] = mapped_column(Text)  # where redirects led; None when nowhere else
    redirects: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)  # why, in German, for people
    checked_at: Mapped[datetime]  # UTC


# --- evidence from the Portalverbund (PVOG) ----------------------------------------------------------


class PvogRelease(Base):
    """One import of PVOG evidence for an ARS: its format, origin, data date, checksum and what it changed."""

    __tablename__ = "pvog_release"
    __table_args__ = (Index(None, "ars", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ars: Mapped[str] = mapped_column(String(12))  # the ARS its rows name (the listing's own); applies to all below it
    format: Mapped[str] = mapped_column(String(20))  # an EvidenceFormat value, checked in code
    origin: Mapped[str] = mapped_column(Text)  # URL, or the file name (no local path)
    sha256: Mapped[str] = mapped_column(String(64))
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    data_date: Mapped[datetime | None]  # the newest date the file states (Updatedatum, datenstand …)
    imported_at: Mapped[datetime]  # UTC
    rows: Mapped[int] = mapped_column(default=0)
    entries: Mapped[int] = mapped_column(default=0)
    invalid: Mapped[int] = mapped_column(default=0)
    not_applicable: Mapped[int] = mapped_column(default=0)  # entries of the file for ARS that --ars left out
    added: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    # A complete listing for its ARS (a Suchdienst CSV or dashboard export per ARS) can show that something is
    # missing; a partial one (a sample of services, one detail answer) only what is there.
    complete: Mapped[bool] = mapped_column(default=False, server_default=false())
    imported_by: Mapped[str | None] = mapped_column(String(100))
    withdrawn_at: Mapped[datetime | None]  # `pvog remove`: kept, but no longer evidence
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))


class PvogReview(Base):
    """The town's verdict on a PVOG finding: confirmed (a fact) or dismissed (wrong); only ever appended.

    A verdict holds for the online service it was given on (``pvog_url``): new evidence with another
    address is a new finding, unreviewed again.
    """

    __tablename__ = "pvog_review"
    __table_args__ = (Index(None, "municipality_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"))
    kind: Mapped[str] = mapped_column(String(20))  # a FindingKind value, checked in code
    pvog_url: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(12))  # confirmed | dismissed
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class PvogEntry(Base):
    """One registration of a release: a LeiKa service for an ARS, with at most one online service."""

    __tablename__ = "pvog_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("pvog_release.id"), index=True)
    leika_key: Mapped[str] = mapped_column(String(14), index=True)
    ars: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(16))  # bund | land | kreis | gemeinde
    service_name: Mapped[str] = mapped_column(Text)
    lb_id: Mapped[str | None] = mapped_column(String(200))
    od_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    stated: Mapped[datetime | None]  # the date the row states (Updatedatum, pvogStand …), where it states one


# --- the multi-year plan: citizens' proposals and measures ------------------------------------------


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
    action: Mapped[str] = mapped_column(String(16))  # build | rebuild | adopt
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
