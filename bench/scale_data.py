"""The roll-up benchmark's data and floor: many towns generated into a real database, one SQL query per roll-up.

The database is made the way a Landkreis makes it (the real migrations, ``municipality import``
of the Destatis ARS list, ``catalog sync`` of a catalogue); the towns' triage decisions and
statuses are then generated from a seed and written in bulk (executemany on SQLite, COPY on
PostgreSQL), not through the CLI, so that a million rows take seconds. Nothing here is copied
from ../shared/data: the ARS list is read at run time.

The floor computes what the roll-up counts with one hand-written query. A town's level of a
service is its own decision, else its Leistungsobjekt's decision, else the rules; the rules live
in TOML files, not in the database, so the floor is given them as a table ``bench_rule`` (Land,
service, level) filled before the clock starts. The query then costs what the decisions and the
statuses cost, not towns × catalogue: every town of a Land starts from the same rule counts, and
only its decisions and statuses move them.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ARS_HEADER = ["ars", "bezeichnung", "hinweis", "land", "ags"]
LEVELS = ("gemeinde", "landkreis", "land", "bund")
LEVEL_WEIGHTS = (45, 25, 20, 10)
DEPARTMENTS = ("FB 1 Zentrale Dienste", "FB 2 Bürgerservice und Ordnung", "FB 3 Finanzen", "FB 4 Bauen")
NOW = datetime(2026, 11, 2, 9, 30)


@dataclass(frozen=True)
class Plan:
    """How much to generate: the Land case (statuses over the whole catalogue) or the national one (own services)."""

    seed: int = 15
    national: bool = False
    own_per_town: int = 500  # national: statuses per town, about the town's own services


def read_ars(path: Path, land: str | None = None, limit: int | None = None) -> list[dict[str, str]]:
    """Rows of the Destatis ARS list (``derived_ars_gemeinden.csv``), of one Land if given, the first ``limit``."""
    with path.open(encoding="utf-8", newline="") as f:
        found = [row for row in csv.DictReader(f) if land is None or row["land"] == land]
    return found if limit is None else _spread(found, limit)


def _spread(rows: list[dict[str, str]], limit: int) -> list[dict[str, str]]:
    # Every n-th town, so that a small run still holds a kreisfreie Stadt and towns of several Kreise.
    if limit >= len(rows):
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


def write_ars(rows: Sequence[dict[str, str]], path: Path) -> Path:
    """An ARS file for ``municipality import`` with just these rows (in the work folder, never in the repository)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ARS_HEADER, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def build(url: str, ars_file: Path, catalogues: Sequence[Path], cli: Callable[..., Any]) -> None:
    """A fresh database through the real CLI: migrations, the municipalities, the catalogue(s)."""
    cli("--db", url, "municipality", "import", str(ars_file))
    for catalogue in catalogues:
        cli("--db", url, "catalog", "sync", "--from", str(catalogue))


# --- the rules, as the floor's table ----------------------------------------------------------------------


def fill_rules(engine: Any, settings: Any) -> dict[str, dict[int, str | None]]:
    """Table ``bench_rule``: each Land's rule level of every live service (None: information only).

    ``settings`` (ozgtrack.settings.Settings) name the town's rules file and the Land presets, as the roll-up reads them.
    """
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from ozgtrack.store.models import Municipality
    from ozgtrack.town.rules import load_rules

    with Session(engine) as session:
        services = session.execute(text("SELECT id, key, typisierung FROM leika_service "
                                        "WHERE withdrawn_release_id IS NULL")).all()
        towns = {m.land: m for m in session.query(Municipality).order_by(Municipality.ars)}
        levels = {}
        for land, town in towns.items():
            rules = load_rules(settings.triage_rules, town, settings.triage_presets)
            levels[land] = {id_: _value(rules.match(key, typ).level) for id_, key, typ in services}
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS bench_rule"))
        connection.execute(text("CREATE TABLE bench_rule (land VARCHAR(2) NOT NULL, service_id INTEGER NOT NULL, "
                                "level VARCHAR(16), PRIMARY KEY (land, service_id))"))
        connection.execute(text("INSERT INTO bench_rule VALUES (:land, :service_id, :level)"),
                           [{"land": land, "service_id": s, "level": lv} for land, by in levels.items()
                            for s, lv in by.items()])
    return levels


def _value(level: Any) -> str | None:
    return level.value if level is not None else None


# --- triage and statuses --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """What the generator picks from: every live service and the counted ones (groupings count nowhere)."""

    services: tuple[int, ...]
    counted: tuple[int, ...]
    rules: dict[str, dict[int, str | None]]
    lo_of: dict[int, int]  # service -> the Leistungsobjekt whose decision it inherits (itself for one)
    members: dict[int, tuple[int, ...]]  # Leistungsobjekt -> the counted services its decision sets


def catalogue(engine: Any, rules: dict[str, dict[int, str | None]]) -> Catalogue:
    from sqlalchemy import text

    with engine.connect() as connection:
        every = connection.execute(text("SELECT id, key FROM leika_service WHERE withdrawn_release_id IS NULL "
                                        "ORDER BY key")).all()
        counted = connection.execute(text(f"SELECT id FROM leika_service c WHERE {COUNTED} ORDER BY key")).scalars()
        objects = {key: id_ for id_, key in every if key.endswith("000000")}
        lo_of = {id_: objects.get(key[:8] + "000000", id_) for id_, key in every}
        counted = tuple(counted)
        members: dict[int, list[int]] = {}
        for service in counted:
            members.setdefault(lo_of[service], []).append(service)
        return Catalogue(tuple(id_ for id_, _ in every), counted, rules, lo_of,
                         {lo: tuple(found) for lo, found in members.items()})


def towns(engine: Any) -> list[tuple[int, str, str]]:
    from sqlalchemy import text

    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text("SELECT id, ars, land FROM municipality ORDER BY ars"))]


def generate(catalogue: Catalogue, town: tuple[int, str, str], plan: Plan
             ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """One town's decisions and statuses, the same for the same seed and ARS whatever else is generated."""
    id_, ars, land = town
    rng = random.Random(f"{plan.seed}:{ars}")
    # A few towns have hardly begun: next to no triage, few statuses. They must show apart in the roll-up.
    little = int(ars[-3:]) % 37 == 5
    if plan.national:
        return _national(rng, catalogue, town, plan, little)
    # Most towns settle most of what the rules leave "unklar", and overrule the rules here and there.
    open_ = [s for s in catalogue.services if catalogue.rules[land][s] == "unklar"]
    settled = rng.sample(open_, int(len(open_) * rng.uniform(0.7, 1.0))) if not little else []
    share = 0.002 if little else rng.uniform(0.03, 0.15)
    others = set(rng.sample(catalogue.services, int(len(catalogue.services) * share))) - set(settled)
    decisions = ([_decision(rng, id_, s, rng.choices(LEVELS[:3], (50, 35, 15))[0]) for s in settled]
                 + [_decision(rng, id_, s, rng.choices(LEVELS, LEVEL_WEIGHTS)[0]) for s in sorted(others)])
    assessed = 0.04 if little else rng.uniform(0.8, 1.0)
    maturity = rng.uniform(0.1, 0.7)
    statuses = [_status(rng, id_, s, maturity, ars) for s in catalogue.services if rng.random() < assessed]
    return decisions, statuses


def _national(rng: random.Random, catalogue: Catalogue, town: tuple[int, str, str], plan: Plan, little: bool
              ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    # Triage by Leistungsobjekt (its Verrichtungen inherit the decision), as a town settles its list in bulk:
    # what is still "unklar" goes to the Landkreis, except the Leistungsobjekte the town takes on itself, until it
    # has about ``own_per_town`` own services, each with a status. Little towns decide nothing and assess a few.
    id_, ars, land = town
    rules = catalogue.rules[land]
    kinds = ("gemeinde", "landkreis") if ars.endswith("0000000") else ("gemeinde",)
    own = {s for s in catalogue.counted if rules[s] in kinds}
    open_ = sorted({catalogue.lo_of[s] for s in catalogue.counted if rules[s] == "unklar"})
    decided = {} if little else dict.fromkeys(open_, "landkreis")
    others = sorted({catalogue.lo_of[s] for s in catalogue.counted if s not in own} - set(open_))
    for lo in rng.sample(open_ + others, len(open_) + len(others)) if not little else ():
        if len(own) >= plan.own_per_town:
            break
        decided[lo] = "gemeinde"
        own.update(catalogue.members[lo])
    own = {s for s in catalogue.counted if (decided.get(catalogue.lo_of[s]) or rules[s]) in kinds}
    chosen = rng.sample(sorted(own), min(25 if little else plan.own_per_town, len(own)))
    maturity = rng.uniform(0.1, 0.7)
    return ([_decision(rng, id_, lo, level) for lo, level in decided.items()],
            [_status(rng, id_, s, maturity, ars) for s in chosen])


def _decision(rng: random.Random, town: int, service: int, level: str) -> tuple[Any, ...]:
    at = NOW - timedelta(days=rng.randrange(400))
    return (town, service, level, "Zuständigkeit laut Geschäftsverteilungsplan", "bench", at)


def _status(rng: random.Random, town: int, service: int, maturity: float, ars: str) -> tuple[Any, ...]:
    draw = rng.random()
    if draw < 0.08:  # nothing assessed yet, only a date planned
        model, stage, planned = None, None, f"{2027 + rng.randrange(2)}-Q{1 + rng.randrange(4)}"
    else:
        model = "rgm1" if draw < 0.8 else "rgm2"
        top = 4 if model == "rgm1" else 7
        stage = rng.randint(3, top) if rng.random() < maturity else rng.randint(0, 2)
        planned = None if stage >= 3 or rng.random() < 0.5 else f"{2027 + rng.randrange(2)}-Q{1 + rng.randrange(4)}"
    url = f"https://{ars}.example/dienst/{service}" if stage is not None and stage >= 3 else None
    verified = (NOW - timedelta(days=rng.randrange(700))).date()
    return (town, service, model, stage, url, DEPARTMENTS[service % len(DEPARTMENTS)], planned, verified, "bench",
            NOW - timedelta(days=rng.randrange(300)), "bench")


RESPONSIBILITY_COLUMNS = ("municipality_id", "service_id", "level", "reason", "decided_by", "decided_at")
STATUS_COLUMNS = ("municipality_id", "service_id", "model", "stage", "url", "department", "planned", "verified_at",
                  "verified_by", "updated_at", "updated_by")


def fill(engine: Any, plan: Plan, rules: dict[str, dict[int, str | None]],
         progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Generate and write every town's decisions and statuses; returns (decisions, statuses) written."""
    found = catalogue(engine, rules)
    every = towns(engine)
    written = [0, 0]

    def batches() -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        for start in range(0, len(every), 50):
            decisions, statuses = [], []
            for town in every[start:start + 50]:
                d, s = generate(found, town, plan)
                decisions += d
                statuses += s
            written[0], written[1] = written[0] + len(decisions), written[1] + len(statuses)
            if progress:
                progress(min(start + 50, len(every)), len(every))
            yield decisions, statuses

    write = _copy if engine.dialect.name == "postgresql" else _executemany
    write(engine, batches())
    return written[0], written[1]


def _executemany(engine: Any, batches: Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        for decisions, statuses in batches:
            cursor.executemany(_insert("responsibility", RESPONSIBILITY_COLUMNS), _sqlite_rows(decisions))
            cursor.executemany(_insert("service_status", STATUS_COLUMNS), _sqlite_rows(statuses))
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
    finally:
        raw.close()


def _insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _sqlite_rows(rows: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    # As SQLAlchemy stores them on SQLite: dates and times as ISO text with a space.
    for row in rows:
        yield tuple(str(v) if isinstance(v, date) else v for v in row)


def _copy(engine: Any, batches: Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]) -> None:
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            for decisions, statuses in batches:
                for table, columns, rows in (("responsibility", RESPONSIBILITY_COLUMNS, decisions),
                                             ("service_status", STATUS_COLUMNS, statuses)):
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            raw.commit()
            cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


# --- the floor -----------------------------------------------------------------------------------------

# A counted service (the counting unit, ozgtrack.catalogue.counting): live, and no Leistungsobjekt that has live Verrichtungen.
COUNTED = ("c.withdrawn_release_id IS NULL AND NOT (c.kind = 'LO' AND EXISTS (SELECT 1 FROM leika_service v "
           "WHERE v.leistungsobjekt_id = c.leistungsobjekt_id AND v.kind <> 'LO' "
           "AND v.withdrawn_release_id IS NULL))")


def _own(level: str, kreisfrei: str) -> str:
    """1 when a town executes a service of ``level`` itself (a kreisfreie Stadt also the Landkreis's), else 0."""
    return f"(CASE WHEN {level} = 'gemeinde' OR ({level} = 'landkreis' AND {kreisfrei} = 1) THEN 1 ELSE 0 END)"


def _is(condition: str) -> str:
    return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _moves(figure: str) -> str:
    """How a decision moves a 0/1 figure of the rule level: ``figure`` written with LEVEL for the level."""
    return f"({figure.replace('LEVEL', 'level')} - {figure.replace('LEVEL', 'rule_level')})"


_REACHED = "st.stage >= CASE st.model WHEN 'rgm1' THEN :target_rgm1 ELSE :target_rgm2 END"
_PLANNED = "st.planned IS NOT NULL AND st.planned <> ''"
_FLAGS = f"{_is(_REACHED)} AS online, {_is('st.stage IS NOT NULL')} AS assessed, {_is(_PLANNED)} AS planned"

# Every town of a Land starts from the same rule counts; its decisions ("moved") move them. A status counts
# where the rule makes the service the town's own, and once more with (decision - rule) where a decision
# changes that: so only the statuses of own services are read, by the unique index, never towns × catalogue.
# Joins are written in the order that drives from the small tables into the big ones by key; CROSS JOIN keeps
# SQLite to that order (PostgreSQL plans it itself).
_COMMON = f"""
town AS MATERIALIZED (SELECT id, ars, land, {_is("ars LIKE '%0000000'")} AS kreisfrei
                      FROM municipality WHERE ars LIKE :scope),
rule AS MATERIALIZED (SELECT r.land, r.service_id, r.level FROM bench_rule r
                      WHERE r.service_id IN (SELECT c.id FROM leika_service c WHERE {COUNTED})),
moved AS MATERIALIZED (
  SELECT r.municipality_id AS town_id, r.service_id, r.level, ru.level AS rule_level, t.kreisfrei
  FROM responsibility r CROSS JOIN town t CROSS JOIN rule ru
  WHERE t.id = r.municipality_id AND ru.land = t.land AND ru.service_id = r.service_id
  UNION ALL
  SELECT r.municipality_id, c.id, r.level, ru.level, t.kreisfrei
  FROM responsibility r CROSS JOIN leika_service lo CROSS JOIN leika_service c CROSS JOIN town t CROSS JOIN rule ru
  WHERE lo.id = r.service_id AND lo.key LIKE '%000000' AND c.leistungsobjekt_id = lo.leistungsobjekt_id
    AND c.id <> lo.id AND t.id = r.municipality_id AND ru.land = t.land AND ru.service_id = c.id
    AND NOT EXISTS (SELECT 1 FROM responsibility o WHERE o.municipality_id = r.municipality_id
                    AND o.service_id = c.id)),
state AS (
  SELECT st.municipality_id AS town_id, st.service_id, 1 AS own, {_FLAGS}
  FROM rule ru CROSS JOIN town t CROSS JOIN service_status st
  WHERE {_own("ru.level", "t.kreisfrei")} = 1 AND t.land = ru.land
    AND st.municipality_id = t.id AND st.service_id = ru.service_id
  UNION ALL
  SELECT m.town_id, m.service_id, {_moves(_own("m.LEVEL", "m.kreisfrei"))}, {_FLAGS}
  FROM moved m CROSS JOIN service_status st
  WHERE {_moves(_own("m.LEVEL", "m.kreisfrei"))} <> 0
    AND st.municipality_id = m.town_id AND st.service_id = m.service_id),
base AS (SELECT land, SUM({_is("level IS NOT NULL")}) AS in_scope, SUM({_is("level = 'unklar'")}) AS undecided,
                SUM({_is("level = 'gemeinde'")}) AS gemeinde, SUM({_is("level = 'landkreis'")}) AS landkreis
         FROM rule GROUP BY land),
delta AS (SELECT town_id, SUM({_moves(_is("LEVEL IS NOT NULL"))}) AS in_scope,
                 SUM({_moves(_is("LEVEL = 'unklar'"))}) AS undecided, SUM({_moves(_own("LEVEL", "kreisfrei"))}) AS own
          FROM moved GROUP BY town_id),
reached AS (SELECT town_id, SUM(own * online) AS online, SUM(own * (1 - online) * planned) AS in_progress,
                   SUM(own * (1 - online) * (1 - planned) * assessed) AS offline, SUM(own * assessed) AS assessed
            FROM state GROUP BY town_id),
counts AS (
  SELECT t.id, t.ars, b.in_scope + COALESCE(d.in_scope, 0) AS in_scope, b.undecided + COALESCE(d.undecided, 0)
         AS undecided, b.gemeinde + t.kreisfrei * b.landkreis + COALESCE(d.own, 0) AS own,
         COALESCE(r.online, 0) AS online, COALESCE(r.in_progress, 0) AS in_progress,
         COALESCE(r.offline, 0) AS offline, COALESCE(r.assessed, 0) AS assessed
  FROM town t JOIN base b ON b.land = t.land LEFT JOIN delta d ON d.town_id = t.id
  LEFT JOIN reached r ON r.town_id = t.id),
figures AS (
  SELECT counts.*, {_is("in_scope > 0 AND CAST(in_scope - undecided AS DOUBLE PRECISION) / in_scope >= :min_triage "
                        "AND own > 0 AND CAST(assessed AS DOUBLE PRECISION) / own >= :min_assessed")} AS comparable
  FROM counts)
"""

BY_MUNICIPALITY = f"""
WITH {_COMMON}
SELECT ars, in_scope, undecided, own, online, in_progress, offline, assessed, comparable FROM figures ORDER BY ars
"""

# Per service only the comparable towns count (as in the roll-up): the same overlay, over those towns.
BY_SERVICE = f"""
WITH {_COMMON},
compared AS (SELECT t.id, t.land, t.kreisfrei FROM town t JOIN figures f ON f.id = t.id WHERE f.comparable = 1),
towns AS (SELECT land, kreisfrei, COUNT(*) AS n FROM compared GROUP BY land, kreisfrei),
base_s AS (SELECT ru.service_id, SUM(tw.n * {_own("ru.level", "tw.kreisfrei")}) AS own
           FROM rule ru JOIN towns tw ON tw.land = ru.land GROUP BY ru.service_id),
delta_s AS (SELECT m.service_id, SUM({_moves(_own("m.LEVEL", "m.kreisfrei"))}) AS own
            FROM moved m JOIN compared c ON c.id = m.town_id GROUP BY m.service_id),
up AS (SELECT s.service_id, SUM(s.own * s.online) AS online
       FROM state s JOIN compared c ON c.id = s.town_id GROUP BY s.service_id)
SELECT s.key, b.own + COALESCE(d.own, 0) AS own, COALESCE(up.online, 0) AS online
FROM base_s b JOIN leika_service s ON s.id = b.service_id
LEFT JOIN delta_s d ON d.service_id = b.service_id LEFT JOIN up ON up.service_id = b.service_id
WHERE b.own + COALESCE(d.own, 0) > 0
ORDER BY s.key
"""

# The plain way: every (town, counted service) with its decisions and status joined by their unique indexes.
# Its cost grows with towns × catalogue, but each step is an index probe; which of the two queries is faster
# depends on the database, and the faster one is the floor.
_CELLS = f"""
town AS (SELECT id, ars, land, {_is("ars LIKE '%0000000'")} AS kreisfrei FROM municipality WHERE ars LIKE :scope),
rule AS MATERIALIZED (
  SELECT r.land, r.service_id, r.level, lo.id AS lo_id
  FROM bench_rule r JOIN leika_service c ON c.id = r.service_id
  LEFT JOIN leika_service lo ON lo.key = substr(c.key, 1, 8) || '000000' AND lo.id <> c.id
  WHERE {COUNTED}),
cell AS (
  SELECT t.id AS town_id, ru.service_id, COALESCE(o.level, i.level, ru.level) AS level, t.kreisfrei,
         {_FLAGS}
  FROM town t JOIN rule ru ON ru.land = t.land
  LEFT JOIN responsibility o ON o.municipality_id = t.id AND o.service_id = ru.service_id
  LEFT JOIN responsibility i ON i.municipality_id = t.id AND i.service_id = ru.lo_id
  LEFT JOIN service_status st ON st.municipality_id = t.id AND st.service_id = ru.service_id),
owned AS (SELECT town_id, service_id, level, {_own("level", "kreisfrei")} AS own, online, assessed, planned
          FROM cell),
counts AS (
  SELECT t.ars, t.id, SUM({_is("w.level IS NOT NULL")}) AS in_scope, SUM({_is("w.level = 'unklar'")}) AS undecided,
         SUM(w.own) AS own, SUM(w.own * w.online) AS online, SUM(w.own * (1 - w.online) * w.planned) AS in_progress,
         SUM(w.own * (1 - w.online) * (1 - w.planned) * w.assessed) AS offline, SUM(w.own * w.assessed) AS assessed
  FROM town t JOIN owned w ON w.town_id = t.id GROUP BY t.ars, t.id),
figures AS (
  SELECT counts.*, {_is("in_scope > 0 AND CAST(in_scope - undecided AS DOUBLE PRECISION) / in_scope >= :min_triage "
                        "AND own > 0 AND CAST(assessed AS DOUBLE PRECISION) / own >= :min_assessed")} AS comparable
  FROM counts)
"""

CROSS_BY_MUNICIPALITY = f"""
WITH {_CELLS}
SELECT ars, in_scope, undecided, own, online, in_progress, offline, assessed, comparable FROM figures ORDER BY ars
"""

CROSS_BY_SERVICE = f"""
WITH {_CELLS}
SELECT s.key, SUM(w.own) AS own, SUM(w.own * w.online) AS online
FROM owned w JOIN figures f ON f.id = w.town_id JOIN leika_service s ON s.id = w.service_id
WHERE f.comparable = 1
GROUP BY s.key HAVING SUM(w.own) > 0
ORDER BY s.key
"""

FLOORS = {("overlay", "municipality"): BY_MUNICIPALITY, ("overlay", "service"): BY_SERVICE,
          ("cross", "municipality"): CROSS_BY_MUNICIPALITY, ("cross", "service"): CROSS_BY_SERVICE}
VARIANTS = ("overlay", "cross")


@dataclass(frozen=True)
class Settings:
    """What the roll-up is counted with: targets per maturity model and the comparability thresholds."""

    target_rgm1: int = 3
    target_rgm2: int = 3
    min_triage: float = 0.9
    min_assessed: float = 0.5


def floor(connection: Any, by: str, scope: str, settings: Settings = Settings(),
          variant: str = "overlay") -> list[tuple[Any, ...]]:
    """The roll-up's figures by one query, sorted: per town (ARS, in scope, undecided, own, online, in progress,
    offline, assessed, comparable) or per service own by a compared town (key, own, online).

    ``scope`` is an ARS prefix: "15" for Sachsen-Anhalt, "" for the whole country; ``variant`` one of VARIANTS.
    """
    from sqlalchemy import text

    params = {"scope": f"{scope}%", **settings.__dict__}
    return [tuple(int(v) if not isinstance(v, str) else v for v in row)
            for row in connection.execute(text(FLOORS[(variant, by)]), params)]


def library(result: Any) -> list[tuple[Any, ...]]:
    """The same figures taken from a ``RollupResult`` (``ozgtrack.analysis.rollup.compute``), sorted like the floor."""
    if result.by.value == "municipality":
        return sorted((t.ars, t.in_scope, t.undecided, t.applicable, t.online, t.in_progress, t.offline, t.assessed,
                       int(t.comparable)) for t in result.towns)
    return sorted((u.key, u.applicable, u.online) for u in result.units)
