"""The release ledger of a SQLite database, read with the standard library.

Before anything else, ``catalog sync`` needs the newest release of each source: its checksum
and HTTP validators decide whether there is anything to import at all. For a SQLite file at
the current schema this module answers without loading SQLAlchemy (about a quarter of a
second), so the daily cron sync that finds nothing new stays cheap. Anything unusual (another
kind of database, an older schema, a missing or locked file) gives None, and the caller asks
through SQLAlchemy instead.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from ozgtrack.db import head_revision
from ozgtrack.records import Source

_NEWEST = ("SELECT id, source, origin, sha256, etag, last_modified, fetched_at FROM catalogue_release "
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


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///PATH`` URL (with or without a driver); None for anything else."""
    scheme, _, rest = url.partition(":///")
    if scheme.split("+")[0] != "sqlite" or not rest or rest.startswith(":memory:"):
        return None
    return Path(unquote(rest.split("?", 1)[0]))  # "sqlite:////abs" is absolute, "sqlite:///rel" relative


def newest_releases(url: str) -> dict[Source, LedgerEntry | None] | None:
    """The newest release per source, or None when this SQLite shortcut cannot answer."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)) as connection:
            if connection.execute("SELECT version_num FROM alembic_version").fetchall() != [(head_revision(),)]:
                return None
            rows = connection.execute(_NEWEST).fetchall()
    except (sqlite3.Error, ValueError):
        return None
    found: dict[Source, LedgerEntry | None] = dict.fromkeys(Source)
    for id_, source, origin, sha256, etag, last_modified, fetched_at in rows:
        found[Source(source)] = LedgerEntry(id_, Source(source), origin, sha256, etag, last_modified,
                                            datetime.fromisoformat(fetched_at))
    return found
