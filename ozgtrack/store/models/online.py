"""The town's register of online services: what citizens use, what it covers, its building blocks; gap blockers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ozgtrack.store.models.base import Base, value_enum
from ozgtrack.values import MaturityModel
from ozgtrack.views.online import Account, Delivery, Intake, Payment, Reply


class OnlineService(Base):
    """An Onlinedienst of a municipality (O-001, counted per municipality); retired, never deleted."""

    __tablename__ = "online_service"
    __table_args__ = (
        UniqueConstraint("municipality_id", "number"),
        CheckConstraint("(stage IS NULL AND model IS NULL) OR (model = 'rgm1' AND stage BETWEEN 0 AND 4) "
                        "OR (model = 'rgm2' AND stage BETWEEN 0 AND 7)", name="stage_in_model"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    delivery: Mapped[Delivery] = mapped_column(value_enum(Delivery, "delivery"))
    provider: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[MaturityModel | None] = mapped_column(value_enum(MaturityModel, "maturity_model"))
    stage: Mapped[int | None]
    department: Mapped[str | None] = mapped_column(String(200))
    live_since: Mapped[date | None]
    account: Mapped[Account | None] = mapped_column(value_enum(Account, "account"))
    payment: Mapped[Payment | None] = mapped_column(value_enum(Payment, "payment"))
    reply: Mapped[Reply | None] = mapped_column(value_enum(Reply, "reply"))
    intake: Mapped[Intake | None] = mapped_column(value_enum(Intake, "intake"))
    system: Mapped[str | None] = mapped_column(String(200))  # the Fachverfahren it feeds
    contract: Mapped[str | None] = mapped_column(String(10))  # reuse contract: ISO date, "nein", or unknown
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(server_default="1")
    retired_at: Mapped[datetime | None]
    retired_by: Mapped[str | None] = mapped_column(String(100))


class OnlineCover(Base):
    """A LeiKa service an online service covers."""

    __tablename__ = "online_cover"
    __table_args__ = (UniqueConstraint("online_service_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    online_service_id: Mapped[int] = mapped_column(ForeignKey("online_service.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"), index=True)


class OnlineEntry(Base):
    """One change of an online service (old → new per field, covers added and removed); only ever appended."""

    __tablename__ = "online_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    online_service_id: Mapped[int] = mapped_column(ForeignKey("online_service.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))  # add | set | covers | retire
    changes: Mapped[dict[str, Any]]
    reason: Mapped[str | None] = mapped_column(Text)


class ServiceBlocker(Base):
    """Why an own service is not online yet (a code of ``catalog/blockers.toml``); cleared, never deleted."""

    __tablename__ = "service_blocker"
    __table_args__ = (Index(None, "municipality_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("leika_service.id"))
    code: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    set_at: Mapped[datetime]
    set_by: Mapped[str] = mapped_column(String(100))
    cleared_at: Mapped[datetime | None]
    cleared_by: Mapped[str | None] = mapped_column(String(100))
