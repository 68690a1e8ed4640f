"""The same migrations and commands on PostgreSQL, for a Landkreis or a Land (a throwaway cluster)."""

import glob
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from support.cli import ok, run
from support.net import free_port

from ozgtrack.resources import catalog_file

INITDB = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None) or shutil.which("initdb")


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; the Debian packages bring a user "postgres".
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="module")
def pg_url():
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')")
    if INITDB is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: cannot start PostgreSQL as its own user")
    # Not below pytest's temporary folder: that one is private to this user, and the server runs as "postgres".
    folder = Path(tempfile.mkdtemp(prefix="ozgtrack-pg-"))
    folder.chmod(0o777)
    data, port, bindir = folder / "data", free_port(), os.path.dirname(INITDB)
    steps = [[INITDB, "-D", str(data), "-A", "trust", "-U", "postgres"],
             [f"{bindir}/pg_ctl", "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
              f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"]]
    for step in steps:
        done = subprocess.run(_as_postgres(step), capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            pytest.skip(f"cannot start a PostgreSQL cluster here: {done.stderr.strip()[-300:]}")
    subprocess.run(_as_postgres([f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                                 "ozgtrack"]), check=True, timeout=60)
    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/ozgtrack"
    subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", str(data), "-m", "fast", "stop"]), timeout=120)
    shutil.rmtree(folder, ignore_errors=True)


def test_migrations_match_the_models_on_postgres(pg_url):
    from alembic import command
    from alembic.config import Config

    from ozgtrack.db import open_database
    from ozgtrack.resources import migrations_dir

    engine = open_database(pg_url)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)


def test_the_town_on_postgres_counts_like_on_sqlite(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("OZGTRACK_ARS", "150830565565")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("LeiKa-Schlüssel;Reifegrad;Fachbereich;Geplant bis\n99115005104000;3;FB 2;\n"
                     "99115005070000;1;FB 2;2027-Q2\n", encoding="utf-8")
    figures = []
    for url in (pg_url, str(tmp_path / "same.sqlite")):
        for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
            ok("--db", url, "catalog", "sync", "--from", str(catalog_file(f"demo/{name}")))
        ok("--db", url, "municipality", "import", str(catalog_file("demo/gemeinden.csv")))
        ok("--db", url, "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
        ok("--db", url, "status", "import", str(sheet))
        ok("--db", url, "report", "baseline", "IST")
        report = json.loads(run("--db", url, "report", "gaps", "--by", "ozg", "--format", "json", "--since", "IST").stdout)
        diff = json.loads(run("--db", url, "catalog", "diff", "--release", "2", "--format", "json").stdout)
        figures.append((report["totals"], report["groups"], report["since"]["then"], len(diff["changed"])))
    assert figures[0] == figures[1]
    assert figures[0][0]["applicable"] == 3 and figures[0][0]["online"] == 1
