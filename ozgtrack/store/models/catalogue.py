"""The catalogue: releases, LeiKa services, Themenfelder, Lagen, OZG-Leistungen and their changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ozgtrack.leika import ServiceKind
from ozgtrack.records import ChangeKind, Source
from ozgtrack.store.models.base import Base, release_fk, value_enum


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
