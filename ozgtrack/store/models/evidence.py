"""Evidence from the Portalverbund (PVOG): releases, entries, reviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from ozgtrack.store.models.base import Base


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
