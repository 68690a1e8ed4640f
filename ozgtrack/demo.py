"""The demo: a fresh database built from the small catalogue in ``catalog/demo/``, no network needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ozgtrack.config import Settings, db_url
from ozgtrack.records import Source
from ozgtrack.resources import catalog_file

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ozgtrack.sync import SyncOutcome

# The demo catalogue in the official formats: a LeiKa export (cp1252, ";") and the
# OZG-Umsetzungskatalog as Excel in Germany saves it (UTF-8 with BOM, ";").
DEMO_FILES = (("demo/leika_leistungen_de.csv", Source.LEIKA), ("demo/ozg_umsetzungskatalog.csv", Source.OZG))


@dataclass(frozen=True)
class Demo:
    path: Path
    engine: Engine
    syncs: tuple[SyncOutcome, ...]


def default_path(settings: Settings) -> Path:
    """Where the demo database lives: next to the real one, never the real one."""
    return settings.data_dir / "demo.sqlite"


def build(settings: Settings, path: Path) -> Demo:
    """Recreate the demo database at ``path`` and sync the demo catalogue into it."""
    from ozgtrack.db import open_database
    from ozgtrack.sync import SyncRequest, run

    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    url = db_url(str(path))
    engine = open_database(url)
    syncs = tuple(run(url, settings, SyncRequest(source, str(catalog_file(name))), engine=engine)
                  for name, source in DEMO_FILES)
    return Demo(path, engine, syncs)
