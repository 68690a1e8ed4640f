"""Paths of the files ozgtrack ships: migrations and the catalog data (also from an installed wheel)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def catalog_file(name: str) -> Path:
    """A file below ``catalog/`` (installed as the package ``ozgtrack.catalog``)."""
    return Path(str(files("ozgtrack.catalog").joinpath(name)))


def migrations_dir() -> Path:
    """The Alembic script directory (installed as the package ``ozgtrack.migrations``)."""
    return Path(str(files("ozgtrack.migrations")))
