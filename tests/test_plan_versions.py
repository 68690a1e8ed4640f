"""The staged plan: `plan build` proposes stages within capacity, `plan adopt` freezes them, an adopted plan never changes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from support.cli import ok, run
from support.data import FLAT_CSV, SHARED_DATA
from support.db import as_json, connect, dump

GEWERBE_AN, HUNDESTEUER, REISEPASS, KITA = "99050012104000", "99102013002000", "99085001012000", "99041004034000"
OWN = (GEWERBE_AN, HUNDESTEUER, REISEPASS, KITA)


def cli(db: Path, *args: str):
    return ok("--db", str(db), *args)


def sql(db: Path, query: str, *params) -> list[tuple]:
    with connect(db) as connection:
        return connection.execute(query, params).fetchall()


def weight_per_year(db: Path) -> dict[int, int]:
    """The weight the stored snapshots put into each stage year (the snapshot's JSON read in Python)."""
    loads: dict[int, int] = {}
    for year, snapshot in sql(db, "SELECT year, snapshot FROM plan_version_item WHERE year IS NOT NULL"):
        loads[year] = loads.get(year, 0) + as_json(snapshot)["weight"]
    return loads


@pytest.fixture
def staged_town(town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four own services and seven measures: with and without dates, costs, gaps; one done, one dropped, one postponed."""
    config = tmp_path / "config.toml"
    config.write_text("[plan]\ncapacity = 1\n", encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_CONFIG", str(config))
    cli(town, "triage", "set", *OWN, "--level", "gemeinde", "--reason", "Stadt ist zuständig", "--yes")
    add = lambda *a: cli(town, "plan", "measure", "add", *a)  # noqa: E731
    add("Gewerbe online anmelden", "--services", GEWERBE_AN, "--cost", "20000", "--lebensbereich", "Arbeit & Wirtschaft")
    add("Hundesteuer online", "--services", HUNDESTEUER, "--cost", "1000")
    add("Bürgerbüro-Terminvergabe")  # covers no gap
    add("Reisepass-Termine", "--services", REISEPASS, "--end", "2027-Q4", "--state", "beschlossen")
    add("Kita-Portal", "--services", KITA, "--state", "zurückgestellt")
    add("Alte Fundsachen-Seite", "--state", "umgesetzt")
    add("Verworfene Idee", "--state", "verworfen")
    return town


def build(db: Path, *args: str) -> dict:
    return json.loads(cli(db, "plan", "build", "--years", "2027-2030", "--format", "json", *args).stdout)


def test_build_stages_quick_wins_first_within_capacity_and_keeps_own_dates(staged_town):
    plan = build(staged_town)

    # Reisepass keeps its own year (2027-Q4) and fills 2027; then by priority: the SDG obligation of the
    # Gewerbe-Anmeldung outweighs its cost (3 − 1 = 2), the Hundesteuer (−0,05) comes next, the measure
    # without a gap after, the postponed one last: no room left for it in 2027–2030.
    assert [(s["measure"]["ref"], s["year"], s["quarter"], s["fixed"]) for s in plan["stages"]] == [
        ("M-004", 2027, 4, True), ("M-001", 2028, None, False), ("M-002", 2029, None, False),
        ("M-003", 2030, None, False), ("M-005", None, None, False)]
    assert plan["stages"][1]["reason"] == f"Priorität 2,00 (Lücke {GEWERBE_AN}); Kosten 20.000 €"
    assert plan["stages"][4]["reason"] == "kein Platz: die Kapazität 2027–2030 ist ausgeschöpft"
    assert (plan["name"], plan["state"], plan["capacity"]) == ("Entwurf 2027-2030", "Entwurf", 1)

    # Cross-checked in SQL: every open measure once, nothing closed, the stored years as shown, own dates kept.
    stored = sql(staged_town, """SELECT m.number, i.year, i.quarter, i.fixed FROM plan_version_item i
                                 JOIN plan_measure m ON m.id = i.measure_id ORDER BY m.number""")
    open_numbers = [n for (n,) in sql(staged_town, "SELECT number FROM plan_measure WHERE state NOT IN "
                                                   "('umgesetzt', 'verworfen') ORDER BY number")]
    assert [n for n, *_ in stored] == open_numbers == [1, 2, 3, 4, 5]
    assert {(n, y, q, bool(f)) for n, y, q, f in stored} == {
        (s["measure"]["number"], s["year"], s["quarter"], s["fixed"]) for s in plan["stages"]}
    assert sql(staged_town, """SELECT count(*) FROM plan_version_item i JOIN plan_measure m ON m.id = i.measure_id
                               WHERE (m."end" IS NOT NULL OR m.start IS NOT NULL)
                               AND i.year <> CAST(substr(coalesce(m."end", m.start), 1, 4) AS INTEGER)""") == [(0,)]
    # Capacity: no year holds more weight than one unit.
    assert max(weight_per_year(staged_town).values()) == 1
    # The snapshot is the measure as stored.
    items = sql(staged_town, """SELECT i.snapshot, m.title, m.state, m.weight, m.progress, m.cost
                                FROM plan_version_item i JOIN plan_measure m ON m.id = i.measure_id""")
    assert len(items) == 5
    assert [(s["title"], s["state"], s["weight"], s["progress"], s.get("cost"))
            for s in (as_json(snapshot) for snapshot, *_ in items)] == [tuple(measure) for _, *measure in items]


def test_capacity_counts_weight_units_and_a_measure_too_heavy_waits(staged_town):
    cli(staged_town, "plan", "measure", "set", "M-001", "--weight", "3")

    plan = build(staged_town, "--capacity", "2")

    assert [(s["measure"]["ref"], s["year"]) for s in plan["stages"]] == [
        ("M-002", 2027), ("M-004", 2027), ("M-003", 2028), ("M-005", 2028), ("M-001", None)]
    assert plan["stages"][-1]["reason"] == "kein Platz: Gewicht 3 ist größer als die Kapazität von 2 je Jahr"
    assert weight_per_year(staged_town) == {2027: 2, 2028: 2}


def test_dry_run_stores_nothing_and_a_draft_is_replaced_with_its_history(staged_town):
    before = dump(staged_town)
    dry = cli(staged_town, "plan", "build", "--years", "2027-2030", "--dry-run")
    assert dump(staged_town) == before
    assert dry.stderr == "Planversion „Entwurf 2027-2030“: 4 Maßnahmen eingeplant, 1 später (Probelauf, nichts gespeichert).\n"

    build(staged_town)
    build(staged_town, "--capacity", "2")

    assert sql(staged_town, "SELECT name, state, capacity FROM plan_version") == [("Entwurf 2027-2030", "Entwurf", 2)]
    assert sql(staged_town, "SELECT count(*) FROM plan_version_item") == [(5,)]
    history = json.loads(cli(staged_town, "plan", "version", "show", "Entwurf 2027-2030", "--format", "json").stdout)
    assert [(e["action"], e["changes"]) for e in history["history"]] == [
        ("build", {"years": [None, "2027-2030"], "capacity": [None, 1], "items": [None, 5]}),
        ("rebuild", {"capacity": [1, 2]})]


def test_an_adopted_version_is_frozen_and_never_built_over(staged_town):
    build(staged_town)
    cli(staged_town, "plan", "measure", "set", "M-001", "--progress", "10")
    adopted = cli(staged_town, "plan", "adopt", "Entwurf 2027-2030", "--date", "2026-03-12", "--user", "Stadtrat")
    assert adopted.stderr == ("Planversion „Entwurf 2027-2030“ beschlossen: Beschluss des Stadtrats vom "
                              "12.03.2026; 3 Maßnahmen von „vorgeschlagen“ auf „beschlossen“ (M-001, M-002, "
                              "M-003).\n")
    # The adoption took every item's snapshot again: the progress noted after the build is in it.
    assert [as_json(snapshot)["progress"] for (snapshot,) in sql(
        staged_town, """SELECT i.snapshot FROM plan_version_item i JOIN plan_measure m ON m.id = i.measure_id
                        WHERE m.number = 1""")] == [10]
    frozen = dump(staged_town)

    over = run("--db", str(staged_town), "plan", "build", "--years", "2027-2030")
    again = run("--db", str(staged_town), "plan", "adopt", "Entwurf 2027-2030")

    assert (over.exit_code, over.stdout) == (1, "")
    assert over.stderr == ("Fehler: die Planversion „Entwurf 2027-2030“ ist beschlossen (Beschluss des Stadtrats vom "
                           "12.03.2026) und wird nicht überschrieben; bitte mit --name einen anderen Namen wählen\n")
    assert again.exit_code == 1
    assert again.stderr == ("Fehler: die Planversion „Entwurf 2027-2030“ ist schon beschlossen (Beschluss des "
                            "Stadtrats vom 12.03.2026); ein Beschluss wird nicht geändert\n")
    assert dump(staged_town) == frozen

    listed = cli(staged_town, "plan", "versions").stdout.splitlines()
    assert listed[2].split()[:6] == ["Entwurf", "2027-2030", "beschlossen", "2027–2030", "1", "4"]
    shown = json.loads(cli(staged_town, "plan", "version", "show", "Entwurf 2027-2030", "--format", "json").stdout)
    assert [(e["action"], e["by"], e["note"]) for e in shown["history"]] == [
        ("build", "it-officer", None), ("adopt", "Stadtrat", "Beschluss des Stadtrats vom 12.03.2026")]


def test_adopted_under_the_councils_name_its_proposed_measures_read_adopted(staged_town):
    cli(staged_town, "plan", "measure", "add", "Zu schwer für den Plan", "--weight", "2")  # M-008: under "später"
    build(staged_town)

    adopted = cli(staged_town, "plan", "adopt", "Entwurf 2027-2030", "--as", "Stufenplan 2027–2030",
                  "--date", "2026-12-03", "--user", "Stadtrat")

    assert adopted.stderr == ("Planversion „Entwurf 2027-2030“ als „Stufenplan 2027–2030“ beschlossen: Beschluss "
                              "des Stadtrats vom 03.12.2026; 3 Maßnahmen von „vorgeschlagen“ auf „beschlossen“ "
                              "(M-001, M-002, M-003).\n")
    assert [(n, s, str(d)) for n, s, d in sql(staged_town, "SELECT name, state, adopted_on FROM plan_version")] == [
        ("Stufenplan 2027–2030", "beschlossen", "2026-12-03")]  # a date on PostgreSQL, its text on SQLite
    # The measures read "beschlossen" now, and so do the snapshots the progress report compares with;
    # the postponed one stays postponed, the ones outside the plan stay as they were.
    assert sql(staged_town, "SELECT number, state FROM plan_measure ORDER BY number") == [
        (1, "beschlossen"), (2, "beschlossen"), (3, "beschlossen"), (4, "beschlossen"), (5, "zurückgestellt"),
        (6, "umgesetzt"), (7, "verworfen"), (8, "vorgeschlagen")]
    assert sorted(as_json(s)["state"] for (s,) in sql(staged_town, "SELECT snapshot FROM plan_version_item")) == [
        "beschlossen", "beschlossen", "beschlossen", "beschlossen", "vorgeschlagen", "zurückgestellt"]
    shown = json.loads(cli(staged_town, "plan", "measure", "show", "M-002", "--format", "json").stdout)
    last = shown[0]["history"][-1]
    assert (last["by"], last["changes"], last["reason"]) == (
        "Stadtrat", {"state": ["vorgeschlagen", "beschlossen"]},
        "Planversion „Stufenplan 2027–2030“ beschlossen: Beschluss des Stadtrats vom 03.12.2026")
    version = json.loads(cli(staged_town, "plan", "version", "show", "Stufenplan 2027–2030", "--format", "json").stdout)
    assert version["history"][-1]["changes"]["name"] == ["Entwurf 2027-2030", "Stufenplan 2027–2030"]


def test_an_adoption_in_the_future_or_under_a_taken_name_is_refused(staged_town):
    build(staged_town)
    build(staged_town, "--name", "Variante B")
    before = dump(staged_town)
    tomorrow = date.today() + timedelta(days=1)

    future = run("--db", str(staged_town), "plan", "adopt", "Entwurf 2027-2030", "--date", f"{tomorrow:%Y-%m-%d}")
    taken = run("--db", str(staged_town), "plan", "adopt", "Entwurf 2027-2030", "--as", "Variante B")

    assert (future.exit_code, future.stdout) == (1, "")
    assert future.stderr == (f"Fehler: der Beschluss vom {tomorrow:%d.%m.%Y} liegt in der Zukunft (heute ist der "
                             f"{date.today():%d.%m.%Y}); einen Plan bitte erst nach dem Beschluss als beschlossen "
                             "eintragen\n")
    assert (taken.exit_code, taken.stderr) == (
        1, "Fehler: eine Planversion „Variante B“ gibt es schon; bitte einen anderen Namen wählen\n")
    assert dump(staged_town) == before


def test_years_and_names_are_checked(staged_town):
    bad = run("--db", str(staged_town), "plan", "build", "--years", "2030-2027")
    unknown = run("--db", str(staged_town), "plan", "adopt", "Plan X")
    assert bad.stderr == "Fehler: Jahre 2030-2027: das letzte Jahr liegt vor dem ersten\n"
    assert unknown.stderr == "Fehler: eine Planversion „Plan X“ gibt es nicht (siehe `ozgtrack plan versions`)\n"


# --- the real catalogue -----------------------------------------------------------------------------


@pytest.mark.skipif(not FLAT_CSV.is_file(), reason="real data not available (../shared/data)")
def test_a_plan_for_wolmirstedt_on_the_real_catalogue(tmp_path, monkeypatch):
    db = tmp_path / "real.sqlite"
    monkeypatch.setenv("OZGTRACK_USER", "it-officer")
    cli(db, "catalog", "sync", "--from", str(FLAT_CSV))
    cli(db, "municipality", "import", str(SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"))
    cli(db, "municipality", "use", "150830565565")
    own = [k for (k,) in sql(db, "SELECT key FROM leika_service WHERE typisierung = '5' AND withdrawn_release_id IS NULL "
                                 "ORDER BY key LIMIT 12")]
    for number, key in enumerate(own, start=1):
        cli(db, "plan", "measure", "add", f"Maßnahme {number}", "--services", key, "--cost", str(1000 * number))
    cli(db, "plan", "measure", "set", "M-003", "--end", "2028")

    plan = build(db, "--capacity", "3")

    years = [s["year"] for s in plan["stages"]]
    assert sorted(y for y in years if y) == [2027] * 3 + [2028] * 3 + [2029] * 3 + [2030] * 3
    assert next(s["year"] for s in plan["stages"] if s["measure"]["ref"] == "M-003") == 2028
    stored = dict(sql(db, "SELECT year, count(*) FROM plan_version_item GROUP BY year"))
    assert stored == {2027: 3, 2028: 3, 2029: 3, 2030: 3}
    chapter = cli(db, "report", "chapter", "--format", "markdown").stdout
    assert "### Stufenplan" in chapter and "| Lebensbereich | Jahr | ID | Maßnahme | Stand |" in chapter


def test_a_version_is_renamed_with_history_also_after_adoption(staged_town):
    build(staged_town)
    cli(staged_town, "plan", "adopt", "Entwurf 2027-2030", "--date", "2026-12-03")
    before = sql(staged_town, "SELECT count(*) FROM plan_version_item")

    renamed = cli(staged_town, "plan", "version", "rename", "Entwurf 2027-2030", "Stufenplan 2027–2030")
    gone = run("--db", str(staged_town), "plan", "version", "rename", "Entwurf 2027-2030", "X")

    assert renamed.stderr == "Planversion „Entwurf 2027-2030“ umbenannt in „Stufenplan 2027–2030“.\n"
    assert gone.exit_code == 1
    assert sql(staged_town, "SELECT name, state FROM plan_version") == [("Stufenplan 2027–2030", "beschlossen")]
    assert sql(staged_town, "SELECT count(*) FROM plan_version_item") == before
    shown = json.loads(cli(staged_town, "plan", "version", "show", "Stufenplan 2027–2030", "--format", "json").stdout)
    assert [(e["action"], e["changes"]) for e in shown["history"]][-1] == (
        "rename", {"name": ["Entwurf 2027-2030", "Stufenplan 2027–2030"]})
    text = cli(staged_town, "plan", "version", "show", "Stufenplan 2027–2030").stdout
    assert "umbenannt" in text
