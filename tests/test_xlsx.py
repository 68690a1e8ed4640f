"""Excel workbooks: the worksheet as .xlsx out and back, the Destatis workbook in, what Excel does to cells."""

import io
import json
import os
import pty
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from support.cli import ok, run
from support.data import SHARED_DATA
from support.db import dump

from ozgtrack.sources import _xlsx
from ozgtrack.sources._table import Column
from ozgtrack.errors import SourceError

ANMELDUNG, ABMELDUNG, PERSO, KFZ = "99115005104000", "99115005070000", "99008001012000", "99036008007000"
HOSTILE = '=HYPERLINK("http://evil.example","klick") <script>alert(1)</script> | Straße'
DESTATIS = SHARED_DATA / "destatis-ars-2024-10-31"


def export_book(db, path, *extra):
    ok("--db", str(db), "status", "export", "-o", str(path), *extra)
    return load_workbook(path)


def column(sheet, title):
    return next(c.column for c in sheet[1] if c.value == title)


def row_of(sheet, key):
    return next(c.row for c in sheet["A"] if c.value == key)


def put(sheet, key, **cells):
    row = row_of(sheet, key)
    for title, value in cells.items():
        sheet.cell(row, column(sheet, title.replace("_", " ")), value)


@pytest.fixture
def answered(town):
    """The fixture town with two decisions and a status whose note would be a formula."""
    ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "triage", "set", KFZ, "--level", "landkreis", "--reason", "Zulassungsbehörde Landkreis", "--yes")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "3", "--note", HOSTILE, "--department", "FB 2")
    return town


# --- export ---------------------------------------------------------------------------------------


def test_workbook_keeps_keys_as_text_with_frozen_header_and_choice_lists(answered, tmp_path):
    book = export_book(answered, tmp_path / "reifegrad.xlsx", "--undecided")
    sheet = book["Leistungen"]

    assert book.sheetnames == ["Leistungen", "Erläuterungen"]
    keys = [c for c in sheet["A"][1:]]
    assert keys and all(c.data_type == "s" and c.number_format == "@" and len(c.value) == 14 for c in keys)
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet.freeze_panes == "C2"
    assert [c.value for c in sheet[1]][-2:] == ["Version", "Exportiert am"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {"D2:D1048576": '"gemeinde,landkreis,land,bund,unklar"', "F2:F1048576": '"rgm1,rgm2"',
                     "G2:G1048576": '"0,1,2,3,4,5,6,7"'}
    assert [c.value for c in sheet[1]][3:7:3] == ["Zuständigkeit", "Reifegrad"]
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width >= 17


def test_formula_like_cell_is_text_not_a_formula(answered, tmp_path):
    path = tmp_path / "reifegrad.xlsx"
    sheet = export_book(answered, path)["Leistungen"]
    note = sheet.cell(row_of(sheet, ANMELDUNG), column(sheet, "Notiz"))
    assert (note.value, note.data_type) == (HOSTILE, "s")
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_explanations_name_every_column(answered, tmp_path):
    book = export_book(answered, tmp_path / "reifegrad.xlsx")
    titles = [c.value for c in book["Leistungen"][1]]
    explained = {r[0]: r[1] for r in book["Erläuterungen"].iter_rows(values_only=True) if r[1]}
    assert [t for t in titles if t in explained] == titles
    assert "nicht ändern" in explained["Version"] and "rgm2" in explained["Reifegradmodell"]


def test_format_follows_the_file_name_and_the_option(answered, tmp_path):
    csv_run = run("--db", str(answered), "status", "export", "-o", str(tmp_path / "a.csv"))
    assert csv_run.exit_code == 0 and (tmp_path / "a.csv").read_bytes().startswith("\ufeffLeiKa".encode())
    piped = run("--db", str(answered), "status", "export", "--format", "xlsx")
    assert piped.exit_code == 0 and load_workbook(io.BytesIO(piped.stdout_bytes)).sheetnames[0] == "Leistungen"
    odd = run("--db", str(answered), "status", "export", "--format", "xlsx", "-o", str(tmp_path / "blatt.dat"))
    assert odd.exit_code == 0 and zipfile.is_zipfile(tmp_path / "blatt.dat")
    clash = run("--db", str(answered), "status", "export", "--format", "xlsx", "-o", str(tmp_path / "b.csv"))
    assert clash.exit_code == 2 and "--format xlsx passt nicht zum Dateinamen b.csv" in clash.stderr
    old = run("--db", str(answered), "status", "export", "-o", str(tmp_path / "c.xls"))
    assert old.exit_code == 2 and "das alte Excel-Format .xls wird nicht geschrieben" in old.stderr
    assert not (tmp_path / "b.csv").exists() and not (tmp_path / "c.xls").exists()


def test_workbook_is_not_written_to_a_terminal(answered):
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "ozgtrack", "--db", str(answered), "status", "export",
                               "--format", "xlsx"], stdout=follower, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert "bitte mit -o DATEI.xlsx in eine Datei schreiben" in done.stderr.decode()


def test_export_defaults_to_own_services_and_all_adds_the_undecided(answered):
    own = json.loads(run("--db", str(answered), "status", "list", "--format", "json").stdout)
    every = json.loads(run("--db", str(answered), "status", "list", "--undecided", "--format", "json").stdout)

    def keys(*extra):
        text = run("--db", str(answered), "status", "export", *extra).stdout
        return [line.split(";")[0] for line in text.lstrip("\ufeff").splitlines()[1:]]

    assert keys() == [v["key"] for v in own if v["level"] == "gemeinde"]
    assert keys("--undecided") == [v["key"] for v in every if v["level"] in ("gemeinde", "unklar")]
    assert PERSO in keys("--undecided") and PERSO not in keys() and KFZ not in keys("--undecided")


# --- --department ---------------------------------------------------------------------------------


@pytest.fixture
def departments(answered):
    for key, name in ((ANMELDUNG, "FB 2 Bürgerservice und Ordnung"), (ABMELDUNG, "FB 2 Finanzen"),
                      ("99115004000000", "FB 3 Bauen und Ordnungswidrigkeiten")):
        ok("--db", str(answered), "status", "set", key, "--department", name)
    return answered


@pytest.mark.parametrize(("wanted", "key"), [
    ("FB 2 Bürgerservice", ANMELDUNG),  # the README's example: a prefix
    ("fb 2 bürgerservice und ordnung", ANMELDUNG),  # the whole name, any case
    ("finanzen", ABMELDUNG),  # a part of the name
    ("Bauen", "99115004000000"),
])
def test_department_matches_a_unique_prefix_or_part(departments, wanted, key):
    result = run("--db", str(departments), "status", "export", "--undecided", "--department", wanted)
    assert result.exit_code == 0, result.stderr
    assert [line.split(";")[0] for line in result.stdout.splitlines()[1:]] == [key]


@pytest.mark.parametrize(("wanted", "key"), [("fb 2 bürger", ANMELDUNG), ("fb2 finanzen", ABMELDUNG),
                                           ("Ordnungswidrig", "99115004000000")])
def test_status_list_reads_department_as_export_does(departments, wanted, key):
    result = run("--db", str(departments), "status", "list", "--department", wanted, "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [s["key"] for s in json.loads(result.stdout)] == [key]


@pytest.mark.parametrize(("wanted", "message"), [
    ("FB 2", "Fachbereich „FB 2“ ist nicht eindeutig, es passt zu 2 Fachbereichen: „FB 2 Bürgerservice und Ordnung“ "
             "und „FB 2 Finanzen“; bitte genauer angeben"),
    ("ordnung", "Fachbereich „ordnung“ ist nicht eindeutig, es passt zu 2 Fachbereichen: „FB 2 Bürgerservice und "
                "Ordnung“ und „FB 3 Bauen und Ordnungswidrigkeiten“; bitte genauer angeben"),
    ("FB 9", "Fachbereich „FB 9“ ist unbekannt; möglich sind: „FB 2 Bürgerservice und Ordnung“, „FB 2 Finanzen“ oder "
             "„FB 3 Bauen und Ordnungswidrigkeiten“"),
    ("Finanzn", "Fachbereich „Finanzn“ ist unbekannt; meinten Sie „FB 2 Finanzen“?"),
])
@pytest.mark.parametrize("command", ["export", "list"])
def test_ambiguous_or_unknown_department_is_an_error_naming_the_closest(departments, wanted, message, command,
                                                                          tmp_path):
    before = dump(departments)
    output = ("-o", str(tmp_path / "x.xlsx")) if command == "export" else ()
    result = run("--db", str(departments), "status", command, "--department", wanted, *output)
    assert (result.exit_code, result.stderr, result.stdout) == (1, f"Fehler: {message}\n", "")
    assert not (tmp_path / "x.xlsx").exists()
    assert dump(departments) == before


def test_a_department_filter_that_leaves_nothing_says_so(departments):
    result = run("--db", str(departments), "status", "list", "--department", "Finanzen", "--stage-below", "1")
    assert (result.exit_code, result.stdout) == (0, "(keine)\n")
    assert result.stderr == "Hinweis: keine Leistung passt zu --department „Finanzen“ und --stage-below „1“.\n"


@pytest.mark.parametrize("command", ["export", "list"])
def test_department_when_none_is_recorded(town, command):
    result = run("--db", str(town), "status", command, "--department", "FB 2")
    assert result.exit_code == 1 and "es ist noch bei keiner Leistung ein Fachbereich eingetragen" in result.stderr


# --- import ---------------------------------------------------------------------------------------


def test_round_trip_as_excel_types_the_cells(answered, tmp_path):
    path = tmp_path / "reifegrad.xlsx"
    book = export_book(answered, path, "--undecided")
    sheet = book["Leistungen"]
    put(sheet, ANMELDUNG, Reifegrad=4.0,
        **{"Geprüft am": datetime(2026, 11, 25), "Geplant bis": datetime(2027, 6, 30)})
    put(sheet, PERSO, Zuständigkeit="gemeinde", Reifegrad=1, Fachbereich="FB 2 Bürgerservice",
        **{"Begründung Zuständigkeit": "Ausweisbehörde ist die Stadt"})
    book.save(path)

    result = run("--db", str(answered), "status", "import", str(path), "--user", "Frau M.", "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{path}: 2 Status und 1 Zuständigkeit geändert.\n"
    anmeldung = json.loads(run("--db", str(answered), "status", "history", ANMELDUNG, "--format", "json").stdout)
    assert anmeldung[-1]["changes"] == {"stage": [3, 4], "planned": [None, "2027-06-30"],
                                        "verified_at": [None, "2026-11-25"]}
    perso = json.loads(run("--db", str(answered), "status", "show", PERSO, "--format", "json").stdout)[0]
    assert (perso["level"], perso["stage"], perso["department"]) == ("gemeinde", 1, "FB 2 Bürgerservice")


def test_unchanged_workbook_changes_nothing(answered, tmp_path):
    path = tmp_path / "same.xlsx"
    export_book(answered, path, "--undecided")
    before = dump(answered)
    result = run("--db", str(answered), "status", "import", str(path), "--yes")
    assert result.stderr == f"{path}: 0 Status und 0 Zuständigkeiten geändert.\n"
    assert dump(answered) == before


def test_bad_rows_are_named_by_their_excel_row_and_nothing_changes(answered, tmp_path):
    path = tmp_path / "bad.xlsx"
    book = export_book(answered, path, "--undecided")
    sheet = book["Leistungen"]
    put(sheet, ABMELDUNG, Reifegrad=2)  # a valid edit that must not land either
    put(sheet, ANMELDUNG, Reifegrad=8)
    put(sheet, PERSO, **{"Online-Link": "keine Ahnung"})
    put(sheet, "99115004000000", Reifegrad="drei")
    sheet.insert_rows(1, 2)  # a title above the header: rows count as Excel shows them
    sheet["A1"] = "Reifegrad der Leistungen, Stand November"
    row = {key: row_of(sheet, key) for key in (ABMELDUNG, ANMELDUNG, PERSO, "99115004000000")}
    last = sheet.max_row
    sheet.cell(last + 1, 1, 99012008001000)  # a key Excel took for a number
    book.save(path)
    before = dump(answered)

    result = run("--db", str(answered), "status", "import", str(path), "--yes")

    assert [e for e in result.stderr.splitlines() if e.startswith("Fehler: Zeile ")] == sorted([
        f"Fehler: Zeile {row[ANMELDUNG]}: {ANMELDUNG}: Reifegrad 8 gibt es im Reifegradmodell 2.0 nicht (0–7)",
        f"Fehler: Zeile {row[PERSO]}: die URL 'keine Ahnung' ist keine http(s)-Adresse",
        f"Fehler: Zeile {row['99115004000000']}: der Reifegrad „drei“ ist keine ganze Zahl",
        f"Fehler: Zeile {last + 1}: der Schlüssel '9,90120E+13' wurde (von Excel?) in eine Zahl verwandelt; "
        "Schlüssel sind 14-stelliger Text",
    ], key=lambda e: int(e.split()[2].rstrip(":")))
    assert sorted(row.values())[0] == 4 and result.exit_code == 1
    assert result.stderr.endswith("4 Zeilen sind fehlerhaft; nichts wurde geändert\n")
    assert dump(answered) == before


def test_conflicts_are_found_in_a_workbook_as_in_a_csv(answered, tmp_path):
    path = tmp_path / "old.xlsx"
    book = export_book(answered, path)
    ok("--db", str(answered), "status", "set", ANMELDUNG, "--stage", "2", "--user", "Kollegin")
    put(book["Leistungen"], ANMELDUNG, Reifegrad=4)
    book.save(path)
    result = run("--db", str(answered), "status", "import", str(path), "--yes")
    assert result.exit_code == 0, result.stderr
    assert f"{ANMELDUNG} wurde nach dem Export geändert (" in result.stderr and "1 Zeile ausgelassen" in result.stderr
    assert json.loads(run("--db", str(answered), "status", "show", ANMELDUNG, "--format", "json").stdout)[0][
        "stage"] == 2


def test_a_catalogue_workbook_is_not_a_worksheet(answered, tmp_path):
    path = tmp_path / "katalog.xlsx"
    book = Workbook()
    book.active.append(["LeiKa-Schlüssel", "Leistung"])
    book.active.append([ANMELDUNG, "Wohnsitz Anmeldung"])
    book.save(path)
    result = run("--db", str(answered), "status", "import", str(path), "--yes")
    assert result.exit_code == 1 and "ist kein Status-Arbeitsblatt" in result.stderr


@pytest.mark.parametrize("command", [("status", "import"), ("municipality", "import")])
@pytest.mark.parametrize(("content", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "ist eine alte Excel-Datei (.xls) oder eine mit Kennwort "
                                                       "geschützte Arbeitsmappe"),
    ("half", "ist keine lesbare Excel-Arbeitsmappe"),
    ("broken sheet", "ist keine lesbare Excel-Arbeitsmappe"),
])
def test_old_and_broken_workbooks_are_refused(answered, tmp_path, command, content, message):
    good = tmp_path / "good.xlsx"
    export_book(answered, good)
    data = good.read_bytes()
    if content == "half":
        content = data[: len(data) // 2]
    elif content == "broken sheet":
        out = io.BytesIO()
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                target.writestr(name, b"<sheetData><row" if name.endswith("sheet1.xml") else source.read(name))
        content = out.getvalue()
    path = tmp_path / "blatt.bin"  # told by content, not by name
    path.write_bytes(content)
    before = dump(answered)
    result = run("--db", str(answered), *command, str(path))
    assert result.exit_code == 1 and result.stderr.startswith(f"Fehler: {path} {message}"), result.stderr
    assert dump(answered) == before


# --- the Destatis workbook ------------------------------------------------------------------------


def test_real_destatis_workbook_imports_as_the_csv(tmp_path):
    workbook, derived = DESTATIS / "ars_municipalities.xlsx", DESTATIS / "derived_ars_gemeinden.csv"
    if not (workbook.is_file() and derived.is_file()):
        pytest.skip(f"real data not available: {DESTATIS} is missing (../shared/data sits beside the checkout)")
    listed = []
    for name, source in (("xlsx", workbook), ("csv", derived)):
        db = tmp_path / f"{name}.sqlite"
        result = run("--db", str(db), "municipality", "import", str(source))
        assert result.exit_code == 0, result.stderr
        assert result.stderr.endswith(f"{source} eingelesen: 11.243 neu, 0 geändert, 0 unverändert.\n")
        listed.append(run("--db", str(db), "municipality", "list", "--limit", "20000", "--format", "json").stdout)
    assert len(json.loads(listed[0])) == 11243 and listed[0] == listed[1]
    wolmirstedt = run("--db", str(tmp_path / "xlsx.sqlite"), "municipality", "list", "--search", "150830565565",
                      "--format", "json").stdout
    assert json.loads(wolmirstedt)[0]["name"] == "Wolmirstedt, Stadt"


# --- the reader alone -----------------------------------------------------------------------------

COLUMNS = (Column("ars", ("ars", "schluessel"), required=True, key=True), Column("name", ("bezeichnung",)))


def book_bytes(*rows, title="Tabelle1"):
    book = Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("value", "text"), [
    (3.0, "3"), (2.5, "2,5"), (7, "7"), (None, ""), ("  FB 2 ", "FB 2"), (True, "WAHR"),
    (datetime(2026, 11, 25), "2026-11-25"), (datetime(2026, 11, 25, 8, 30), "2026-11-25 08:30:00"),
])
def test_cells_read_as_a_csv_would_hold_them(value, text):
    assert _xlsx.cell_text(value) == text


def test_header_is_searched_and_blank_rows_are_skipped_with_excel_row_numbers():
    data = book_bytes(["Gemeinden 2024"], [], ["ARS", "Bezeichnung"], ["150830565565", "Wolmirstedt"], [],
                      ["150830040040", "Barleben"])
    table = _xlsx.read_any(data, "g.xlsx", COLUMNS)
    assert list(table.rows) == [(4, {"ars": "150830565565", "name": "Wolmirstedt"}),
                                (6, {"ars": "150830040040", "name": "Barleben"})]


def test_the_sheet_with_the_best_header_is_read():
    from openpyxl import Workbook as Book

    book = Book()
    book.active.append(["ARS", "Erklärung"])  # a help sheet first, naming the column
    data = book.create_sheet("Daten")
    data.append(["ARS", "Bezeichnung"])
    data.append(["150830565565", "Wolmirstedt"])
    out = io.BytesIO()
    book.save(out)
    assert list(_xlsx.read_any(out.getvalue(), "g.xlsx", COLUMNS).rows) == [
        (2, {"ars": "150830565565", "name": "Wolmirstedt"})]


def test_missing_columns_size_and_row_limits(monkeypatch):
    with pytest.raises(SourceError, match=r"kein Tabellenblatt \(Tabelle1\) hat in den ersten 30 Zeilen eine "
                                          r"Kopfzeile mit den Spalten 'ars'"):
        _xlsx.read_any(book_bytes(["Name", "Wert"]), "x.xlsx", COLUMNS)
    data = book_bytes(["ARS", "Bezeichnung"], *[[f"1508300{i:05}", "x" * 200] for i in range(50)])
    with pytest.raises(SourceError, match="ist entpackt .* Bytes groß, mehr als die Grenze von 5.000 Bytes"):
        _xlsx.read_any(data, "x.xlsx", COLUMNS, max_bytes=5000)
    monkeypatch.setattr(_xlsx, "MAX_ROWS", 10)
    with pytest.raises(SourceError, match="x.xlsx hat mehr als 10 Zeilen"):
        list(_xlsx.read_any(data, "x.xlsx", COLUMNS).rows)


# --- a real spreadsheet program -------------------------------------------------------------------


def test_workbook_saved_by_libreoffice_imports(answered, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; `apt-get install libreoffice-calc-nogui` runs this test")
    path = tmp_path / "reifegrad.xlsx"
    book = export_book(answered, path, "--undecided")
    put(book["Leistungen"], ABMELDUNG, Reifegrad=2, **{"Geprüft am": datetime(2026, 11, 25)})
    book.save(path)
    saved = tmp_path / "saved"
    converted = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                                "--convert-to", "xlsx", "--outdir", str(saved), str(path)],
                               capture_output=True, timeout=300)
    assert converted.returncode == 0 and (saved / "reifegrad.xlsx").is_file(), converted.stderr
    again = load_workbook(saved / "reifegrad.xlsx")["Leistungen"]
    assert all(isinstance(c.value, str) and len(c.value) == 14 for c in again["A"][1:])

    result = run("--db", str(answered), "status", "import", str(saved / "reifegrad.xlsx"), "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{saved / 'reifegrad.xlsx'}: 1 Status und 0 Zuständigkeiten geändert.\n"
    shown = json.loads(run("--db", str(answered), "status", "show", ABMELDUNG, "--format", "json").stdout)[0]
    assert (shown["stage"], shown["verified_at"]) == (2, "2026-11-25")


def test_an_export_of_a_department_without_own_services_says_so(departments, tmp_path):
    # The Fachbereich is entered at a service the town no longer executes itself.
    ok("--db", str(departments), "status", "set", ANMELDUNG, "--department", "FB 7 Landkreisaufgaben")
    ok("--db", str(departments), "triage", "set", ANMELDUNG, "--level", "landkreis", "--reason", "Kreis", "--yes")
    result = run("--db", str(departments), "status", "export", "--department", "FB 7", "-o", str(tmp_path / "x.csv"))
    assert (result.exit_code, result.stderr.splitlines()[0]) == (0, "Hinweis: keine Leistung passt zu --department „FB 7“.")
