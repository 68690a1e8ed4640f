"""`ozgtrack online from-pvog`: own services that share an online service in the PVOG evidence for the town
become one online service, previewed, confirmed, added through the register, idempotent."""

import json

import pytest
from support.cli import ok, run
from support.db import dump, execute, query
from test_pvog import ABMELDUNG, ANMELDUNG, FUEHRUNGSZEUGNIS, HUNDESTEUER, MELDEBESTAETIGUNG, suchdienst_csv, sync_file

LAND_URL, OWN_URL = "https://wohnsitzanmeldung.gov.de/", "https://buergerportal.example/melden"
# The Land's Anmeldung; the town's own portal for the Abmeldung and the Meldebestätigung (the same ID-OD, one
# of them with a trailing slash); the Hundesteuer without online service; the Bund's Führungszeugnis.
ROWS = [
    ("L100042.LB.1", ANMELDUNG, "L100042.OD.1", LAND_URL),
    ("S100001.LB.2", ABMELDUNG, "S100001.OD.2", OWN_URL),
    ("S100001.LB.3", HUNDESTEUER, "", ""),
    ("B100019.LB.4", FUEHRUNGSZEUGNIS, "B100019.OD.4", "https://www.fuehrungszeugnis.bund.de/"),
    ("S100001.LB.5", MELDEBESTAETIGUNG, "S100001.OD.2", OWN_URL + "/"),
]


def links(db):
    return {row[0]: row[1:] for row in query(
        db, "SELECT s.key, st.stage, st.url, o.number FROM service_status st JOIN leika_service s "
            "ON s.id = st.service_id LEFT JOIN online_service o ON o.id = st.online_service_id ORDER BY s.key")}


@pytest.fixture
def pvog_town(town, tmp_path):
    """Every service of ROWS the town's own; the Abmeldung assessed at stage 3; the evidence synced."""
    db = str(town)
    for _, key, _, _ in ROWS:
        ok("--db", db, "triage", "set", key, "--level", "gemeinde", "--reason", "Stadt ist zuständig", "--yes")
    ok("--db", db, "status", "set", ABMELDUNG, "--stage", "3", "--department", "FB 2")
    execute(town, "UPDATE audit_entry SET at = '2026-09-01 10:00:00.000000'")
    result = sync_file(town, tmp_path, suchdienst_csv(ROWS))
    assert result.exit_code == 0, result.stderr
    return town


def test_dry_run_groups_the_services_of_one_online_service_and_keeps_nothing(pvog_town):
    before = dump(pvog_town)

    result = run("--db", str(pvog_town), "online", "from-pvog", "--dry-run")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in lines[2:4]] == [
        ["O-001", "Dienst S100001.OD.2", "eigen (geraten)", "3 (rgm2)", f"{MELDEBESTAETIGUNG}, {ABMELDUNG}",
         OWN_URL + "/", "PVOG-Onlinedienst S100001.OD.2"],  # a tie of the two spellings: the first service's
        ["O-002", "Dienst L100042.OD.1", "land (geraten)", "nicht bewertet", ANMELDUNG, LAND_URL,
         "PVOG-Onlinedienst L100042.OD.1"]]
    assert result.stderr.splitlines()[-1] == ("Wolmirstedt, Stadt: 2 Onlinedienste würden angelegt (Probelauf, "
                                              "nichts gespeichert).")
    assert dump(pvog_town) == before


def test_applied_through_the_register_and_a_second_run_proposes_nothing(pvog_town):
    result = run("--db", str(pvog_town), "online", "from-pvog", "--yes", "--user", "anna")

    assert result.exit_code == 0, result.stderr
    listing = json.loads(ok("--db", str(pvog_town), "online", "list", "--format", "json").stdout)
    assert [(o["number"], o["delivery"], o["url"], o["stage"], o["department"], [c["key"] for c in o["covers"]])
            for o in listing] == [(1, "eigen", OWN_URL + "/", 3, "FB 2", [MELDEBESTAETIGUNG, ABMELDUNG]),
                                  (2, "land", LAND_URL, None, None, [ANMELDUNG])]
    history = json.loads(ok("--db", str(pvog_town), "online", "history", "1", "--format", "json").stdout)
    assert history[0]["reason"] == ("aus den PVOG-Daten vorgeschlagen (Leistungen mit demselben Onlinedienst); Weg "
                                    "der Bereitstellung geraten")
    assert (links(pvog_town)[MELDEBESTAETIGUNG], links(pvog_town)[ANMELDUNG]) == (
        (3, OWN_URL + "/", 1), (None, LAND_URL, 2))
    before = dump(pvog_town)

    again = run("--db", str(pvog_town), "online", "from-pvog", "--yes")

    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == "Wolmirstedt, Stadt: keine neuen Onlinedienste vorzuschlagen; nichts wurde geändert.\n"
    assert dump(pvog_town) == before


def test_a_withdrawn_release_is_no_evidence(pvog_town):
    ok("--db", str(pvog_town), "pvog", "remove", "1", "--yes")
    before = dump(pvog_town)

    result = run("--db", str(pvog_town), "online", "from-pvog", "--yes")

    assert result.stderr == "Wolmirstedt, Stadt: keine neuen Onlinedienste vorzuschlagen; nichts wurde geändert.\n"
    assert dump(pvog_town) == before


def test_another_towns_evidence_does_not_apply(pvog_town, tmp_path):
    ok("--db", str(pvog_town), "pvog", "remove", "1", "--yes")
    other = sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS), "ars_150830040040.csv", "--ars", "150830040040")
    assert other.exit_code == 0, other.stderr

    result = run("--db", str(pvog_town), "online", "from-pvog", "--dry-run")

    assert result.stderr == "Wolmirstedt, Stadt: keine neuen Onlinedienste vorzuschlagen; nichts wurde geändert.\n"
