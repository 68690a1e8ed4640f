"""The shipped Sachsen-Anhalt preset gives each verified service its level, on the real catalogue with Wolmirstedt.

tests/fixtures/triage_sachsen_anhalt_verified.csv (key;name;typ;level;source) lists services whose
level in Sachsen-Anhalt was checked against its source; each is asked through `triage show KEY`.
"""

import csv
import json
from pathlib import Path

import pytest
from support.cli import ok, run
from support.data import FLAT_CSV, SHARED_DATA

from ozgtrack.resources import catalog_file

VERIFIED = Path(__file__).parent / "fixtures" / "triage_sachsen_anhalt_verified.csv"
ARS_LIST = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"
WOLMIRSTEDT = "150830565565"


def verified_rows() -> list:
    if not VERIFIED.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{VERIFIED.name} is not there yet (the verified "
                                                               "table comes with the Sachsen-Anhalt preset)"))]
    with VERIFIED.open(encoding="utf-8", newline="") as f:
        return [pytest.param(row, id=row["key"]) for row in csv.DictReader(f, delimiter=";")]


@pytest.fixture(scope="module")
def wolmirstedt(tmp_path_factory):
    """The real flat catalogue and the ARS list, Wolmirstedt in use (made once for all rows)."""
    if not FLAT_CSV.is_file() or not ARS_LIST.is_file():
        pytest.skip(f"real data not available under {SHARED_DATA}")
    home = tmp_path_factory.mktemp("sachsen-anhalt")
    # The shipped presets (conftest points every other test at an empty folder).
    env = {"OZGTRACK_DATA_DIR": str(home / "data"), "OZGTRACK_CACHE_DIR": str(home / "cache"), "OZGTRACK_CONFIG": "",
           "OZGTRACK_ARS": WOLMIRSTEDT, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "OZGTRACK_TRIAGE_PRESETS": str(catalog_file("triage"))}
    db = str(home / "town.sqlite")
    ok("--db", db, "catalog", "sync", "--from", str(FLAT_CSV), env=env)
    ok("--db", db, "municipality", "import", str(ARS_LIST), env=env)
    return db, env


def test_the_table_is_large_enough():
    rows = [p.values[0] for p in verified_rows() if p.values[0] is not None]
    if not rows:
        pytest.skip(f"{VERIFIED.name} is not there yet")
    assert len(rows) >= 30 and all(r["source"].strip() for r in rows)


@pytest.mark.parametrize("row", verified_rows())
def test_the_preset_gives_the_verified_level(wolmirstedt, row):
    db, env = wolmirstedt
    result = run("--db", db, "triage", "show", row["key"], "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["level"], shown["origin"]) == (row["level"], "rule"), shown["reason"]
