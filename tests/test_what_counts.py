"""What counts: the Python predicates and the SQL made from the same definition agree on every case."""

import subprocess
import sys

import pytest
from sqlalchemy import create_engine, literal, select

from ozgtrack.values import Level, MaturityModel
from ozgtrack.views.what_counts import Targets, executed_levels, is_online, is_own, online_sql, own_sql

LEVELS = [None, *(level.value for level in Level)]


def _sql(condition) -> bool:
    with create_engine("sqlite://").connect() as connection:
        return bool(connection.scalar(select(condition)))


@pytest.mark.parametrize("kreisfrei", [False, True])
@pytest.mark.parametrize("level", LEVELS)
def test_own_in_python_and_sql(level, kreisfrei):
    expected = level in ({"gemeinde", "landkreis"} if kreisfrei else {"gemeinde"})
    assert is_own(level, kreisfrei) is expected
    assert _sql(own_sql(literal(level), literal(int(kreisfrei)) == 1)) is expected


def test_a_kreisfreie_stadt_executes_gemeinde_and_kreis():
    assert executed_levels(True) == {Level.GEMEINDE, Level.LANDKREIS}
    assert executed_levels(False) == {Level.GEMEINDE}


@pytest.mark.parametrize("model", [None, *(m.value for m in MaturityModel)])
@pytest.mark.parametrize("stage", [None, 0, 1, 2, 3, 4, 5])
def test_online_in_python_and_sql(stage, model):
    targets = Targets(rgm1=3, rgm2=4)
    expected = stage is not None and model is not None and stage >= {"rgm1": 3, "rgm2": 4}[model]
    assert is_online(stage, model, targets) is expected
    assert _sql(online_sql(literal(stage), literal(model), targets)) is expected


def test_the_definition_loads_no_sqlalchemy():
    # The pure result types import it: a renderer must never load SQLAlchemy through it.
    code = "import sys, ozgtrack.views.what_counts; print('sqlalchemy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
