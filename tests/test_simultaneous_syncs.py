"""Two syncs of one file started at the same moment import it once, on SQLite and PostgreSQL.

Two real processes wait at a start line and then run the real CLI together, a few rounds, each round
with new content: `pvog sync` and `catalog sync` must store one release per round, and the second
process must say "unverändert seit …" instead of storing a duplicate. "The same content as the release
it follows" is decided under the write lock, where the second writer sees the first one's release.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.towns import demo_town
from support.db import query

from ozgtrack.resources import catalog_file

WOLMIRSTEDT = "150830565565"
ROUNDS = 3
HEADER = "ID-LB|Leikaschlüssel|Name|Name2|Updatedatum|ID-OD|Bezeichnung OD|Links"

# A worker: imports what a sync needs, says it is ready, waits for the start line, runs the CLI once.
WORKER = """
import json, sys, time
from pathlib import Path
from click.testing import CliRunner
import sqlalchemy, sqlalchemy.orm
import ozgtrack.evidence.pvog_sync, ozgtrack.catalogue.sync, ozgtrack.catalogue.importer, ozgtrack.cli.pvog, ozgtrack.cli.catalog
from ozgtrack.cli import cli

ready, go, args = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
ready.touch()
while not go.exists():
    time.sleep(0.0005)
result = CliRunner().invoke(cli, args)
crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
print(json.dumps({"exit": result.exit_code, "stderr": result.stderr + (repr(result.exception) if crashed else "")}))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def town(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The demo catalogue and municipalities in a new database of each kind; Wolmirstedt in use."""
    for url in demo_town(request, tmp_path):
        monkeypatch.setenv("OZGTRACK_ARS", WOLMIRSTEDT)
        yield url


def _together(folder: Path, *args: str, count: int = 2) -> list[dict]:
    """Run ``ozgtrack ARGS`` in ``count`` processes that start at the same moment; what each said."""
    folder.mkdir()
    ready = [folder / f"ready-{n}" for n in range(count)]
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(r), str(folder / "go"), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
               for r in ready]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    (folder / "go").touch()
    said = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        said.append(json.loads(out))
    return said


def _releases(url: str, table: str, where: str = "") -> int:
    return query(url, f"SELECT count(*) FROM {table} {where}")[0][0]


def test_two_pvog_syncs_of_one_file_at_once_store_one_release(town, tmp_path):
    for round_ in range(ROUNDS):
        path = tmp_path / f"ars_{WOLMIRSTEDT}_{round_}.csv"
        path.write_text(f"{HEADER}\nL100042.LB.1|99115005104000|Anmeldung|Anmelden|20.01.2025 00:48|L100042.OD.1|"
                        f"Anmeldung|https://anmeldung.example/{round_}\n", encoding="utf-8")
        before = _releases(town, "pvog_release")

        said = _together(tmp_path / f"pvog-{round_}", "--db", town, "pvog", "sync", "--from", str(path),
                         "--ars", WOLMIRSTEDT)

        assert [s["exit"] for s in said] == [0, 0], said
        assert _releases(town, "pvog_release") == before + 1
        stored = [s for s in said if "gespeichert" in s["stderr"]]
        same = [s for s in said if f"unverändert seit Einspielung {before + 1}; nichts eingespielt" in s["stderr"]]
        assert (len(stored), len(same)) == (1, 1), said
        assert not [s for s in said if "locked" in s["stderr"].lower() or "Traceback" in s["stderr"]]


def _catalogue(tmp_path: Path, round_: int) -> Path:
    """The demo LeiKa catalogue with one name changed: new content for this round."""
    text = catalog_file("demo/leika_leistungen_de.csv").read_bytes().decode("cp1252")
    path = tmp_path / f"leika-{round_}.csv"
    path.write_bytes(text.replace("Wohnsitz Anmeldung", f"Wohnsitz Anmeldung {round_ + 1}", 1).encode("cp1252"))
    assert path.read_bytes() != catalog_file("demo/leika_leistungen_de.csv").read_bytes()
    return path


def test_two_catalogue_syncs_of_one_file_at_once_store_one_release(town, tmp_path):
    for round_ in range(ROUNDS):
        path = _catalogue(tmp_path, round_)
        before = _releases(town, "catalogue_release", "WHERE source = 'leika'")

        said = _together(tmp_path / f"catalog-{round_}", "--db", town, "catalog", "sync", "--from", str(path))

        assert [s["exit"] for s in said] == [0, 0], said
        assert _releases(town, "catalogue_release", "WHERE source = 'leika'") == before + 1
        newest = query(town, "SELECT max(id) FROM catalogue_release")[0][0]
        stored = [s for s in said if f"als Release {newest} übernommen: 0 neu, 1 geändert" in s["stderr"]]
        same = [s for s in said if f"unverändert seit Release {newest}; nichts importiert" in s["stderr"]]
        assert (len(stored), len(same)) == (1, 1), said
