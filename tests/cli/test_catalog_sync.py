"""`ozgtrack catalog sync` against a real HTTP server on 127.0.0.1, with the real OZG catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.catalogue import fim_items, fim_route, leika_csv, leika_rows, leika_zip, read_flat
from support.cli import ok, run
from support.db import connect, dump
from support.http import Reply

from ozgtrack.wording import number


def query(db: Path, sql: str) -> list[tuple]:
    connection = connect(db)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def keys_of(flat: list[dict[str, str]]) -> set[str]:
    return {r["leika_schluessel"] for r in flat if r["leika_schluessel"].isdigit()}


def test_ozg_flat_file_over_http(http_server, db, flat_csv):
    flat = read_flat(flat_csv)
    url = http_server.add("/ozg.csv", Reply(body=flat_csv.read_bytes(), headers={"Content-Type": "text/csv"}))

    result = run("--db", str(db), "catalog", "sync", "--source", "ozg", "--from", url)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    keyless = {(r["ozg_id"], r["leika_bezeichnung"]) for r in flat if r["leika_schluessel"] == "nicht im LeiKa"}
    assert result.stderr.splitlines()[-1] == (
        f"OZG-Umsetzungskatalog aus {url} als Release 1 übernommen: {number(len(keys_of(flat)))} neu, 0 geändert, "
        "0 zurückgezogen, 0 wieder aufgenommen, 0 unverändert; 1 ungültige Zeile übersprungen."
    )
    duplicate = next(r["leika_bezeichnung"] for i, r in enumerate(flat, start=2) if i == 4745)
    assert f"Warnung: Zeile 4745: doppelte Zeile für OZG-ID 10280 und „{duplicate}“ (zuerst in Zeile 4734)" in \
        result.stderr  # the name as the file writes it, umlauts and all
    assert "Ü" in duplicate or "ü" in duplicate
    # Figures checked against the file itself, not against ozgtrack.
    assert query(db, "SELECT count(*) FROM leika_service") == [(len(keys_of(flat)),)]
    assert query(db, "SELECT count(*) FROM ozg_leistung") == [(len({r["ozg_id"] for r in flat}),)]
    assert query(db, "SELECT count(*) FROM themenfeld") == [(len({r["themenfeld"].strip() for r in flat}),)]
    assert query(db, "SELECT count(*) FROM lage") == [(len({(r["themenfeld"], r["lage"]) for r in flat}),)]
    assert query(db, "SELECT count(*) FROM ozg_member WHERE service_id IS NULL") == [(len(keyless),)]
    assert query(db, "SELECT count(*) FROM ozg_member") == [(len(keys_of(flat)) + len(keyless),)]
    assert query(db, "SELECT key, typisierung_raw, typisierung FROM leika_service WHERE key = '99115005104000'") == [
        ("99115005104000", "2/3", "2/3")]
    assert query(db, "SELECT o.ozg_id, l.name, t.slug FROM ozg_leistung o JOIN lage l ON o.lage_id = l.id "
                     "JOIN themenfeld t ON o.themenfeld_id = t.id WHERE o.ozg_id = '10119'") == [
        ("10119", "Querschnitt Bürger", "querschnittsleistungen")]


def test_unchanged_file_is_not_imported_again(tmp_path, db, flat_csv):
    first = run("--db", str(db), "catalog", "sync", "--from", str(flat_csv))
    second = run("--db", str(db), "catalog", "sync", "--from", str(flat_csv))

    assert first.exit_code == 0 and second.exit_code == 0
    assert second.stderr == (f"OZG-Umsetzungskatalog aus {flat_csv}: unverändert seit Release 1; nichts importiert "
                             "(mit --force erneut importieren).\n")
    assert query(db, "SELECT count(*) FROM catalogue_release") == [(1,)]



def test_a_file_behind_a_symlink_is_recorded_and_named_by_its_real_path(tmp_path, db):
    from ozgtrack.resources import catalog_file

    real = catalog_file("demo/leika_leistungen_de.csv")
    (tmp_path / "shared").symlink_to(real.parent, target_is_directory=True)
    linked = tmp_path / "shared" / real.name

    ok("--db", str(db), "catalog", "sync", "--from", str(linked))
    again = run("--db", str(db), "catalog", "sync", "--from", str(real))

    assert again.stderr == (f"LeiKa-Katalog aus {real.resolve()}: unverändert seit Release 1; nichts importiert "
                            "(mit --force erneut importieren).\n")
    assert query(db, "SELECT origin FROM catalogue_release") == [(str(real.resolve()),)]

def test_conditional_request_uses_etag_and_304(http_server, db):
    rows = [{"Schluessel": "99115005104000", "Bezeichnung": "Wohnsitz Anmeldung", "Typ": "2/3"}]
    url = http_server.add("/leika.zip", Reply(body=leika_zip(rows), headers={"ETag": '"v1"'}),
                          Reply(status=304, headers={"ETag": '"v1"'}))

    ok("--db", str(db), "catalog", "sync", "--from", url)
    second = run("--db", str(db), "catalog", "sync", "--from", url)

    assert second.exit_code == 0
    assert "unverändert seit Release 1" in second.stderr
    assert http_server.requests_to("/leika.zip")[1].headers.get("If-None-Match") == '"v1"'
    assert query(db, "SELECT source, etag FROM catalogue_release") == [("leika", '"v1"')]


def test_second_release_gives_exactly_its_diff(http_server, db, flat_csv):
    rows = leika_rows(read_flat(flat_csv))
    removed = [r["Schluessel"] for r in rows[10:15]]
    renamed = {r["Schluessel"]: r["Bezeichnung"] + " (neu gefasst)" for r in rows[100:103]}
    added = [{"Schluessel": f"9999900{i}000000", "Bezeichnung": f"Neue Leistung {i}", "Typ": "5"} for i in range(1, 3)]
    second = [{**r, "Bezeichnung": renamed.get(r["Schluessel"], r["Bezeichnung"])}
              for r in rows if r["Schluessel"] not in removed] + added
    url = http_server.add("/leika.zip", Reply(body=leika_zip(rows)), Reply(body=leika_zip(second)),
                          Reply(body=leika_zip(rows)))

    ok("--db", str(db), "catalog", "sync", "--from", url)
    ok("--db", str(db), "catalog", "sync", "--from", url)
    diff = json.loads(run("--db", str(db), "catalog", "diff", "--format", "json").stdout)

    assert sorted(e["key"] for e in diff["added"]) == sorted(r["Schluessel"] for r in added)
    assert {e["key"]: e["fields"] for e in diff["changed"]} == {
        key: {"name": [old, new]} for key, new in renamed.items()
        for old in [next(r["Bezeichnung"] for r in rows if r["Schluessel"] == key)]}
    assert sorted(e["key"] for e in diff["withdrawn"]) == sorted(removed)
    assert diff["reappeared"] == []
    assert diff["release"]["unchanged"] == len(rows) - len(removed) - len(renamed)

    # Withdrawn keys are kept with their history, and come back as "reappeared".
    shown = json.loads(run("--db", str(db), "catalog", "show", removed[0], "--format", "json").stdout)
    assert (shown["withdrawn_release_id"], [h["kind"] for h in shown["history"]]) == (2, ["added", "withdrawn"])
    ok("--db", str(db), "catalog", "sync", "--from", url)
    third = json.loads(run("--db", str(db), "catalog", "diff", "--format", "json").stdout)
    assert sorted(e["key"] for e in third["reappeared"]) == sorted(removed)
    assert sorted(e["key"] for e in third["withdrawn"]) == sorted(r["Schluessel"] for r in added)
    assert sorted(e["key"] for e in third["changed"]) == sorted(renamed)


def test_ozg_grouping_changes_are_part_of_the_diff(tmp_path, db, flat_csv):
    flat = read_flat(flat_csv)
    moved = next(r for r in flat if r["leika_schluessel"] == "99115005104000")
    target = next(r for r in flat if r["ozg_id"] == "10559")
    changed = [dict(r, ozg_id=target["ozg_id"], ozg_leistung=target["ozg_leistung"], lage=target["lage"],
                    themenfeld=target["themenfeld"]) if r is moved else r for r in flat]
    second = tmp_path / "second.csv"
    with second.open("w", encoding="utf-8", newline="") as f:
        import csv

        writer = csv.DictWriter(f, fieldnames=list(flat[0]))
        writer.writeheader()
        writer.writerows(changed)

    ok("--db", str(db), "catalog", "sync", "--from", str(flat_csv))
    ok("--db", str(db), "catalog", "sync", "--from", str(second))
    diff = json.loads(run("--db", str(db), "catalog", "diff", "--format", "json").stdout)

    assert [(e["key"], e["fields"]) for e in diff["changed"]] == [("99115005104000", {"ozg": [["10124"], ["10559"]]})]
    assert diff["added"] == diff["withdrawn"] == []


def test_fim_api_full_then_delta(http_server, db, flat_csv):
    items = fim_items(read_flat(flat_csv))
    renamed = dict(items[7], leistungsbezeichnung="Umbenannt", geaendert_datum_zeit="2026-11-20T09:00:00Z")
    url = http_server.add("/api/v0/leistung-steckbriefe")
    http_server.routes["/api/v0/leistung-steckbriefe"] = fim_route(items, since_items=[renamed])

    full = run("--db", str(db), "catalog", "sync", "--source", "fim", "--from", url)
    delta = run("--db", str(db), "catalog", "sync", "--source", "fim", "--from", url)

    assert full.exit_code == 0, full.stderr
    assert f"als Release 1 übernommen: {number(len(items))} neu, 0 geändert" in full.stderr
    pages = http_server.requests_to("/api/v0/leistung-steckbriefe")
    assert [int(p.query["offset"][0]) for p in pages[: len(items) // 200 + 1]] == list(range(0, len(items), 200))
    assert delta.exit_code == 0, delta.stderr
    assert "(nur Änderungen) als Release 2 übernommen: 0 neu, 1 geändert, 0 zurückgezogen" in delta.stderr
    assert "updated_since" in pages[-1].query
    assert query(db, f"SELECT name FROM leika_service WHERE key = '{items[7]['leistungsschluessel']}'") == [("Umbenannt",)]
    assert query(db, "SELECT count(*) FROM leika_service WHERE withdrawn_release_id IS NOT NULL") == [(0,)]
    assert query(db, "SELECT count(DISTINCT ozg_leistung_id) FROM ozg_member WHERE withdrawn_release_id IS NULL") == [
        (len({o["id"] for i in items for o in i["ozg"]}),)]


def test_dry_run_shows_the_changes_and_writes_nothing(db, flat_csv):
    ok("--db", str(db), "catalog", "releases")  # creates the database
    before = dump(db)

    result = run("--db", str(db), "catalog", "sync", "--from", str(flat_csv), "--dry-run")

    assert result.exit_code == 0
    assert result.stderr.startswith("Warnung: Zeile 4745")
    assert "Probelauf, nichts geschrieben: OZG-Umsetzungskatalog" in result.stderr
    assert "Neue Leistungen (4.813):" in result.stdout
    assert dump(db) == before


# --- faults: a clear message, exit code 1, the database exactly as before --------------------------


def _good_first_sync(http_server, db) -> None:
    rows = [{"Schluessel": "99115005104000", "Bezeichnung": "Wohnsitz Anmeldung", "Typ": "2/3"}]
    ok("--db", str(db), "catalog", "sync", "--from", http_server.add("/first.zip", Reply(body=leika_zip(rows))))


def _rows(n: int = 300) -> list[dict[str, str]]:
    return [{"Schluessel": f"9900100{i:04d}000", "Bezeichnung": f"Leistung {i}", "Typ": "5"} for i in range(n)]


def _garbage(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [dict(r, Schluessel="kaputt") if i % 10 else r for i, r in enumerate(rows)]


FAULTS = {
    "server error every time": ([Reply(500, b"oops")], "HTTP 500 Internal Server Error (nach 3 Versuchen)"),
    "timeout": ([Reply(body=leika_zip(_rows()), delay=2.5)], "hat nicht innerhalb von 1 s geantwortet (nach 2 Versuchen, dann war die Frist http.deadline = 2,03 s erreicht)"),
    "transfer cut off": ([Reply(body=leika_zip(_rows()), cut_after=100)], "Verbindung gescheitert"),
    "truncated zip": ([Reply(body=leika_zip(_rows())[:400])], "ist kein vollständiges zip-Archiv"),
    "html instead of the file": ([Reply(body=b"<!DOCTYPE html><html><body>Wartung</body></html>",
                                        headers={"Content-Type": "text/html; charset=utf-8"})],
                                 "antwortete mit einer HTML-Seite"),
    "html without content type": ([Reply(body=b"\n<html><body>Login</body></html>")], "antwortete mit einer HTML-Seite"),
    "utf-16 file": ([Reply(body=leika_csv(_rows(), encoding="utf-16"))], "ist in UTF-16 kodiert"),
    "no key column": ([Reply(body=leika_zip(_rows(), header=["Bezeichnung", "Typ"]))],
                      "fehlt die Spalte 'schluessel'"),
    "mostly garbage rows": ([Reply(body=leika_zip(_garbage(_rows())))], "das ist also kein LeiKa-Export; nichts wurde geändert"),
    "retry-after too long": ([Reply(429, headers={"Retry-After": "86400"})], "verlangt 86400 s Wartezeit"),
    "JSON nested 100,000 deep": ([Reply(body=b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")],
                                 "ist 100.001 Ebenen tief verschachtelt, mehr als die Grenze von 64"),
    "JSON with a number of 5,000 digits": ([Reply(body=b'{"items": [], "total_count": ' + b"9" * 5000 + b"}")],
                                           "enthält eine Zahl mit 5.000 Zeichen, mehr als die Grenze von 100"),
    "rows with unquoted semicolons": ([Reply(body=leika_csv(_rows()).replace(b"Leistung 1", b"Leistung; 1"))],
                                      "111 von 300 Zeilen (37,0 %) sind ungültig, das ist also kein LeiKa-Export; "
                                      "nichts wurde geändert. Die ersten Probleme: Zeile 3: 13 Zellen statt 12 wie "
                                      "die Kopfzeile (ein „;“ im Text ohne Anführungszeichen?)"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_leaves_database_unchanged(fault, http_server, db, fast_http):
    replies, message = FAULTS[fault]
    _good_first_sync(http_server, db)
    before = dump(db)

    result = run("--db", str(db), "catalog", "sync", "--from", http_server.add("/leika.zip", *replies))

    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert dump(db) == before


FIM_PATH = "/api/v0/leistung-steckbriefe"


@pytest.mark.parametrize(("body", "message"), [
    (b'{"items": [], "offset": 0, "total_count": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     "ist 100.001 Ebenen tief verschachtelt, mehr als die Grenze von 64 (echte Antworten haben weniger als 15); ist das "
     "die richtige Datei?"),
    (b'{"items": [], "offset": 0, "total_count": ' + b"9" * 5000 + b"}",
     "enthält eine Zahl mit 5.000 Zeichen, mehr als die Grenze von 100 (Schlüssel und Zählungen haben höchstens 14 "
     "Ziffern); ist das die richtige Datei?"),
], ids=["nested 100,000 deep", "a number of 5,000 digits"])
def test_a_fim_api_page_beyond_the_bounds_of_json_is_refused(body, message, http_server, db):
    _good_first_sync(http_server, db)
    before = dump(db)
    url = http_server.add(FIM_PATH, Reply(body=body, headers={"Content-Type": "application/json"}))

    result = run("--db", str(db), "catalog", "sync", "--source", "fim", "--from", url)

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {url} (offset 0) {message}\n")
    assert dump(db) == before


def test_server_error_then_success_is_retried(http_server, db, fast_http):
    url = http_server.add("/leika.zip", Reply(503, b"busy"), Reply(500, b"oops"), Reply(body=leika_zip(_rows(3))))

    result = run("--db", str(db), "catalog", "sync", "--from", url)

    assert result.exit_code == 0, result.stderr
    assert "HTTP 503 Service Unavailable; neuer Versuch in 0,0 s (1 von 2)" in result.stderr
    assert "als Release 1 übernommen: 3 neu" in result.stderr
    assert len(http_server.requests_to("/leika.zip")) == 3


def test_429_honours_retry_after(http_server, db, fast_http):
    url = http_server.add("/leika.zip", Reply(429, headers={"Retry-After": "1"}), Reply(body=leika_zip(_rows(3))))

    result = run("--db", str(db), "catalog", "sync", "--from", url)

    assert result.exit_code == 0, result.stderr
    assert "HTTP 429 Too Many Requests; neuer Versuch in 1,0 s (1 von 2)" in result.stderr


def test_mass_withdrawal_needs_force(http_server, db):
    rows = _rows(100)
    url = http_server.add("/leika.zip", Reply(body=leika_zip(rows)), Reply(body=leika_zip(rows[:30])))
    ok("--db", str(db), "catalog", "sync", "--from", url)
    before = dump(db)

    refused = run("--db", str(db), "catalog", "sync", "--from", url)
    forced = run("--db", str(db), "catalog", "sync", "--from", url, "--force")

    assert refused.exit_code == 1
    assert "würde 70 der 100 Leistungen zurückziehen, die der vorige Stand der Quelle LeiKa aufführte (70 %)" in refused.stderr
    assert forced.exit_code == 0 and "70 zurückgezogen" in forced.stderr
    assert before != dump(db)


def test_default_leika_source_is_found_on_the_download_page(http_server, empty_db, tmp_path):
    rows = [{"Schluessel": "99115005104000", "Bezeichnung": "Wohnsitz Anmeldung", "Typ": "2/3"}]
    http_server.add("/files/leika_leistungen_de.csv.zip", Reply(body=leika_zip(rows)))  # relative to /kataloge
    page = http_server.add("/kataloge", Reply(body=b'<html><a href="files/leika_leistungen_de.csv.zip">LeiKa</a></html>',
                                              headers={"Content-Type": "text/html"}))
    config = tmp_path / "config.toml"
    config.write_text(f'[sources.leika]\npage = "{page}"\n', encoding="utf-8")

    result = run("--db", str(empty_db), "--config", str(config), "catalog", "sync")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == (f"Warnung: neue Datenbank angelegt: {empty_db}\nLeiKa-Katalog aus "
                             f"{http_server.url('/files/leika_leistungen_de.csv.zip')} als Release 1 übernommen: "
                             "1 neu, 0 geändert, 0 zurückgezogen, 0 wieder aufgenommen, 0 unverändert.\n")


@pytest.mark.sqlite_only(reason="a mistyped --db leaves no new SQLite file; a PostgreSQL database exists beforehand")
def test_ozg_source_without_url_says_how_to_give_one(db):
    result = run("--db", str(db), "catalog", "sync", "--source", "ozg")
    assert not db.exists()  # a sync that fails before importing leaves no empty database behind
    assert (result.exit_code, result.stderr) == (1, "Fehler: für die Quelle 'ozg' gibt es keinen Standard-Download; "
                                                    "geben Sie --from DATEI_ODER_URL an oder setzen Sie [sources.ozg] url "
                                                    "in der Konfiguration\n")


@pytest.mark.sqlite_only(reason="a mistyped --db leaves no new SQLite file; a PostgreSQL database exists beforehand")
def test_missing_file_is_a_clear_error(db, tmp_path):
    result = run("--db", str(db), "catalog", "sync", "--from", str(tmp_path / "nope.csv"))
    assert (result.exit_code, result.stderr) == (
        1, f"Fehler: die Datei {tmp_path / 'nope.csv'} gibt es nicht; prüfen Sie den Pfad\n")
    assert not db.exists()
