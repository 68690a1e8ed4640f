"""``-q`` keeps stderr to errors: cron mails whatever a job prints, so a quiet weekly job that worked prints nothing."""

from support.cli import run
from support.db import dump

from ozgtrack.resources import catalog_file


def test_quiet_commands_that_work_say_nothing(db):
    for args in (("catalog", "sync", "--from", str(catalog_file("demo/leika_leistungen_de.csv"))),
                 ("catalog", "sync", "--from", str(catalog_file("demo/ozg_umsetzungskatalog.csv"))),
                 ("municipality", "import", str(catalog_file("demo/gemeinden.csv"))),
                 ("catalog", "sync", "--from", str(catalog_file("demo/ozg_umsetzungskatalog.csv")))):
        quiet = run("--db", str(db), "-q", *args)
        assert (quiet.exit_code, quiet.stderr) == (0, ""), quiet.stderr
    loud = run("--db", str(db), "catalog", "sync", "--from", str(catalog_file("demo/leika_leistungen_de.csv")),
               "--force")
    assert loud.exit_code == 0 and loud.stderr  # without -q the same kind of run tells what it did


def test_quiet_errors_are_still_shown(db, tmp_path):
    run("--db", str(db), "-q", "catalog", "sync", "--from", str(catalog_file("demo/leika_leistungen_de.csv")))
    before = dump(db)
    missing = run("--db", str(db), "-q", "catalog", "sync", "--from", str(tmp_path / "fehlt.csv"))
    assert missing.exit_code == 1 and missing.stderr == (
        f"Fehler: die Datei {tmp_path / 'fehlt.csv'} gibt es nicht; prüfen Sie den Pfad\n")
    assert dump(db) == before
