"""Engine factory (SQLite pragmas, explicit transactions) and automatic migration with a backup."""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ozgtrack.errors import DatabaseError
from ozgtrack.resources import migrations_dir

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_REVISION_FILE_RE = re.compile(r"^(\d{4})_\w+\.py$")


def head_revision() -> str:
    """The newest migration id; ids are sequential (``0001``, ``0002`` ...) and named in the file."""
    ids = [m.group(1) for p in (migrations_dir() / "versions").iterdir() if (m := _REVISION_FILE_RE.match(p.name))]
    return max(ids)


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///PATH`` URL (any driver); None for other databases and in-memory SQLite.

    Standard library only: the release ledger reads it before SQLAlchemy is loaded.
    """
    scheme, _, rest = url.partition(":///")
    path = unquote(rest.split("?", 1)[0])
    if scheme.split("+")[0] != "sqlite" or not path or path == ":memory:":
        return None
    return Path(path)  # "sqlite:////abs" is absolute, "sqlite:///rel" relative


def create_engine(url: str) -> Engine:
    """An engine; for SQLite with foreign keys on, a busy timeout, WAL, and real BEGIN/COMMIT."""
    import sqlalchemy

    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = sqlalchemy.create_engine(url)
    except (sqlalchemy.exc.ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, wal=path is not None)
    return engine


def _configure_sqlite(engine: Engine, wal: bool) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # pysqlite opens transactions lazily and never for SELECT or DDL; take control so that
        # a sync or a migration is one real transaction (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at; None for an empty database."""
    from sqlalchemy import exc, inspect, text

    try:  # the usual case, one query; the inspector only when the table is not there
        with connection.begin_nested() if connection.in_transaction() else connection.begin():
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except exc.DBAPIError:
        pass
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        if tables:
            raise DatabaseError(
                f"{connection.engine.url.render_as_string(hide_password=True)} has tables but no ozgtrack "
                "migration history; it is not an ozgtrack database (use --db to choose another)"
            )
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def open_database(url: str) -> Engine:
    """Create the engine and bring the schema to the newest migration (backing up a file first)."""
    engine = create_engine(url)
    try:
        migrate(engine)
    except Exception:
        engine.dispose()
        raise
    return engine


def migrate(engine: Engine) -> Path | None:
    """Upgrade to the head revision; returns the backup made of an existing SQLite file, if any."""
    import sqlalchemy

    head = head_revision()
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    except sqlalchemy.exc.DBAPIError as exc:
        raise DatabaseError(f"cannot open the database: {exc.orig}") from exc
    if revision == head:
        return None
    if revision is not None and revision > head:
        raise DatabaseError(f"the database is at migration {revision}, newer than this ozgtrack ({head}); update ozgtrack")
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    backup = backup_sqlite(path, revision) if path is not None and revision is not None else None
    _upgrade(engine, head)
    log.info("database migrated from %s to %s", revision or "empty", head)
    return backup


def backup_sqlite(path: Path, revision: str) -> Path:
    """Copy a SQLite file with the online backup API next to it, named after revision and time."""
    target = path.with_name(f"{path.name}.{revision}-{datetime.now():%Y%m%d-%H%M%S}.bak")
    source, copy = sqlite3.connect(path), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    log.warning("database backed up to %s before migrating", target)
    return target


def _upgrade(engine: Engine, head: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch migrations rebuild tables, which needs foreign keys off; SQLite only lets that
            # change outside a transaction, so it goes to the driver before BEGIN.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, head)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise DatabaseError("the migration left broken foreign keys; the database was not changed")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def rows(session: Session, statement: Any) -> Any:
    """All rows of a query of plain columns, through Core: the ORM's per-row loading adds nothing there.

    Pending ORM changes are flushed first, as the ORM itself would do before a query. The rows
    are fetched at once (one fetchall instead of a fetchone per row); ``.mappings()`` works too.
    """
    session.flush()
    return session.connection().execute(statement).freeze()()
