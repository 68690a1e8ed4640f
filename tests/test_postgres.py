"""The same migrations and commands on PostgreSQL, for a Landkreis or a Land (a throwaway cluster)."""

import json

import pytest
from support.cli import ok, run

from ozgtrack.resources import catalog_file


@pytest.fixture
def pg_url(pg_cluster):
    """An EMPTY database on the session's throwaway cluster: the first command runs the real migrations."""
    url = pg_cluster.create()
    yield url
    pg_cluster.drop(url)


def test_migrations_match_the_models_on_postgres(pg_url):
    from alembic import command
    from alembic.config import Config

    from ozgtrack.resources import migrations_dir
    from ozgtrack.store.db import open_database

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
        ok("--db", url, "status", "import", str(sheet), "--force", "--yes")  # hand-made, without Version (issue 20)
        ok("--db", url, "report", "baseline", "IST")
        report = json.loads(run("--db", url, "report", "gaps", "--by", "ozg", "--format", "json", "--since", "IST").stdout)
        diff = json.loads(run("--db", url, "catalog", "diff", "--release", "2", "--format", "json").stdout)
        figures.append((report["totals"], report["groups"], report["since"]["then"], len(diff["changed"])))
    assert figures[0] == figures[1]
    assert figures[0][0]["applicable"] == 3 and figures[0][0]["online"] == 1
