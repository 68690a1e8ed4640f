"""The release ledger: the newest release of each source, the one query for it.

Before anything else, ``catalog sync`` needs the newest release of each source: its checksum
and HTTP validators decide whether there is anything to import at all. For a SQLite file at
the current schema this module answers with the standard library, without loading SQLAlchemy
(about a quarter of a second), so the daily cron sync that finds nothing new stays cheap.
Anything unusual (another kind of database, an older schema, a missing or locked file) is
asked the same query through SQLAlchemy instead.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ozgtrack.records import Source
from ozgtrack.store.database import Database
from ozgtrack.store.db import head_revision

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Plain SQL that SQLite and PostgreSQL both run: the standard library and SQLAlchemy share it.
NEWEST = ("SELECT id, source, origin, sha256, etag, last_modified, fetched_at FROM catalogue_release "
          "WHERE id IN (SELECT max(id) FROM catalogue_release GROUP BY source)")


@dataclass(frozen=True)
class LedgerEntry:
    """The newest release of one source."""

    id: int
    source: Source
    origin: str
    sha256: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime


Ledger = dict[Source, LedgerEntry | None]


def newest_releases(database: Database) -> Ledger:
    """The newest release per source (None for one never synced); opens the engine only when sqlite3 cannot answer."""
    found = read_sqlite(database.sqlite_file)
    return found if found is not None else read_engine(database.engine())


def read_sqlite(path: Path | None) -> Ledger | None:
    """The ledger of a SQLite file at the current schema, or None when this shortcut cannot answer.

    A file that does not exist yet has no releases: a sync that fails before it imports must not
    leave an empty database behind.
    """
    if path is not None and not os.path.lexists(path):
        return dict.fromkeys(Source)
    if path is None or not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)) as connection:
            if connection.execute("SELECT version_num FROM alembic_version").fetchall() != [(head_revision(),)]:
                return None
            return _ledger(connection.execute(NEWEST).fetchall())
    except (sqlite3.Error, ValueError):
        return None


def read_engine(engine: Engine) -> Ledger:
    """The same query through SQLAlchemy (any database, any schema the engine was migrated to)."""
    from sqlalchemy import text

    with engine.connect() as connection:
        return _ledger(connection.execute(text(NEWEST)).all())


def _ledger(rows: Iterable[Any]) -> Ledger:
    found: Ledger = dict.fromkeys(Source)
    for id_, source, origin, sha256, etag, last_modified, fetched_at in rows:
        # sqlite3 returns the timestamp as text; PostgreSQL drivers as a datetime
        at = fetched_at if isinstance(fetched_at, datetime) else datetime.fromisoformat(fetched_at)
        found[Source(source)] = LedgerEntry(id_, Source(source), origin, sha256, etag, last_modified, at)
    return found
