"""Engine factory (SQLite pragmas, explicit transactions) and automatic migration with a backup."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ozgtrack import clock, wording
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


BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another one's write lock
BUSY_MESSAGE = ("die Datenbank ist gerade von einem anderen Vorgang belegt (ein anderes ozgtrack schreibt hinein) "
                f"und war nach {BUSY_TIMEOUT_MS // 1000} s noch nicht frei; nichts wurde geändert, versuchen Sie "
                "es gleich noch einmal")
# PostgreSQL: the key of the advisory lock every ozgtrack writer takes (any fixed number; "ozgt" in ASCII).
WRITE_LOCK_KEY = 0x6F7A6774
_PG_LOCK_TIMEOUT = "55P03"  # SQLSTATE lock_not_available: lock_timeout expired
CANNOT_OPEN = "die Datenbank lässt sich nicht öffnen"
_WRITE = "ozgtrack_write"  # execution option: this transaction writes


def create_engine(url: str) -> Engine:
    """An engine; for SQLite with foreign keys on, a busy timeout and real BEGIN/COMMIT.

    The folder of a SQLite file must exist (a typo in ``--db`` is an error, not a new folder).
    WAL is switched on by :func:`migrate`, once the file is known to be ozgtrack's.
    """
    import sqlalchemy

    path = sqlite_path(url)
    if path is not None and not path.parent.is_dir():
        raise DatabaseError(f"den Ordner {path.parent} der Datenbank {path.name} gibt es nicht; prüfen Sie --db "
                            "(oder die Einstellung db) oder legen Sie den Ordner zuerst an")
    try:
        engine = sqlalchemy.create_engine(url)
    except (sqlalchemy.exc.ArgumentError, ImportError) as exc:
        raise DatabaseError(f"die Datenbank-URL {url!r} ist nicht verwendbar: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgres(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same database for transactions that write: on SQLite they take the write lock at BEGIN.

    A deferred transaction that reads and then writes cannot wait for the lock in WAL mode (SQLite
    answers "database is locked" at once), so a writer asks first (BEGIN IMMEDIATE) and waits up
    to the busy timeout. Readers stay deferred and never block.

    PostgreSQL gets the same guarantee: a writer first takes one transaction-level advisory lock
    (``pg_advisory_xact_lock``), waiting up to the same timeout. Everything it reads afterwards
    (READ COMMITTED: each statement sees what was committed before it) is what the previous
    writer left, so read-modify-write cannot lose an update; readers are never blocked.
    """
    return engine.execution_options(**{_WRITE: True})


def write_sessions(engine: Engine) -> Callable[[], Session]:
    """A factory of sessions that write (see :func:`writer`), for work that opens one transaction per item."""
    from sqlalchemy.orm import Session

    return lambda: Session(writer(engine))


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session that only reads (deferred transactions, never the write lock); closed when the block ends."""
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one transaction that writes (see :func:`writer`); committed when the block succeeds."""
    from sqlalchemy.orm import Session

    with Session(writer(engine)) as session, session.begin():
        yield session


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` (or the driver error it wraps) is SQLite's "database is locked" or PostgreSQL's lock timeout."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) == _PG_LOCK_TIMEOUT:
        return True
    return isinstance(orig, sqlite3.OperationalError) and "database is locked" in str(orig)


def _configure_sqlite(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # pysqlite opens transactions lazily and never for SELECT or DDL; take control so that
        # a sync or a migration is one real transaction (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
        except Exception as exc:
            if is_busy(exc):
                raise DatabaseError(BUSY_MESSAGE) from exc
            raise


def _configure_postgres(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if not connection.get_execution_options().get(_WRITE, False):
            return
        # One writer at a time, like SQLite's BEGIN IMMEDIATE; the lock ends with the transaction.
        try:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_MS)}")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        except Exception as exc:
            if is_busy(exc):
                raise DatabaseError(BUSY_MESSAGE) from exc
            raise


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
                f"{connection.engine.url.render_as_string(hide_password=True)} hat Tabellen, aber keine "
                "Migrationsgeschichte von ozgtrack; es ist keine ozgtrack-Datenbank (wählen Sie mit --db eine andere)"
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
    """Upgrade to the head revision; returns the backup made of an existing SQLite file, if any.

    A file that is not ozgtrack's is refused before anything is written to it (WAL included).
    """
    head = head_revision()
    revision = _checked_revision(engine, head)
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is not None:
        _use_wal(engine)
    if revision == head:
        return None
    backup = backup_sqlite(path, revision) if path is not None and revision is not None else None
    if _upgrade(engine, head):  # False: another ozgtrack migrated it meanwhile
        log.info("Datenbank von Migration %s auf %s gebracht", revision or "(leer)", head)
        if revision is None:
            log.warning("neue Datenbank angelegt: %s", path or engine.url.render_as_string(hide_password=True))
    return backup


def _checked_revision(engine: Engine, head: str) -> str | None:
    import sqlalchemy

    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
    except sqlalchemy.exc.DBAPIError as exc:
        raise DatabaseError(BUSY_MESSAGE if is_busy(exc) else f"{CANNOT_OPEN}: {exc.orig}") from exc
    if revision is not None and revision > head:
        raise DatabaseError(f"die Datenbank ist auf Migration {revision}, neuer als dieses ozgtrack ({head}); "
                            "aktualisieren Sie ozgtrack")
    return revision


def _use_wal(engine: Engine) -> None:
    # WAL lets readers go on while someone writes; it is a property of the file, so set once it
    # is known to be ozgtrack's. Outside a transaction, so it goes to the driver directly.
    import sqlalchemy

    try:
        with engine.connect() as connection:
            connection.connection.dbapi_connection.execute("PRAGMA journal_mode=WAL")
    except (sqlite3.Error, sqlalchemy.exc.DBAPIError) as exc:
        raise DatabaseError(BUSY_MESSAGE if is_busy(exc) else f"{CANNOT_OPEN}: {exc}") from exc


def backup_sqlite(path: Path, revision: str) -> Path:
    """Copy a SQLite file with the online backup API next to it, named after revision and time.

    The copy is written under a temporary name and renamed when complete; a failed copy (a full
    disk) is removed and reported as a DatabaseError, and the database stays as it was.
    """
    target = path.with_name(f"{path.name}.{revision}-{clock.local_now():%Y%m%d-%H%M%S}.bak")
    temp = target.with_name(target.name + ".tmp")
    try:
        _copy_sqlite(path, temp)
        temp.replace(target)
    except (OSError, sqlite3.Error) as exc:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise DatabaseError(f"die Sicherung der Datenbank nach {target} vor der Migration ist gescheitert: {exc}. "
                            "Die Datenbank blieb unverändert; schaffen Sie dort Platz (oder machen Sie den Ordner "
                            f"beschreibbar) und {wording.TRY_AGAIN}") from exc
    log.warning("Datenbank vor der Migration gesichert: %s", target)
    return target


def _copy_sqlite(source_path: Path, target_path: Path) -> None:
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target_path)) as copy:
        source.backup(copy)


def _upgrade(engine: Engine, head: str) -> bool:
    """Run the migrations under the write lock; False when another process did it meanwhile."""
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
            with connection.execution_options(**{_WRITE: True}).begin():
                if current_revision(connection) == head:
                    return False
                config.attributes["connection"] = connection
                command.upgrade(config, head)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise DatabaseError("die Migration hinterließ kaputte Fremdschlüssel; "
                                        f"{wording.DATABASE_UNCHANGED}")
            return True
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
