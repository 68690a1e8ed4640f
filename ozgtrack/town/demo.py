"""The demo: a fresh database built from the bundled catalogue and demo town, no network needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ozgtrack import clock
from ozgtrack.records import Source
from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.settings import Settings
from ozgtrack.store.database import db_url

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from ozgtrack.catalogue.sync import SyncOutcome
    from ozgtrack.town.context import Context

# The demo catalogue in the official formats: a LeiKa export (cp1252, ";") and the
# OZG-Umsetzungskatalog as Excel in Germany saves it (UTF-8 with BOM, ";").
DEMO_FILES = (("demo/leika_leistungen_de.csv", Source.LEIKA), ("demo/ozg_umsetzungskatalog.csv", Source.OZG))
DEMO_USER = "ozgtrack demo"


@dataclass(frozen=True)
class Demo:
    path: Path
    engine: Engine
    syncs: tuple[SyncOutcome, ...]
    ars: str


def default_path(settings: Settings) -> Path:
    """Where the demo database lives: next to the real one, never the real one."""
    return settings.data_dir / "demo.sqlite"


def build(settings: Settings, path: Path, today: date | None = None) -> Demo:
    """Recreate the demo database at ``path``: catalogue, municipalities, the demo town's triage and statuses."""
    from ozgtrack.catalogue.sync import SyncRequest, run
    from ozgtrack.store.database import Database
    from ozgtrack.store.db import write_session

    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    database = Database(db_url(str(path)))
    engine = database.engine()
    syncs = tuple(run(database, settings, SyncRequest(source, str(catalog_file(name)))) for name, source in DEMO_FILES)
    town = read_toml(catalog_file("demo/wolmirstedt.toml"), "die Demo-Gemeinde")
    with write_session(engine) as session:
        context = _context(session, settings, town["municipality"], today or clock.today())
        for entry in town["service"]:
            _answer(session, context, entry, town["departments"])
        for entry in town.get("online", ()):
            _online(session, context, entry, town["departments"])
        for entry in town.get("blocker", ()):
            _blocker(session, context, entry)
    return Demo(path, engine, syncs, town["municipality"])


def _context(session: Session, settings: Settings, ars: str, today: date) -> Context:
    from sqlalchemy import update

    from ozgtrack.store.models import Municipality
    from ozgtrack.town.context import build_context
    from ozgtrack.town.municipalities import import_list

    now = clock.now()
    import_list(session, catalog_file("demo/gemeinden.csv").read_bytes(), "demo/gemeinden.csv", now)
    # Its figures are invented: every report made from them says so.
    session.execute(update(Municipality).where(Municipality.ars == ars).values(demo=True))
    return build_context(session, settings, ars=ars, by=DEMO_USER, now=now, today=today)


def _answer(session: Session, context: Context, entry: dict[str, Any], departments: dict[str, str]) -> None:
    from ozgtrack.town.tracking import set_status
    from ozgtrack.town.triage import decide, resolve_target
    from ozgtrack.values import Level, MaturityModel

    service = resolve_target(session, entry["key"]).services
    if "level" in entry:
        decide(session, context, [service[0][0]], Level(entry["level"]), entry["reason"])
    values: dict[str, Any] = {k: entry[k] for k in ("stage", "url", "portal", "note") if k in entry}
    if "stage" in entry:
        values["model"] = MaturityModel.RGM1
    if "efa" in entry:
        values["efa_solution"] = entry["efa"]
    if "department" in entry:
        values["department"] = departments[entry["department"]]
    if "planned_quarters_ahead" in entry:
        values["planned"] = _quarter(context.today, entry["planned_quarters_ahead"])
    if "verified_days_ago" in entry:
        values["verified_at"] = context.today - timedelta(days=entry["verified_days_ago"])
        values["verified_by"] = values.get("department", DEMO_USER)
    if values:
        set_status(session, context, list(service), values, reason="Demo")


def _online(session: Session, context: Context, entry: dict[str, Any], departments: dict[str, str]) -> None:
    """An online service of the demo town, in Reifegradmodell 1.1 like its statuses."""
    from ozgtrack.town.online import add_online
    from ozgtrack.views.online import OnlineSpec

    fields = {k: v for k, v in entry.items() if k not in ("covers", "department")}
    spec = OnlineSpec(covers=tuple(entry["covers"]), model="rgm1" if "stage" in entry else None,
                      department=departments.get(entry.get("department", "")), **fields)
    add_online(session, context, spec, reason="Demo")


def _blocker(session: Session, context: Context, entry: dict[str, Any]) -> None:
    """Why a gap of the demo town is still open."""
    from ozgtrack.town.blockers import change
    from ozgtrack.views.online import BlockerCode
    from ozgtrack.views.what_counts import Targets

    change(session, context, Targets(), entry["key"], BlockerCode(entry["code"]), entry.get("note"), clear=False)


def _quarter(today: date, ahead: int) -> str:
    index = today.year * 4 + (today.month - 1) // 3 + ahead
    return f"{index // 4}-Q{index % 4 + 1}"
