"""Writers in separate processes on one SQLite file wait for each other instead of failing with "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from support.cli import run

from ozgtrack.resources import catalog_file

WOLMIRSTEDT = "150830565565"
PERSONALAUSWEIS = "99008001012000"  # in the demo catalogue

# A worker process: runs the real CLI (the console script's entry point) COUNT times in one interpreter,
# so that 100 calls do not pay 100 interpreter start-ups, and prints the failures as JSON.
WORKER = """
import json, sys
from pathlib import Path
from click.testing import CliRunner
from ozgtrack.cli import cli

count, stop, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
calls, failures = 0, []
while calls < count or (count == 0 and not Path(stop).exists() and calls < 500):
    calls += 1
    argv = [a.replace("{i}", str(calls % 5)) for a in args]
    result = CliRunner().invoke(cli, argv)
    if result.exit_code != 0:
        failures.append([result.exit_code, result.stderr[-300:] or repr(result.exception)])
print(json.dumps({"calls": calls, "failures": failures}))
"""


def _town(new_db) -> Path | str:
    path = new_db("town")
    for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
        assert run("--db", str(path), "catalog", "sync", "--from", str(catalog_file(f"demo/{name}"))).exit_code == 0
    assert run("--db", str(path), "municipality", "import", str(catalog_file("demo/gemeinden.csv"))).exit_code == 0
    return path


def _start(count: int, stop: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(count), str(stop), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OZGTRACK_ARS": WOLMIRSTEDT, "OZGTRACK_USER": "officer"})


def _result(process: subprocess.Popen[str]) -> dict:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return json.loads(out)


def test_two_officers_and_a_sync_write_at_once_without_failing(new_db, tmp_path):
    db, stop = _town(new_db), tmp_path / "stop"
    leika = str(catalog_file("demo/leika_leistungen_de.csv"))
    started = time.monotonic()
    sync = _start(0, stop, "--db", str(db), "catalog", "sync", "--force", "--from", leika)
    officers = [_start(100, stop, "--db", str(db), "status", "set", PERSONALAUSWEIS, "--stage", "{i}",
                       "--note", f"officer {n}") for n in (1, 2)]
    results = [_result(p) for p in officers]
    stop.touch()
    results.append(_result(sync))

    print(f"calls {[r['calls'] for r in results]}, failures {[len(r['failures']) for r in results]}, "
          f"{time.monotonic() - started:.1f} s")
    assert [r["failures"] for r in results] == [[], [], []]
    assert results[2]["calls"] >= 1


def test_two_simultaneous_syncs_both_succeed(new_db, tmp_path):
    db, stop = _town(new_db), tmp_path / "stop"
    leika = str(catalog_file("demo/leika_leistungen_de.csv"))
    syncs = [_start(15, stop, "--db", str(db), "catalog", "sync", "--force", "--from", leika) for _ in range(2)]

    results = [_result(p) for p in syncs]

    print(f"failures {[len(r['failures']) for r in results]} of {[r['calls'] for r in results]}")
    assert [r["failures"] for r in results] == [[], []]
