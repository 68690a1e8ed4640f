"""Paths of the files ozgtrack ships: migrations and the catalog data (also from an installed wheel); reading TOML."""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from ozgtrack.errors import ConfigError


def catalog_file(name: str) -> Path:
    """A file below ``catalog/`` (installed as the package ``ozgtrack.catalog``)."""
    return Path(str(files("ozgtrack.catalog").joinpath(name)))


def migrations_dir() -> Path:
    """The Alembic script directory (installed as the package ``ozgtrack.migrations``)."""
    return Path(str(files("ozgtrack.migrations")))


def read_toml(path: Path, what: str = "Konfigurationsdatei") -> dict[str, Any]:
    """A TOML file as a dict; a missing or broken file is a ConfigError naming ``what`` it is (German, a noun)."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path} ist nicht lesbar: {_toml_problem(exc)}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {path} ist nicht lesbar: {exc}") from exc
    except RecursionError:  # tomllib recurses once per nested array or table
        raise ConfigError(f"{what} {path} ist nicht lesbar: sie ist zu tief verschachtelt") from None


def _toml_problem(exc: tomllib.TOMLDecodeError) -> str:
    """Where the TOML is broken, in German; tomllib says what in English only, so the place must do."""
    place = re.search(r"at line (\d+), column (\d+)", str(exc))
    return f"kein gültiges TOML (Zeile {place[1]}, Spalte {place[2]})" if place else "kein gültiges TOML"
