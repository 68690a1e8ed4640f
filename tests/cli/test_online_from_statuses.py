"""`ozgtrack online from-statuses`: one online service per address own services' statuses share, previewed,
confirmed, applied through the register, and idempotent."""

import json

import pytest
from support.cli import ok, run
from support.db import dump, query

ANMELDUNG, ABMELDUNG, GRAB, KFZ = "99115005104000", "99115005070000", "99101001107000", "99036008007000"
MELDE = "https://wohnsitz.example.de/melden"


def links(town):
    """service key -> (stage, url, online service number) of the town's statuses."""
    return {row[0]: row[1:] for row in query(
        town, "SELECT s.key, st.stage, st.url, o.number FROM service_status st JOIN leika_service s "
              "ON s.id = st.service_id LEFT JOIN online_service o ON o.id = st.online_service_id ORDER BY s.key")}


@pytest.fixture
def statused(town):
    """Anmeldung and Abmeldung share an address (one names an EfA solution), the Grabstelle has its own; the
    Kfz-Zulassung is the Landkreis' and has an address too (not the town's own: never proposed)."""
    db = str(town)
    ok("--db", db, "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", db, "triage", "set", KFZ, "--level", "landkreis", "--reason", "Zulassungsbehörde")
    ok("--db", db, "status", "set", ANMELDUNG, "--stage", "3", "--url", MELDE, "--department", "FB 2")
    ok("--db", db, "status", "set", ABMELDUNG, "--stage", "3", "--url", MELDE + "/", "--efa", "Wohnsitz digital")
    ok("--db", db, "status", "set", GRAB, "--stage", "2", "--model", "rgm1", "--url", "https://wolmirstedt.example/grab")
    return town


PREVIEW = """\
Nr.    Name               Weg              Reifegrad    Leistungen                      Adresse                              Grundlage
-----  -----------------  ---------------  -----------  ------------------------------  -----------------------------------  -------------------------------
O-001  Bestattung         eigen (geraten)  2 (rgm1)     99101001107000                  https://wolmirstedt.example/grab     Adresse eines Status
O-002  Wohnsitzmeldungen  efa (geraten)    3 (rgm2)     99115005070000, 99115005104000  https://wohnsitz.example.de/melden/  gemeinsame Adresse von 2 Status

Schlüssel       Art     Änderungen
--------------  ------  ---------------------------------------------------------------------------------
99115005070000  Status  Fachbereich: – → 'FB 2'
99115005104000  Status  URL: 'https://wohnsitz.example.de/melden' → 'https://wohnsitz.example.de/melden/'
"""  # noqa: E501 - the table as printed; the tie of the two addresses goes to the first service by key


def test_dry_run_previews_one_online_service_per_address_and_keeps_nothing(statused):
    before = dump(statused)

    result = run("--db", str(statused), "online", "from-statuses", "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == PREVIEW
    assert result.stderr == ("2 Status übernehmen die Angaben ihres Onlinedienstes.\n"
                             "Wolmirstedt, Stadt: 2 Onlinedienste würden angelegt (Probelauf, nichts gespeichert).\n")
    assert dump(statused) == before


def test_without_yes_off_a_terminal_nothing_is_stored(statused):
    before = dump(statused)

    result = run("--db", str(statused), "online", "from-statuses")

    assert result.exit_code == 1
    assert result.stderr == ("Fehler: 2 Onlinedienste würden angelegt; nichts wurde gespeichert. Prüfen Sie die Liste "
                             "und bestätigen Sie mit --yes.\n")
    assert dump(statused) == before


def test_applied_through_the_register_and_a_second_run_proposes_nothing(statused):
    result = run("--db", str(statused), "online", "from-statuses", "--yes", "--user", "anna")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "Wolmirstedt, Stadt: 2 Onlinedienste angelegt."
    listing = json.loads(ok("--db", str(statused), "online", "list", "--format", "json").stdout)
    assert [(o["number"], o["name"], o["delivery"], o["url"], o["stage"], o["department"],
             [c["key"] for c in o["covers"]]) for o in listing] == [
        (1, "Bestattung", "eigen", "https://wolmirstedt.example/grab", 2, None, [GRAB]),
        (2, "Wohnsitzmeldungen", "efa", MELDE + "/", 3, "FB 2", [ABMELDUNG, ANMELDUNG])]
    history = json.loads(ok("--db", str(statused), "online", "history", "2", "--format", "json").stdout)
    assert [(e["by"], e["action"], e["reason"]) for e in history] == [
        ("anna", "add", "aus den Status vorgeschlagen (Leistungen mit derselben Adresse); Weg der Bereitstellung "
                        "geraten")]
    assert links(statused) == {ABMELDUNG: (3, MELDE + "/", 2), ANMELDUNG: (3, MELDE + "/", 2),
                               GRAB: (2, "https://wolmirstedt.example/grab", 1)}
    before = dump(statused)

    again = run("--db", str(statused), "online", "from-statuses", "--yes")

    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == "Wolmirstedt, Stadt: keine neuen Onlinedienste vorzuschlagen; nichts wurde geändert.\n"
    assert dump(statused) == before


def test_an_address_an_online_service_already_has_is_a_hint_not_a_proposal(statused):
    ok("--db", str(statused), "online", "add", "Wohnsitz melden", "--url", MELDE, "--delivery", "efa", "--covers",
       ANMELDUNG, "--stage", "3")

    result = run("--db", str(statused), "online", "from-statuses", "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert [line.split("  ")[:2] for line in result.stdout.splitlines()[2:]] == [["O-002", "Bestattung"]]
    assert result.stderr.splitlines()[0] == (
        f"Hinweis: {ABMELDUNG} hat die Adresse von O-001 Wohnsitz melden, wird aber nicht von ihm abgedeckt; "
        f"ergänzen Sie sie mit `ozgtrack online set O-001 --add-covers {ABMELDUNG}`.")


def test_one_proposal_needs_no_yes(statused):
    ok("--db", str(statused), "online", "add", "Wohnsitz melden", "--url", MELDE, "--delivery", "efa", "--covers",
       f"{ANMELDUNG},{ABMELDUNG}", "--stage", "3", "--yes")

    result = run("--db", str(statused), "online", "from-statuses")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Wolmirstedt, Stadt: 1 Onlinedienst angelegt.\n"
    assert links(statused)[GRAB] == (2, "https://wolmirstedt.example/grab", 2)
