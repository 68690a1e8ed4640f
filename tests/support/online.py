"""Online services written straight into a test database, as the register (`ozgtrack online add`) writes them.

An OnlineService row, its OnlineCover rows, and for each covered service a status carrying the online
service's stage, URL and department with ``online_service_id`` set (the "one truth" of issue 22).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.store.database import db_url
from ozgtrack.store.db import open_database
from ozgtrack.store.models import Municipality, OnlineCover, OnlineService, Service, ServiceStatus
from ozgtrack.values import MaturityModel
from ozgtrack.views.online import Delivery

AT = datetime(2026, 11, 20, 10, 0)


@dataclass(frozen=True)
class Registered:
    """What to register: the online service, the keys it covers, and which of them take its status."""

    number: int
    name: str
    delivery: Delivery
    covers: tuple[str, ...]
    stage: int | None = 3
    url: str | None = None
    blocks: tuple[tuple[str, str], ...] = ()  # ("payment", "keins"), ("contract", "2025-03-01") …
    provider: str | None = None
    retired: bool = False
    derive: tuple[str, ...] | None = None  # the keys whose status it sets; None: all it covers


def register(target: Path | str, ars: str, *services: Registered) -> None:
    """Write ``services`` for the municipality ``ars``; fails loudly on an unknown key."""
    engine = open_database(db_url(str(target)))
    with Session(engine) as session:
        town = session.scalars(select(Municipality).where(Municipality.ars == ars)).one()
        for spec in services:
            online = OnlineService(
                municipality_id=town.id, number=spec.number, name=spec.name, url=spec.url, delivery=spec.delivery,
                provider=spec.provider, model=MaturityModel.RGM1 if spec.stage is not None else None, stage=spec.stage,
                created_at=AT, created_by="test", updated_at=AT, updated_by="test",
                retired_at=AT if spec.retired else None, **dict(spec.blocks))
            session.add(online)
            session.flush()
            for key in spec.covers:
                service = session.scalars(select(Service).where(Service.key == key)).one()
                session.add(OnlineCover(online_service_id=online.id, service_id=service.id))
                if spec.derive is None or key in spec.derive:
                    _derive(session, town.id, service.id, online)
        session.commit()
    engine.dispose()


def _derive(session: Session, town_id: int, service_id: int, online: OnlineService) -> None:
    status = session.scalars(select(ServiceStatus).where(ServiceStatus.municipality_id == town_id,
                                                         ServiceStatus.service_id == service_id)).one_or_none()
    if status is None:
        status = ServiceStatus(municipality_id=town_id, service_id=service_id, updated_at=AT, updated_by="test")
        session.add(status)
    status.model, status.stage, status.url = online.model, online.stage, online.url
    status.online_service_id = online.id


def set_status(target: Path | str, ars: str, key: str, stage: int | None, planned: str | None = None) -> None:
    """A status set directly (no online service), Reifegradmodell 1.1."""
    engine = open_database(db_url(str(target)))
    with Session(engine) as session:
        town = session.scalars(select(Municipality).where(Municipality.ars == ars)).one()
        service = session.scalars(select(Service).where(Service.key == key)).one()
        session.add(ServiceStatus(municipality_id=town.id, service_id=service.id,
                                  model=MaturityModel.RGM1 if stage is not None else None, stage=stage,
                                  planned=planned, updated_at=AT, updated_by="test"))
        session.commit()
    engine.dispose()


def add_online(target: Path | str, ars: str, number: int, name: str, covers: tuple[str, ...] = (),
               **fields: Any) -> None:
    """Record online service O-``number`` of the municipality ``ars`` covering the LeiKa ``covers``; ``fields`` are
    the other columns (``delivery`` defaults to ``eigen``). Fails where the town or a key is missing."""
    engine = open_database(db_url(str(target)))
    try:
        with Session(engine) as session, session.begin():
            town = session.scalar(select(Municipality.id).where(Municipality.ars == ars))
            assert town is not None, f"no municipality {ars}"
            row = OnlineService(municipality_id=town, number=number, name=name, created_at=AT, created_by="test",
                                updated_at=AT, updated_by="test", **{"delivery": "eigen", **fields})
            session.add(row)
            session.flush()
            for key in covers:
                service = session.scalar(select(Service.id).where(Service.key == key))
                assert service is not None, f"no LeiKa service {key}"
                session.add(OnlineCover(online_service_id=row.id, service_id=service))
    finally:
        engine.dispose()
