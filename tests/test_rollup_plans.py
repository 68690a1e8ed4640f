"""The roll-up's two plans count the same: one pass over towns × services (few towns) and the overlay of each town's
decisions and statuses on the rule counts of its Land (many towns, ``ozgtrack.analysis.rollup_overlay``).

tests/test_rollup.py and tests/test_bench_scale.py check the figures with independent SQL on databases small
enough for the one pass; here the overlay is forced on the same databases and must give the same result, field
by field, for every ``--by``, and the benchmark's floor.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session
from test_bench_scale import database  # noqa: F401  (the fixture: three real towns of Sachsen-Anhalt)
from test_rollup import ALPHA, GAMMA, KREISSTADT, kreis  # noqa: F401  (the fixture: the generated Kreis)

from ozgtrack.analysis import rollup_cells
from ozgtrack.analysis.rollup import compute
from ozgtrack.config import load_settings
from ozgtrack.store.database import db_url
from ozgtrack.store.db import open_database
from ozgtrack.views.rollup import RollupBy, Scope

import scale_data  # noqa: E402, I001  (bench/, put on the path by test_bench_scale)

NOW = datetime(2026, 11, 2, 9, 30)


def both_plans(url: str, scope: Scope, by: RollupBy) -> dict[str, object]:
    """The roll-up by each plan; with the overlay forced, the one pass cannot run."""
    settings, engine, found = load_settings(db=url), open_database(url), {}
    try:
        for plan, limit in (("cells", 10**12), ("overlay", 0)):
            with pytest.MonkeyPatch.context() as patch, Session(engine) as session:
                patch.setattr(rollup_cells, "LIMIT", limit)
                if plan == "overlay":
                    patch.setattr(rollup_cells, "materialise", lambda *args: pytest.fail("one pass taken"))
                found[plan] = compute(session, scope, by, settings, now=NOW)
    finally:
        engine.dispose()
    return found


@pytest.mark.parametrize("by", list(RollupBy))
@pytest.mark.parametrize("scope", [Scope(land="15"), Scope(ars=(ALPHA, GAMMA, KREISSTADT))], ids=["land", "ars"])
def test_the_overlay_counts_the_kreis_as_the_one_pass(kreis, scope, by):  # noqa: F811
    found = both_plans(db_url(str(kreis)), scope, by)
    assert found["overlay"] == found["cells"]
    assert found["cells"].towns and (by is RollupBy.MUNICIPALITY or found["cells"].units)


@pytest.mark.parametrize("plan", [scale_data.Plan(), scale_data.Plan(national=True, own_per_town=12)],
                         ids=["land", "national"])
def test_the_overlay_counts_the_benchmark_towns_as_the_one_pass_and_the_floor(database, plan):  # noqa: F811
    engine = open_database(database)
    assert all(scale_data.fill(engine, plan, scale_data.fill_rules(engine, load_settings(db=database))))
    engine.dispose()
    for by in RollupBy:
        found = both_plans(database, Scope(land="15"), by)
        assert found["overlay"] == found["cells"], by
        if by in (RollupBy.MUNICIPALITY, RollupBy.SERVICE):
            with open_database(database).connect() as connection:
                assert scale_data.library(found["overlay"]) == scale_data.floor(connection, by.value, "15")
