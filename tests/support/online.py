"""Online services written straight into a test database with the ORM (for readers of the register)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.store.database import db_url
from ozgtrack.store.db import open_database
from ozgtrack.store.models import Municipality, OnlineCover, OnlineService, Service

AT = datetime(2026, 11, 25, 8, 30)


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
