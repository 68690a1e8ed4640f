"""The wheel ships the migrations and the catalogue data; the CLI starts without heavy imports."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(ROOT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return zipfile.ZipFile(next(out.glob("ozgtrack-*.whl")))


def test_wheel_contains_every_module(wheel):
    names = set(wheel.namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "ozgtrack").rglob("*.py")}
    assert modules <= names, f"missing from the wheel (add the package to setup.cfg): {sorted(modules - names)}"


def test_wheel_contains_migrations_and_catalog(wheel):
    names = set(wheel.namelist())
    versions = {p.name for p in (ROOT / "migrations" / "versions").glob("*.py")}
    assert {f"ozgtrack/migrations/versions/{v}" for v in versions} <= names
    assert {"ozgtrack/migrations/env.py", "ozgtrack/migrations/script.py.mako", "ozgtrack/catalog/sources.toml",
            "ozgtrack/catalog/gebiete.toml", "ozgtrack/catalog/suchbegriffe.toml",
            "ozgtrack/catalog/themenfelder.toml", "ozgtrack/catalog/demo/leika_leistungen_de.csv",
            "ozgtrack/catalog/demo/ozg_umsetzungskatalog.csv", "ozgtrack/cli/__init__.py"} <= names


def test_help_does_not_import_the_orm_or_requests():
    code = ("import sys; from ozgtrack.cli import cli\n"
            "try: cli(['--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'requests', 'bs4', 'tabulate') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m():
    done = subprocess.run([sys.executable, "-m", "ozgtrack", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("ozgtrack, Version ")
