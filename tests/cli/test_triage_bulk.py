"""Bulk triage that is safe: a preview, --yes off a terminal, --dry-run, `triage reset`, Leistungsobjekte."""

import json
from support.cli import ok, run
from support.db import connect, dump

GEWERBE = ["99025002169001", "99050012070000", "99050012071000", "99050012104000", "99050023169000"]
HUNDESTEUER_LO, HUNDESTEUER_FEST, HUNDESTEUER_BEFREIUNG = "99102013000000", "99102013002000", "99102013010000"
PREVIEW_10294 = """\
Schlüssel       Leistung                              Zuständigkeit      Art           Grund
--------------  ------------------------------------  -----------------  ------------  ----------------
99025002169001  Gaststättengewerbe Anzeige dauerhaft  unklar → gemeinde  Entscheidung  Gewerbeamt Stadt
99050012070000  Gewerbe Abmeldung                     unklar → gemeinde  Entscheidung  Gewerbeamt Stadt
99050012071000  Gewerbe Ummeldung                     unklar → gemeinde  Entscheidung  Gewerbeamt Stadt
99050012104000  Gewerbe Anmeldung                     unklar → gemeinde  Entscheidung  Gewerbeamt Stadt
99050023169000  Reisegewerbe Anzeige                  unklar → gemeinde  Entscheidung  Gewerbeamt Stadt
"""


def triage(town, *args, input=None):
    return run("--db", str(town), "triage", *args, input=input)


def undecided(town) -> set[str]:
    return {r["key"] for r in json.loads(triage(town, "list", "--undecided", "--format", "json").stdout)}


def history(town, key):
    rows = json.loads(run("--db", str(town), "status", "history", key, "--format", "json").stdout)
    return [(h["changes"]["level"], h["reason"]) for h in rows]


def test_a_bulk_set_off_a_terminal_without_yes_changes_nothing_and_lists_the_services(town):
    before = dump(town)
    result = triage(town, "set", "10294", "--level", "gemeinde", "--reason", "Gewerbeamt Stadt")
    assert (result.exit_code, result.stdout, result.stderr) == (1, PREVIEW_10294, (
        "Fehler: 5 Leistungen würden geändert; nichts wurde gespeichert. Prüfen Sie die Liste und bestätigen Sie "
        "mit --yes.\n"))
    assert dump(town) == before


def test_set_with_yes_then_reset_returns_them_to_undecided_with_history(town):
    assert set(GEWERBE) <= undecided(town)
    done = triage(town, "set", "10294", "--level", "gemeinde", "--reason", "Gewerbeamt Stadt", "--yes")
    assert (done.exit_code, done.stdout, done.stderr) == (0, PREVIEW_10294, "Wolmirstedt, Stadt: 5 Leistungen geändert.\n")
    assert not set(GEWERBE) & undecided(town)

    back = triage(town, "reset", "10294", "--yes")
    assert back.exit_code == 0 and back.stderr == "Wolmirstedt, Stadt: 5 Leistungen geändert.\n"
    assert back.stdout.splitlines()[2].split() == ["99025002169001", "Gaststättengewerbe", "Anzeige", "dauerhaft",
                                                  "gemeinde", "→", "unklar", "zurück", "zur", "Regel", "Regel:",
                                                  "Typisierung", "4"]
    assert set(GEWERBE) <= undecided(town)
    assert connect(town).execute("SELECT count(*) FROM responsibility").fetchone() == (0,)
    assert history(town, "99050012104000") == [(["unklar", "gemeinde"], "Gewerbeamt Stadt"),
                                               (["gemeinde", "unklar"], "zurück zur Regel")]


def test_dry_run_shows_and_writes_nothing(town):
    ok("--db", str(town), "triage", "set", "10294", "--level", "gemeinde", "--reason", "Gewerbeamt Stadt", "--yes")
    before = dump(town)
    result = triage(town, "reset", "10294", "99050012104000", "--dry-run")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2 + 5
    assert result.stderr == "Wolmirstedt, Stadt: 5 Leistungen würden geändert (Probelauf, nichts gespeichert).\n"
    assert dump(town) == before
    again = triage(town, "set", "10294", "--level", "land", "--reason", "x", "--dry-run")
    assert again.exit_code == 0 and dump(town) == before


def test_unklar_is_not_a_decision(town):
    before = dump(town)
    result = triage(town, "set", "99050012104000", "--level", "unklar", "--reason", "doch nicht")
    assert result.exit_code == 2 and "„unklar“ ist keine Entscheidung" in result.stderr
    assert "ozgtrack triage reset" in result.stderr and dump(town) == before


def test_a_stored_unklar_decision_stays_undecided_and_reset_takes_it_back(town):
    # Older versions stored "unklar" as a decision, which hid the service from --undecided.
    ok("--db", str(town), "triage", "set", "99050012104000", "--level", "land", "--reason", "x", "--yes")
    connection = connect(town)
    with connection:
        connection.execute("UPDATE responsibility SET level = 'unklar'")
    assert "99050012104000" in undecided(town)
    ok("--db", str(town), "triage", "reset", "99050012104000")
    assert connection.execute("SELECT count(*) FROM responsibility").fetchone() == (0,)


def test_a_leistungsobjekt_id_selects_it_and_its_verrichtungen(town):
    result = triage(town, "set", "99102013", "--level", "gemeinde", "--reason", "Hundesteuersatzung", "--yes")
    assert result.exit_code == 0 and result.stderr == "Wolmirstedt, Stadt: 3 Leistungen geändert.\n"
    decided = json.loads(triage(town, "list", "--decided", "--format", "json").stdout)
    assert [r["key"] for r in decided] == [HUNDESTEUER_LO, HUNDESTEUER_FEST, HUNDESTEUER_BEFREIUNG]


def test_a_decision_on_the_leistungsobjekt_is_inherited_by_verrichtungen_without_their_own(town):
    ok("--db", str(town), "triage", "set", HUNDESTEUER_BEFREIUNG, "--level", "landkreis", "--reason", "eigener Fall", "--yes")
    preview = triage(town, "set", HUNDESTEUER_LO, "--level", "gemeinde", "--reason", "Hundesteuersatzung")
    assert preview.exit_code == 1 and [line.split()[0] for line in preview.stdout.splitlines()[2:]] == [
        HUNDESTEUER_LO, HUNDESTEUER_FEST]
    assert "übernommen" in preview.stdout.splitlines()[3]
    ok("--db", str(town), "triage", "set", HUNDESTEUER_LO, "--level", "gemeinde", "--reason", "Hundesteuersatzung", "--yes")
    rows = {r["key"]: r for r in json.loads(triage(town, "list", "--search", "hundesteuer", "--format", "json").stdout)}
    assert (rows[HUNDESTEUER_FEST]["level"], rows[HUNDESTEUER_FEST]["decided"], rows[HUNDESTEUER_FEST]["origin"],
            rows[HUNDESTEUER_FEST]["reason"]) == (
        "gemeinde", False, "inherited", f"übernommen vom Leistungsobjekt {HUNDESTEUER_LO}: Hundesteuersatzung")
    assert (rows[HUNDESTEUER_BEFREIUNG]["level"], rows[HUNDESTEUER_BEFREIUNG]["reason"]) == ("landkreis", "eigener Fall")
    assert history(town, HUNDESTEUER_FEST) == []  # the Verrichtung itself was not decided
    ok("--db", str(town), "triage", "reset", HUNDESTEUER_LO, "--yes")
    assert HUNDESTEUER_FEST in undecided(town)


def test_at_a_terminal_the_user_is_asked(town, monkeypatch):
    monkeypatch.setattr("ozgtrack.cli._unit.on_terminal", lambda: True)
    before = dump(town)
    declined = triage(town, "set", "10294", "--level", "gemeinde", "--reason", "Gewerbeamt Stadt", input="n\n")
    assert declined.exit_code == 1 and declined.stdout == PREVIEW_10294
    assert "Wolmirstedt, Stadt: 5 Leistungen ändern? [j/N]" in declined.stderr and dump(town) == before
    accepted = triage(town, "set", "10294", "--level", "gemeinde", "--reason", "Gewerbeamt Stadt", input="j\n")
    assert accepted.exit_code == 0 and accepted.stderr.endswith("Wolmirstedt, Stadt: 5 Leistungen geändert.\n")
    assert not set(GEWERBE) & undecided(town)


def test_several_targets_at_once(town):
    result = triage(town, "set", "99050012104000", "99050012070000", "--level", "gemeinde", "--reason", "x", "--yes")
    assert result.exit_code == 0 and result.stderr == "Wolmirstedt, Stadt: 2 Leistungen geändert.\n"
    unknown = triage(town, "set", "99050012104000", "99999999", "--level", "gemeinde", "--reason", "x", "--yes")
    assert unknown.exit_code == 1 and "kein Leistungsobjekt 99999999" in unknown.stderr
