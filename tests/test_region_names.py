"""Regions by name where a user reads them: roll-up and open-data titles, rule reasons with placeholders,
the notes of a Mitgliedsgemeinde, and a kreisfreie Stadt that executes the Landkreis' rules itself."""

import json
from pathlib import Path

import pytest
from support.cli import ok, run

PRESETS = Path(__file__).parent / "fixtures" / "triage_presets"
WOLMIRSTEDT, MAGDEBURG = "150830565565", "150030000000"
WERNIGERODE, ANGERN, UNKNOWN_KREIS = "150850370370", "150835051030", "150990001001"
WOHNGELD, AUSWEIS, KFZ = "99107023017000", "99008001012000", "99036008007000"
PLACEHOLDER_RULES = '''[land]
code = "15"
name = "Sachsen-Anhalt"

[[rule]]
prefix = "99107"
level = "landkreis"
reason = "Wohngeldbehörde für {gemeinde}: {kreis} ({land})"
source = "Testfall: Platzhalter"

[[rule]]
prefix = "99008"
level = "gemeinde"
reason = "Ausweisbehörde: {verband} {{laut Satzung}}"
source = "Testfall: Platzhalter"
'''


def _config(tmp_path, monkeypatch, rules):
    """config.toml with a presets folder holding ``rules`` as the Land 15 preset."""
    monkeypatch.delenv("OZGTRACK_TRIAGE_PRESETS")  # conftest's empty folder would win over config.toml
    folder = tmp_path / "presets"
    folder.mkdir()
    (folder / "15-platzhalter.toml").write_text(rules, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[triage]\npresets = "{folder.as_posix()}"\n', encoding="utf-8")
    return config, folder / "15-platzhalter.toml"


@pytest.fixture
def places(town, tmp_path, monkeypatch):
    """The demo towns, Wernigerode (Landkreis Harz), Angern (Verbandsgemeinde Elbe-Heide) and a town of an unknown
    Kreis; the placeholder preset in effect."""
    (tmp_path / "orte.csv").write_text("Regionalschlüssel;Bezeichnung;Hinweis\n"
                                       f"{WERNIGERODE};Wernigerode, Stadt;\n{ANGERN};Angern;\n{UNKNOWN_KREIS};Alpha;\n",
                                       encoding="utf-8")
    ok("--db", str(town), "municipality", "import", str(tmp_path / "orte.csv"))
    config, _ = _config(tmp_path, monkeypatch, PLACEHOLDER_RULES)
    return town, config


def shown(places, key, ars):
    town, config = places
    found = json.loads(ok("--db", str(town), "--config", str(config), "triage", "show", key, "--ars", ars,
                          "--format", "json").stdout)
    assert found["rule"]["reason"] == found["reason"]  # no decision: the rule's reason is the service's
    return found["level"], found["reason"]


def test_a_rules_reason_names_the_towns_kreis_and_land(places):
    assert shown(places, WOHNGELD, WERNIGERODE) == (
        "landkreis", "Regel für Sachsen-Anhalt: Wohngeldbehörde für Stadt Wernigerode: Landkreis Harz (Sachsen-Anhalt)")
    assert shown(places, WOHNGELD, WOLMIRSTEDT) == (
        "landkreis", "Regel für Sachsen-Anhalt: Wohngeldbehörde für Stadt Wolmirstedt: Landkreis Börde (Sachsen-Anhalt)")
    # An unknown Kreis is never named by another's name: a neutral phrase stands in.
    assert shown(places, WOHNGELD, UNKNOWN_KREIS) == (
        "landkreis", "Regel für Sachsen-Anhalt: Wohngeldbehörde für Alpha: der zuständige Landkreis (Sachsen-Anhalt)")


def test_a_kreisfreie_stadt_is_its_own_kreis_and_takes_the_landkreis_rule_as_its_own_level(places):
    assert shown(places, WOHNGELD, MAGDEBURG) == (
        "gemeinde", "Regel für Sachsen-Anhalt: Wohngeldbehörde für Landeshauptstadt Magdeburg: Landeshauptstadt "
                    "Magdeburg (Sachsen-Anhalt) – als kreisfreie Stadt nimmt die Stadt die Aufgabe des Landkreises "
                    "selbst wahr")


def test_a_mitgliedsgemeinde_names_its_verbandsgemeinde(places):
    note = "Mitgliedsgemeinde der Verbandsgemeinde Elbe-Heide: die Verbandsgemeinde nimmt die Aufgabe für die Gemeinde wahr"
    assert shown(places, AUSWEIS, ANGERN) == (
        "gemeinde", f"Regel für Sachsen-Anhalt: Ausweisbehörde: Verbandsgemeinde Elbe-Heide {{laut Satzung}} – {note}")
    assert shown(places, AUSWEIS, WOLMIRSTEDT) == (
        "gemeinde", "Regel für Sachsen-Anhalt: Ausweisbehörde: der zuständige Gemeindeverband {laut Satzung}")
    town, config = places
    notes = {ars: json.loads(ok("--db", str(town), "--config", str(config), "triage", "rules", "--ars", ars,
                                "--format", "json").stdout)["notes"] for ars in (ANGERN, MAGDEBURG, WOLMIRSTEDT)}
    assert notes == {
        ANGERN: ["Mitgliedsgemeinde der Verbandsgemeinde Elbe-Heide: Aufgaben der Gemeinde nimmt die Verbandsgemeinde "
                 "wahr; die Ebene bleibt „gemeinde“."],
        MAGDEBURG: ["Kreisfreie Stadt: die Aufgaben des Landkreises nimmt die Stadt selbst wahr; Regeln mit der Ebene "
                    "„landkreis“ gelten für sie als „gemeinde“."],
        WOLMIRSTEDT: []}


ALLOWED = "erlaubt sind {kreis}, {land}, {gemeinde}, {verband}"


@pytest.mark.parametrize(("reason", "problem"), [
    ("Wohngeldbehörde: {Kreis}", f"reason enthält den unbekannten Platzhalter {{Kreis}}; {ALLOWED}"),
    ("Wohngeldbehörde: {landkreis}", f"reason enthält den unbekannten Platzhalter {{landkreis}}; {ALLOWED}"),
    ("Wohngeldbehörde: {kreis:>20}", f"reason enthält den unbekannten Platzhalter {{kreis:>20}}; {ALLOWED}"),
    ("Wohngeldbehörde: {0}", f"reason enthält den unbekannten Platzhalter {{0}}; {ALLOWED}"),
    ("Wohngeldbehörde: {kreis", "reason enthält eine einzelne geschweifte Klammer"),
    ("Wohngeldbehörde: kreis}", "reason enthält eine einzelne geschweifte Klammer"),
])
def test_an_unknown_placeholder_or_a_stray_brace_is_refused(town, tmp_path, monkeypatch, reason, problem):
    rules = PLACEHOLDER_RULES.replace("Wohngeldbehörde für {gemeinde}: {kreis} ({land})", reason)
    config, path = _config(tmp_path, monkeypatch, rules)
    result = run("--db", str(town), "--config", str(config), "triage", "list")
    assert result.exit_code == 1 and f"{path}: [[rule]] Nr. 1 (99107): {problem}" in result.stderr, result.stderr


# --- titles --------------------------------------------------------------------------------------------------


def test_the_rollup_names_the_kreis_and_the_land(town):
    table = ok("--db", str(town), "report", "rollup", "--kreis", "15083").stdout.splitlines()
    assert table[0] == "Digitale Verwaltung im Vergleich der Kommunen"
    assert table[1].startswith("Landkreis Börde · 5 Kommunen, davon 0 vergleichbar · Stand der Auswertung ")
    markdown = ok("--db", str(town), "report", "rollup", "--kreis", "150830000000", "--format", "markdown").stdout
    assert markdown.startswith("# Digitale Verwaltung im Vergleich der Kommunen: Landkreis Börde\n")
    titles = [json.loads(ok("--db", str(town), "report", "rollup", *scope, "--format", "json").stdout)["title"]
              for scope in (("--land", "15"), ("--kreis", "15003"))]
    assert titles == ["Land Sachsen-Anhalt", "Landeshauptstadt Magdeburg"]


def test_the_open_data_title_names_the_kreis(town, tmp_path):
    target = tmp_path / "offen"
    ok("--db", str(town), "opendata", "export", "-o", str(target), "--kreis", "15083")
    graph = json.loads((target / "metadaten.jsonld").read_text(encoding="utf-8"))["@graph"]
    (dataset,) = [node for node in graph if node["@type"] == "dcat:Dataset"]
    assert dataset["dct:title"]["@value"].endswith(": Landkreis Börde"), dataset["dct:title"]


# --- a kreisfreie Stadt's figures -----------------------------------------------------------------------------


def test_a_kreisfreie_stadts_figures_count_the_landkreis_rules_and_the_rollup_agrees(town, tmp_path, monkeypatch):
    # The small Land 15 preset puts the Kfz-Zulassung with the Landkreis; Magdeburg comes first in the Land
    # (ARS order), so a roll-up that took its rules for the whole Land would count the Zulassung for every town.
    monkeypatch.delenv("OZGTRACK_TRIAGE_PRESETS")
    config = tmp_path / "config.toml"
    config.write_text(f'[triage]\npresets = "{PRESETS.as_posix()}"\n', encoding="utf-8")
    db = ("--db", str(town), "--config", str(config))
    levels = [row["level"] for row in json.loads(ok(*db, "triage", "list", "--ars", WOLMIRSTEDT, "--format",
                                                    "json").stdout)]
    assert levels.count("landkreis") == 1  # the Kfz-Zulassung: not Wolmirstedt's, Magdeburg's own
    ok(*db, "triage", "set", KFZ, "--level", "landkreis", "--reason", "Beschluss", "--ars", MAGDEBURG, "--yes")
    gaps = {ars: json.loads(ok(*db, "report", "gaps", "--ars", ars, "--format", "json").stdout)["totals"]
            for ars in (WOLMIRSTEDT, MAGDEBURG)}
    # Both towns have the same rules: Magdeburg's own services are Wolmirstedt's and the Zulassung.
    assert gaps[MAGDEBURG]["applicable"] == gaps[WOLMIRSTEDT]["applicable"] + 1
    assert gaps[MAGDEBURG]["not_applicable"] == gaps[WOLMIRSTEDT]["not_applicable"] - 1
    decided = json.loads(ok(*db, "triage", "show", KFZ, "--ars", MAGDEBURG, "--format", "json").stdout)
    assert (decided["level"], decided["origin"], decided["rule"]["level"]) == ("landkreis", "decision", "gemeinde")
    towns = {t["ars"]: t for t in json.loads(ok(*db, "report", "rollup", "--land", "15", "--format", "json").stdout)
             ["towns"]}
    assert len(towns) == 6
    for ars, totals in gaps.items():
        assert {key: towns[ars][key] for key in totals if key != "coverage"} == {
            key: value for key, value in totals.items() if key != "coverage"}, ars


def test_towns_of_several_laender_are_grouped_by_the_lands_name():
    from datetime import date, datetime

    from ozgtrack.render.rollup import render_markdown
    from ozgtrack.views.reliability import Dated, Reliability
    from ozgtrack.views.results import Targets
    from ozgtrack.views.rollup import RollupBy, RollupResult, Scope, TaskScope, Thresholds, TownFigures

    label = "kreisangehörige Gemeinde (verbandsfrei)"
    towns = tuple(TownFigures(ars, name, ars[:2], TaskScope.GEMEINDE, label, 10, 0, 6, 4, 2, 1, 1, 0, 4, 2, True,
                              None, 1, 1) for ars, name in ((WOLMIRSTEDT, "Wolmirstedt"), ("031510001001", "Ahnsbeck")))
    reliability = Reliability(8, 8, 4, 20, 0, None, (Dated("ozg", None, datetime(2026, 1, 5)),), date(2026, 1, 5),
                              towns=2, towns_with_evidence=0)
    result = RollupResult("2 Kommunen", Scope(ars=tuple(t.ars for t in towns)), RollupBy.MUNICIPALITY,
                          datetime(2026, 1, 5), Targets(), Thresholds(), (), towns, (), (), reliability)
    headings = [line for line in render_markdown(result).splitlines() if line.startswith("## Vergleichbare")]
    assert headings == [f"## Vergleichbare Kommunen – {label} (Land Niedersachsen)",
                        f"## Vergleichbare Kommunen – {label} (Land Sachsen-Anhalt)"]
