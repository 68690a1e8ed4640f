"""Layering: renderers and result types stand on pure modules, never on the ORM."""

import subprocess
import sys
from pathlib import Path

import pytest

import ozgtrack

PACKAGE = Path(ozgtrack.__file__).parent
RENDERERS = sorted(f"ozgtrack.render.{p.stem}" for p in (PACKAGE / "render").glob("*.py") if p.stem != "__init__")
RESULTS = ["ozgtrack.views.results", "ozgtrack.views.catalog", "ozgtrack.views.tracking", "ozgtrack.views.links",
           "ozgtrack.views.pvog", "ozgtrack.values", "ozgtrack.records", "ozgtrack.fields"]
FORBIDDEN = ("sqlalchemy", "alembic", "ozgtrack.store.models", "ozgtrack.store.db")


def test_the_lists_are_not_empty():
    assert "ozgtrack.render.document" in RENDERERS and "ozgtrack.render.gaps" in RENDERERS


@pytest.mark.parametrize("module", RENDERERS + RESULTS)
def test_importing_loads_no_orm(module):
    # A fresh interpreter: what an earlier test imported must not hide what this module pulls in.
    code = f"import sys, {module}; print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", f"{module} loads {done.stdout.strip()}"
