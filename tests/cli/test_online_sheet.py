"""`ozgtrack online export|import`: the department worksheet of online services, out and back, conflict-safe."""

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from support.cli import ok, run
from support.db import dump, query

ANMELDUNG, ABMELDUNG, GRAB = "99115005104000", "99115005070000", "99101001107000"
AN_URL = "https://wohnsitz.example.de/an"


@pytest.fixture
def registered(town):
    """Two online services in operation (FB 2, FB 4) and a retired one."""
    db = str(town)
    ok("--db", db, "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", db, "online", "add", "Wohnsitz anmelden", "--url", AN_URL, "--delivery", "efa", "--covers",
       f"{ANMELDUNG},{ABMELDUNG}", "--stage", "3", "--department", "FB 2 Bürgerservice", "--yes")
    ok("--db", db, "online", "add", "Grabstelle", "--url", "https://wolmirstedt.example/grab", "--delivery",
       "eigen", "--covers", GRAB, "--department", "FB 4", "--yes")
    ok("--db", db, "online", "add", "Alt", "--url", "https://alt.example", "--delivery", "eigen", "--covers", GRAB,
       "--yes")
    ok("--db", db, "online", "remove", "3", "--yes")
    return town


def export_book(db, path, *extra):
    ok("--db", str(db), "online", "export", "-o", str(path), *extra)
    return load_workbook(path)


def put(sheet, number, **cells):
    row = next(c.row for c in sheet["A"] if c.value == number)
    for title, value in cells.items():
        sheet.cell(row, next(c.column for c in sheet[1] if c.value == title), value)


def online(db, number):
    return json.loads(ok("--db", str(db), "online", "show", str(number), "--format", "json").stdout)["service"]


def test_workbook_has_choice_lists_for_the_building_blocks_and_explains_every_column(registered, tmp_path):
    book = export_book(registered, tmp_path / "o.xlsx")
    sheet = book["Onlinedienste"]

    assert book.sheetnames == ["Onlinedienste", "Erläuterungen"]
    assert [c.value for c in sheet["A"]] == ["Nr.", "O-001", "O-002"]  # the retired O-003 is not asked about
    headers = [c.value for c in sheet[1]]
    lists = {headers[column_index_from_string(re.match("[A-Z]+", str(v.sqref)).group()) - 1]: v.formula1
             for v in sheet.data_validations.dataValidation}
    assert lists == {"Weg der Bereitstellung": '"eigen,efa,land,zsa,kreis,anbieter"',
                     "Reifegradmodell": '"rgm1,rgm2"', "Reifegrad": '"0,1,2,3,4,5,6,7"',
                     "Nutzerkonto": '"bundid,servicekonto,keins"', "Bezahlung": '"epaybl,anderes,keins,nicht-noetig"',
                     "Rückkanal": '"postfach,fit-connect,email,brief"',
                     "Eingang": '"fit-connect,xta,email,papier,fachverfahren"'}
    explained = [row[0].value for row in book["Erläuterungen"].iter_rows(min_row=5)]
    assert explained == headers
    assert sheet.cell(2, headers.index("Leistungen") + 1).value == f"{ABMELDUNG} {ANMELDUNG}"


def test_department_chooses_the_rows(registered, tmp_path):
    path = tmp_path / "o.csv"
    ok("--db", str(registered), "online", "export", "--department", "fb 2", "-o", str(path))

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))

    assert [r[0] for r in rows] == ["Nr.", "O-001"]
    assert run("--db", str(registered), "online", "export", "--department", "FB 9").stderr == (
        "Fehler: Fachbereich „FB 9“ ist unbekannt; meinten Sie „FB 4“?\n")


def test_round_trip_as_excel_types_the_cells(registered, tmp_path):
    path = tmp_path / "o.xlsx"
    book = export_book(registered, path)
    put(book["Onlinedienste"], "O-001", Reifegrad=4.0, Bezahlung="epaybl", **{"Online seit": datetime(2025, 3, 31)})
    book.save(path)

    result = run("--db", str(registered), "online", "import", str(path), "--user", "Frau M.")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{path}: 1 Onlinedienst und 2 Status geändert.\n"
    shown = online(registered, 1)
    assert (shown["stage"], shown["payment"], shown["live_since"], shown["version"]) == (4, "epaybl", "2025-03-31", 2)
    history = json.loads(ok("--db", str(registered), "online", "history", "1", "--format", "json").stdout)
    assert (history[-1]["by"], history[-1]["reason"], history[-1]["changes"]) == (
        "Frau M.", f"Arbeitsblatt {path}", {"stage": [3, 4], "live_since": [None, "2025-03-31"],
                                           "payment": [None, "epaybl"]})
    assert query(registered, "SELECT s.key, st.stage FROM service_status st JOIN leika_service s ON s.id = "
                             "st.service_id WHERE st.stage IS NOT NULL ORDER BY s.key") == [(ABMELDUNG, 4),
                                                                                             (ANMELDUNG, 4)]


def test_unchanged_sheet_changes_nothing(registered, tmp_path):
    path = tmp_path / "o.xlsx"
    export_book(registered, path)
    before = dump(registered)

    result = run("--db", str(registered), "online", "import", str(path))

    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"{path}: 0 Onlinedienste und 0 Status geändert.\n"
    assert dump(registered) == before


def test_a_row_changed_after_the_export_is_left_out_and_the_others_taken(registered, tmp_path):
    path = tmp_path / "o.xlsx"
    book = export_book(registered, path)
    put(book["Onlinedienste"], "O-001", Notiz="vom Fachbereich")
    put(book["Onlinedienste"], "O-002", Nutzerkonto="bundid")
    book.save(path)
    ok("--db", str(registered), "online", "set", "1", "--provider", "Dataport", "--user", "anna", "--yes")

    result = run("--db", str(registered), "online", "import", str(path), "--yes")

    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Warnung: Zeile 2: O-001 Wohnsitz anmelden wurde nach dem Export geändert (")
    assert lines[0].endswith(" von anna); nicht übernommen")
    assert lines[1:] == [f"{path}: 1 Zeile ausgelassen, weil ihr Onlinedienst nach dem Export geändert wurde; "
                         "exportieren Sie ein neues Blatt oder übernehmen Sie sie trotzdem mit --force.",
                         f"{path}: 1 Onlinedienst und 0 Status geändert."]
    assert (online(registered, 1)["note"], online(registered, 1)["provider"]) == (None, "Dataport")
    assert online(registered, 2)["account"] == "bundid"

    forced = run("--db", str(registered), "online", "import", str(path), "--force")
    assert forced.stderr == f"{path}: 1 Onlinedienst und 0 Status geändert.\n"
    assert online(registered, 1)["note"] == "vom Fachbereich"


def test_a_sheet_without_its_version_column_changes_nothing_unforced(registered, tmp_path):
    path = tmp_path / "o.csv"
    ok("--db", str(registered), "online", "export", "-o", str(path))
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    rows = [r[:-2] for r in rows]
    rows[1][rows[0].index("Notiz")] = "neu"
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    before = dump(registered)

    result = run("--db", str(registered), "online", "import", str(path))

    assert result.exit_code == 0
    assert result.stderr.splitlines()[0].startswith(
        "Warnung: Zeile 2: O-001 Wohnsitz anmelden: das Blatt hat keine Spalte Version, daher ist nicht zu erkennen")
    assert dump(registered) == before


def test_bad_rows_are_named_and_nothing_changes(registered, tmp_path):
    path = tmp_path / "o.csv"
    ok("--db", str(registered), "online", "export", "-o", str(path))
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    header, first, second = rows[0], list(rows[1]), list(rows[2])
    rows[1][header.index("Bezahlung")] = "bar"
    rows[2][header.index("URL")] = "javascript:alert(1)"
    rows += [second, ["O-003", *first[1:]], ["O-009", *first[1:]]]
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    before = dump(registered)

    result = run("--db", str(registered), "online", "import", str(path), "--yes")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "Fehler: Zeile 2: Bezahlung: 'bar' ist keiner der Werte epaybl|anderes|keins|nicht-noetig",
        "Fehler: Zeile 3: URL: die URL 'javascript:alert(1)' ist keine http(s)-Adresse",
        "Fehler: Zeile 4: O-002 steht zweimal im Blatt (zuerst in Zeile 3)",
        "Fehler: Zeile 5: O-003 ist außer Betrieb und wird nicht mehr geändert",
        "Fehler: Zeile 6: den Onlinedienst O-009 gibt es nicht (siehe `ozgtrack online list --retired`)",
        f"Fehler: {path}: 5 Zeilen sind fehlerhaft; nichts wurde geändert"]
    assert dump(registered) == before


def test_workbook_saved_by_libreoffice_imports(registered, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; `apt-get install libreoffice-calc-nogui` runs this test")
    path = tmp_path / "o.xlsx"
    book = export_book(registered, path)
    put(book["Onlinedienste"], "O-002", Reifegrad=2, Rückkanal="postfach", **{"Online seit": datetime(2024, 5, 1)})
    book.save(path)
    saved = tmp_path / "saved"
    converted = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                                "--convert-to", "xlsx", "--outdir", str(saved), str(path)],
                               capture_output=True, timeout=300)
    assert converted.returncode == 0 and (saved / "o.xlsx").is_file(), converted.stderr

    result = run("--db", str(registered), "online", "import", str(saved / "o.xlsx"), "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{saved / 'o.xlsx'}: 1 Onlinedienst und 1 Status geändert.\n"
    shown = online(registered, 2)
    assert (shown["stage"], shown["model"], shown["reply"], shown["live_since"]) == (2, "rgm2", "postfach",
                                                                                    "2024-05-01")
