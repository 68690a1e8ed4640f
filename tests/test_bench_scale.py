"""The roll-up benchmark's generator and floor on three towns: the floor counts what the roll-up and `report gaps` count.

bench/bench_scale.py times ``ozgtrack.analysis.rollup.compute`` against a hand-written SQL query
(bench/scale_data.py); a floor that counts something else would make its ratio worthless, so the
two are compared here on a small database, and the floor's town figures also with each town's
own gap report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from support.cli import ok
from support.data import SHARED_DATA

from ozgtrack.analysis.rollup import compute
from ozgtrack.config import load_settings
from ozgtrack.resources import catalog_file
from ozgtrack.store.db import open_database
from ozgtrack.views.rollup import RollupBy, Scope

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import scale_data  # noqa: E402

ARS_LIST = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"
# Dessau-Roßlau (kreisfreie Stadt), Wolmirstedt (verbandsfrei) and Eilsleben (Mitgliedsgemeinde), which the
# generator makes one of the towns that have hardly begun.
TOWNS = ("150010000000", "150830565565", "150835053190")


@pytest.fixture
def database(tmp_path: Path) -> str:
    if not ARS_LIST.is_file():
        pytest.skip(f"real data not available: {ARS_LIST} is missing")
    rows = [row for row in scale_data.read_ars(ARS_LIST, "15") if row["ars"] in TOWNS]
    url = f"sqlite:///{tmp_path / 'scale.sqlite'}"
    demo = [catalog_file(f"demo/{name}") for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv")]
    scale_data.build(url, scale_data.write_ars(rows, tmp_path / "ars.csv"), demo, ok)
    return url


@pytest.mark.parametrize("plan", [scale_data.Plan(), scale_data.Plan(national=True, own_per_town=12)],
                         ids=["land", "national"])
def test_the_floor_counts_what_the_roll_up_and_the_gap_report_count(database, plan, monkeypatch):
    settings = load_settings(db=database)
    engine = open_database(database)
    decisions, statuses = scale_data.fill(engine, plan, scale_data.fill_rules(engine, settings))
    assert decisions > 0 and statuses > 0
    figures = {}
    for by in ("municipality", "service"):
        with engine.connect() as connection:
            figures[by] = scale_data.floor(connection, by, "15")
            assert scale_data.floor(connection, by, "15", variant="cross") == figures[by]
        with Session(engine) as session:
            assert scale_data.library(compute(session, Scope(land="15"), RollupBy(by), settings)) == figures[by]
    towns = {row[0]: row for row in figures["municipality"]}
    assert sorted(towns) == sorted(TOWNS)
    assert {row[-1] for row in towns.values()} == {0, 1}  # some compared, Eilsleben not
    assert figures["service"] and any(row[4] for row in towns.values())  # services compared, something online
    for ars, (_, _, undecided, own, online, in_progress, offline, _, _) in towns.items():
        monkeypatch.setenv("OZGTRACK_ARS", ars)
        totals = json.loads(ok("--db", database, "report", "gaps", "--format", "json").stdout)["totals"]
        assert (totals["undecided"], totals["applicable"], totals["online"], totals["in_progress"],
                totals["offline"]) == (undecided, own, online, in_progress, offline)
