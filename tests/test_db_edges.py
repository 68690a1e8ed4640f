"""The database's edge promises: a foreign file stays byte for byte, a failed backup leaves nothing, a busy database says so."""

from __future__ import annotations

import functools
import gc
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy
from alembic import command
from alembic.config import Config
from support.cli import run
from support.db import dump

from ozgtrack.resources import catalog_file, migrations_dir
from ozgtrack.store import db as db_module
from ozgtrack.store.database import db_url
from ozgtrack.store.db import BUSY_MESSAGE, head_revision

OLDER = f"{int(head_revision()) - 1:04d}"


def _at_revision(path: Path, revision: str) -> Path:
    """A database at an older migration, made by the real migrations."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    engine = db_module.create_engine(db_url(str(path)))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()
    return path


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.sqlite_only(reason="a foreign SQLite file, compared byte for byte")
def test_a_foreign_sqlite_file_is_refused_byte_for_byte_unchanged(tmp_path):
    path = tmp_path / "kunden.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE kunden (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO kunden (name) VALUES ('Muster')")
    connection.commit()
    connection.close()
    before = path.read_bytes()

    result = run("--db", str(path), "status", "list")

    assert result.exit_code == 1
    assert "hat Tabellen, aber keine Migrationsgeschichte von ozgtrack" in result.stderr
    assert path.read_bytes() == before  # WAL would have changed bytes 18-19 of the header
    assert _files(tmp_path) == ["kunden.sqlite"]


class _FullDisk(sqlite3.Connection):
    """A connection whose backup writes a little and then finds the disk full."""

    def backup(self, target: sqlite3.Connection, **_: object) -> None:  # type: ignore[override]
        target.execute("CREATE TABLE partial (page BLOB)")
        target.execute("INSERT INTO partial VALUES (zeroblob(100000))")
        target.commit()
        raise sqlite3.OperationalError("database or disk is full")


@pytest.mark.sqlite_only(reason="the backup copy of a SQLite file before a migration")
def test_a_full_disk_during_the_backup_is_a_message_and_leaves_no_partial_file(tmp_path, monkeypatch):
    path = _at_revision(tmp_path / "town.sqlite", OLDER)
    before, files = dump(path), _files(tmp_path)

    with monkeypatch.context() as patch:
        patch.setattr(sqlite3, "connect", functools.partial(sqlite3.connect, factory=_FullDisk))
        result = run("--db", str(path), "catalog", "releases")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fehler: die Sicherung der Datenbank nach {path}.{OLDER}-")
    assert result.stderr.endswith(".bak vor der Migration ist gescheitert: database or disk is full. Die Datenbank "
                                  "blieb unverändert; schaffen Sie dort Platz (oder machen Sie den Ordner beschreibbar) "
                                  "und versuchen Sie es erneut\n")
    assert (_files(tmp_path), dump(path)) == (files, before)
    again = run("--db", str(path), "catalog", "releases")
    assert again.exit_code == 0, again.stderr
    assert [p.name.endswith(".bak") for p in tmp_path.glob(f"town.sqlite.{OLDER}-*")] == [True]


@pytest.fixture
def town(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "town.sqlite"
    assert run("--db", str(path), "catalog", "sync", "--from", str(catalog_file("demo/leika_leistungen_de.csv"))).exit_code == 0
    assert run("--db", str(path), "municipality", "import", str(catalog_file("demo/gemeinden.csv"))).exit_code == 0
    monkeypatch.setenv("OZGTRACK_ARS", "150830565565")
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)  # wait 0.2 s instead of 10 s for the lock
    return path


@pytest.mark.sqlite_only(reason="SQLite's file lock (BEGIN IMMEDIATE, busy timeout)")
def test_a_writer_that_cannot_get_the_lock_says_the_database_is_busy(town):
    before = dump(town)
    holder = sqlite3.connect(town, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another ozgtrack in the middle of a sync
    try:
        result = run("--db", str(town), "status", "set", "99008001012000", "--stage", "2")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {BUSY_MESSAGE}\n")
    assert dump(town) == before


@pytest.mark.sqlite_only(reason="SQLite's exclusive locking mode")
def test_a_database_locked_for_readers_too_says_it_is_busy(town):
    gc.collect()  # closes the connections the in-process runs above left behind; exclusive mode needs that
    holder = sqlite3.connect(town, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")  # what an exclusive maintenance tool does
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM municipality WHERE 0")
    holder.execute("COMMIT")  # keeps the exclusive lock: nobody else may even read
    try:
        result = run("--db", str(town), "status", "list")
    finally:
        holder.close()

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {BUSY_MESSAGE}\n")


@pytest.mark.sqlite_only(reason="SQLite's 'database is locked' error")
def test_database_is_locked_escaping_anywhere_becomes_the_busy_message(town, monkeypatch):
    def locked(*_: object, **__: object) -> None:
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr("ozgtrack.town.tracking.views", locked)  # a lock lost mid-command cannot be timed; simulate it

    result = run("--db", str(town), "status", "list")

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {BUSY_MESSAGE}\n")
