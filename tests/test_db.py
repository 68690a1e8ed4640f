"""The database: migrations match the models, upgrades back up the file, foreign databases are refused."""

import sqlite3

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from support.db import dump, execute

from ozgtrack.errors import DatabaseError
from ozgtrack.resources import migrations_dir
from ozgtrack.store.database import db_url
from ozgtrack.store.db import create_engine, head_revision, open_database


def alembic_config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def test_models_and_migrations_do_not_drift(tmp_path):
    engine = open_database(db_url(str(tmp_path / "a.sqlite")))
    with engine.begin() as connection:
        command.check(alembic_config(connection))  # raises when autogenerate would find a difference


def test_head_revision_is_alembics_head():
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_revision_ids_are_sequential():
    revisions = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
    ids = sorted(r.revision for r in revisions)
    assert ids == [f"{i:04d}" for i in range(1, len(ids) + 1)]
    assert all(r.down_revision == (f"{int(r.revision) - 1:04d}" if r.revision != "0001" else None) for r in revisions)


@pytest.mark.sqlite_only(reason="SQLite's pragmas: foreign keys, WAL, busy timeout")
def test_sqlite_pragmas(tmp_path):
    engine = open_database(db_url(str(tmp_path / "a.sqlite")))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_a_database_of_another_program_is_refused(empty_db):
    execute(empty_db, "CREATE TABLE kunden (id INTEGER)")
    before = dump(empty_db)
    with pytest.raises(DatabaseError, match="hat Tabellen, aber keine Migrationsgeschichte von ozgtrack"):
        open_database(db_url(str(empty_db)))
    assert dump(empty_db) == before


def test_a_database_newer_than_the_program_is_refused(db):
    open_database(db_url(str(db))).dispose()
    execute(db, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseError, match="ist auf Migration 9999, neuer als dieses ozgtrack"):
        open_database(db_url(str(db)))


@pytest.mark.sqlite_only(reason="the backup copy of a SQLite file before a migration")
def test_upgrade_backs_up_the_file_first(tmp_path):
    first = sorted(r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions())[0]
    if first == head_revision():
        pytest.skip("only one migration exists; nothing to upgrade from")
    path = tmp_path / "a.sqlite"
    engine = create_engine(db_url(str(path)))
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), first)
    engine.dispose()
    before = dump(path)

    open_database(db_url(str(path))).dispose()

    backups = list(tmp_path.glob(f"a.sqlite.{first}-*.bak"))
    assert len(backups) == 1 and dump(backups[0]) == before
    assert sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)


def test_unusable_url_is_a_clear_error():
    with pytest.raises(DatabaseError, match="die Datenbank-URL .* ist nicht verwendbar"):
        create_engine("nosuchdb://x")
