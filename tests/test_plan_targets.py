"""Targets: the share online measured year by year (cross-checked with plain SQL over the history) and the forecast."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session
from support.cli import ok
from support.db import as_json, connect

from ozgtrack.config import load_settings
from ozgtrack.plan.targets import (
    ForecastView, Measured, Target, Unforeseeable, forecast, history_years, measured_series, planned_by_year,
)
from ozgtrack.store.database import db_url
from ozgtrack.store.db import open_database
from ozgtrack.town.context import build_context

ANMELDUNG, ABMELDUNG, GEWERBE, PERSO, WAFFE = ("99115005104000", "99115005070000", "99050012104000",
                                               "99008001012000", "99107007149000")
TODAY = date(2026, 11, 25)


def _dated(path, when: str) -> None:
    """Date the history entries written by the last command(s), as if they had been made on ``when``."""
    connection = connect(path)
    connection.execute("UPDATE audit_entry SET at = ? WHERE at > '2026-11-25'", (f"{when} 10:00:00.000000",))
    connection.commit()
    connection.close()


@pytest.fixture
def dated_town(town):
    """The demo town whose catalogue came in 2023, decided in January 2024, assessed from March 2024 on."""
    connection = connect(town)
    connection.execute("UPDATE catalogue_release SET fetched_at = '2023-06-01 08:00:00.000000'")
    connection.commit()
    connection.close()
    for key in (ANMELDUNG, ABMELDUNG, GEWERBE, PERSO, WAFFE):
        ok("--db", str(town), "triage", "set", key, "--level", "gemeinde", "--reason", "eigene Aufgabe", "--yes")
    _dated(town, "2024-01-10")
    steps = [("2024-03-01", ANMELDUNG, "1"), ("2024-06-01", PERSO, "3"), ("2025-05-01", ANMELDUNG, "3"),
             ("2025-09-01", GEWERBE, "2"), ("2026-02-01", ABMELDUNG, "4"), ("2026-10-01", PERSO, "2")]
    for when, key, stage in steps:
        ok("--db", str(town), "status", "set", key, "--stage", stage, "--model", "rgm1")
        _dated(town, when)
    return town


def _independent(path, until: str) -> tuple[int, int]:
    """Own services and online ones just before ``until``, replayed from audit_entry (plain SQL, the JSON in Python)."""
    last: dict[tuple[int, str], object] = {}  # (service, field) → the newest value set before ``until``
    connection = connect(path)
    try:
        entries = connection.execute("SELECT service_id, action, changes FROM audit_entry WHERE at < ? "
                                     "ORDER BY at, id", (until,)).fetchall()
        services = connection.execute(
            """SELECT s.id, s.typisierung FROM leika_service s WHERE s.withdrawn_release_id IS NULL
               AND (SELECT fetched_at FROM catalogue_release r WHERE r.id = s.first_release_id) < ?
               AND NOT (substr(s.key, 9) = '000000' AND EXISTS (SELECT 1 FROM leika_service v
                        WHERE substr(v.key, 1, 8) = substr(s.key, 1, 8) AND v.key <> s.key))""", (until,)).fetchall()
    finally:
        connection.close()
    for service, action, changes in entries:  # oldest first: a later change overwrites an earlier one
        for field in {"triage": ("level",), "status": ("model", "stage")}.get(action, ()):
            if (change := as_json(changes).get(field)) is not None:
                last[service, field] = change[1]

    def own(service: int, typisierung: str) -> bool:
        level = last.get((service, "level"))
        return (level if level is not None else "gemeinde" if typisierung == "5" else None) == "gemeinde"

    def online(service: int) -> bool:
        stage = last.get((service, "stage"))
        return last.get((service, "model")) is not None and stage is not None and stage >= 3

    mine = [service for service, typisierung in services if own(service, typisierung)]
    return len(mine), sum(1 for service in mine if online(service))


def _series(path, years=None):
    engine = open_database(db_url(str(path)))
    with Session(engine) as session:
        context = build_context(session, load_settings(db=str(path)), now=datetime(2026, 11, 25, 9), today=TODAY)
        chosen = history_years(session, context) if years is None else years
        return chosen, measured_series(session, context, load_settings(db=str(path)), chosen)


def test_measured_series_agrees_with_plain_sql_over_the_history(dated_town):
    _, series = _series(dated_town, [2023, 2024, 2025, 2026, 2027])
    overall = {m.year: m for m in series if m.lebensbereich is None}

    assert sorted(overall) == [2023, 2024, 2025, 2026]  # 2027 lies ahead: nothing to measure
    for year in (2023, 2024, 2025):
        assert (overall[year].counted, overall[year].online) == _independent(dated_town, f"{year + 1}-01-01")
    assert (overall[2026].counted, overall[2026].online) == _independent(dated_town, "2026-11-26")
    assert [(m.year, m.counted, m.online, m.percent, m.recorded) for m in overall.values()] == [
        (2023, 1, 0, None, False),  # the Typ-5 service by rule; nothing assessed yet, so no share
        (2024, 6, 1, 100 / 6, True), (2025, 6, 2, 200 / 6, True), (2026, 6, 2, 200 / 6, True)]
    assert _series(dated_town)[0] == [2024, 2025, 2026]  # from the first recorded status to now


def test_measured_series_per_lebensbereich_counts_as_report_gaps(dated_town):
    import json

    _, series = _series(dated_town, [2026])
    report = json.loads(ok("--db", str(dated_town), "report", "gaps", "--format", "json").stdout)

    per_area = {m.lebensbereich: (m.counted, m.online) for m in series if m.lebensbereich}
    assert per_area == {g["key"]: (g["applicable"], g["online"]) for g in report["groups"] if g["applicable"]}


def _point(year, online, counted=10, at=None, recorded=True, area=None):
    return Measured(year, 100 * online / counted if recorded else None, area, counted, online,
                    at or date(year, 12, 31), recorded)


@pytest.mark.parametrize(("series", "target", "expected"), [
    # 2 services online at the end of 2024, 4 on 30.06.2026: 2 in 548 days = 1.33 a year; 8 needed (80 % of 10).
    ([_point(2024, 2), _point(2026, 4, at=date(2026, 6, 30))], Target(2030, 80),
     ForecastView(Target(2030, 80), 10, 4, 8, pace=2 * 365.25 / 546, since=date(2024, 12, 31), year=2029)),
    ([_point(2024, 2), _point(2026, 4, at=date(2026, 6, 30))], Target(2027, 80),
     ForecastView(Target(2027, 80), 10, 4, 8, pace=2 * 365.25 / 546, since=date(2024, 12, 31), year=2029)),
    ([_point(2025, 0, recorded=False), _point(2026, 3, at=date(2026, 6, 30))], Target(2030, 80),
     ForecastView(Target(2030, 80), 10, 3, 8, reason=Unforeseeable.NO_HISTORY)),
    ([_point(2025, 3), _point(2026, 3, at=date(2026, 2, 1))], Target(2030, 80),
     ForecastView(Target(2030, 80), 10, 3, 8, pace=0.0, since=date(2025, 12, 31), reason=Unforeseeable.SHORT_HISTORY)),
    ([_point(2024, 3), _point(2026, 2, at=date(2026, 6, 30))], Target(2030, 80),
     ForecastView(Target(2030, 80), 10, 2, 8, pace=-365.25 / 546, since=date(2024, 12, 31),
                  reason=Unforeseeable.NO_PROGRESS)),
    ([_point(2024, 8), _point(2026, 9, at=date(2026, 6, 30))], Target(2030, 80),
     ForecastView(Target(2030, 80), 10, 9, 8)),
    ([], Target(2030, 80), ForecastView(Target(2030, 80), 0, 0, 0, reason=Unforeseeable.NOTHING_COUNTED)),
])
def test_forecast(series, target, expected):
    assert forecast(series, target) == expected


def test_forecast_rounds_the_needed_services_up_and_says_what_the_plan_carries():
    series = [_point(2024, 1, counted=7), _point(2026, 2, counted=7, at=date(2026, 6, 30))]
    planned = {(None, 2026): 1, (None, 2027): 2, (None, 2031): 3, ("Mobilität", 2027): 5}

    found = forecast(series, Target(2030, 80), planned)

    assert (found.needed, found.planned, found.plan_year, found.year) == (6, 3, 2031, 2032)
    assert found.on_time is False


def test_planned_by_year_counts_open_measures_once_per_service(dated_town):
    ok("--db", str(dated_town), "plan", "measure", "add", "Ummelden online", "--services",
       f"{ABMELDUNG} {GEWERBE}", "--end", "2027-Q2")
    ok("--db", str(dated_town), "plan", "measure", "add", "Gewerbe früher", "--services", GEWERBE, "--end", "2026")
    ok("--db", str(dated_town), "plan", "measure", "add", "Verworfen", "--services", WAFFE, "--end", "2026",
       "--state", "verworfen")
    engine = open_database(db_url(str(dated_town)))
    with Session(engine) as session:
        settings = load_settings(db=str(dated_town))
        context = build_context(session, settings, today=TODAY)
        from ozgtrack.analysis.gaps import analyse, options

        planned = planned_by_year(session, context, analyse(session, context, options(settings.report)))

    # Abmeldung is online already (stage 4); Gewerbe counts once, in 2026; the rejected measure counts nowhere.
    assert {k: v for k, v in planned.items() if k[0] is None} == {(None, 2026): 1}


def test_a_measure_without_an_end_counts_in_its_year_of_the_staged_plan(dated_town):
    ok("--db", str(dated_town), "plan", "measure", "add", "Gewerbe online", "--services", GEWERBE)
    ok("--db", str(dated_town), "plan", "measure", "add", "Waffen online", "--services", WAFFE)

    def planned():
        with Session(open_database(db_url(str(dated_town)))) as session:
            settings = load_settings(db=str(dated_town))
            context = build_context(session, settings, today=TODAY)
            from ozgtrack.analysis.gaps import analyse, options

            found = planned_by_year(session, context, analyse(session, context, options(settings.report)))
        return {k: v for k, v in found.items() if k[0] is None}

    assert planned() == {}  # no end and no plan: no year to count them in
    # One measure a year: the staged plan gives each its year, and the forecast can count them there.
    ok("--db", str(dated_town), "plan", "build", "--years", "2027-2028", "--capacity", "1")
    assert planned() == {(None, 2027): 1, (None, 2028): 1}
