"""Many officers at once, on SQLite and PostgreSQL: every change lands or is refused with a message; none is lost.

Two real processes change the same service at once, 100 times each: half of the calls change what is
there when they write, half say which version they read (``--expect-version``, as a script does). The
history must then hold each landed change exactly once, in order, without a gap (each entry's old
value is the previous entry's new one), and every refused call must say who changed the service when.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cli import ok, run
from support.db import dump
from support.towns import demo_town

from ozgtrack.resources import catalog_file
from ozgtrack.store import db as db_module
from ozgtrack.store.db import BUSY_MESSAGE, WRITE_LOCK_KEY
from ozgtrack.wording import local_time

WOLMIRSTEDT = "150830565565"
PERSONALAUSWEIS = "99008001012000"  # in the demo catalogue; its level is unklar, so the town may track it
CALLS = 100

# A worker: the real CLI (the console script's entry point) COUNT times in one interpreter. Every odd call
# first reads the version (`status show --format json`) and then writes with --expect-version.
WORKER = """
import json, sys
from click.testing import CliRunner
from ozgtrack.cli import cli

db, key, officer, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
calls = []
for i in range(count):
    note, said = f"{officer} {i}", []
    args = ["--db", db, "status", "set", key, "--note", note]
    if i % 2:
        shown = CliRunner().invoke(cli, ["--db", db, "status", "show", key, "--format", "json"])
        said.append(shown.output)
        args += ["--expect-version", str(json.loads(shown.stdout)[0]["version"])]
    result = CliRunner().invoke(cli, args)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    calls.append({"note": note, "checked": bool(i % 2), "exit": result.exit_code, "stderr": result.stderr,
                  "said": "".join(said) + result.output + (repr(result.exception) if crashed else "")})
print(json.dumps(calls))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def town(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The demo catalogue and municipalities in a new database of each kind; Wolmirstedt in use."""
    for url in demo_town(request, tmp_path):
        monkeypatch.setenv("OZGTRACK_ARS", WOLMIRSTEDT)
        monkeypatch.setenv("OZGTRACK_USER", "anna")
        yield url


def _officer(url: str, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WORKER, url, PERSONALAUSWEIS, name, str(CALLS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OZGTRACK_USER": name})


def _calls(process: subprocess.Popen[str]) -> list[dict]:
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, err
    return json.loads(out)


def _history(url: str, key: str = PERSONALAUSWEIS) -> list[dict]:
    return json.loads(ok("--db", url, "status", "history", key, "--format", "json").stdout)


def _shown(url: str, key: str = PERSONALAUSWEIS) -> dict:
    return json.loads(ok("--db", url, "status", "show", key, "--format", "json").stdout)[0]


def _state(url: str) -> str:
    """What "nothing was written" compares: the whole file on SQLite, what the commands show on PostgreSQL."""
    if not url.startswith("postgresql"):
        return dump(Path(url))
    return "".join(ok("--db", url, *args, "--format", "json").stdout for args in (
        ("status", "show", PERSONALAUSWEIS), ("status", "history", PERSONALAUSWEIS),
        ("triage", "show", PERSONALAUSWEIS), ("status", "list")))


def _refusal(key: str, what: str, entry: dict, now: int, read: int, command: str) -> str:
    return (f"Fehler: {key}: {what} wurde inzwischen geändert, zuletzt am {local_time(_time(entry['at']))} von "
            f"{entry['by']} (jetzt Version {now}, Ihre Änderung beruht auf Version {read}); nichts wurde "
            f"gespeichert. Lesen Sie den neuen Stand (`ozgtrack {command} {key}`) und ändern Sie dann erneut\n")


def _time(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_two_officers_change_one_service_at_once_and_nothing_is_lost(town):
    officers = [_officer(town, name) for name in ("anna", "ben")]
    calls = [call for process in officers for call in _calls(process)]

    landed = [c for c in calls if c["exit"] == 0]
    refused = [c for c in calls if c["exit"] != 0]
    history = _history(town)
    print(f"{town.split('+')[0] if town.startswith('postgresql') else 'sqlite'}: {len(landed)} landed ({sum(c['checked'] for c in landed)} with --expect-version), "
          f"{len(refused)} refused, {len(history)} history entries")
    assert [c["said"] for c in calls if "locked" in c["said"].lower() or "Traceback" in c["said"]] == []
    # Without --expect-version a change is based on what is there when it writes: it always lands.
    assert [c for c in refused if not c["checked"]] == []
    assert all(c["exit"] == 1 and c["stderr"].startswith(f"Fehler: {PERSONALAUSWEIS}: der Status wurde inzwischen "
                                                         "geändert, zuletzt am ") for c in refused)
    # Every landed change is in the history exactly once, in order, each building on the one before.
    notes = [entry["changes"]["note"] for entry in history]
    assert sorted(new for _, new in notes) == sorted(c["note"] for c in landed)
    assert [old for old, _ in notes] == [None, *(new for _, new in notes[:-1])]
    assert _shown(town)["version"] == len(landed) == len(history)
    assert len(landed) + len(refused) == 2 * CALLS


def test_a_change_based_on_an_old_version_is_refused_and_writes_nothing(town):
    ok("--db", town, "status", "set", PERSONALAUSWEIS, "--stage", "2")
    read = _shown(town)["version"]
    ok("--db", town, "status", "set", PERSONALAUSWEIS, "--stage", "3", "--user", "ben")
    before = _state(town)

    result = run("--db", town, "status", "set", PERSONALAUSWEIS, "--stage", "4", "--expect-version", str(read))

    assert (result.exit_code, result.stderr) == (1, _refusal(PERSONALAUSWEIS, "der Status", _history(town)[-1], 2, 1,
                                                            "status show"))
    assert _state(town) == before
    ok("--db", town, "status", "set", PERSONALAUSWEIS, "--stage", "4", "--expect-version", "2")
    assert (_shown(town)["stage"], _shown(town)["version"]) == (4, 3)


def test_a_triage_decision_based_on_an_old_version_is_refused_also_after_a_reset(town):
    def version() -> int:
        return json.loads(ok("--db", town, "triage", "show", PERSONALAUSWEIS, "--format", "json").stdout)["version"]

    assert version() == 0
    ok("--db", town, "triage", "set", PERSONALAUSWEIS, "--level", "gemeinde", "--reason", "Bürgerbüro",
       "--expect-version", "0")
    ok("--db", town, "triage", "reset", PERSONALAUSWEIS, "--user", "ben")
    ok("--db", town, "triage", "set", PERSONALAUSWEIS, "--level", "landkreis", "--reason", "Kreis", "--user", "ben")
    # Version 1 was the first decision: taken back and decided anew, the version does not come round again.
    assert version() == 3
    before = _state(town)

    result = run("--db", town, "triage", "set", PERSONALAUSWEIS, "--level", "gemeinde", "--reason", "Bürgerbüro",
                 "--expect-version", "1", "--yes")

    entry = _history(town)[-1]
    assert (result.exit_code, result.stderr) == (1, _refusal(PERSONALAUSWEIS, "die Zuständigkeit", entry, 3, 1,
                                                            "triage show"))
    assert _state(town) == before


def test_expect_version_needs_exactly_one_service(town):
    result = run("--db", town, "status", "set", "10124", "--stage", "1", "--expect-version", "0")
    assert result.exit_code == 2 and "--expect-version gilt für genau eine Leistung" in result.stderr


def _sheet(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_a_stale_worksheet_row_is_refused_naming_who_changed_it(town, tmp_path):
    ok("--db", town, "status", "set", PERSONALAUSWEIS, "--stage", "1")
    rows = _sheet(ok("--db", town, "status", "export", "--undecided").stdout)
    ok("--db", town, "status", "set", PERSONALAUSWEIS, "--stage", "3", "--user", "ben")
    stage = rows[0].index("Reifegrad")
    line = next(n for n, row in enumerate(rows[1:], start=2) if row[0] == PERSONALAUSWEIS)
    rows[line - 1][stage] = "2"
    sheet = tmp_path / "fb2.csv"
    sheet.write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="utf-8")
    before = _state(town)

    result = run("--db", town, "status", "import", str(sheet), "--yes")

    at = local_time(_time(_history(town)[-1]["at"]))
    assert result.stderr.splitlines()[0] == (f"Warnung: Zeile {line}: {PERSONALAUSWEIS} wurde nach dem Export geändert "
                                             f"({at} von ben); nicht übernommen")
    assert _state(town) == before and _shown(town)["stage"] == 3


def _hold_the_write_lock(url: str):
    """Another writer in the middle of its transaction: SQLite's write lock, or ozgtrack's advisory lock."""
    if url.startswith("postgresql"):
        import psycopg

        holder = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        return holder
    import sqlite3

    holder = sqlite3.connect(url, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_writer_kept_waiting_too_long_says_the_database_is_busy(town, monkeypatch):
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 300)  # wait 0.3 s instead of 10 s
    ok("--db", town, "status", "list")  # migrated and opened before the lock is taken
    before = _state(town)
    holder = _hold_the_write_lock(town)
    try:
        result = run("--db", town, "status", "set", PERSONALAUSWEIS, "--stage", "2")
    finally:
        holder.rollback()
        holder.close()

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {BUSY_MESSAGE}\n")
    assert BUSY_MESSAGE.startswith("die Datenbank ist gerade von einem anderen Vorgang belegt")
    assert _state(town) == before


def test_the_migration_gives_existing_records_their_number_of_changes(tmp_path, monkeypatch):
    from alembic import command
    from alembic.config import Config

    from ozgtrack.resources import migrations_dir

    url = str(tmp_path / "older.sqlite")
    for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
        ok("--db", url, "catalog", "sync", "--from", str(catalog_file(f"demo/{name}")))
    ok("--db", url, "municipality", "import", str(catalog_file("demo/gemeinden.csv")))
    monkeypatch.setenv("OZGTRACK_ARS", WOLMIRSTEDT)
    for stage in ("1", "2", "3"):
        ok("--db", url, "status", "set", PERSONALAUSWEIS, "--stage", stage)
    for args in (("set", "--level", "gemeinde", "--reason", "a"), ("reset",), ("set", "--level", "land", "--reason", "b")):
        ok("--db", url, "triage", args[0], PERSONALAUSWEIS, *args[1:])
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    engine = db_module.create_engine(f"sqlite:///{url}")
    with engine.begin() as connection:  # back to the migration before the versions: the columns are gone
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    engine.dispose()

    shown = _shown(url)  # upgrades again

    assert (shown["version"], shown["level_version"]) == (3, 3)
