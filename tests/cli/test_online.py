"""`ozgtrack online`: the register of online services, its preview, and the statuses it gives (one truth)."""

import csv
import io
import json

import pytest
from support.cli import ok, run
from support.db import connect, dump

ANMELDUNG, ABMELDUNG, KFZ = "99115005104000", "99115005070000", "99036008007000"
HUND_FEST, HUND_BEFREIUNG, HUND_LO = "99102013002000", "99102013010000", "99102013000000"
URL = "https://wohnsitz.example.de/anmelden"


def online(town, *args):
    return run("--db", str(town), "online", *args)


def status(town, key):
    return json.loads(ok("--db", str(town), "status", "show", key, "--format", "json").stdout)[0]


def statuses(town):
    """service key -> (stage, model, url, department, online service number) of the town's statuses."""
    with connect(town) as db:
        found = db.execute(
            "SELECT s.key, st.stage, st.model, st.url, st.department, o.number FROM service_status st "
            "JOIN leika_service s ON s.id = st.service_id LEFT JOIN online_service o ON o.id = st.online_service_id "
            "ORDER BY s.key").fetchall()
    return {row[0]: tuple(row[1:]) for row in found}


@pytest.fixture
def town(town):
    """The demo town with the Kfz-Zulassung decided for the Landkreis: not the town's own service."""
    ok("--db", str(town), "triage", "set", KFZ, "--level", "landkreis", "--reason", "Zulassungsbehörde Landkreis")
    return town


@pytest.fixture
def wohnsitz(town):
    """O-001 Wohnsitz anmelden (EfA, stage 3) covering OZG-Leistung 10124 and the Landkreis' Kfz-Zulassung."""
    ok("--db", str(town), "online", "add", "Wohnsitz anmelden", "--url", URL, "--delivery", "efa", "--covers",
       f"10124 {KFZ}", "--stage", "3", "--department", "FB 2", "--yes")
    return town


def test_add_expands_covers_and_derives_the_own_statuses(town):
    result = online(town, "add", "Wohnsitz anmelden", "--url", URL, "--delivery", "efa", "--covers", "10124",
                    "--covers", KFZ, "--stage", "3", "--yes")

    assert (result.exit_code, result.stderr) == (0, "O-001 Wohnsitz anmelden angelegt.\n"
                                                    "ohne Status: 1 abgedeckte Leistung ist keine eigene Leistung "
                                                    "der Kommune.\nWolmirstedt, Stadt: 2 Leistungen geändert.\n")
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines[2:]] == [
        ["O-001", "Onlinedienst"], [KFZ, "abgedeckt"], [ABMELDUNG, "abgedeckt"], [ANMELDUNG, "abgedeckt"],
        [ABMELDUNG, "Status"], [ANMELDUNG, "Status"], [KFZ, "kein"]]
    assert statuses(town) == {ABMELDUNG: (3, "rgm2", URL, None, 1), ANMELDUNG: (3, "rgm2", URL, None, 1)}
    shown = ok("--db", str(town), "status", "show", ANMELDUNG).stdout
    assert "über Onlinedienst O-001 Wohnsitz anmelden" in shown and "Abweichung" not in shown
    history = json.loads(ok("--db", str(town), "status", "history", ANMELDUNG, "--format", "json").stdout)
    assert history[-1]["reason"] == "über Onlinedienst O-001 Wohnsitz anmelden"


def test_a_leistungsobjekt_covers_its_verrichtungen_not_the_grouping(town):
    ok("--db", str(town), "online", "add", "Hundesteuer", "--url", "https://www.wolmirstedt.de/hund", "--delivery",
       "eigen", "--covers", "99102013", "--yes")

    shown = json.loads(ok("--db", str(town), "online", "show", "o-1", "--format", "json").stdout)
    assert [c["key"] for c in shown["service"]["covers"]] == [HUND_FEST, HUND_BEFREIUNG]
    # no stage given: the statuses take the URL, and no stage
    assert statuses(town) == {HUND_FEST: (None, None, "https://www.wolmirstedt.de/hund", None, 1),
                              HUND_BEFREIUNG: (None, None, "https://www.wolmirstedt.de/hund", None, 1)}


def test_more_than_one_status_needs_yes_off_a_terminal_and_dry_run_stores_nothing(town):
    before = dump(town)
    held = online(town, "add", "Wohnsitz anmelden", "--url", URL, "--delivery", "efa", "--covers", "10124")
    dry = online(town, "add", "Wohnsitz anmelden", "--url", URL, "--delivery", "efa", "--covers", "10124",
                 "--dry-run")

    assert (held.exit_code, held.stderr) == (1, "Fehler: 2 Leistungen würden geändert; nichts wurde gespeichert. "
                                                "Prüfen Sie die Liste und bestätigen Sie mit --yes.\n")
    assert dry.exit_code == 0 and ANMELDUNG in dry.stdout
    assert dry.stderr == ("O-001 Wohnsitz anmelden würde angelegt (Probelauf, nichts gespeichert).\n"
                          "Wolmirstedt, Stadt: 2 Leistungen würden geändert (Probelauf, nichts gespeichert).\n")
    assert dump(town) == before


def test_one_status_needs_no_yes(town):
    result = online(town, "add", "Anmelden", "--url", URL, "--delivery", "eigen", "--covers", ANMELDUNG)
    assert result.exit_code == 0, result.stderr
    assert statuses(town) == {ANMELDUNG: (None, None, URL, None, 1)}


def test_set_changes_the_service_and_its_statuses_with_expect_version(wohnsitz):
    before = dump(wohnsitz)
    conflict = online(wohnsitz, "set", "O-001", "--stage", "4", "--expect-version", "7")
    unchanged = dump(wohnsitz) == before
    changed = online(wohnsitz, "set", "O-001", "--stage", "4", "--payment", "epaybl", "--contract", "31.03.2025",
                     "--expect-version", "1", "--reason", "ePayBL angebunden", "--yes")
    shown = json.loads(ok("--db", str(wohnsitz), "online", "show", "1", "--format", "json").stdout)

    assert conflict.exit_code == 1 and conflict.stderr.startswith("Fehler: O-001 Wohnsitz anmelden wurde inzwischen "
                                                                  "geändert, zuletzt am ")
    assert "jetzt Version 1, Ihre Änderung beruht auf Version 7" in conflict.stderr
    assert unchanged
    assert changed.exit_code == 0, changed.stderr
    assert statuses(wohnsitz) == {ABMELDUNG: (4, "rgm2", URL, "FB 2", 1), ANMELDUNG: (4, "rgm2", URL, "FB 2", 1)}
    assert {k: shown["service"][k] for k in ("stage", "payment", "contract", "version")} == {
        "stage": 4, "payment": "epaybl", "contract": "2025-03-31", "version": 2}
    assert shown["history"][1]["changes"] == {"stage": [3, 4], "payment": [None, "epaybl"],
                                              "contract": [None, "2025-03-31"]}
    assert shown["history"][1]["reason"] == "ePayBL angebunden"


def test_set_clears_a_field_and_changes_covers(wohnsitz):
    ok("--db", str(wohnsitz), "online", "set", "1", "--department", "", "--remove-covers", ABMELDUNG, "--yes")

    shown = json.loads(ok("--db", str(wohnsitz), "online", "show", "1", "--format", "json").stdout)
    assert shown["service"]["department"] is None
    assert [c["key"] for c in shown["service"]["covers"]] == [KFZ, ANMELDUNG]
    # Abmeldung is no longer covered: its derived stage and URL are cleared (the department stays its own)
    assert statuses(wohnsitz) == {ABMELDUNG: (None, None, None, "FB 2", None),
                                  ANMELDUNG: (3, "rgm2", URL, "FB 2", 1)}
    assert shown["history"][1]["changes"]["covers"] == {"added": [], "removed": [ABMELDUNG]}


def test_the_best_of_two_online_services_gives_the_status_and_retiring_falls_back(wohnsitz):
    ok("--db", str(wohnsitz), "online", "add", "Anmeldung (Landesportal)", "--url", "https://land.example/a",
       "--delivery", "land", "--covers", ANMELDUNG, "--stage", "4")
    # the department stays: O-002 names none
    assert statuses(wohnsitz)[ANMELDUNG] == (4, "rgm2", "https://land.example/a", "FB 2", 2)

    ok("--db", str(wohnsitz), "online", "remove", "O-002", "--reason", "abgeschaltet")
    assert statuses(wohnsitz)[ANMELDUNG] == (3, "rgm2", URL, "FB 2", 1)

    retired = online(wohnsitz, "remove", "1", "--yes")
    assert retired.exit_code == 0, retired.stderr
    assert statuses(wohnsitz) == {ABMELDUNG: (None, None, None, "FB 2", None),
                                  ANMELDUNG: (None, None, None, "FB 2", None)}
    history = json.loads(ok("--db", str(wohnsitz), "status", "history", ANMELDUNG, "--format", "json").stdout)
    assert history[-1]["reason"] == "Onlinedienst O-001 Wohnsitz anmelden außer Betrieb"
    listed = ok("--db", str(wohnsitz), "online", "list", "--format", "json").stdout
    assert json.loads(listed) == []
    every = json.loads(ok("--db", str(wohnsitz), "online", "list", "--retired", "--format", "json").stdout)
    assert [(o["number"], o["retired_at"] is not None) for o in every] == [(1, True), (2, True)]
    assert [e["action"] for e in json.loads(ok("--db", str(wohnsitz), "online", "history", "2", "--format",
                                               "json").stdout)] == ["add", "retire"]


def test_a_status_set_directly_is_a_deviation_with_its_reason(wohnsitz):
    without = run("--db", str(wohnsitz), "status", "set", ANMELDUNG, "--stage", "2")
    assert without.exit_code == 2
    assert "hat seinen Stand über Onlinedienst O-001 Wohnsitz anmelden" in without.stderr
    ok("--db", str(wohnsitz), "status", "set", ANMELDUNG, "--stage", "2", "--reason", "Formular im Umbau")

    shown = ok("--db", str(wohnsitz), "status", "show", ANMELDUNG).stdout
    assert "über Onlinedienst O-001 Wohnsitz anmelden" in shown
    assert "weicht von O-001 Wohnsitz anmelden ab (direkt gesetzt): Formular im Umbau" in shown
    assert status(wohnsitz, ANMELDUNG)["online"] == {"number": 1, "name": "Wohnsitz anmelden", "active": True,
                                                      "deviates": True, "reason": "Formular im Umbau"}
    # a change of the online service leaves the deviation alone, and says so
    changed = online(wohnsitz, "set", "1", "--stage", "4")
    assert changed.exit_code == 0, changed.stderr
    assert f"Abweichung: {ANMELDUNG} direkt gesetzt" in changed.stderr
    assert statuses(wohnsitz) == {ABMELDUNG: (4, "rgm2", URL, "FB 2", 1), ANMELDUNG: (2, "rgm2", URL, "FB 2", 1)}
    covers = json.loads(ok("--db", str(wohnsitz), "online", "show", "1", "--format", "json").stdout)
    assert [(c["key"], c["own"], c["deviates"]) for c in covers["service"]["covers"]] == [
        (KFZ, False, False), (ABMELDUNG, True, False), (ANMELDUNG, True, True)]


def test_show_and_list_in_every_format(wohnsitz, tmp_path):
    table = ok("--db", str(wohnsitz), "online", "show", "O-001").stdout
    assert "EfA-Dienst (Einer für Alle)" in table and "nein (bekommt keinen Status)" in table and "Verlauf:" in table
    listed = ok("--db", str(wohnsitz), "online", "list", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(listed.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["Nr.", "Name", "Weg", "Anbieter", "Reifegrad"]
    assert rows[1][:7] == ["O-001", "Wohnsitz anmelden", "efa", "", "3 (rgm2)", "3", "2"]
    shown = list(csv.reader(io.StringIO(ok("--db", str(wohnsitz), "online", "show", "1", "--format", "csv")
                                        .stdout.lstrip("\ufeff")), delimiter=";"))
    assert [r[2] for r in shown[1:]] == [KFZ, ABMELDUNG, ANMELDUNG]

    from openpyxl import load_workbook

    ok("--db", str(wohnsitz), "online", "list", "--format", "xlsx", "-o", str(tmp_path / "o.xlsx"))
    ok("--db", str(wohnsitz), "online", "show", "1", "--format", "xlsx", "-o", str(tmp_path / "s.xlsx"))
    sheet = load_workbook(tmp_path / "o.xlsx").active
    assert [c.value for c in sheet[2]][:3] == ["O-001", "Wohnsitz anmelden", "efa"]
    notes = [[c.value for c in row] for row in load_workbook(tmp_path / "o.xlsx")["Erläuterungen"].iter_rows()]
    assert notes[1][0] == "Zeilen" and ["Kommune", "Wolmirstedt, Stadt (ARS 150830565565)"] in notes
    assert any(row[0] == "Nachnutzungsvertrag" for row in notes)
    assert load_workbook(tmp_path / "s.xlsx").sheetnames == ["Onlinedienst", "Leistungen", "Verlauf"]


def test_a_formula_like_name_is_neutralised_in_csv(town):
    ok("--db", str(town), "online", "add", "=HYPERLINK(1)", "--url", URL, "--delivery", "eigen", "--covers",
       ANMELDUNG)
    listed = ok("--db", str(town), "online", "list", "--format", "csv").stdout
    assert ";'=HYPERLINK(1);" in listed


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--covers", "99999999999999"), 1, "99999999999999"),
    (("--covers", ANMELDUNG, "--url", "https://user:geheim@x.example/a"), 1, "enthält Zugangsdaten"),
    (("--covers", ANMELDUNG, "--contract", "bald"), 1, "Nachnutzungsvertrag: 'bald' ist kein Datum"),
    (("--covers", ANMELDUNG, "--stage", "6", "--model", "rgm1"), 1, "Reifegrad 6 gibt es im Reifegradmodell 1.1"),
    (("--covers", ANMELDUNG, "--live-since", "31.02.2025"), 1, "online seit"),
    (("--covers", ANMELDUNG, "--payment", "bar"), 2, "bar"),
    (("--covers", ANMELDUNG, "--note", "a\x1bb"), 1, "Steuerzeichen"),
])
def test_bad_input_changes_nothing(town, args, code, message):
    before = dump(town)
    base = ["add", "Dienst", "--url", URL, "--delivery", "eigen"]
    if "--url" in args:
        base = ["add", "Dienst", "--delivery", "eigen"]
    result = online(town, *base, *args, "--yes")
    assert result.exit_code == code, result.stderr
    assert message in result.stderr and "geheim" not in result.stderr
    assert dump(town) == before


def test_numbers_and_unknown_numbers(wohnsitz):
    assert online(wohnsitz, "show", "o-3").exit_code == 1
    assert "hat keinen Onlinedienst O-003" in online(wohnsitz, "show", "o-3").stderr
    assert online(wohnsitz, "show", "drei").exit_code == 2
    assert online(wohnsitz, "set", "1").exit_code == 2


def test_added_covers_take_the_status_and_the_last_cover_cannot_go(wohnsitz):
    melde = "99115003012000"
    result = online(wohnsitz, "set", "O-1", "--add-covers", melde, "--reason", "Meldebestätigung dabei")
    assert result.exit_code == 0, result.stderr
    assert statuses(wohnsitz)[melde] == (3, "rgm2", URL, "FB 2", 1)
    history = json.loads(ok("--db", str(wohnsitz), "online", "history", "1", "--format", "json").stdout)
    assert (history[-1]["changes"], history[-1]["reason"]) == ({"covers": {"added": [melde], "removed": []}},
                                                               "Meldebestätigung dabei")
    before = dump(wohnsitz)
    last = online(wohnsitz, "set", "1", "--remove-covers", f"10124,{KFZ},{melde}", "--yes")
    assert last.exit_code == 1 and "deckte danach keine Leistung mehr ab" in last.stderr
    assert dump(wohnsitz) == before
