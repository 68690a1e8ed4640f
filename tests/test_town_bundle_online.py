"""Town bundles version 2: online services, their covers and history, each status's online service and the
blockers travel between databases; version 1 bundles still import; bad online content is refused."""

import json
from datetime import datetime

import pytest
from support.cli import ok, run
from support.db import dump, execute, query
from test_town_bundle import ABMELDUNG, ANMELDUNG, GRAB, export, kreis, views, worked  # noqa: F401 - fixtures

AN_URL = "https://wohnsitz.example.de/an"


@pytest.fixture
def registered(worked):
    """The worked town with two online services (one retired, one changed) and blockers, one of them cleared."""
    db = str(worked)
    ok("--db", db, "online", "add", "Wohnsitz anmelden", "--url", AN_URL, "--delivery", "efa", "--provider",
       "Land Hamburg", "--covers", f"{ANMELDUNG},{ABMELDUNG}", "--stage", "3", "--account", "bundid",
       "--payment", "nicht-noetig", "--contract", "2025-03-01", "--user", "anna", "--yes")
    ok("--db", db, "online", "add", "Grabstätte (alt)", "--url", "https://wolmirstedt.example/grab", "--delivery",
       "eigen", "--covers", GRAB, "--user", "anna", "--yes")
    ok("--db", db, "online", "set", "O-001", "--stage", "4", "--payment", "epaybl", "--user", "bernd", "--yes")
    ok("--db", db, "online", "remove", "O-002", "--reason", "ersetzt", "--user", "bernd", "--yes")
    _blocker(worked, ABMELDUNG, "personal", "zwei Stellen offen", "2026-01-05 09:00:00.000000", None)
    _blocker(worked, GRAB, "epayment", None, "2026-01-02 09:00:00.000000", "2026-01-04 10:00:00.000000")
    return worked


def _blocker(db, key, code, note, set_at, cleared_at):
    execute(db, "INSERT INTO service_blocker (municipality_id, service_id, code, note, set_at, set_by, cleared_at, "
                "cleared_by) SELECT m.id, s.id, ?, ?, ?, 'carla', ?, ? FROM municipality m, leika_service s "
                "WHERE m.ars = '150830565565' AND s.key = ?",
            (code, note, set_at, cleared_at, "carla" if cleared_at else None, key))


def online_record(db):
    """What both databases must agree on: every online service, its history, the links and blockers."""
    listing = json.loads(ok("--db", str(db), "online", "list", "--retired", "--format", "json").stdout)
    histories = [json.loads(ok("--db", str(db), "online", "history", str(o["number"]), "--format", "json").stdout)
                 for o in listing]
    links = query(db, "SELECT s.key, o.number FROM service_status st JOIN leika_service s ON s.id = st.service_id "
                      "LEFT JOIN online_service o ON o.id = st.online_service_id ORDER BY s.key")
    blockers = query(db, "SELECT s.key, b.code, b.note, b.set_at, b.set_by, b.cleared_at, b.cleared_by "
                         "FROM service_blocker b JOIN leika_service s ON s.id = b.service_id ORDER BY s.key, b.code")
    return listing, histories, links, [tuple(map(_as_text, row)) for row in blockers]


def _as_text(value):
    """A time as SQLite's text holds it, so a PostgreSQL database and a SQLite one can be compared."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value


def test_export_holds_the_online_services_by_number_and_key(registered, tmp_path):
    bundle = json.loads(export(registered, tmp_path / "b.json").read_text(encoding="utf-8"))

    first, second = bundle["online_services"]
    assert {k: first[k] for k in ("number", "name", "url", "delivery", "stage", "model", "payment", "contract",
                                  "version", "retired_at", "covers")} == {
        "number": 1, "name": "Wohnsitz anmelden", "url": AN_URL, "delivery": "efa", "stage": 4, "model": "rgm2",
        "payment": "epaybl", "contract": "2025-03-01", "version": 2, "retired_at": None,
        "covers": [ABMELDUNG, ANMELDUNG]}
    assert [e["action"] for e in first["history"]] == ["add", "set"]
    assert (second["number"], second["retired_by"], [e["action"] for e in second["history"]]) == (
        2, "bernd", ["add", "retire"])
    services = {s["key"]: s for s in bundle["services"]}
    assert services[ANMELDUNG]["status"]["online_service"] == 1
    assert [(b["code"], b["cleared_by"]) for b in services[GRAB]["blockers"]] == [("epayment", "carla")]


def test_online_services_round_trip_between_two_databases(registered, kreis, tmp_path):
    path = export(registered, tmp_path / "b.json")

    result = run("--db", str(kreis), "town", "import", str(path), "--user", "kreis-officer")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == ("Wolmirstedt, Stadt: 2 Onlinedienste mit 4 neuen Verlaufseinträgen "
                                              "und 2 Gründe für offene Lücken übernommen, 0 Onlinedienste unverändert.")
    assert online_record(kreis) == online_record(registered)
    assert views(kreis) == views(registered)
    links = dict(online_record(kreis)[2])
    assert (links[ANMELDUNG], links[ABMELDUNG]) == (1, 1)
    before = dump(kreis)

    again = run("--db", str(kreis), "town", "import", str(path))
    assert again.stderr == "Wolmirstedt, Stadt: nichts Neues im Bündel; nichts wurde geändert.\n"
    assert dump(kreis) == before

    # the Kreis' copy keeps working: a change there is a new version on top of the town's
    ok("--db", str(kreis), "online", "set", "O-001", "--note", "vom Kreis geprüft", "--expect-version", "2", "--yes")


def test_a_later_bundle_brings_the_changes_and_a_cleared_blocker(registered, kreis, tmp_path):
    ok("--db", str(kreis), "town", "import", str(export(registered, tmp_path / "b1.json")))
    ok("--db", str(registered), "online", "set", "1", "--reply", "postfach", "--user", "carla", "--yes")
    execute(registered, "UPDATE service_blocker SET cleared_at = '2026-02-01 08:00:00.000000', cleared_by = 'carla' "
                        "WHERE code = 'personal'")

    result = run("--db", str(kreis), "town", "import", str(export(registered, tmp_path / "b2.json")))

    assert result.stderr.splitlines()[-1] == ("Wolmirstedt, Stadt: 1 Onlinedienst mit 1 neuen Verlaufseintrag und "
                                              "1 Grund für eine offene Lücke übernommen, 1 Onlinedienst unverändert.")
    assert online_record(kreis) == online_record(registered)


def test_an_online_service_changed_here_after_the_base_is_a_conflict(registered, kreis, tmp_path):
    ok("--db", str(kreis), "town", "import", str(export(registered, tmp_path / "b1.json")))
    ok("--db", str(kreis), "online", "set", "1", "--note", "Kreis: Link prüfen", "--user", "kreis-officer", "--yes")
    ok("--db", str(registered), "online", "set", "1", "--provider", "Dataport", "--user", "carla", "--yes")
    b2 = export(registered, tmp_path / "b2.json")
    kreis_before = online_record(kreis)[:2]

    result = run("--db", str(kreis), "town", "import", str(b2))

    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Warnung: O-001 Wohnsitz anmelden wurde hier nach dem Stand des Bündels geändert (")
    assert lines[0].endswith(" UTC von kreis-officer); nicht übernommen")
    assert lines[1] == (f"{b2}: 1 Onlinedienst ausgelassen, weil sie hier nach dem Stand des Bündels geändert "
                        "wurden; klären Sie sie mit der Gemeinde oder übernehmen Sie sie mit --force.")
    assert online_record(kreis)[:2] == kreis_before

    forced = run("--db", str(kreis), "town", "import", str(b2), "--force", "--user", "kreis-officer")
    assert forced.exit_code == 0, forced.stderr
    shown = json.loads(ok("--db", str(kreis), "online", "show", "1", "--format", "json").stdout)["service"]
    history = json.loads(ok("--db", str(kreis), "online", "history", "1", "--format", "json").stdout)
    assert (shown["provider"], shown["note"], shown["version"]) == ("Dataport", None, 4)
    assert [(e["by"], e["action"]) for e in history][-3:] == [
        ("kreis-officer", "set"), ("carla", "set"), ("kreis-officer", "set")]
    assert history[-1]["reason"] == "aus dem Bündel von Wolmirstedt, Stadt übernommen (--force)"
    assert history[-1]["changes"] == {"note": ["Kreis: Link prüfen", None]}


def _version_1(document):
    """The bundle as ozgtrack wrote it before online services: no online services, links or blockers."""
    document["version"] = 1
    del document["online_services"]
    for service in document["services"]:
        del service["blockers"]
        if service["status"] is not None:
            del service["status"]["online_service"]
    return document


def test_a_version_1_bundle_still_imports(worked, kreis, tmp_path):
    path = export(worked, tmp_path / "b.json")
    path.write_text(json.dumps(_version_1(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")

    result = run("--db", str(kreis), "town", "import", str(path))

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Wolmirstedt, Stadt: 3 Leistungen mit 7 neuen Verlaufseinträgen übernommen, "
                             "0 Leistungen unverändert.\n")
    assert views(kreis) == views(worked)


def test_a_version_1_bundle_keeps_the_online_services_here(registered, kreis, tmp_path):
    ok("--db", str(kreis), "town", "import", str(export(registered, tmp_path / "b1.json")))
    ok("--db", str(registered), "status", "set", ABMELDUNG, "--planned", "2027-Q4", "--user", "carla")
    path = export(registered, tmp_path / "b2.json")
    path.write_text(json.dumps(_version_1(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")

    result = run("--db", str(kreis), "town", "import", str(path))

    assert result.exit_code == 0, result.stderr
    assert online_record(kreis) == online_record(registered)  # links and blockers as they were
    assert views(kreis) == views(registered)


def _online(index, field, value):
    def change(document):
        document["online_services"][index][field] = value
    return change


def _status_online(number):
    def change(document):
        next(s for s in document["services"] if s["key"] == ANMELDUNG)["status"]["online_service"] = number
    return change


def _history_change(field, pair):
    def change(document):
        document["online_services"][0]["history"][1]["changes"][field] = pair
    return change


def _first_blocker(field, value):
    def change(document):
        next(s for s in document["services"] if s["key"] == GRAB)["blockers"][0][field] = value
    return change


def _in_version_1(document):
    document["version"] = 1
    del document["online_services"]


ONLINE_BAD = {
    "unknown delivery": (_online(0, "delivery", "cloud"),
                         "online_services[0].delivery: 'cloud' ist keine von eigen, efa, land, zsa, kreis oder "
                         "anbieter"),
    "javascript url": (_online(0, "url", "javascript:alert(1)"),
                       "online_services[0].url: die URL 'javascript:alert(1)' ist keine http(s)-Adresse"),
    "credentials in a url": (_online(0, "url", "https://amt:geheim@wohnsitz.example.de/an"),
                             "online_services[0].url: die URL 'https://***@wohnsitz.example.de/an' enthält "
                             "Zugangsdaten (Benutzername oder Passwort vor dem @); eine Adresse, die veröffentlicht "
                             "wird, darf keine enthalten – bitte die Adresse ohne sie angeben"),
    "a huge name": (_online(0, "name", "W" * 100_000), "online_services[0].name: ist länger als 200 Zeichen"),
    "a huge number": (_online(0, "number", 10 ** 50),
                      "online_services[0].number: ist keine Nummer eines Onlinedienstes (eine ganze Zahl von 1 bis 99.999)"),
    "unknown field": (_online(1, "password", "x"), "online_services[1]: unbekanntes Feld 'password'"),
    "unknown payment": (_online(0, "payment", "bar"),
                        "online_services[0].payment: 'bar' ist keine von epaybl, anderes, keins oder nicht-noetig"),
    "stage beyond its model": (lambda d: d["online_services"][0].update(model="rgm1", stage=7),
                               "online_services[0].stage: Reifegrad 7 gibt es im Reifegradmodell 1.1 nicht (0–4)"),
    "bad contract": (_online(0, "contract", "bald"),
                     "online_services[0].contract: 'bald' ist nicht ein Datum (2026-03-01) oder 'nein'"),
    "a cover that is no key": (_online(0, "covers", ["10124"]),
                               "online_services[0].covers[0]: '10124' ist kein LeiKa-Schlüssel aus 14 Ziffern"),
    "retired without who": (_online(1, "retired_by", None),
                            "online_services[1]: ein beendeter Onlinedienst braucht retired_at und retired_by, ein "
                            "aktiver keins von beiden"),
    "a number twice": (_online(1, "number", 1), "online_services: der Onlinedienst O-001 steht zweimal im Bündel"),
    "a link to a missing online service": (_status_online(7), "services[2].status.online_service: den Onlinedienst "
                                                              "O-007 gibt es im Bündel nicht"),
    "control character in the history": (_history_change("note", [None, "ok\x1b[2J"]),
                                          "online_services[0].history[1].changes.note: enthält an Stelle 3 ein "
                                          "Steuerzeichen (U+001B); so etwas wird nicht gespeichert – bitte entfernen"),
    "credentials in the history": (_history_change("url", [None, "https://a:b@x.example"]),
                                   "online_services[0].history[1].changes.url: die URL 'https://***@x.example' "
                                   "enthält Zugangsdaten (Benutzername oder Passwort vor dem @); eine Adresse, die "
                                   "veröffentlicht wird, darf keine enthalten – bitte die Adresse ohne sie angeben"),
    "unknown field in the history": (_history_change("password", [None, "x"]),
                                     "online_services[0].history[1].changes: unbekanntes Feld 'password'"),
    "unknown blocker": (_first_blocker("code", "wetter"),
                        "services[0].blockers[0].code: 'wetter' ist keine von landesloesung, vertrag, epayment, "
                        "postfach, fachverfahren, pvog, personal oder rechtslage"),
    "a record its history does not say": (_online(0, "stage", 2),
                                          "online_services[0]: der Onlinedienst stimmt nicht mit seinem Verlauf "
                                          "überein: Reifegrad 2, laut Verlauf 4"),
    "covers its history does not say": (_online(0, "covers", [ANMELDUNG]),
                                        "online_services[0]: die abgedeckten Leistungen stimmen nicht mit dem "
                                        "Verlauf überein"),
    "no history": (_online(1, "history", []), "online_services[1]: das Bündel nennt einen Onlinedienst, aber "
                                              "keinen Verlaufseintrag dazu (wer hat ihn wann angelegt?)"),
    "online services in version 1": (lambda d: d.update(version=1),
                                     "unbekanntes Feld 'online_services' (Onlinedienste gibt es erst ab Version 2)"),
    "blockers in version 1": (_in_version_1, "services[0]: unbekanntes Feld 'blockers'"),
}


@pytest.mark.parametrize("case", ONLINE_BAD, ids=list(ONLINE_BAD))
def test_bad_online_content_is_refused_and_changes_nothing(case, registered, kreis, tmp_path):
    document = json.loads(export(registered, tmp_path / "good.json").read_text(encoding="utf-8"))
    change, problem = ONLINE_BAD[case]
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = dump(kreis)

    result = run("--db", str(kreis), "town", "import", str(path))

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Fehler: {path} ist kein gültiges Bündel einer Gemeinde: {problem}; nichts wurde geändert\n"
    assert dump(kreis) == before


def test_an_online_service_from_the_future_is_refused(registered, kreis, tmp_path):
    document = json.loads(export(registered, tmp_path / "good.json").read_text(encoding="utf-8"))
    document["online_services"][0]["history"][-1]["at"] = "2999-01-01T00:00:00.000000Z"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = dump(kreis)

    result = run("--db", str(kreis), "town", "import", str(path))

    assert result.exit_code == 1
    assert "online_services[0].history[1].at: der Zeitpunkt 2999-01-01 00:00 UTC liegt nach" in result.stderr
    assert dump(kreis) == before
