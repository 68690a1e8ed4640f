"""Regular command words (issue 21): `--user` names who acts, `--by` groups; old spellings work for one release."""

import json

from support.cli import ok, run

ANMELDUNG = "99115005104000"
BY_NOTE = "Hinweis: --by ist veraltet und entfällt mit der nächsten Version; bitte --user verwenden.\n"


def history(town):
    return json.loads(ok("--db", str(town), "status", "history", ANMELDUNG, "--format", "json").stdout)


def decided(town):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde",
       "--user", "Frau M.", "--yes")
    return town


def test_user_names_who_changed_it(town):
    result = run("--db", str(decided(town)), "status", "set", ANMELDUNG, "--stage", "1", "--user", "Herr K.")

    assert (result.exit_code, result.stderr) == (0, "Wolmirstedt, Stadt: 1 Leistung geändert.\n")
    assert [(h["action"], h["by"]) for h in history(town)] == [("triage", "Frau M."), ("status", "Herr K.")]


def test_by_still_names_who_changed_it_with_a_note(town):
    result = run("--db", str(decided(town)), "status", "set", ANMELDUNG, "--stage", "1", "--by", "Herr K.")

    assert (result.exit_code, result.stderr) == (0, BY_NOTE + "Wolmirstedt, Stadt: 1 Leistung geändert.\n")
    assert [(h["action"], h["by"]) for h in history(town)] == [("triage", "Frau M."), ("status", "Herr K.")]


def test_without_user_the_environment_names_who(town):
    ok("--db", str(decided(town)), "status", "set", ANMELDUNG, "--stage", "1")  # OZGTRACK_USER=it-officer
    assert history(town)[-1]["by"] == "it-officer"


def test_user_and_by_together_are_a_usage_error(town):
    for args in (("--user", "a", "--by", "b"), ("--by", "b", "--user", "a")):
        result = run("--db", str(decided(town)), "status", "set", ANMELDUNG, "--stage", "1", *args)
        assert result.exit_code == 2 and "--user und --by schließen einander aus" in result.stderr
    assert [h["action"] for h in history(town)] == ["triage"]


def test_quiet_silences_the_note(town):
    result = run("--db", str(decided(town)), "-q", "status", "set", ANMELDUNG, "--stage", "1", "--by", "Herr K.")
    assert (result.exit_code, result.stderr) == (0, "")
    assert history(town)[-1]["by"] == "Herr K."


def test_a_writers_help_shows_user_not_by():
    text = ok("status", "set", "--help").stdout
    assert "--user NAME" in text and "--by" not in text


# --- --all: "alle Zeilen zeigen", nothing else -------------------------------------------------------------

UNDECIDED = "99036008007000"  # Kfz-Zulassung: no decision in the fixture town


def test_status_export_takes_undecided_and_all_still_with_a_note(town):
    decided(town)
    own, undecided, old = (run("--db", str(town), "status", "export", *args) for args in ((), ("--undecided",), ("--all",)))

    assert (own.exit_code, undecided.exit_code, old.exit_code) == (0, 0, 0)
    assert UNDECIDED not in own.stdout and UNDECIDED in undecided.stdout and UNDECIDED in old.stdout
    assert (undecided.stderr, old.stderr) == ("", "Hinweis: --all ist veraltet und entfällt mit der nächsten Version; "
                                                  "bitte --undecided verwenden.\n")


def test_report_gaps_lists_empty_groups_with_empty_groups_and_all_still_with_a_note(town):
    args = ("--db", str(decided(town)), "report", "gaps", "--by", "ozg")
    plain, empty, old, both = run(*args), run(*args, "--empty-groups"), run(*args, "--all"), \
        run(*args, "--all", "--empty-groups")

    assert "Nicht aufgeführt" in plain.stdout and "(aufgeführt mit --empty-groups)" in plain.stdout
    assert "Nicht aufgeführt" not in empty.stdout and empty.stdout == old.stdout == both.stdout
    assert len(empty.stdout.splitlines()) > len(plain.stdout.splitlines())
    assert (empty.stderr, both.stderr) == ("", "")
    assert old.stderr == ("Hinweis: --all für die Gruppen ohne eigene Leistungen ist veraltet und entfällt mit der "
                          "nächsten Version; bitte --empty-groups verwenden.\n")


def test_all_has_one_meaning_in_help():
    gaps, export = ok("report", "gaps", "--help").stdout, ok("status", "export", "--help").stdout
    assert "--all                           Alle Zeilen zeigen, ohne Begrenzung." in gaps
    assert "--all" not in export and "--undecided" in export


# --- one axis: noun first (`status export`, `town export`); the verb-first spellings of before, hidden -------------


def test_town_export_and_import_and_the_old_spellings_with_a_note(town, tmp_path):
    decided(town)
    kreis = tmp_path / "kreis.sqlite"
    for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
        ok("--db", str(kreis), "catalog", "sync", "--from", str(_demo(name)))
    ok("--db", str(kreis), "municipality", "import", str(_demo("gemeinden.csv")))
    new, old = tmp_path / "neu.json", tmp_path / "alt.json"

    exported = run("--db", str(town), "town", "export", "-o", str(new))
    exported_old = run("--db", str(town), "export", "town", "-o", str(old))
    imported_old = run("--db", str(kreis), "import", "town", str(old), "--dry-run")

    assert (exported.exit_code, exported_old.exit_code, imported_old.exit_code) == (0, 0, 0)
    assert _services(new) == _services(old) and ANMELDUNG in _services(new)
    assert not exported.stderr.startswith("Hinweis")
    assert exported_old.stderr.startswith("Hinweis: `ozgtrack export town` ist veraltet und entfällt mit der nächsten "
                                          "Version; bitte `ozgtrack town export` verwenden.\n")
    assert imported_old.stderr.startswith("Hinweis: `ozgtrack import town` ist veraltet und entfällt mit der nächsten "
                                          "Version; bitte `ozgtrack town import` verwenden.\n")
    assert ok("--db", str(kreis), "town", "import", str(new)).stderr.startswith("Wolmirstedt, Stadt: 1 Leistung")


def test_opendata_export_and_the_old_spelling_with_a_note(town, tmp_path):
    decided(town)
    new = run("--db", str(town), "opendata", "export", "-o", str(tmp_path / "neu"))
    old = run("--db", str(town), "export", "opendata", "-o", str(tmp_path / "alt"))

    assert (new.exit_code, old.exit_code) == (0, 0)
    assert sorted(p.name for p in (tmp_path / "neu").iterdir()) == sorted(p.name for p in (tmp_path / "alt").iterdir())
    assert old.stderr.startswith("Hinweis: `ozgtrack export opendata` ist veraltet und entfällt mit der nächsten "
                                 "Version; bitte `ozgtrack opendata export` verwenden.\n")
    assert "Hinweis" not in new.stderr


def test_the_old_spellings_are_not_in_the_help():
    top = ok("--help").stdout
    commands = [line.split()[0] for line in top.split("Befehle:\n")[1].splitlines() if line.strip()]
    assert commands == ["catalog", "municipality", "triage", "status", "online", "report", "pvog", "plan", "town", "opendata",
                        "demo", "completion"]


def _demo(name):
    from ozgtrack.resources import catalog_file

    return catalog_file(f"demo/{name}")


def _services(path):
    return sorted(service["key"] for service in json.loads(path.read_text(encoding="utf-8"))["services"])
