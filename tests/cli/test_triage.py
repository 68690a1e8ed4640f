"""`ozgtrack triage`: levels by rule until the town decides, decisions with reason, who and when."""

import json
import pytest
from support.cli import ok, run
from support.db import connect

FUEHRUNGSZEUGNIS, GRABSTELLE, ANMELDUNG, ABMELDUNG = "99049001001000", "99101001107000", "99115005104000", "99115005070000"


def levels(town, *args) -> dict[str, tuple[str, bool]]:
    rows = json.loads(run("--db", str(town), "triage", "list", "--format", "json", *args).stdout)
    return {r["key"]: (r["level"], r["decided"]) for r in rows}


def test_defaults_follow_the_typisierung(town):
    found = levels(town)
    assert found[FUEHRUNGSZEUGNIS] == ("bund", False)  # Typisierung 1
    assert found[GRABSTELLE] == ("gemeinde", False)  # 5
    assert found[ANMELDUNG] == ("unklar", False)  # 2/3 says only "kommunal"
    assert found["99012008001000"] == ("unklar", False)  # 4


def test_decide_by_ozg_id_with_reason_and_history(town):
    result = run("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")

    assert (result.exit_code, result.stderr) == (0, "Wolmirstedt, Stadt: 2 Leistungen geändert.\n")
    assert {k: v for k, v in levels(town, "--decided").items()} == {
        ANMELDUNG: ("gemeinde", True), ABMELDUNG: ("gemeinde", True)}
    history = json.loads(run("--db", str(town), "status", "history", ANMELDUNG, "--format", "json").stdout)
    assert [(h["by"], h["action"], h["changes"], h["reason"]) for h in history] == [
        ("it-officer", "triage", {"level": ["unklar", "gemeinde"], "reason": ["Regel: Typisierung 2/3", "Meldebehörde"]},
         "Meldebehörde")]


def test_same_decision_again_changes_nothing(town):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    again = run("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "Wolmirstedt, Stadt: 0 Leistungen geändert.\n")
    assert connect(town).execute("SELECT count(*) FROM audit_entry").fetchone() == (1,)


def test_undecided_filter_and_levels(town):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "x", "--user", "Frau M.", "--yes")
    undecided = levels(town, "--undecided")
    assert ANMELDUNG not in undecided and ABMELDUNG in undecided
    assert set(levels(town, "--level", "bund")) == {FUEHRUNGSZEUGNIS}
    rows = json.loads(run("--db", str(town), "triage", "list", "--decided", "--format", "json").stdout)
    assert [(r["by"], r["reason"]) for r in rows] == [("Frau M.", "x")]


def test_a_town_can_use_its_own_rules(town, tmp_path):
    rules = tmp_path / "regeln.toml"
    rules.write_text('[typisierung]\n"2/3" = "unklar"\n[key_prefix]\n"99115" = "gemeinde"\n', encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text('[triage]\nrules = "regeln.toml"\n', encoding="utf-8")

    rows = json.loads(run("--db", str(town), "--config", str(config), "triage", "list", "--format", "json").stdout)

    by_key = {r["key"]: (r["level"], r["reason"]) for r in rows}
    assert by_key[ANMELDUNG] == ("gemeinde", "Regel der Stadt: Schlüsselpräfix 99115")
    # The town's file layers on top of the shipped one: codes it does not name follow the shipped rules.
    assert by_key[FUEHRUNGSZEUGNIS] == ("bund", "Regel: Typisierung 1")


def test_a_broken_rules_file_is_a_clear_error(town, tmp_path):
    rules = tmp_path / "regeln.toml"
    rules.write_text('[typisierung]\n"5" = "kommune"\n', encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[triage]\nrules = "{rules}"\n', encoding="utf-8")
    result = run("--db", str(town), "--config", str(config), "triage", "list")
    assert result.exit_code == 1 and "5 = 'kommune' ist keine Ebene" in result.stderr


@pytest.mark.parametrize(("target", "message"), [
    ("99999999999999", "keine Leistung mit dem LeiKa-Schlüssel 99999999999999"),
    ("55555", "keine OZG-Leistung 55555 mit LeiKa-Leistungen"),
    ("Hund", "'Hund' ist weder ein 14-stelliger LeiKa-Schlüssel noch eine LO-ID (99GGGKKK) noch eine OZG-ID"),
])
def test_unknown_targets(town, target, message):
    result = run("--db", str(town), "triage", "set", target, "--level", "gemeinde", "--reason", "x")
    assert result.exit_code == 1 and result.stderr.startswith(f"Fehler: {message}")


def test_without_a_municipality(town, monkeypatch):
    monkeypatch.delenv("OZGTRACK_ARS")
    result = run("--db", str(town), "triage", "list")
    assert result.stderr == ("Fehler: keine Gemeinde gewählt; wählen Sie sie mit `ozgtrack municipality use ARS|NAME` "
                             "oder geben Sie --ars an\n")
    assert run("--db", str(town), "triage", "list", "--ars", "Barleben").exit_code == 0
