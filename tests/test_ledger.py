"""The standard-library read of the release ledger agrees with SQLAlchemy and spares it when nothing changed."""

import sqlite3
import subprocess
import sys

import pytest
from support.catalogue import leika_zip
from support.cli import ok

from ozgtrack.catalogue.ledger import read_engine, read_sqlite
from ozgtrack.records import Source
from ozgtrack.store.database import Database, db_url
from ozgtrack.store.db import open_database, sqlite_path

LEDGER_READS_SQLITE = pytest.mark.sqlite_only(reason="the ledger's standard-library read is of a SQLite file")
ROWS = [{"Schluessel": "99115005104000", "Bezeichnung": "Wohnsitz Anmeldung", "Typ": "2/3"}]


@LEDGER_READS_SQLITE
def test_ledger_and_sqlalchemy_agree(db, tmp_path):
    (tmp_path / "a.zip").write_bytes(leika_zip(ROWS))
    (tmp_path / "b.zip").write_bytes(leika_zip(ROWS + [{"Schluessel": "99102013002000", "Bezeichnung": "Hund"}]))
    for name in ("a.zip", "b.zip"):
        ok("--db", str(db), "catalog", "sync", "--from", str(tmp_path / name))
    url = db_url(str(db))

    fast = read_sqlite(db)

    assert fast == read_engine(open_database(url))
    assert fast["leika"].id == 2 and fast["leika"].origin == str(tmp_path / "b.zip") and fast["ozg"] is None


@LEDGER_READS_SQLITE
def test_unchanged_sync_does_not_load_sqlalchemy(db, tmp_path):
    catalogue = tmp_path / "a.zip"
    catalogue.write_bytes(leika_zip(ROWS))
    ok("--db", str(db), "catalog", "sync", "--from", str(catalogue))
    code = ("import sys; from ozgtrack.cli import cli\n"
            f"try: cli(['--db', {str(db)!r}, 'catalog', 'sync', '--from', {str(catalogue)!r}])\n"
            "except SystemExit as e: print('exit', e.code)\n"
            "print('sqlalchemy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["exit", "0", "False"]
    assert "unverändert seit Release 1" in done.stderr


@pytest.mark.parametrize("url", ["postgresql://u@h/ozg", "sqlite://", "sqlite:///:memory:"])
def test_other_databases_are_not_read_here(url):
    assert read_sqlite(Database(url).sqlite_file) is None


def test_a_missing_file_has_no_releases_and_is_not_created(tmp_path):
    assert read_sqlite(tmp_path / "missing.sqlite") == dict.fromkeys(Source)
    assert not (tmp_path / "missing.sqlite").exists()


def test_foreign_or_old_files_fall_back(tmp_path):
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    assert read_sqlite(foreign) is None
    old = tmp_path / "old.sqlite"
    open_database(db_url(str(old))).dispose()
    connection = sqlite3.connect(old)
    connection.execute("UPDATE alembic_version SET version_num = '0000'")
    connection.commit()
    assert read_sqlite(old) is None


def test_sqlite_path_parses_urls():
    assert str(sqlite_path("sqlite:////var/lib/ozg.sqlite")) == "/var/lib/ozg.sqlite"
    assert str(sqlite_path("sqlite+pysqlite:////a%20b/ozg.sqlite?timeout=5")) == "/a b/ozg.sqlite"
    assert str(sqlite_path("sqlite:///relative.sqlite")) == "relative.sqlite"
