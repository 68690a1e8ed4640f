"""Database tables as SQLAlchemy 2.0 declarative models, one module per room; Alembic migrations create them."""

from __future__ import annotations

from ozgtrack.store.models.base import NAMING_CONVENTION, Base, release_fk, value_enum
from ozgtrack.store.models.catalogue import Release, Service, ServicePresence, Themenfeld, Lage, OzgLeistung, OzgMember, CatalogueChange
from ozgtrack.store.models.town import AuditAction, Municipality, Responsibility, ServiceStatus, AuditEntry, Baseline, BaselineEntry, MailMessage, LinkCheck
from ozgtrack.store.models.evidence import PvogRelease, PvogReview, PvogEntry
from ozgtrack.store.models.online import OnlineService, OnlineCover, OnlineEntry, ServiceBlocker
from ozgtrack.store.models.plan import Proposal, Measure, MeasureEntry, CaseCount, PlanVersion, PlanVersionItem, PlanVersionEntry, BundleImport

__all__ = [
    "NAMING_CONVENTION",
    "Base",
    "release_fk",
    "value_enum",
    "Release",
    "Service",
    "ServicePresence",
    "Themenfeld",
    "Lage",
    "OzgLeistung",
    "OzgMember",
    "CatalogueChange",
    "AuditAction",
    "Municipality",
    "Responsibility",
    "ServiceStatus",
    "AuditEntry",
    "Baseline",
    "BaselineEntry",
    "MailMessage",
    "LinkCheck",
    "PvogRelease",
    "PvogReview",
    "PvogEntry",
    "Proposal",
    "Measure",
    "MeasureEntry",
    "CaseCount",
    "PlanVersion",
    "PlanVersionItem",
    "PlanVersionEntry",
    "BundleImport",
    "OnlineService",
    "OnlineCover",
    "OnlineEntry",
    "ServiceBlocker",
]
