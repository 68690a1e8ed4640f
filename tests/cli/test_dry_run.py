"""`--dry-run` on the writers that lacked it: each says what it would do ("würde …") and leaves the database
byte for byte as it was; the same command without it changes the database (so the comparison can fail)."""

import pytest
from support.cli import ok, run
from support.db import dump

from ozgtrack.resources import catalog_file

ANMELDUNG, ABMELDUNG = "99115005104000", "99115005070000"


def renamed_list(tmp_path):
    data = catalog_file("demo/gemeinden.csv").read_bytes().replace(b"Barleben;", b"Barleben, Gemeinde;")
    path = tmp_path / "gemeinden.csv"
    path.write_bytes(data)
    return str(path)


WRITERS = {
    "status set": (lambda t: ["status", "set", ANMELDUNG, "--stage", "3"],
                   "Wolmirstedt, Stadt: 1 Leistung würde geändert (Probelauf, nichts gespeichert)."),
    "status move": (lambda t: ["status", "move", ANMELDUNG, ABMELDUNG],
                    f"Wolmirstedt, Stadt: {ANMELDUNG} → {ABMELDUNG} würde übertragen (Probelauf, nichts gespeichert)."),
    "municipality import": (lambda t: ["municipality", "import", renamed_list(t)], "würde eingelesen: 0 neu, 1 geändert"),
    "plan measure add": (lambda t: ["plan", "measure", "add", "Mängelmelder"],
                         "Maßnahme M-002 würde angelegt: Mängelmelder (Probelauf, nichts gespeichert)"),
    "plan measure set": (lambda t: ["plan", "measure", "set", "M-001", "--progress", "40"],
                         "Maßnahme M-001 würde geändert (Probelauf, nichts gespeichert)."),
    "plan adopt": (lambda t: ["plan", "adopt", "Entwurf 2027-2028", "--date", "2026-03-12"],
                   "Planversion „Entwurf 2027-2028“ würde beschlossen: Beschluss des Stadtrats vom 12.03.2026 "
                   "(Probelauf, nichts gespeichert)."),
    "plan version rename": (lambda t: ["plan", "version", "rename", "Entwurf 2027-2028", "Stufenplan 2027–2028"],
                            "Planversion „Entwurf 2027-2028“ würde umbenannt in „Stufenplan 2027–2028“ "
                            "(Probelauf, nichts gespeichert)."),
    "report baseline": (lambda t: ["report", "baseline", "IST-2026"],
                        "Vergleichsstand 'IST-2026' würde festgehalten (Probelauf, nichts gespeichert)"),
}


@pytest.fixture
def busy_town(town):
    db = str(town)
    ok("--db", db, "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde")
    ok("--db", db, "status", "set", ANMELDUNG, "--stage", "2")
    ok("--db", db, "plan", "measure", "add", "Online-Terminvergabe", "--state", "beschlossen", "--start", "2027-Q1")
    ok("--db", db, "plan", "build", "--years", "2027-2028")
    return town


@pytest.mark.parametrize("case", WRITERS)
def test_a_dry_run_says_what_it_would_do_and_changes_nothing(busy_town, tmp_path, case):
    make, said = WRITERS[case]
    args = make(tmp_path)
    before = dump(busy_town)

    dry = run("--db", str(busy_town), *args, "--dry-run")

    assert dry.exit_code == 0, dry.stderr
    assert said in dry.stderr
    assert dump(busy_town) == before
    ok("--db", str(busy_town), *args)
    assert dump(busy_town) != before
