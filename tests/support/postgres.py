"""A throwaway PostgreSQL cluster for the tests: started once per session, a fresh database per test.

``OZGTRACK_TEST_DB=postgresql`` makes the ``db`` and ``town`` fixtures (tests/conftest.py) hand out
databases of this cluster instead of SQLite files: the migrations run once into a template
database, and every test gets its own copy of it (``CREATE DATABASE … TEMPLATE``, dropped after).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.net import free_port

INITDB = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None) or shutil.which("initdb")
TEMPLATE = "ozgtrack_template"
# Durability is worthless in a cluster that lives for one test session, and costs seconds.
_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def selected() -> bool:
    """Whether this test session runs on PostgreSQL (``OZGTRACK_TEST_DB=postgresql``; the default is SQLite)."""
    choice = os.environ.get("OZGTRACK_TEST_DB", "sqlite").strip().lower()
    if choice not in ("sqlite", "postgresql"):
        raise ValueError(f"OZGTRACK_TEST_DB={choice!r}: use sqlite or postgresql")
    return choice == "postgresql"


def as_postgres(command: list[str]) -> list[str]:
    """The command run as the user "postgres" when we are root: PostgreSQL refuses to run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def unavailable() -> str | None:
    """Why no cluster can be started here, or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]')"
    if INITDB is None:
        return "PostgreSQL is not installed (Debian package postgresql)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser: cannot start PostgreSQL as its own user"
    return None


@dataclass
class Cluster:
    """A running cluster on 127.0.0.1 that trusts the user postgres; ``stop`` removes it with its files."""

    folder: Path
    port: int
    _admin: Any = None
    _numbers: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def bindir(self) -> str:
        return os.path.dirname(INITDB)

    def url(self, name: str) -> str:
        """The URL ozgtrack accepts for the database ``name`` (``--db``)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction on the maintenance database (CREATE/DROP DATABASE)."""
        import psycopg

        if self._admin is None:
            self._admin = psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                                          autocommit=True)
        self._admin.execute(sql)

    def create(self, name: str | None = None, *, template: str = "template0") -> str:
        """A new database (a copy of ``template``), named ``name`` or ``t_N``; returns its URL."""
        name = name or f"t_{next(self._numbers)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a database made by :meth:`create`, ending any connection a test left open."""
        self.admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def migrated(self) -> str:
        """A new database at the newest migration, copied from the template (made on first use)."""
        if not getattr(self, "_template_ready", False):
            self._make_template()
        return self.create(template=TEMPLATE)

    def _make_template(self) -> None:
        from ozgtrack.store.db import open_database

        open_database(self.create(TEMPLATE)).dispose()  # the real migrations, once per session
        self._template_ready = True

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        subprocess.run(as_postgres([f"{self.bindir}/pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate",
                                    "stop"]), capture_output=True, timeout=120)
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """initdb and start a cluster in a new folder; raises RuntimeError saying why it could not."""
    # Not below pytest's temporary folder: that one is private to this user, and the server runs as "postgres".
    folder = Path(tempfile.mkdtemp(prefix="ozgtrack-pg-"))
    folder.chmod(0o777)
    cluster = Cluster(folder, free_port())
    # German collation, as on a Landkreis's server (Debian takes de_DE.UTF-8 from the system there): text
    # sorts differently from SQLite's byte order, and the tests must not depend on it.
    steps = [[INITDB, "-D", str(folder / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync",
              "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=de-DE"],
             [f"{cluster.bindir}/pg_ctl", "-D", str(folder / "data"), "-w", "-l", str(folder / "log"), "-o",
              f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 {_FAST}", "start"]]
    for step in steps:
        done = subprocess.run(as_postgres(step), capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            cluster.stop()
            raise RuntimeError(f"cannot start a PostgreSQL cluster here: {done.stderr.strip()[-300:]}")
    return cluster
