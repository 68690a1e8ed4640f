"""`ozgtrack status`: stages with their model, fields, verification, filters, history."""

import json

import pytest
from support.cli import ok, run
from support.db import dump

ANMELDUNG, ABMELDUNG, KFZ, GRABSTELLE = "99115005104000", "99115005070000", "99036008007000", "99101001107000"


def status(town, key):
    return json.loads(run("--db", str(town), "status", "show", key, "--format", "json").stdout)[0]


@pytest.fixture
def decided(town):
    ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "triage", "set", KFZ, "--level", "landkreis", "--reason", "Zulassungsbehörde Landkreis", "--yes")
    return town


def test_set_show_and_history(decided):
    result = run("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "3", "--url",
                 "https://wolmirstedt.example/anmelden", "--portal", "Landesportal", "--department", "FB 2",
                 "--planned", "Q2/2027", "--verified", "--reason", "Prüfung im Bürgerbüro")

    assert (result.exit_code, result.stderr) == (0, "Wolmirstedt, Stadt: 1 Leistung geändert.\n")
    shown = status(decided, ANMELDUNG)
    assert {k: shown[k] for k in ("model", "stage", "url", "portal", "department", "planned", "verified_by")} == {
        "model": "rgm2", "stage": 3, "url": "https://wolmirstedt.example/anmelden", "portal": "Landesportal",
        "department": "FB 2", "planned": "2027-Q2", "verified_by": "it-officer"}
    history = json.loads(run("--db", str(decided), "status", "history", ANMELDUNG, "--format", "json").stdout)
    assert [h["action"] for h in history] == ["triage", "status"]
    assert history[1]["changes"]["stage"] == [None, 3] and history[1]["reason"] == "Prüfung im Bürgerbüro"


def test_stage_must_fit_its_model(decided):
    too_high = run("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "5", "--model", "rgm1")
    rgm2 = run("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "5", "--model", "rgm2")
    back = run("--db", str(decided), "status", "set", ANMELDUNG, "--model", "rgm1")

    assert (too_high.exit_code, too_high.stderr) == (
        1, f"Fehler: {ANMELDUNG}: Reifegrad 5 gibt es im Reifegradmodell 1.1 nicht (0–4)\n")
    assert rgm2.exit_code == 0 and (status(decided, ANMELDUNG)["model"], status(decided, ANMELDUNG)["stage"]) == ("rgm2", 5)
    assert back.exit_code == 1 and "Reifegrad 5 gibt es im Reifegradmodell 1.1 nicht" in back.stderr


def test_default_model_comes_from_the_config(decided, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[status]\nmodel = "rgm1"\n', encoding="utf-8")  # not the default (rgm2)
    assert run("--db", str(decided), "--config", str(config), "status", "set", ANMELDUNG, "--stage", "4").exit_code == 0
    assert status(decided, ANMELDUNG)["model"] == "rgm1"


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--url", "ftp://x.example/a", "die URL 'ftp://x.example/a' ist keine http(s)-Adresse"),
    ("--url", "www.wolmirstedt.de", "ist keine http(s)-Adresse"),
    ("--planned", "bald", "der Termin 'bald' ist weder ein Datum"),
    ("--planned", "2027-13-01", "ist weder ein Datum"),
])
def test_bad_values(decided, option, value, message):
    result = run("--db", str(decided), "status", "set", ANMELDUNG, option, value)
    assert result.exit_code == 1 and message in result.stderr


def test_clearing_a_field(decided):
    ok("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "2", "--note", "Termin nötig")
    ok("--db", str(decided), "status", "set", ANMELDUNG, "--note", "")
    assert status(decided, ANMELDUNG)["note"] is None


def test_not_the_towns_service(decided):
    single = run("--db", str(decided), "status", "set", KFZ, "--stage", "3")
    group = run("--db", str(decided), "status", "set", "10439", "--stage", "3")
    assert single.exit_code == 1 and "ist keine eigene Leistung der Kommune (Zuständigkeit Landkreis" in single.stderr
    assert group.exit_code == 1 and "keine Leistung der OZG-Leistung 10439 ist eine eigene der Kommune" in group.stderr


def test_ozg_id_sets_the_towns_members_only(decided):
    result = run("--db", str(decided), "status", "set", "10124", "--department", "FB 2", "--yes")
    assert result.stderr == "Wolmirstedt, Stadt: 2 Leistungen geändert.\n"
    assert status(decided, ABMELDUNG)["department"] == "FB 2"


PREVIEW_10124 = """\
Schlüssel       Art     Änderungen
--------------  ------  ---------------------------------------------
99115005070000  Status  Reifegradmodell: – → 'rgm2'; Reifegrad: – → 3
99115005104000  Status  Reifegradmodell: – → 'rgm2'; Reifegrad: – → 3
"""


def test_an_ozg_id_off_a_terminal_lists_the_services_and_changes_nothing_without_yes(decided):
    before = dump(decided)
    refused = run("--db", str(decided), "status", "set", "10124", "--stage", "3")
    assert (refused.exit_code, refused.stdout, refused.stderr) == (1, PREVIEW_10124, (
        "Fehler: 2 Leistungen würden geändert; nichts wurde gespeichert. Prüfen Sie die Liste und bestätigen Sie "
        "mit --yes.\n"))
    assert dump(decided) == before

    done = run("--db", str(decided), "status", "set", "10124", "--stage", "3", "--yes")
    assert (done.exit_code, done.stdout, done.stderr) == (0, PREVIEW_10124, "Wolmirstedt, Stadt: 2 Leistungen geändert.\n")
    assert (status(decided, ANMELDUNG)["stage"], status(decided, ABMELDUNG)["stage"]) == (3, 3)


def test_at_a_terminal_status_set_asks_before_it_changes_several(decided, monkeypatch):
    monkeypatch.setattr("ozgtrack.cli._unit.on_terminal", lambda: True)
    before = dump(decided)
    declined = run("--db", str(decided), "status", "set", "10124", "--stage", "3", input="n\n")
    assert declined.exit_code == 1 and declined.stdout == PREVIEW_10124 and dump(decided) == before
    assert "Wolmirstedt, Stadt: 2 Leistungen ändern? [j/N]" in declined.stderr
    accepted = run("--db", str(decided), "status", "set", "10124", "--stage", "3", input="j\n")
    assert accepted.exit_code == 0 and accepted.stderr.endswith("Wolmirstedt, Stadt: 2 Leistungen geändert.\n")
    assert status(decided, ABMELDUNG)["stage"] == 3


def test_status_set_dry_run_lists_and_stores_nothing(decided):
    before = dump(decided)
    single = run("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "3", "--dry-run")
    several = run("--db", str(decided), "status", "set", "10124", "--stage", "3", "--dry-run")
    assert (single.exit_code, single.stdout.splitlines()[2:], single.stderr) == (
        0, PREVIEW_10124.splitlines()[3:], "Wolmirstedt, Stadt: 1 Leistung würde geändert (Probelauf, nichts gespeichert).\n")
    assert (several.exit_code, several.stdout, several.stderr) == (
        0, PREVIEW_10124, "Wolmirstedt, Stadt: 2 Leistungen würden geändert (Probelauf, nichts gespeichert).\n")
    assert dump(decided) == before


def test_who_comes_from_by_env_or_login(decided, monkeypatch):
    ok("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "1", "--user", "Herr K.")
    assert status(decided, ANMELDUNG)["updated_by"] == "Herr K."
    monkeypatch.delenv("OZGTRACK_USER")
    import getpass

    ok("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "2")
    assert status(decided, ANMELDUNG)["updated_by"] == getpass.getuser()


def test_nothing_to_set_is_a_usage_error(decided):
    assert run("--db", str(decided), "status", "set", ANMELDUNG).exit_code == 2


def test_list_filters(decided):
    ok("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "3", "--department", "FB 2")
    ok("--db", str(decided), "status", "set", ABMELDUNG, "--stage", "1", "--department", "fb 2", "--verified")

    def keys(*args):
        return [v["key"] for v in json.loads(run("--db", str(decided), "status", "list", "--format", "json", *args).stdout)]

    assert keys() == [GRABSTELLE, ABMELDUNG, ANMELDUNG]  # own services: Typisierung 5 and the decided Meldewesen
    assert keys("--department", "FB 2") == [ABMELDUNG, ANMELDUNG]
    assert keys("--stage-below", "3") == [ABMELDUNG]
    assert keys("--unknown") == [GRABSTELLE]
    assert keys("--stale-months", "6") == [ANMELDUNG]  # assessed, never verified
    assert len(keys("--undecided")) > len(keys())


def test_planned_takes_a_year_as_measures_do(decided):
    ok("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "1", "--planned", "2028")
    wrong = run("--db", str(decided), "status", "set", ANMELDUNG, "--planned", "20２8")

    assert status(decided, ANMELDUNG)["planned"] == "2028"
    gaps = json.loads(ok("--db", str(decided), "report", "gaps", "--by", "service", "--format", "json").stdout)
    row = next(g for g in gaps["services"] if g["key"] == ANMELDUNG)
    assert (row["category"], row["planned"]) == ("in_progress", "2028")
    assert "\ngeplant bis      2028\n" in ok("--db", str(decided), "status", "show", ANMELDUNG).stdout
    assert wrong.exit_code == 1 and "ein Quartal (2027-Q2) noch ein Jahr (2027)" in wrong.stderr
