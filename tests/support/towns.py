"""The demo town in a new database of each kind, for tests that run both kinds in one session (concurrency)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.cli import ok

from ozgtrack.resources import catalog_file


def demo_town(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a new database (``request.param``: "sqlite" or "postgresql") holding the demo catalogue and
    municipalities; a PostgreSQL database is dropped afterwards."""
    made = None
    if request.param == "sqlite":
        url = str(tmp_path / "town.sqlite")
    else:
        cluster = request.getfixturevalue("pg_cluster")
        url = made = cluster.create()
    for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
        ok("--db", url, "catalog", "sync", "--from", str(catalog_file(f"demo/{name}")))
    ok("--db", url, "municipality", "import", str(catalog_file("demo/gemeinden.csv")))
    yield url
    if made is not None:
        cluster.drop(made)
