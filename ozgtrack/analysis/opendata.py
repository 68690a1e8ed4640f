"""The open-data file set of a year: definitions, municipalities, services with levels, statuses, roll-up figures.

Nothing personal leaves the database this way: nobody who changed, decided, verified or is the
contact for anything, no departments, no free text that may name people (notes, reasons, portal
and EfA names), no settings. A past year is replayed from the history (the audit log) to its
last day; the current year is the state as it is now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.analysis import trend
from ozgtrack.ars import Ars
from ozgtrack.catalogue.counting import grouping_ids
from ozgtrack.catalogue.query import current_memberships, current_services, memberships_at
from ozgtrack.errors import InputError, NotFoundError
from ozgtrack.fields import without_credentials
from ozgtrack.store.db import rows
from ozgtrack.store.models import (
    AuditEntry, Municipality, OzgLeistung, OzgMember, Release, Responsibility, Service, ServiceStatus,
)
from ozgtrack.town import regions
from ozgtrack.town.context import Context, build_context
from ozgtrack.town.municipalities import executed_levels, is_kreisfrei, resolve
from ozgtrack.town.triage import LO_SUFFIX, assignments
from ozgtrack.values import Level
from ozgtrack.views import opendata_terms as terms
from ozgtrack.views.opendata import Column, OpenData, Place, Table
from ozgtrack.views.results import Applicability, Category, Targets, categorise, classify
from ozgtrack.views.rollup import Scope
from ozgtrack.views.tracking import DECISION, INHERITED, RULE

if TYPE_CHECKING:
    from ozgtrack.settings import Settings

GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"


@dataclass(frozen=True)
class Standing:
    """One service for one municipality at the export's date."""

    service_id: int
    level: Level | None
    origin: str
    applicability: Applicability
    category: Category | None
    model: str | None
    stage: int | None
    url: str | None
    verified_at: date | None


def collect(session: Session, settings: Settings, scope: Scope, year: int | None, *, now: datetime,
            today: date) -> OpenData:
    """The file set of ``year`` (None: the current one) for the municipalities of ``scope``."""
    towns = municipalities(session, scope)
    year = today.year if year is None else year
    until = _until(year, today)
    targets = Targets.of_settings(settings.report)
    catalogue = _catalogue(session, until)
    if not catalogue:
        raise NotFoundError(f"am Ende des Jahres {year} enthielt die Datenbank noch keinen Katalog; wählen Sie ein "
                            "späteres Jahr")
    groupings = grouping_ids(session)
    standings = {m.ars: _standings(session, _context(session, settings, m, now, today), until, catalogue, groupings,
                                   targets) for m in towns}
    as_of = today if until is None else date(year, 12, 31)
    tables = (_places_table(towns), _services_table(session, catalogue, standings, until),
              _levels_table(catalogue, standings), _status_table(catalogue, standings, as_of))
    if until is None:
        tables += _rollup_tables(session, settings, towns, now)
    kind, areas, label = _geocoding(scope, towns)
    return OpenData(year, as_of, until is not None, now, tuple(_place(m) for m in towns), label, kind, areas,
                    _publisher(session, settings, towns), settings.opendata.license, settings.opendata.base_url,
                    _releases(session, until), (_definitions_table(targets, tables, until is not None), *tables),
                    any(m.demo for m in towns))


def _until(year: int, today: date) -> datetime | None:
    """The end of ``year`` (UTC) for a past year; None for the current one (the state as it is now)."""
    if year > today.year:
        raise InputError(f"das Jahr {year} liegt in der Zukunft; ohne --year gilt das laufende Jahr {today.year}")
    if year < 2000:
        raise InputError(f"das Jahr {year} liegt vor jeder Erfassung; geben Sie ein Jahr wie {today.year - 1} an")
    return None if year == today.year else datetime(year + 1, 1, 1)


def _context(session: Session, settings: Settings, town: Municipality, now: datetime, today: date) -> Context:
    return build_context(session, settings, ars=town.ars, by="", now=now, today=today)


# --- which municipalities -------------------------------------------------------------------------


def municipalities(session: Session, scope: Scope) -> list[Municipality]:
    """The municipalities of ``scope`` (checked by ``rollup.scope_of``; ARS or names) by ARS; without a scope, those
    with a decision, a status or a history."""
    if scope.ars:
        found = {m.ars: m for m in (resolve(session, text) for text in scope.ars)}
        return [found[ars] for ars in sorted(found)]
    query = select(Municipality).order_by(Municipality.ars)
    if scope.kreis is not None:
        query = query.where(Municipality.kreis_ars == str(Ars.of_kreis(scope.kreis)))
    elif scope.land is not None:
        query = query.where(Municipality.land == scope.land)
    else:
        query = query.where(or_(*(exists().where(model.municipality_id == Municipality.id)
                                  for model in (Responsibility, ServiceStatus, AuditEntry))))
    found = list(session.scalars(query))
    if not found:
        raise NotFoundError(_nothing_found(scope))
    return found


def _nothing_found(scope: Scope) -> str:
    if scope.kreis is not None:
        return f"keine Gemeinde des Kreises {scope.kreis} in der Datenbank; zuerst `ozgtrack municipality import` ausführen"
    if scope.land is not None:
        return f"keine Gemeinde des Landes {scope.land} in der Datenbank; zuerst `ozgtrack municipality import` ausführen"
    return ("keine Gemeinde mit Zuständigkeiten oder Status in der Datenbank; wählen Sie Gemeinden mit --ars, "
            "--kreis oder --land")


def _place(town: Municipality) -> Place:
    return Place(town.ars, town.ags, town.name, town.kreis_ars, town.land)


# --- the catalogue and each municipality's standing ---------------------------------------------------


def _catalogue(session: Session, until: datetime | None) -> dict[int, tuple[str, str, str | None]]:
    """The services of the time: live now, or listed by a release before ``until`` and not yet withdrawn then."""
    if until is not None:
        found: Iterable[Any] = trend.existing(session, until)
        names = {id_: name for id_, name in rows(session, select(Service.id, Service.name))}
        return {id_: (key, names[id_], typisierung) for id_, key, typisierung in found}
    query = current_services(Service.id, Service.key, Service.name, Service.typisierung)
    return {id_: (key, name, typisierung) for id_, key, name, typisierung in rows(session, query)}


def _standings(session: Session, context: Context, until: datetime | None, catalogue: dict[int, Any],
               groupings: frozenset[int], targets: Targets) -> dict[int, Standing]:
    """Each counted service's level and status for the municipality, now or just before ``until``."""
    own = executed_levels(context.municipality)
    if until is None:
        levels = {a.service_id: (a.level, a.origin) for a in assignments(session, context.municipality, context.rules)}
        statuses = _statuses_now(session, context.municipality.id)
    else:
        levels, statuses = _then(session, context, until, catalogue)
    out = {}
    for service_id in catalogue:
        if service_id in groupings or service_id not in levels:
            continue
        level, origin = levels[service_id]
        applicability = classify(level, own)
        status = statuses.get(service_id, {})
        category = categorise(status.get("stage"), status.get("model"), status.get("planned"), targets) \
            if applicability is Applicability.APPLICABLE else None
        out[service_id] = Standing(service_id, level, origin, applicability, category, status.get("model"),
                                   status.get("stage"), status.get("url"), _day(status.get("verified_at")))
    return out


def _statuses_now(session: Session, municipality_id: int) -> dict[int, dict[str, Any]]:
    columns = (ServiceStatus.service_id, ServiceStatus.model, ServiceStatus.stage, ServiceStatus.planned,
               ServiceStatus.url, ServiceStatus.verified_at)
    found = rows(session, select(*columns).where(ServiceStatus.municipality_id == municipality_id)).mappings()
    return {row["service_id"]: {**row, "model": row["model"].value if row["model"] else None} for row in found}


def _then(session: Session, context: Context, until: datetime,
          catalogue: dict[int, Any]) -> tuple[dict[int, tuple[Level | None, str]], dict[int, dict[str, Any]]]:
    """Levels and statuses just before ``until``, replayed from the history.

    As now: a service's own decision, else its Leistungsobjekt's decision, else today's rules.
    """
    decided, statuses = trend.replay(session, context, until)
    by_key = {catalogue[i][0]: level for i, level in decided.items() if i in catalogue}
    levels = {}
    for service_id, (key, _, typisierung) in catalogue.items():
        parent = key[:8] + LO_SUFFIX
        if service_id in decided:
            levels[service_id] = (decided[service_id], DECISION)
        elif parent != key and parent in by_key:
            levels[service_id] = (by_key[parent], INHERITED)
        else:
            levels[service_id] = (context.rules.default(key, typisierung)[0], RULE)
    return levels, statuses


def _day(value: Any) -> date | None:
    """A verified date as stored (a date) or as the history holds it (ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# --- the tables ------------------------------------------------------------------------------------


def _table(name: str, rows_: Iterable[tuple[Any, ...]]) -> Table:
    title, description = terms.TITLES[name]
    return Table(name, title, description, terms.COLUMNS[name], tuple(rows_))


def _places_table(towns: list[Municipality]) -> Table:
    return _table("gemeinden", ((m.ars, m.ags, m.name, m.kreis_ars, m.land, is_kreisfrei(m)) for m in towns))


def _levelled(standings: dict[str, dict[int, Standing]]) -> Iterable[tuple[str, Standing]]:
    """Every (ARS, standing) of a service with a level (information entries have none), by ARS then key order."""
    for ars in sorted(standings):
        for standing in standings[ars].values():
            if standing.level is not None:
                yield ars, standing


def _services_table(session: Session, catalogue: dict[int, Any], standings: dict[str, dict[int, Standing]],
                    until: datetime | None) -> Table:
    listed = sorted({s.service_id for _, s in _levelled(standings)}, key=lambda i: catalogue[i][0])
    ozg = _ozg_ids(session, until)
    return _table("leistungen", ((catalogue[i][0], catalogue[i][1], catalogue[i][2], ozg.get(i, ())) for i in listed))


def _levels_table(catalogue: dict[int, Any], standings: dict[str, dict[int, Standing]]) -> Table:
    found = sorted(((ars, catalogue[s.service_id][0], s) for ars, s in _levelled(standings)), key=lambda r: r[:2])
    return _table("zustaendigkeiten", ((ars, key, s.level.value, s.origin, s.applicability is Applicability.APPLICABLE)
                                       for ars, key, s in found))


def _status_table(catalogue: dict[int, Any], standings: dict[str, dict[int, Standing]], as_of: date) -> Table:
    found = sorted(((ars, catalogue[s.service_id][0], s) for ars, s in _levelled(standings)
                    if s.applicability is Applicability.APPLICABLE), key=lambda r: r[:2])
    # Never a URL with credentials: none is stored since migration 0016, but what is published must not rely on it.
    return _table("status", ((ars, key, s.model, s.stage, s.category.value, s.category is Category.ONLINE,
                              s.url and without_credentials(s.url), s.verified_at, as_of) for ars, key, s in found))


def _ozg_ids(session: Session, until: datetime | None) -> dict[int, tuple[str, ...]]:
    """The OZG-IDs of each service as the catalogue mapped them at the time."""
    columns = (OzgMember.service_id, OzgLeistung.ozg_id)
    query = current_memberships(*columns) if until is None else memberships_at(until, *columns)
    found: dict[int, set[str]] = defaultdict(set)
    for service_id, ozg_id in rows(session, query):
        found[service_id].add(ozg_id)
    return {k: tuple(sorted(v)) for k, v in found.items()}


# --- the roll-up figures (ozgtrack.analysis.rollup) -------------------------------------------------


def _rollup_tables(session: Session, settings: Settings, towns: list[Municipality], now: datetime) -> tuple[Table, ...]:
    """Figures per town, per service and per OZG-Leistung, as `report rollup` counts them for these towns."""
    from ozgtrack.analysis.rollup import compute
    from ozgtrack.views.rollup import RollupBy

    scope = Scope(ars=tuple(m.ars for m in towns))
    by_service = compute(session, scope, RollupBy.SERVICE, settings, now=now)
    by_ozg = compute(session, scope, RollupBy.OZG, settings, now=now)
    return (_table("kennzahlen_gemeinden", (_town_row(t) for t in sorted(by_service.towns, key=lambda t: t.ars))),
            _table("kennzahlen_leistungen", ((u.key, u.label, u.applicable, u.online, u.everywhere == u.services,
                                              u.somewhere == u.services) for u in sorted(by_service.units,
                                                                                         key=lambda u: u.key))),
            _table("kennzahlen_ozg", ((u.key, u.label, u.services, u.everywhere, u.somewhere, u.applicable, u.online,
                                       u.towns, u.towns_complete, u.towns_any)
                                      for u in sorted(by_ozg.units, key=lambda u: u.key))))


def _town_row(town: Any) -> tuple[Any, ...]:
    return (town.ars, town.name, town.scope.value, town.scope_label, town.in_scope, town.undecided, town.not_applicable,
            town.applicable, town.online, town.in_progress, town.offline, town.unknown, town.assessed,
            _share(town.share), _share(town.triage_coverage), _share(town.assessment_coverage), town.comparable,
            town.rank, town.ranked)


def _share(value: float | None) -> float | None:
    """A share to four places: enough for a percentage with two decimals, free of float noise."""
    return None if value is None else round(value, 4)


def _definitions_table(targets: Targets, tables: Iterable[Table], past: bool) -> Table:
    """The terms, then every column of every file: what it is called in the CSV and the JSON, and what it means.

    The roll-up's own definitions come first (they are printed with `report rollup` too); a term
    it defines is not defined twice.
    """
    from ozgtrack.views.rollup import Thresholds, definitions

    rollup = definitions(targets, Thresholds())
    defined = {term.casefold() for term, _ in rollup}
    found = [("Begriff", term, "", meaning) for term, meaning in terms.definitions((targets.rgm1, targets.rgm2))
             if term.casefold() not in defined]
    found += [("Kennzahl", term, "", meaning[:1].upper() + meaning[1:]) for term, meaning in rollup]
    if past:
        found.append(("Kennzahl", terms.PAST_YEAR_NOTE[0], "", terms.PAST_YEAR_NOTE[1]))
    for table in tables:
        found += [(f"{table.name}.csv/.json", c.header, c.key, c.meaning) for c in table.columns]
    columns = (Column("area", "Bereich", "ein Begriff, oder die Datei, deren Spalte erklärt wird"),
               Column("term", "Begriff", "der Begriff oder die Überschrift der Spalte in der CSV-Datei"),
               Column("json_key", "JSON-Schlüssel", "der Name der Spalte in der JSON-Datei"),
               Column("meaning", "Bedeutung", "was der Begriff oder die Spalte bedeutet"))
    title, description = terms.TITLES["definitionen"]
    return Table("definitionen", title, description, columns, tuple(found))


# --- what the metadata says ---------------------------------------------------------------------------


def _geocoding(scope: Scope, towns: list[Municipality]) -> tuple[str, tuple[str, ...], str]:
    """The DCAT-AP.de geocoding level, the area URIs and a German label of the scope.

    A Kreis is named by its Kreisschlüssel (districtKey), a Land by its Landesschlüssel (stateKey),
    single municipalities by their Regionalschlüssel (regionalKey); the label names the Kreis or Land
    ("Landkreis Börde", "Land Sachsen-Anhalt"; its code where the name is unknown).
    """
    if scope.kreis is not None:
        kreis = scope.kreis.strip()
        return ("administrativeDistrict", (f"{GEOCODING}districtKey/{kreis}",),
                regions.region_label(str(Ars.of_kreis(kreis))))
    if scope.land is not None:
        land = scope.land.strip()
        return "state", (f"{GEOCODING}stateKey/{land}",), regions.region_label(str(Ars.of_land(land)))
    areas = tuple(f"{GEOCODING}regionalKey/{m.ars}" for m in towns)
    names = wording.listing([f"{m.name} ({m.ars})" for m in towns])
    return "municipality", areas, names


def _publisher(session: Session, settings: Settings, towns: list[Municipality]) -> str:
    """``opendata.publisher``, else the configured municipality, else the only municipality of the export."""
    if settings.opendata.publisher:
        return settings.opendata.publisher
    if settings.municipality:
        return resolve(session, settings.municipality).name
    if len(towns) == 1:
        return towns[0].name
    raise InputError("wer die Daten veröffentlicht, steht nicht fest: tragen Sie den Herausgeber in der "
                     "Konfiguration ein ([opendata] publisher = \"Landkreis …\") oder wählen Sie mit "
                     "`ozgtrack municipality use` eine Gemeinde")


def _releases(session: Session, until: datetime | None) -> tuple[str, ...]:
    """The newest release of each source at the time: "ozg 2 (2026-01-05)"."""
    query = select(Release.id, Release.source, Release.fetched_at).order_by(Release.id)
    if until is not None:
        query = query.where(Release.fetched_at < until)
    newest: dict[str, tuple[int, datetime]] = {}
    for id_, source, fetched_at in rows(session, query):
        newest[source.value] = (id_, fetched_at)
    return tuple(f"{wording.SOURCE.get(s, s)} Release {i} ({at:%Y-%m-%d})" for s, (i, at) in sorted(newest.items()))
