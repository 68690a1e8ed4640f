"""One database as library functions receive it: its URL, its SQLite file, and its engine opened on first use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ozgtrack.errors import ConfigError
from ozgtrack.store.db import sqlite_path

if TYPE_CHECKING:
    from sqlalchemy import Engine


def db_url(value: str) -> str:
    """An SQLAlchemy URL from ``--db``: URLs pass through, anything else is a SQLite file path."""
    if "://" in value:
        return value
    try:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise ConfigError(f"{value} ist als Datenbank nicht verwendbar: {exc}; prüfen Sie --db "
                          "(oder die Einstellung db)") from None


class Database:
    """A handle that loads SQLAlchemy, and migrates, only when the engine is first asked for."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self._engine = engine

    @property
    def sqlite_file(self) -> Path | None:
        """The file of a SQLite database; None for other databases and in-memory SQLite."""
        return sqlite_path(self.url)

    def engine(self) -> Engine:
        """The engine, the schema brought to the newest migration on first use."""
        if self._engine is None:
            from ozgtrack.store.db import open_database

            self._engine = open_database(self.url)
        return self._engine

    def __repr__(self) -> str:
        return f"Database({self.url!r})"
