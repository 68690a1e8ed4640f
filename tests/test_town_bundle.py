"""Town bundles: a town's decisions, statuses and history exported and merged into a Kreis database."""

import json

import pytest
from support.cli import ok, run
from support.db import dump

from ozgtrack.resources import catalog_file
from ozgtrack.wording import number

ANMELDUNG, ABMELDUNG, GRAB = "99115005104000", "99115005070000", "99101001107000"


def setup_db(path):
    """A database with the demo catalogue and the demo ARS list, no triage or status."""
    for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
        ok("--db", str(path), "catalog", "sync", "--from", str(catalog_file(f"demo/{name}")))
    ok("--db", str(path), "municipality", "import", str(catalog_file("demo/gemeinden.csv")))
    return path


@pytest.fixture
def kreis(tmp_path):
    return setup_db(tmp_path / "kreis.sqlite")


@pytest.fixture
def worked(town):
    """The fixture town after some work: decisions, statuses changed several times, a reset."""
    ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "1", "--department", "FB 2", "--user", "anna")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "3", "--url", "https://wolmirstedt.example/an",
       "--verified", "--note", "Landesportal,\nseit März", "--user", "bernd")
    ok("--db", str(town), "status", "set", ABMELDUNG, "--stage", "2", "--planned", "2027-Q2", "--model", "rgm1")
    ok("--db", str(town), "triage", "set", GRAB, "--level", "landkreis", "--reason", "Friedhof des Kreises", "--yes")
    ok("--db", str(town), "triage", "reset", GRAB, "--yes")
    return town


def export(db, path):
    ok("--db", str(db), "town", "export", "-o", str(path))
    return path


def views(db):
    """What the town's status list and every service's history say, as JSON."""
    listing = json.loads(ok("--db", str(db), "status", "list", "--format", "json", "--undecided").stdout)
    histories = {v["key"]: json.loads(ok("--db", str(db), "status", "history", v["key"], "--format", "json").stdout)
                 for v in listing}
    return listing, histories


def test_export_names_services_by_key_and_holds_nothing_else(worked, tmp_path):
    bundle = json.loads(export(worked, tmp_path / "b.json").read_text(encoding="utf-8"))

    assert set(bundle) == {"format", "version", "exported_at", "exported_by", "generator", "municipality",
                           "catalogue", "services", "online_services"}
    assert (bundle["format"], bundle["version"], bundle["municipality"]) == (
        "ozgtrack-town", 2, {"ars": "150830565565", "name": "Wolmirstedt, Stadt"})
    assert [s["key"] for s in bundle["services"]] == [GRAB, ABMELDUNG, ANMELDUNG]
    grab = bundle["services"][0]
    assert grab["decision"] is None and grab["status"] is None
    assert [e["reason"] for e in grab["history"]] == ["Friedhof des Kreises", "zurück zur Regel"]
    assert {r["source"] for r in bundle["catalogue"]["releases"]} == {"leika", "ozg"}


def test_import_twice_takes_everything_once(worked, kreis, tmp_path):
    path = export(worked, tmp_path / "b.json")

    first = run("--db", str(kreis), "town", "import", str(path), "--user", "kreis-officer")
    assert first.exit_code == 0, first.stderr
    assert first.stderr == ("Wolmirstedt, Stadt: 3 Leistungen mit 7 neuen Verlaufseinträgen übernommen, "
                            "0 Leistungen unverändert.\n")
    assert views(kreis) == views(worked)  # statuses, decisions and every history, in order
    before = dump(kreis)

    second = run("--db", str(kreis), "town", "import", str(path))
    assert (second.exit_code, second.stdout) == (0, "")
    assert second.stderr == "Wolmirstedt, Stadt: nichts Neues im Bündel; nichts wurde geändert.\n"
    assert dump(kreis) == before


def test_a_later_bundle_appends_to_the_history(worked, kreis, tmp_path):
    ok("--db", str(kreis), "town", "import", str(export(worked, tmp_path / "b1.json")))
    ok("--db", str(worked), "status", "set", ANMELDUNG, "--stage", "4", "--user", "carla")

    result = run("--db", str(kreis), "town", "import", str(export(worked, tmp_path / "b2.json")))

    assert result.stderr == ("Wolmirstedt, Stadt: 1 Leistung mit 1 neuen Verlaufseintrag übernommen, "
                             "2 Leistungen unverändert.\n")
    assert views(kreis) == views(worked)
    history = views(kreis)[1][ANMELDUNG]
    assert [(e["by"], e["changes"].get("stage")) for e in history] == [
        ("it-officer", None), ("anna", [None, 1]), ("bernd", [1, 3]), ("carla", [3, 4])]


def test_a_service_changed_here_after_the_bundles_base_is_a_conflict(worked, kreis, tmp_path):
    ok("--db", str(kreis), "town", "import", str(export(worked, tmp_path / "b1.json")))
    ok("--db", str(kreis), "status", "set", ANMELDUNG, "--stage", "2", "--reason", "Link geht nicht",
       "--user", "kreis-officer")
    ok("--db", str(worked), "status", "set", ANMELDUNG, "--stage", "5", "--user", "carla")
    ok("--db", str(worked), "status", "set", ABMELDUNG, "--stage", "3", "--user", "carla")
    b2 = export(worked, tmp_path / "b2.json")
    kreis_view = views(kreis)[1][ANMELDUNG]

    result = run("--db", str(kreis), "town", "import", str(b2))

    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Warnung: {ANMELDUNG} wurde hier nach dem Stand des Bündels geändert (")
    assert lines[0].endswith(" UTC von kreis-officer); nicht übernommen")
    assert lines[1:] == [
        f"{b2}: 1 Leistung ausgelassen, weil sie hier nach dem Stand des Bündels geändert wurden; klären Sie sie "
        "mit der Gemeinde oder übernehmen Sie sie mit --force (die hiesigen Änderungen bleiben im Verlauf).",
        "Wolmirstedt, Stadt: 1 Leistung mit 1 neuen Verlaufseintrag übernommen, 1 Leistung unverändert."]
    listing, histories = views(kreis)
    stages = {v["key"]: (v["model"], v["stage"]) for v in listing}
    assert stages[ANMELDUNG] == ("rgm2", 2) and stages[ABMELDUNG] == ("rgm1", 3)
    assert histories[ANMELDUNG] == kreis_view  # not overwritten, nothing appended

    # The same bundle again: the conflict is told again, nothing changes.
    before = dump(kreis)
    assert run("--db", str(kreis), "town", "import", str(b2)).stderr.splitlines()[1:] == [
        lines[1], "Wolmirstedt, Stadt: nichts Neues im Bündel; nichts wurde geändert."]
    assert dump(kreis) == before

    # --force takes the town's record; the Kreis' correction stays in the history, in time order.
    forced = run("--db", str(kreis), "town", "import", str(b2), "--force")
    assert forced.stderr == "Wolmirstedt, Stadt: 1 Leistung mit 1 neuen Verlaufseintrag übernommen, " \
                            "2 Leistungen unverändert.\n"
    history = views(kreis)[1][ANMELDUNG]
    assert [(e["by"], e["changes"].get("stage")) for e in history] == [
        ("it-officer", None), ("anna", [None, 1]), ("bernd", [1, 3]), ("kreis-officer", [3, 2]), ("carla", [3, 5])]
    assert {v["key"]: v["stage"] for v in views(kreis)[0]}[ANMELDUNG] == 5


def test_an_older_bundle_after_a_correction_here_changes_nothing(worked, kreis, tmp_path):
    b1 = export(worked, tmp_path / "b1.json")
    ok("--db", str(kreis), "town", "import", str(b1))
    ok("--db", str(kreis), "status", "set", ANMELDUNG, "--stage", "2", "--user", "kreis-officer")
    before = dump(kreis)

    result = run("--db", str(kreis), "town", "import", str(b1))

    assert result.stderr == "Wolmirstedt, Stadt: nichts Neues im Bündel; nichts wurde geändert.\n"
    assert dump(kreis) == before


def test_dry_run_shows_and_keeps_nothing(worked, kreis, tmp_path):
    path = export(worked, tmp_path / "b.json")
    verified = next(v["verified_at"] for v in views(worked)[0] if v["key"] == ANMELDUNG)
    before = dump(kreis)

    result = run("--db", str(kreis), "town", "import", str(path), "--dry-run")

    assert result.exit_code == 0
    assert result.stdout.splitlines()[2:] == [
        f"{ABMELDUNG}  Status         Reifegradmodell: – → 'rgm1'; Reifegrad: – → 2; geplant bis: – → '2027-Q2'",
        f"{ABMELDUNG}  Zuständigkeit  Zuständigkeit: – → 'gemeinde'; Begründung: – → 'Meldebehörde'",
        f"{ANMELDUNG}  Status         Reifegradmodell: – → 'rgm2'; Reifegrad: – → 3; URL: – → "
        f"'https://wolmirstedt.example/an'; Fachbereich: – → 'FB 2'; Notiz: – → 'Landesportal,\\nseit März'; "
        f"bestätigt am: – → '{verified}'; bestätigt von: – → 'bernd'",
        f"{ANMELDUNG}  Zuständigkeit  Zuständigkeit: – → 'gemeinde'; Begründung: – → 'Meldebehörde'"]
    assert result.stderr == ("Wolmirstedt, Stadt: 3 Leistungen mit 7 neuen Verlaufseinträgen würden übernommen "
                             "(Probelauf, nichts gespeichert).\n")
    assert dump(kreis) == before


def test_keys_the_catalogue_lacks_are_told_and_left_out(worked, kreis, tmp_path):
    path = export(worked, tmp_path / "b.json")
    bundle = json.loads(path.read_text(encoding="utf-8"))
    bundle["services"].append({**bundle["services"][0], "key": "99999999999999"})
    path.write_text(json.dumps(bundle), encoding="utf-8")

    result = run("--db", str(kreis), "town", "import", str(path))

    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "Warnung: 1 Leistung des Bündels gibt es im Katalog dieser Datenbank nicht; nicht übernommen: "
        "99999999999999 (synchronisieren Sie den Katalog und lesen Sie das Bündel erneut ein)")
    assert views(kreis) == views(worked)


def test_a_town_missing_from_the_ars_list_is_refused(worked, tmp_path):
    empty = tmp_path / "leer.sqlite"
    for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
        ok("--db", str(empty), "catalog", "sync", "--from", str(catalog_file(f"demo/{name}")))
    before = dump(empty)

    result = run("--db", str(empty), "town", "import", str(export(worked, tmp_path / "b.json")))

    assert result.exit_code == 1
    assert result.stderr == ("Fehler: die Gemeinde Wolmirstedt, Stadt (150830565565) des Bündels gibt es in dieser "
                             "Datenbank nicht; importieren Sie zuerst das Gemeindeverzeichnis mit `ozgtrack "
                             "municipality import DATEI`; nichts wurde geändert\n")
    assert dump(empty) == before


def _edit(document, change):
    change(document)
    return json.dumps(document).encode("utf-8")


def _url_in_history(url):
    """The bundle with ``url`` as the address the Anmeldung's history recorded."""
    def change(document):
        entry = next(e for e in document["services"][2]["history"] if "url" in e["changes"])
        entry["changes"]["url"][1] = url
    return change


def _set(path_in_document, value):
    def change(document):
        target = document
        for step in path_in_document[:-1]:
            target = target[step]
        target[path_in_document[-1]] = value
    return change


ANMELDUNG_AT = ("services", 2, "status")
BAD = {
    "truncated": (lambda text: text[: len(text) // 2].encode("utf-8"),
                  "die Datei endet mitten im JSON – ist sie abgeschnitten?"),
    "not json": (lambda text: b"<html>Anmeldung erforderlich</html>", "kein gültiges JSON (Zeile 1, Spalte 1)"),
    "not utf-8": (lambda text: text.encode("utf-16"), "kein UTF-8-Text (Byte 1)"),
    "a list": (lambda text: b"[]", "muss ein Abschnitt ({…}) sein, nicht eine Liste"),
    "other format": (lambda text: _edit(json.loads(text), _set(("format",), "ozgtrack-plan")),
                     "format: 'ozgtrack-plan' statt 'ozgtrack-town' – ist das ein Bündel von `ozgtrack town export`?"),
    "newer version": (lambda text: _edit(json.loads(text), _set(("version",), 3)),
                      "version: Version 3 kann dieses ozgtrack nicht lesen (es kennt die Versionen 1 und 2); "
                      "aktualisieren Sie ozgtrack"),
    "stage as text": (lambda text: _edit(json.loads(text), _set((*ANMELDUNG_AT, "stage"), "3")),
                      "services[2].status.stage: muss eine ganze Zahl oder null sein, nicht ein Text"),
    "stage beyond its model": (lambda text: _edit(json.loads(text), lambda d: d["services"][2]["status"].update(
                                   model="rgm1", stage=7)),
                               "services[2].status.stage: Reifegrad 7 gibt es im Reifegradmodell 1.1 nicht (0–4)"),
    "key as number": (lambda text: _edit(json.loads(text), _set(("services", 0, "key"), 99101001107000)),
                      "services[0].key: muss ein Text sein, nicht eine ganze Zahl"),
    "lookalike key": (lambda text: _edit(json.loads(text), _set(("services", 0, "key"), "９９101001107000")),
                      "services[0].key: '９９101001107000' ist kein LeiKa-Schlüssel aus 14 Ziffern"),
    "history not a list": (lambda text: _edit(json.loads(text), _set(("services", 0, "history"), {})),
                           "services[0].history: muss eine Liste ([…]) sein, nicht ein Abschnitt"),
    "unknown action": (lambda text: _edit(json.loads(text), _set(("services", 0, "history", 0, "action"), "drop")),
                       "services[0].history[0].action: 'drop' ist keine von triage, status oder move"),
    "bad time": (lambda text: _edit(json.loads(text), _set(("services", 0, "history", 0, "at"), "gestern")),
                 "services[0].history[0].at: 'gestern' ist kein Zeitpunkt (ISO 8601, z. B. 2026-11-25T10:00:00Z)"),
    "control character": (lambda text: _edit(json.loads(text), _set(("services", 0, "history", 0, "by"),
                                                                     "anna\x1b[2J")),
                          "services[0].history[0].by: enthält an Stelle 5 ein Steuerzeichen (U+001B); so etwas wird "
                          "nicht gespeichert – bitte entfernen"),
    "bidi override": (lambda text: _edit(json.loads(text), _set((*ANMELDUNG_AT, "note"), "ok\u202egnuhcsuät")),
                      "services[2].status.note: enthält an Stelle 3 ein unsichtbares Zeichen, das die Schreibrichtung "
                      "umstellt (U+202E); so etwas wird nicht gespeichert – bitte entfernen"),
    "unlisted level": (lambda text: _edit(json.loads(text), _set(("services", 1, "decision", "level"), "unklar")),
                       "services[1].decision.level: 'unklar' ist keine von gemeinde, landkreis, land oder bund"),
    "javascript url": (lambda text: _edit(json.loads(text), _set((*ANMELDUNG_AT, "url"), "javascript:alert(1)")),
                       "services[2].status.url: die URL 'javascript:alert(1)' ist keine http(s)-Adresse"),
    "credentials in a url": (lambda text: _edit(json.loads(text), _set((*ANMELDUNG_AT, "url"),
                                                                       "https://amt:geheim@wolmirstedt.example/an")),
                             "services[2].status.url: die URL 'https://***@wolmirstedt.example/an' enthält "
                             "Zugangsdaten (Benutzername oder Passwort vor dem @); eine Adresse, die veröffentlicht "
                             "wird, darf keine enthalten – bitte die Adresse ohne sie angeben"),
    "credentials in the history": (lambda text: _edit(json.loads(text), _url_in_history(
                                       "https://amt:geheim@wolmirstedt.example/an")),
                                   "services[2].history[2].changes.url: die URL 'https://***@wolmirstedt.example/an' "
                                   "enthält Zugangsdaten (Benutzername oder Passwort vor dem @); eine Adresse, die "
                                   "veröffentlicht wird, darf keine enthalten – bitte die Adresse ohne sie angeben"),
    "C1 in a name": (lambda text: _edit(json.loads(text), _set((*ANMELDUNG_AT, "department"), "FB 2\x85")),
                     "services[2].status.department: enthält an Stelle 5 ein Steuerzeichen (U+0085), oft der Rest "
                     "einer falsch gelesenen Kodierung (Windows-1252?); so etwas wird nicht gespeichert – bitte "
                     "entfernen"),
    "direction mark": (lambda text: _edit(json.loads(text), _set((*ANMELDUNG_AT, "portal"), "Landesportal\u200e")),
                       "services[2].status.portal: enthält an Stelle 13 ein unsichtbares Zeichen, das die "
                       "Schreibrichtung umstellt (U+200E); so etwas wird nicht gespeichert – bitte entfernen"),
    "a name too long": (lambda text: _edit(json.loads(text), _set((*ANMELDUNG_AT, "verified_by"), "M" * 101)),
                        "services[2].status.verified_by: bestätigt von ist länger als 100 Zeichen"),
    "unknown field": (lambda text: _edit(json.loads(text), _set(("services", 0, "password"), "x")),
                      "services[0]: unbekanntes Feld 'password'"),
    "duplicate field": (lambda text: text.replace('"version": 2,', '"version": 2, "version": 2,', 1).encode(),
                        "das Feld 'version' steht zweimal im selben Abschnitt"),
    "NaN": (lambda text: text.replace('"stage": 3', '"stage": NaN', 1).encode(), "NaN ist keine Zahl"),
    "a service twice": (lambda text: _edit(json.loads(text), lambda d: d["services"].append(d["services"][0])),
                        "services: die Leistung 99101001107000 steht zweimal im Bündel"),
    "deeply nested": (lambda text: b'{"format": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                      "das JSON ist zu tief verschachtelt"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_bundles_are_refused_and_change_nothing(case, worked, kreis, tmp_path):
    text = export(worked, tmp_path / "good.json").read_text(encoding="utf-8")
    make, problem = BAD[case]
    path = tmp_path / "bad.json"
    path.write_bytes(make(text))
    before = dump(kreis)

    result = run("--db", str(kreis), "town", "import", str(path))

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Fehler: {path} ist kein gültiges Bündel einer Gemeinde: {problem}; nichts wurde geändert\n"
    assert dump(kreis) == before


def test_a_bundle_over_the_size_limit_is_refused(worked, kreis, tmp_path, monkeypatch):
    path = export(worked, tmp_path / "b.json")
    size = path.stat().st_size
    monkeypatch.setenv("OZGTRACK_HTTP_MAX_BYTES", str(size - 1))
    before = dump(kreis)

    result = run("--db", str(kreis), "town", "import", str(path))

    assert result.exit_code == 1
    assert result.stderr == (f"Fehler: {path} hat {number(size)} Bytes, mehr als die Grenze von {number(size - 1)} "
                             "(http.max_bytes); erhöhen Sie die Grenze, wenn die Datei stimmt\n")
    assert dump(kreis) == before
