"""Rules in layers: shipped Typisierung rules < the Land's preset (by ARS) < the town's file < decisions.

The presets come from tests/fixtures/triage_presets/ (a small Land 15 file and one of another Land),
chosen with `[triage] presets` in config.toml.
"""

import json
from pathlib import Path

import pytest
from support.cli import ok, run

PRESETS = Path(__file__).parent / "fixtures" / "triage_presets"
ANMELDUNG, KFZ, FUEHRUNGSZEUGNIS = "99115005104000", "99036008007000", "99049001001000"
HUNDESTEUER, GRUNDSTEUER, GRABSTELLE = "99102013002000", "99102012002002", "99101001107000"
MAGDEBURG, ANGERN = "150030000000", "150835051030"


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.delenv("OZGTRACK_TRIAGE_PRESETS")  # conftest's empty folder would win over config.toml
    path = tmp_path / "config.toml"
    path.write_text(f'[triage]\npresets = "{PRESETS.as_posix()}"\n', encoding="utf-8")
    return path


def levels(town, config, *args):
    rows = json.loads(run("--db", str(town), "--config", str(config), "triage", "list", "--format", "json",
                          *args).stdout)
    return {r["key"]: (r["level"], r["reason"]) for r in rows}


def test_the_land_preset_applies_by_the_ars(town, config, tmp_path):
    found = levels(town, config)
    assert found[ANMELDUNG] == ("gemeinde", "Regel für Sachsen-Anhalt: Meldebehörde ist die Gemeinde")
    assert found[KFZ] == ("landkreis", "Regel für Sachsen-Anhalt: Zulassungsbehörde ist der Landkreis")
    assert found[HUNDESTEUER] == ("gemeinde", "Regel für Sachsen-Anhalt: Kommunalabgabe der Gemeinde")
    assert found[GRUNDSTEUER] == ("unklar", "Regel für Sachsen-Anhalt: nicht ermittelt")  # the longest prefix wins
    assert found[FUEHRUNGSZEUGNIS] == ("bund", "Regel: Typisierung 1")  # the rule is limited to Typ 2/3
    assert found[GRABSTELLE] == ("gemeinde", "Regel: Typisierung 5")  # no Land rule: the shipped one
    # With a presets folder that has no file for Land 15, the Typisierung decides.
    assert levels(town, _empty_config(tmp_path))[ANMELDUNG] == (
        "unklar", "Regel: Typisierung 2/3")


def _empty_config(folder_of_the_test):
    folder = folder_of_the_test / "no-presets"
    folder.mkdir(exist_ok=True)
    path = folder_of_the_test / "empty.toml"
    path.write_text(f'[triage]\npresets = "{folder.as_posix()}"\n', encoding="utf-8")
    return path


def test_the_towns_file_layers_on_top_and_decisions_on_top_of_that(town, config, tmp_path):
    (tmp_path / "regeln.toml").write_text(
        '[typisierung]\n"2/3" = "unklar"\n"1" = "unklar"\n'  # a copy of the shipped file must not cancel the Land's rules
        '[[rule]]\nprefix = "99115005"\nlevel = "landkreis"\nreason = "Vereinbarung mit dem Landkreis"\n',
        encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + 'rules = "regeln.toml"\n', encoding="utf-8")
    found = levels(town, config)
    assert found[ANMELDUNG] == ("landkreis", "Regel der Stadt: Vereinbarung mit dem Landkreis")
    assert found["99115003012000"] == ("gemeinde", "Regel für Sachsen-Anhalt: Meldebehörde ist die Gemeinde")
    assert found[FUEHRUNGSZEUGNIS] == ("unklar", "Regel: Typisierung 1")  # the town's Typisierung entry replaces the shipped one
    ok("--db", str(town), "--config", str(config), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Beschluss", "--yes")
    assert levels(town, config)[ANMELDUNG] == ("gemeinde", "Beschluss")


def test_a_kreisfreie_stadt_executes_the_landkreis_share(town, config):
    reason = ("Regel für Sachsen-Anhalt: Zulassungsbehörde ist der Landkreis – als kreisfreie Stadt nimmt die Stadt "
              "die Aufgabe des Landkreises selbst wahr")
    # Its own Landkreis: the rule's level becomes its own level, the reason says why.
    assert levels(town, config, "--ars", MAGDEBURG)[KFZ] == ("gemeinde", reason)
    ok("--db", str(town), "--config", str(config), "status", "set", KFZ, "--stage", "2", "--ars", MAGDEBURG)
    refused = run("--db", str(town), "--config", str(config), "status", "set", KFZ, "--stage", "2")
    assert refused.exit_code == 1 and "ist keine eigene Leistung der Kommune (Zuständigkeit Landkreis" in refused.stderr


def test_a_member_of_a_verbandsgemeinde_has_its_share_with_the_verbandsgemeinde(town, config, tmp_path):
    # Destatis codes the Verband in digits 6-9 of the ARS: "5…" is a Gemeindeverband (here Elbe-Heide).
    (tmp_path / "angern.csv").write_text("Regionalschlüssel;Bezeichnung;Hinweis\n150835051030;Angern;\n", encoding="utf-8")
    ok("--db", str(town), "municipality", "import", str(tmp_path / "angern.csv"))
    found = levels(town, config, "--ars", ANGERN)
    assert found[ANMELDUNG] == ("gemeinde", "Regel für Sachsen-Anhalt: Meldebehörde ist die Gemeinde – "
                                "Mitgliedsgemeinde der Verbandsgemeinde Elbe-Heide: die Verbandsgemeinde nimmt die "
                                "Aufgabe für die Gemeinde wahr")
    assert found[KFZ][0] == "landkreis" and "Verband" not in found[KFZ][1]
    assert levels(town, config)[ANMELDUNG][1] == "Regel für Sachsen-Anhalt: Meldebehörde ist die Gemeinde"


def test_triage_rules_names_the_files_and_counts_the_levels(town, config):
    ok("--db", str(town), "--config", str(config), "triage", "set", GRABSTELLE, "--level", "gemeinde", "--reason", "x", "--yes")
    view = json.loads(run("--db", str(town), "--config", str(config), "triage", "rules", "--format", "json").stdout)
    assert view["files"] == [
        {"layer": "allgemein", "file": "triage_rules.toml", "label": "", "rules": 21},
        {"layer": "land", "file": "15-testland.toml", "label": "Sachsen-Anhalt", "rules": 5}]
    zero = {"gemeinde": 0, "landkreis": 0, "land": 0, "bund": 0, "unklar": 0, "info": 0}
    assert view["counts"] == {
        "triage_rules.toml": {**zero, "bund": 1, "unklar": 28},
        "15-testland.toml": {**zero, "gemeinde": 9, "landkreis": 1, "unklar": 1},
        "Entscheidungen": {**zero, "gemeinde": 1}}
    assert view["totals"] == {**zero, "gemeinde": 10, "landkreis": 1, "bund": 1, "unklar": 29}
    table = run("--db", str(town), "--config", str(config), "triage", "rules").stdout
    assert "Regeln für das Land (nicht amtlich)  15-testland.toml   Sachsen-Anhalt" in table
    assert str(PRESETS) not in table


def test_triage_show_says_which_rule_or_decision(town, config):
    shown = json.loads(run("--db", str(town), "--config", str(config), "triage", "show", KFZ, "--format", "json").stdout)
    assert shown == {
        "key": KFZ, "name": "Kraftfahrzeug Zulassung", "typisierung": "2/3", "level": "landkreis", "origin": "rule",
        "reason": "Regel für Sachsen-Anhalt: Zulassungsbehörde ist der Landkreis",
        "rule": {"level": "landkreis", "reason": "Regel für Sachsen-Anhalt: Zulassungsbehörde ist der Landkreis",
                 "file": "15-testland.toml", "layer": "land", "prefix": "99036", "typ": ["2/3"], "source": "§ 46 FZV"},
        "decision": None, "version": 0}
    ok("--db", str(town), "--config", str(config), "triage", "set", KFZ, "--level", "gemeinde", "--reason", "Kreisvertrag",
       "--user", "Frau M.")
    shown = json.loads(run("--db", str(town), "--config", str(config), "triage", "show", KFZ, "--format", "json").stdout)
    assert (shown["origin"], shown["level"], shown["rule"]["level"]) == ("decision", "gemeinde", "landkreis")
    assert {k: v for k, v in shown["decision"].items() if k != "at"} == {"key": KFZ, "by": "Frau M.", "reason": "Kreisvertrag"}
    table = run("--db", str(town), "--config", str(config), "triage", "show", KFZ).stdout
    assert ("Regel                     Landkreis (landkreis): Regel für Sachsen-Anhalt: Zulassungsbehörde ist der "
            "Landkreis") in table


@pytest.mark.parametrize(("text", "message"), [
    ('[land]\ncode = "15"\nname = "X"\n[[rule]]\nprefix = "99115"\nlevel = "kommune"\nreason = "r"\nsource = "s"\n',
     "[[rule]] Nr. 1 (99115): level = 'kommune' ist keine Ebene"),
    ('[land]\ncode = "15"\nname = "X"\n[[rule]]\nprefix = "99115"\nlevel = "gemeinde"\nsource = "s"\n',
     '[[rule]] Nr. 1 (99115) braucht reason = "…"'),
    ('[land]\ncode = "15"\nname = "X"\n[[rule]]\nprefix = "99115"\nlevel = "gemeinde"\nreason = "r"\n',
     '[[rule]] Nr. 1 (99115) braucht source = "…"'),
    ('[land]\ncode = "15"\nname = "X"\n[[rule]]\nprefix = 99115\nlevel = "gemeinde"\nreason = "r"\nsource = "s"\n',
     "prefix = 99115 ist kein Schlüsselpräfix"),
    ('[land]\ncode = "15"\nname = "X"\n[[rule]]\nprefix = "99115"\nlevel = "gemeinde"\nreason = "r"\nsource = "s"\n'
     'typ = ["2/3"]\n[[rule]]\nprefix = "99115"\nlevel = "land"\nreason = "r"\nsource = "s"\ntyp = ["2/3", "4"]\n',
     "zwei Regeln für 99115 gelten für dieselben Leistungen"),
    ('[land]\ncode = "15"\nname = "X"\n[[rule]]\nprefix = "99115"\nlevel = "gemeinde"\nreason = "r"\nsource = "s"\n'
     'quelle = "x"\n', "[[rule]] Nr. 1 hat unbekannte Schlüssel quelle"),
    ('[land]\ncode = "03"\nname = "X"\n', "[land] code = '03', aber der Dateiname beginnt nicht mit 03-"),
])
def test_a_broken_preset_is_a_clear_error(town, tmp_path, monkeypatch, text, message):
    monkeypatch.delenv("OZGTRACK_TRIAGE_PRESETS")
    folder = tmp_path / "presets"
    folder.mkdir()
    (folder / "15-kaputt.toml").write_text(text, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[triage]\npresets = "{folder.as_posix()}"\n', encoding="utf-8")
    result = run("--db", str(town), "--config", str(config), "triage", "list")
    assert result.exit_code == 1 and message in result.stderr, result.stderr
