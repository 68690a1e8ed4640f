"""What a review of the session found: spreadsheet row numbers, the Land preset in the chapter, dates as typed."""

import csv
import io

from support.cli import ok, run
from support.db import dump

from ozgtrack.resources import catalog_file

ANMELDUNG, ABMELDUNG = "99115005104000", "99115005070000"


def test_a_note_with_a_line_break_does_not_shift_the_row_numbers(town, tmp_path):
    ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    text = ok("--db", str(town), "status", "export", "--undecided").stdout.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    row_of = {row[0]: number for number, row in enumerate(rows, start=1)}  # as a spreadsheet numbers them
    first, later = sorted((row_of[ANMELDUNG], row_of[ABMELDUNG]))
    rows[first - 1][header.index("Notiz")] = "erste Zeile\nzweite Zeile"  # one cell, two lines of the file
    rows[later - 1][header.index("Reifegradmodell")], rows[later - 1][header.index("Reifegrad")] = "rgm1", "9"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    sheet = tmp_path / "blatt.csv"
    sheet.write_text(out.getvalue(), encoding="utf-8")
    before = dump(town)

    result = run("--db", str(town), "status", "import", str(sheet), "--yes")

    assert result.exit_code == 1
    assert f"Fehler: Zeile {later}: {rows[later - 1][0]}: Reifegrad 9" in result.stderr, result.stderr
    assert dump(town) == before


def test_the_chapter_names_the_land_preset_it_followed(town, monkeypatch):
    monkeypatch.setenv("OZGTRACK_TRIAGE_PRESETS", str(catalog_file("triage")))
    chapter = ok("--db", str(town), "report", "chapter").stdout
    assert ("Die Zuständigkeit folgt den mitgelieferten Zuständigkeitsregeln für Sachsen-Anhalt (je mit "
            "Rechtsgrundlage und Quelle; keine amtliche Festlegung des Landes) und der Typisierung") in chapter


def test_a_bad_date_is_quoted_as_typed(town):
    ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    result = run("--db", str(town), "status", "set", ANMELDUNG, "--stage", "2", "--planned", "31.02.2027")
    assert result.exit_code == 1 and "'31.02.2027' ist weder ein Datum" in result.stderr, result.stderr


def test_a_login_page_saved_as_a_workbook_is_named_as_such(town, tmp_path):
    page = tmp_path / "reifegrad.xlsx"
    page.write_text("<html><body>Anmeldung erforderlich</body></html>", encoding="utf-8")
    before = dump(town)
    result = run("--db", str(town), "status", "import", str(page), "--yes")
    assert (result.exit_code, result.stderr) == (1, f"Fehler: {page} ist eine HTML-Seite (eine Fehler- oder "
                                                    "Anmeldeseite?), keine Tabelle; laden Sie die Datei erneut "
                                                    "herunter oder speichern Sie sie als CSV oder .xlsx\n")
    assert dump(town) == before


def test_a_missing_column_is_named_as_the_sheet_heads_it(town, tmp_path):
    sheet = tmp_path / "blatt.csv"
    sheet.write_text("Schlüsselnummer;Reifegrad\n1;2\n", encoding="utf-8")
    result = run("--db", str(town), "status", "import", str(sheet), "--yes")
    assert result.exit_code == 1 and "fehlt die Spalte 'LeiKa-Schlüssel'" in result.stderr, result.stderr
