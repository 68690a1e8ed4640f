"""The town's view: municipalities, decisions, statuses with their history, baselines, mail, link checks."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ozgtrack.values import Level, MaturityModel
from ozgtrack.views.links import LinkState
from ozgtrack.store.models.base import Base, value_enum


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
    # The online service the stage, URL and department were taken from (ozgtrack.town.online); None: set directly.
    online_service_id: Mapped[int | None] = mapped_column(ForeignKey("online_service.id"))
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
