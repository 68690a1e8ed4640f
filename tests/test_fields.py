"""One check for every write of a field (ozgtrack.fields): the same bad value is refused on every path that writes it
— `status set`, a status worksheet (CSV and Excel), a town bundle, `pvog accept` — and nothing is stored; a URL
with credentials never reaches the open data; names are NFC, so "Lüderitz" typed with a combining diaeresis is
"Lüderitz"."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support.cli import ok, run
from support.db import dump, execute, query

from test_pvog import ANMELDUNG, suchdienst_csv, sync_file
from test_town_bundle import setup_db

SECRET = "geheim-4711"
CREDENTIALS = f"https://amt:{SECRET}@wolmirstedt.example/anmelden"
MASKED = "https://***@wolmirstedt.example/anmelden"
TOO_LONG = "https://wolmirstedt.example/" + "a" * (2001 - len("https://wolmirstedt.example/"))
DECOMPOSED = "Bu\u0308rgerservice"  # "Bürgerservice" with u + COMBINING DIAERESIS, as macOS or a PDF may hand it on

# The worksheet's column for each field, and the option of `status set` (verified_by: who verifies, --user).
TITLE = {"url": "Online-Link", "portal": "Portal", "efa_solution": "EfA-Lösung", "department": "Fachbereich",
         "contact": "Ansprechperson", "note": "Notiz", "verified_by": "Geprüft von"}
OPTION = {"url": ("--url",), "portal": ("--portal",), "efa_solution": ("--efa",), "department": ("--department",),
          "contact": ("--contact",), "note": ("--note",), "verified_by": ("--verified", "--user")}
STEUERZEICHEN = "so etwas wird nicht gespeichert – bitte entfernen"
# (field, value, what every path says about it): the hostile-input corpus, grown by the kinds issue 20 found.
BAD = {
    "credentials": ("url", CREDENTIALS, f"die URL '{MASKED}' enthält Zugangsdaten (Benutzername oder Passwort vor dem "
                                        "@); eine Adresse, die veröffentlicht wird, darf keine enthalten – bitte die "
                                        "Adresse ohne sie angeben"),
    "user only": ("url", "https://amt@wolmirstedt.example/", "die URL 'https://***@wolmirstedt.example/' enthält "
                                                            "Zugangsdaten"),
    "2,001 characters": ("url", TOO_LONG, "URL ist länger als 2.000 Zeichen"),
    "C1 in a name": ("department", "FB 2\x85Bürgerservice", "Fachbereich enthält an Stelle 5 ein Steuerzeichen "
                                                            "(U+0085), oft der Rest einer falsch gelesenen Kodierung "
                                                            f"(Windows-1252?); {STEUERZEICHEN}"),
    "C1 CSI": ("portal", "Landesportal \x9b31m", "Portal enthält an Stelle 14 ein Steuerzeichen (U+009B)"),
    "bidi override": ("efa_solution", "\u202eAfE", "EfA-Lösung enthält an Stelle 1 ein unsichtbares Zeichen, das die "
                                                   f"Schreibrichtung umstellt (U+202E); {STEUERZEICHEN}"),
    "bidi isolate": ("contact", "Anna \u2067M.\u2069", "Ansprechperson enthält an Stelle 6 ein unsichtbares Zeichen, "
                                                       "das die Schreibrichtung umstellt (U+2067)"),
    "right-to-left mark": ("department", "FB\u200f 2", "Fachbereich enthält an Stelle 3 ein unsichtbares Zeichen, das "
                                                       "die Schreibrichtung umstellt (U+200F)"),
    "escape in a note": ("note", "erledigt\x1b[2J", f"Notiz enthält an Stelle 9 ein Steuerzeichen (U+001B); "
                                                    f"{STEUERZEICHEN}"),
    "a name of 101 characters": ("verified_by", "M" * 101, "ist länger als 100 Zeichen"),
}


@pytest.fixture
def own(town: Path) -> Path:
    """The fixture town with the Wohnsitzanmeldung its own and assessed."""
    ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "1", "--department", "FB 2")
    return town


def published(db: Path | str, target: Path) -> str:
    """Every file `opendata export` writes, as one text."""
    ok("--db", str(db), "opendata", "export", "-o", str(target))
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(target.iterdir()))


# --- the paths that write a status ---------------------------------------------------------------------------------


def by_status_set(db: Path, tmp_path: Path, field: str, value: str):
    return run("--db", str(db), "status", "set", ANMELDUNG, *OPTION[field], value)


def by_csv_sheet(db: Path, tmp_path: Path, field: str, value: str):
    rows = list(csv.reader(io.StringIO(ok("--db", str(db), "status", "export").stdout.lstrip("\ufeff"), newline=""),
                           delimiter=";"))
    row = next(r for r in rows if r[0] == ANMELDUNG)
    row[rows[0].index(TITLE[field])] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "blatt.csv"
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return run("--db", str(db), "status", "import", str(path), "--yes")


def by_xlsx_sheet(db: Path, tmp_path: Path, field: str, value: str):
    path = tmp_path / "blatt.xlsx"
    ok("--db", str(db), "status", "export", "-o", str(path))
    book = load_workbook(path)
    sheet = book["Leistungen"]
    row = next(c.row for c in sheet["A"] if c.value == ANMELDUNG)
    sheet.cell(row, next(c.column for c in sheet[1] if c.value == TITLE[field]), value)
    book.save(path)
    return run("--db", str(db), "status", "import", str(path), "--yes")


def by_bundle(db: Path, tmp_path: Path, field: str, value: str, with_history: bool = False):
    """The town's bundle with ``value`` in its status, imported into a Kreis database (which must stay unchanged);
    ``with_history``: its newest status entry says so too (a bundle whose status disagrees with its history is
    refused for that alone)."""
    path = tmp_path / "wolmirstedt.json"
    ok("--db", str(db), "town", "export", "-o", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    service = next(s for s in document["services"] if s["key"] == ANMELDUNG)
    old, service["status"][field] = service["status"].get(field), value
    if with_history:
        entry = [e for e in service["history"] if e["action"] == "status"][-1]
        entry["changes"][field] = [entry["changes"].get(field, [None, old])[0], value]
    path.write_text(json.dumps(document), encoding="utf-8")
    return run("--db", str(kreis_of(tmp_path)), "town", "import", str(path))


def kreis_of(tmp_path: Path) -> Path:
    """The Kreis database a bundle goes into (made on first use)."""
    path = tmp_path / "kreis.sqlite"
    return path if path.exists() else setup_db(path)


PATHS = {"status set": by_status_set, "CSV worksheet": by_csv_sheet, "Excel worksheet": by_xlsx_sheet,
         "town bundle": by_bundle}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
@pytest.mark.parametrize("path", PATHS, ids=list(PATHS))
def test_a_bad_value_is_refused_the_same_way_on_every_path(own, tmp_path, path, case):
    field, value, message = BAD[case]
    if path == "Excel worksheet" and "\x1b" in value:
        pytest.skip("a workbook cannot hold C0 control characters (Excel writes them as _x001B_)")
    target = kreis_of(tmp_path) if path == "town bundle" else own
    before = dump(target)

    result = PATHS[path](own, tmp_path, field, value)

    assert (result.exit_code, result.stdout) == (1, ""), result.stderr
    if path == "town bundle" and " enthält an Stelle " in message:  # a bundle names the field by its place in the JSON
        message = f".status.{field}: {message[message.index('enthält'):]}"
    assert message in result.stderr
    assert result.stderr.startswith("Fehler: ") and SECRET not in result.stderr
    assert dump(target) == before
    if value == CREDENTIALS and path != "town bundle":  # the Kreis database holds nothing to publish: it is unchanged
        assert SECRET not in published(target, tmp_path / "offen")


@pytest.mark.parametrize("path", PATHS, ids=list(PATHS))
def test_a_decomposed_umlaut_is_stored_composed_on_every_path(own, tmp_path, path):
    extra = {"with_history": True} if path == "town bundle" else {}
    result = PATHS[path](own, tmp_path, "department", f" FB 2 {DECOMPOSED} ", **extra)

    assert result.exit_code == 0, result.stderr
    stored = query(kreis_of(tmp_path) if path == "town bundle" else own, "SELECT department FROM service_status")
    assert stored == [("FB 2 B\u00fcrgerservice",)]


def test_a_url_of_2000_characters_is_stored(own, tmp_path):
    longest = TOO_LONG[:-1]
    ok("--db", str(own), "status", "set", ANMELDUNG, "--url", longest)
    assert query(own, "SELECT url FROM service_status") == [(longest,)]


def test_the_open_data_never_publish_credentials_whatever_is_stored(own, tmp_path):
    """Nothing with credentials is stored since migration 0016; the export does not rely on it."""
    execute(own, "UPDATE service_status SET url = ?", (CREDENTIALS,))

    text = published(own, tmp_path / "offen")

    assert SECRET not in text and "https://wolmirstedt.example/anmelden" in text


# --- pvog accept ----------------------------------------------------------------------------------------------------


@pytest.fixture
def pvog_quick_win(town: Path) -> Path:
    """The Wohnsitzanmeldung the town's own at stage 1: a PVOG online service for it is a quick win."""
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "1")
    execute(town, "UPDATE audit_entry SET at = '2026-09-01 10:00:00.000000'")  # before the evidence's date
    return town


def evidence(url: str, title: str = "Wohnsitzanmeldung") -> bytes:
    """A Suchdienst CSV whose one online service (the Land's) has ``url`` and is called ``title``."""
    return suchdienst_csv([("L100042.LB.1", ANMELDUNG, "L100042.OD.1", url)]).replace(
        b"Dienst L100042.OD.1", title.encode("utf-8"))


@pytest.mark.parametrize(("url", "title", "reason"), [
    (CREDENTIALS, "Wohnsitzanmeldung", BAD["credentials"][2]),
    ("https://amt@wolmirstedt.example/", "Wohnsitzanmeldung", BAD["user only"][2]),
    (TOO_LONG, "Wohnsitzanmeldung", "URL ist länger als 2.000 Zeichen"),
    ("https://wolmirstedt.example/\x85anmelden", "Wohnsitzanmeldung", "URL enthält an Stelle 29 ein Steuerzeichen "
                                                                     "(U+0085)"),
    ("https://wolmirstedt.example/anmelden", "Wohnsitz\x9b31manmeldung", "Portal enthält an Stelle 15 ein "
                                                                         "Steuerzeichen (U+009B)"),
    ("https://wolmirstedt.example/anmelden", "Wohnsitz\u202eanmeldung", "Portal enthält an Stelle 15 ein "
                                                                        "unsichtbares Zeichen, das die "
                                                                        "Schreibrichtung umstellt (U+202E)"),
], ids=["credentials", "user only", "2,001 characters", "C1 in the url", "C1 in the title", "bidi in the title"])
def test_pvog_accept_leaves_out_a_suggestion_whose_values_fail_the_check(pvog_quick_win, tmp_path, url, title,
                                                                         reason):
    db = pvog_quick_win
    assert sync_file(db, tmp_path, evidence(url, title)).exit_code == 0
    before = dump(db)

    result = run("--db", str(db), "pvog", "accept", "--kind", "quick-win", "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == "0 von 1 Vorschlag übernehmbar; nichts wurde geändert.\n"
    shown = " ".join(result.stdout.split())
    assert f"die Angabe des PVOG lässt sich nicht übernehmen: {reason}" in shown
    assert SECRET not in result.stdout and len(result.stdout) < 2000
    assert dump(db) == before
    assert SECRET not in published(db, tmp_path / "offen")


def test_pvog_evidence_keeps_the_registration_but_never_the_credentials(pvog_quick_win, tmp_path):
    db = pvog_quick_win

    assert sync_file(db, tmp_path, evidence(CREDENTIALS)).exit_code == 0

    assert query(db, "SELECT url FROM pvog_entry") == [(MASKED,)]
    assert SECRET not in dump(db)
    quick = [f for f in json.loads(ok("--db", str(db), "pvog", "diff", "--format", "json").stdout)["findings"]
             if f["kind"] == "quick-win"]
    assert [(f["key"], f["pvog_url"]) for f in quick] == [(ANMELDUNG, MASKED)]


def test_pvog_accept_takes_a_clean_suggestion_as_before(pvog_quick_win, tmp_path):
    db = pvog_quick_win
    assert sync_file(db, tmp_path, evidence("https://wolmirstedt.example/anmelden", "Wohnsitz anmelden")).exit_code == 0

    result = ok("--db", str(db), "pvog", "accept", "--kind", "quick-win", "--yes")

    assert "1 von 1 Vorschlag übernommen; 0 ausgelassen." in result.stderr
    assert query(db, "SELECT url, portal FROM service_status") == [
        ("https://wolmirstedt.example/anmelden", "Land: Wohnsitz anmelden")]


# --- names: NFC where they are stored and where they are typed ---------------------------------------------------------


def test_a_municipality_list_in_nfd_is_the_same_list(town, tmp_path):
    composed, decomposed = tmp_path / "nfc.csv", tmp_path / "nfd.csv"
    header = "ars,bezeichnung,hinweis,land,ags\n"
    composed.write_text(header + "150900000000,Lüderitz,,15,15090000\n", encoding="utf-8")
    decomposed.write_text(header + "150900000000,Lu\u0308deritz,,15,15090000\n", encoding="utf-8")
    ok("--db", str(town), "municipality", "import", str(composed))
    before = dump(town)

    again = ok("--db", str(town), "municipality", "import", str(decomposed))

    assert again.stderr.endswith(f"{decomposed} eingelesen: 0 neu, 0 geändert, 1 unverändert.\n")
    assert dump(town) == before
    chosen = ok("--db", str(town), "municipality", "use", "Lu\u0308deritz")
    assert "Gewählt: Lüderitz (ARS 150900000000)" in chosen.stderr


def test_a_department_typed_decomposed_finds_the_stored_one(own, tmp_path):
    ok("--db", str(own), "status", "set", ANMELDUNG, "--department", "FB 2 Bürgerservice")

    listed = json.loads(ok("--db", str(own), "status", "list", "--department", f"fb 2 {DECOMPOSED}", "--format",
                           "json").stdout)
    sheet = ok("--db", str(own), "status", "export", "--department", DECOMPOSED).stdout

    assert [v["key"] for v in listed] == [ANMELDUNG]
    assert ANMELDUNG in sheet


def test_a_plan_state_typed_decomposed_is_the_state(own):
    result = run("--db", str(own), "plan", "measure", "add", "Anmeldung online", "--state", "zuru\u0308ckgestellt")

    assert result.exit_code == 0, result.stderr
    shown = json.loads(ok("--db", str(own), "plan", "measure", "list", "--format", "json").stdout)
    assert [m["state"] for m in shown] == ["zurückgestellt"]


# --- what a worksheet or the history holds -------------------------------------------------------------------------


def test_a_worksheet_whose_status_came_from_the_pvog_imports_again(pvog_quick_win, tmp_path):
    """Issue 20: a suggestion once stored a 1 MB URL, and the town's own worksheet no longer imported."""
    db = pvog_quick_win
    assert sync_file(db, tmp_path, evidence(TOO_LONG)).exit_code == 0
    ok("--db", str(db), "pvog", "accept", "--kind", "quick-win", "--yes")
    sheet = tmp_path / "blatt.csv"
    sheet.write_bytes(run("--db", str(db), "status", "export").stdout_bytes)
    before = dump(db)

    result = run("--db", str(db), "status", "import", str(sheet), "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{sheet}: 0 Status und 0 Zuständigkeiten geändert.\n"
    assert dump(db) == before


def test_a_reason_with_a_control_character_is_refused(own):
    before = dump(own)

    triage = run("--db", str(own), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Stadt\x9b", "--yes")
    status = run("--db", str(own), "status", "set", ANMELDUNG, "--stage", "2", "--reason", "geprüft\u202e")

    assert (triage.exit_code, status.exit_code) == (1, 1)
    assert "Begründung enthält an Stelle 6 ein Steuerzeichen (U+009B)" in triage.stderr
    assert "Begründung enthält an Stelle 8 ein unsichtbares Zeichen" in status.stderr
    assert dump(own) == before


# --- migration 0016: credentials stored before are removed -----------------------------------------------------------


def at_revision(db: str, revision: str) -> None:
    """Take the test database back to ``revision`` (the next command upgrades it again)."""
    from alembic import command
    from alembic.config import Config

    from ozgtrack.resources import migrations_dir
    from ozgtrack.store.database import db_url
    from ozgtrack.store.db import create_engine

    engine = create_engine(db_url(db))
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(migrations_dir()))
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    engine.dispose()


def test_migration_0016_removes_the_credentials_stored_before(own, tmp_path):
    db, clean = str(own), "https://wolmirstedt.example/anmelden"
    ok("--db", db, "status", "set", ANMELDUNG, "--url", clean, "--reason", "geprüft")
    at_revision(db, "0015")
    town, service = "(SELECT id FROM municipality WHERE ars = '150830565565')", \
        f"(SELECT id FROM leika_service WHERE key = '{ANMELDUNG}')"
    origin = f"https://pvog:{SECRET}@pvog.example/suchdienst.csv"
    # What an earlier version stored: the status, the history (a change and a reason quoting the source), a link
    # check that was redirected to an address with credentials, PVOG evidence and the town's review of it.
    execute(db, "UPDATE service_status SET url = ?", (CREDENTIALS,))
    execute(db, "UPDATE audit_entry SET changes = ?, reason = ? WHERE action = 'status' AND reason = 'geprüft'",
            (json.dumps({"url": [clean, CREDENTIALS]}), f"Quelle: PVOG, Datenstand 01.01.2030 ({origin})"))
    execute(db, f"INSERT INTO link_check (municipality_id, service_id, url, state, http_status, final_url, redirects, "
                f"checked_at) VALUES ({town}, {service}, ?, 'ok', 200, ?, 1, '2026-12-01 10:00:00')",
            (CREDENTIALS, f"https://sso:{SECRET}@login.example/"))
    execute(db, "INSERT INTO pvog_release (id, ars, format, origin, sha256, imported_at, rows, entries, invalid, "
                "not_applicable, added, removed, changed, complete) VALUES (1, '150830565565', 'suchdienst-csv', ?, ?, "
                "'2026-12-01 10:00:00', 1, 1, 0, 0, 1, 0, 0, ?)", (origin, "1" * 64, True))
    execute(db, "INSERT INTO pvog_entry (release_id, leika_key, ars, level, service_name, url, active) VALUES "
                "(1, ?, '150000000000', 'land', 'Wohnsitzanmeldung', ?, ?)", (ANMELDUNG, CREDENTIALS, True))
    execute(db, f"INSERT INTO pvog_review (municipality_id, service_id, kind, pvog_url, verdict, reason, by, at) "
                f"VALUES ({town}, {service}, 'link', ?, 'dismissed', 'Testsystem', 'it-officer', "
                "'2026-12-01 10:00:00')", (CREDENTIALS,))
    assert SECRET in dump(db)

    result = ok("--db", db, "status", "show", ANMELDUNG)  # the first command upgrades the database

    assert ("Warnung: Migration 0016: Zugangsdaten (Benutzername/Passwort vor dem @) an 7 Stellen aus Adressen "
            "entfernt (Status-URLs: 1, Linkprüfungen: 2, Verlaufseinträge: 1, PVOG-Einträge und -Prüfungen: 2, "
            "Herkünfte von PVOG-Daten: 1); veröffentlichte Adressen dürfen keine enthalten. Sicherungen von vor der "
            "Migration (bei einer SQLite-Datei die .bak daneben) enthalten sie noch: löschen Sie sie, wenn die "
            "Datenbank stimmt\n") in result.stderr
    assert SECRET not in dump(db) and SECRET not in result.stderr
    assert query(db, "SELECT url FROM service_status") == [(clean,)]
    assert query(db, "SELECT url, final_url FROM link_check") == [(clean, "https://login.example/")]
    assert query(db, "SELECT url FROM pvog_entry") == query(db, "SELECT pvog_url FROM pvog_review") == [(MASKED,)]
    history = json.loads(ok("--db", db, "status", "history", ANMELDUNG, "--format", "json").stdout)
    assert (history[-1]["changes"]["url"], history[-1]["reason"]) == (
        [clean, clean], "Quelle: PVOG, Datenstand 01.01.2030 (https://pvog.example/suchdienst.csv)")
    assert SECRET not in published(db, tmp_path / "offen")
    assert clean in published(db, tmp_path / "offen2")  # the address itself is still published


def test_migration_0016_changes_nothing_where_no_credentials_are_stored(own):
    db = str(own)
    ok("--db", db, "status", "set", ANMELDUNG, "--url", "https://wolmirstedt.example/anmelden")
    before = _unquoted(dump(db))
    at_revision(db, "0015")

    result = ok("--db", db, "status", "show", ANMELDUNG)

    assert "Migration 0016" not in result.stderr
    assert _unquoted(dump(db)) == before


def _unquoted(schema_and_rows: str) -> list[str]:
    """The dump's lines as a sorted list: SQLite writes a table that a later migration rebuilt (on the way down to
    0015 and back) as ``CREATE TABLE "name"``, with its constraints in another order; the same table, the same rows."""
    lines = re.sub(r'CREATE TABLE "(\w+)"', r"CREATE TABLE \1", schema_and_rows).splitlines()
    return sorted(line.strip().rstrip(",").strip() for line in lines)


# --- the plan's texts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (("Anmeldung\x85online",), "Titel enthält an Stelle 10 ein Steuerzeichen (U+0085)"),
    (("Anmeldung online", "--owner", "FB\u202e 2"), "Fachbereich enthält an Stelle 3 ein unsichtbares Zeichen"),
    (("Anmeldung online", "--owner", "F" * 201), "Fachbereich ist länger als 200 Zeichen"),
    (("Anmeldung online", "--note", "besprochen\u200e"), "Notiz enthält an Stelle 11 ein unsichtbares Zeichen"),
], ids=["C1 in a title", "bidi in the Fachbereich", "a Fachbereich of 201 characters", "mark in a note"])
def test_a_measure_with_a_bad_text_is_refused(own, args, message):
    before = dump(own)

    result = run("--db", str(own), "plan", "measure", "add", *args)

    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert dump(own) == before


def test_an_idea_with_a_control_character_is_refused(own, tmp_path):
    ideas = tmp_path / "ideen.csv"
    ideas.write_bytes("Idee;Beschreibung;Quelle\nKita online;ein Portal;Werkstatt\nHund\u202eanmelden;;Werkstatt\n"
                      "Grab;Pfl\x85ege;Werkstatt\n".encode("utf-8-sig"))
    before = dump(own)

    result = run("--db", str(own), "plan", "proposals", "import", str(ideas))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Fehler: Zeile 3: Idee enthält an Stelle 5 ein unsichtbares Zeichen, das die Schreibrichtung umstellt "
        f"(U+202E); {STEUERZEICHEN}",
        "Fehler: Zeile 4: Beschreibung enthält an Stelle 4 ein Steuerzeichen (U+0085), oft der Rest einer falsch "
        f"gelesenen Kodierung (Windows-1252?); {STEUERZEICHEN}",
        f"Fehler: {ideas}: 2 Zeilen sind fehlerhaft; nichts wurde geändert"]
    assert dump(own) == before
