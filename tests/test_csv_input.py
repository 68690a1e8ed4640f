"""CSV files that lie: quotes left open, mixed encodings, empty or damaged zips, missing columns."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from support.catalogue import leika_csv, leika_rows, read_flat
from support.cli import run
from support.db import dump

ANMELDUNG = "99115005104000"


@pytest.fixture
def leika(flat_csv) -> list[dict[str, str]]:
    return leika_rows(read_flat(flat_csv))[:300]


def sync(db, path, *more: str):
    return run("--db", str(db), "catalog", "sync", "--from", str(path), *more)


def synced(db, path):
    result = sync(db, path)
    assert result.exit_code == 0, result.stderr
    return dump(db)


def csv_lines(rows: list[dict[str, str]]) -> list[str]:
    return leika_csv(rows, encoding="utf-8").decode("utf-8").split("\r\n")


# --- quotes left open -------------------------------------------------------------------------------


def test_open_quote_in_a_catalogue_is_refused_with_its_line(tmp_path, db, leika):
    first = tmp_path / "first.csv"
    first.write_bytes(leika_csv(leika[:200]))
    before = synced(db, first)
    lines = csv_lines(leika)
    lines[10] = lines[10].replace(";", ';"', 1)  # the name cell of line 11 opens a quote
    lines[40] = lines[40].replace(";", '";', 1)  # ... which closes on line 41
    broken = tmp_path / "broken.csv"
    broken.write_text("\r\n".join(lines), encoding="utf-8")

    result = sync(db, broken)

    assert result.exit_code == 1
    assert result.stderr == (
        f"Fehler: {broken}, Zeile 11: ein hier geöffnetes Anführungszeichen (\") ist vor Zeile 12 nicht geschlossen, die "
        f"wie eine eigene Zeile aussieht ({lines[11][:40] + '…'!r}); schließen oder entfernen Sie das Anführungszeichen "
        "und versuchen Sie es erneut\n")
    assert dump(db) == before


def test_quote_open_until_the_end_is_refused(tmp_path, db, leika):
    lines = csv_lines(leika[:3])
    lines[3] = lines[3].replace(";", ';"', 1)
    path = tmp_path / "end.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")

    result = sync(db, path)

    text = path.read_text(encoding="utf-8")
    opened = text[: text.index(lines[3])].count("\n") + 1  # the real names hold line breaks of their own
    assert result.exit_code == 1
    assert f"{path}, Zeile {opened}: ein hier geöffnetes Anführungszeichen (\") wird nie geschlossen" in result.stderr


def test_multi_line_cells_as_excel_writes_them_are_read(tmp_path, db, leika):
    rows = [dict(r, Bezeichnung=r["Bezeichnung"] + "\r\nzweite Zeile; mit Semikolon") if i == 5 else r
            for i, r in enumerate(leika)]
    path = tmp_path / "multi.csv"
    path.write_bytes(leika_csv(rows))

    result = sync(db, path)

    assert result.exit_code == 0, result.stderr
    shown = run("--db", str(db), "catalog", "show", leika[5]["Schluessel"], "--format", "json")
    assert '"name": "' + leika[5]["Bezeichnung"] + "\\r\\nzweite Zeile; mit Semikolon" in shown.stdout


def worksheet(town, tmp_path, edit) -> tuple[bytes, list[list[str]]]:
    exported = run("--db", str(town), "status", "export", "--undecided")
    assert exported.exit_code == 0, exported.stderr
    rows = list(csv.reader(io.StringIO(exported.stdout.lstrip("\ufeff"), newline=""), delimiter=";"))
    edit(rows)
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp1252"), rows


def test_open_quote_in_a_worksheet_does_not_move_changes_into_the_note(town, tmp_path):
    def edit(rows):
        note, stage = rows[0].index("Notiz"), rows[0].index("Reifegrad")
        rows[1][note], rows[2][stage] = "siehe Anlage", "3"

    data, rows = worksheet(town, tmp_path, edit)
    text = data.decode("cp1252").replace(";siehe Anlage;", ';"siehe Anlage;', 1)
    path = tmp_path / "sheet.csv"
    path.write_bytes(text.encode("cp1252"))
    before = dump(town)

    result = run("--db", str(town), "status", "import", str(path), "--yes")

    assert result.exit_code == 1
    assert f"{path}, Zeile 2: ein hier geöffnetes Anführungszeichen (\") ist vor Zeile 3 nicht geschlossen" in result.stderr
    assert dump(town) == before


def test_worksheet_note_with_a_line_break_is_imported(town, tmp_path):
    def edit(rows):
        rows[1][rows[0].index("Notiz")] = "Termin mit FB 2;\r\nAntrag kommt im März"

    data, rows = worksheet(town, tmp_path, edit)
    path = tmp_path / "sheet.csv"
    path.write_bytes(data)

    result = run("--db", str(town), "status", "import", str(path), "--yes")

    assert result.exit_code == 0, result.stderr
    shown = run("--db", str(town), "status", "list", "--format", "json")
    assert "Termin mit FB 2;\\r\\nAntrag kommt im März" in shown.stdout


def test_open_quote_in_the_ars_list(tmp_path, db):
    path = tmp_path / "ars.csv"
    path.write_text('ars,bezeichnung\n150830565565,"Wolmirstedt\n150830565566,Schein\n', encoding="utf-8")

    result = run("--db", str(db), "municipality", "import", str(path))

    assert result.exit_code == 1
    assert f"{path}, Zeile 2: ein hier geöffnetes Anführungszeichen (\") ist vor Zeile 3 nicht geschlossen" in result.stderr


# --- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "then", "message"), [
    ("utf-8", "cp1252", "Zeile 1 ist UTF-8, Zeile 152 aber nicht (Windows-1252?), sodass ihre Umlaute verstümmelt würden; "
                        "speichern Sie die ganze Datei in einer Kodierung (UTF-8) und versuchen Sie es erneut"),
    ("cp1252", "utf-8", "Zeile 152 ist UTF-8, Zeile 1 aber nicht"),
])
def test_a_file_mixing_utf8_and_windows_1252_is_refused_naming_the_line(first, then, message, tmp_path, db, leika):
    rows = [dict(r, Bezeichnung=r["Bezeichnung"] + " Prüfung") for r in leika]
    head, tail = leika_csv(rows[:150], encoding=first), leika_csv(rows[150:], encoding=then)
    path = tmp_path / "mixed.csv"
    path.write_bytes(head + tail.split(b"\r\n", 1)[1])

    result = sync(db, path)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fehler: {path} mischt zwei Kodierungen: ") and message in result.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-8-sig"])
def test_one_encoding_per_file_is_read(tmp_path, db, leika, encoding):
    rows = [dict(r, Bezeichnung=r["Bezeichnung"] + " Prüfung „neu“") for r in leika]
    path = tmp_path / "one.csv"
    path.write_bytes(leika_csv(rows, encoding=encoding))

    result = sync(db, path)

    assert result.exit_code == 0, result.stderr
    shown = run("--db", str(db), "catalog", "show", leika[0]["Schluessel"], "--format", "json")
    assert "Prüfung „neu“" in shown.stdout.encode().decode("unicode_escape").encode("latin-1").decode("utf-8") \
        or "Prüfung „neu“" in shown.stdout


# --- zips and columns -----------------------------------------------------------------------------


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_empty_zip_is_named_as_such(tmp_path, db):
    path = tmp_path / "leika.csv.zip"
    path.write_bytes(zipped({}))

    result = sync(db, path)

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {path} ist ein leeres zip-Archiv: es "
                                                    "enthält keine CSV-Datei\n")


def test_damaged_deflate_stream_is_a_message(tmp_path, db, leika):
    data = bytearray(zipped({"leika_leistungen_de.csv": leika_csv(leika)}))
    start = 30 + len("leika_leistungen_de.csv")
    data[start + 200: start + 260] = bytes(range(60))  # inside the compressed stream
    path = tmp_path / "leika.csv.zip"
    path.write_bytes(bytes(data))

    result = sync(db, path, "--source", "leika")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fehler: {path}:leika_leistungen_de.csv ist im zip-Archiv beschädigt (")
    assert result.stderr.endswith("laden Sie es erneut herunter oder entpacken Sie es und geben Sie die CSV-Datei an\n")


def test_missing_name_column_is_named(tmp_path, db):
    path = tmp_path / "leika.csv"
    path.write_text(f"Schluessel;Typ\n{ANMELDUNG};2/3\n", encoding="utf-8")

    result = sync(db, path)

    assert result.exit_code == 1
    assert result.stderr == (f"Fehler: in {path} fehlt die Spalte 'bezeichnung' (die Kopfzeile hat: Schluessel, Typ); "
                             "ist das die richtige Datei für diese Quelle?\n")


# --- rows that do not fit the header ------------------------------------------------------------------
# A delimiter in a name without quotes gives a row more cells than the header: read as it stands, its values
# would move one column to the right (the name cut, the Typisierung emptied). Such a row is a bad row naming
# its line and counts; more than 1 % of them and the file is refused as a whole, the database unchanged.

EXTRA_CELL = "13 Zellen statt 12 wie die Kopfzeile (ein „;“ im Text ohne Anführungszeichen?); die Werte stünden in " \
             "den falschen Spalten"


def numbered(count: int) -> list[dict[str, str]]:
    return [{"Schluessel": f"9900100{i:04d}000", "Bezeichnung": f"Leistung {i}", "Typ": "2/3"} for i in range(count)]


def with_lines(tmp_path, name: str, rows: list[dict[str, str]], edits: dict[int, str]):
    """The LeiKa file of ``rows`` with the lines (1 = the header) in ``edits`` written as given."""
    lines = leika_csv(rows).decode("cp1252").split("\r\n")
    for number, text in edits.items():
        lines[number - 1] = text
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def stored(db, key: str) -> list[tuple]:
    from support.db import query

    return query(db, f"SELECT name, name2, typisierung_raw FROM leika_service WHERE key = '{key}'")


def test_a_name_with_an_unquoted_semicolon_is_a_bad_row_not_a_renamed_service(tmp_path, db):
    rows = numbered(300)
    synced(db, with_lines(tmp_path, "first.csv", rows, {}))
    key = rows[100]["Schluessel"]
    shifted = f"{key};Leistung 100; Anzeige;;2/3" + ";" * 8  # the name "Leistung 100; Anzeige" without quotes

    result = sync(db, with_lines(tmp_path, "second.csv", rows, {102: shifted}))

    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Warnung: Zeile 102: {EXTRA_CELL}\n")
    assert stored(db, key) == [("Leistung 100", None, "2/3")]  # not "Leistung 100" / "Anzeige" / no Typisierung


def test_more_than_one_percent_rows_that_do_not_fit_refuse_the_file(tmp_path, db):
    rows = numbered(300)
    synced(db, with_lines(tmp_path, "first.csv", rows, {}))
    before = dump(db)
    lines = {n: f"{rows[n - 2]['Schluessel']};Leistung {n - 2}, Teil; Anzeige;;2/3" + ";" * 8 for n in (12, 40, 41, 300)}
    path = with_lines(tmp_path, "second.csv", rows, lines)

    result = sync(db, path)

    shown = "; ".join(f"Zeile {n}: {EXTRA_CELL}" for n in (12, 40, 41, 300))
    assert (result.exit_code, result.stderr) == (1, (
        f"Fehler: {path}: 4 von 300 Zeilen (1,3 %) sind ungültig, das ist also kein LeiKa-Export; nichts wurde "
        f"geändert. Die ersten Probleme: {shown}\n"))
    assert dump(db) == before


ONLY_A_KEY = {
    "the key alone": ("9900100{:04d}000", "1 Zelle statt 12 wie die Kopfzeile (fehlt ein „;“ oder ist die Zeile "
                                          "abgeschnitten?); die Werte stünden in den falschen Spalten"),
    "the key and empty cells": ("9900100{:04d}000" + ";" * 11, "die Pflichtspalte „Bezeichnung“ ist leer (eine Zeile "
                                                                "nur mit Schlüssel?)"),
    "fewer cells": ("9900100{:04d}000;Leistung;2/3", "3 Zellen statt 12 wie die Kopfzeile (fehlt ein „;“ oder ist die "
                                                     "Zeile abgeschnitten?); die Werte stünden in den falschen Spalten"),
}


@pytest.mark.parametrize("case", ONLY_A_KEY)
def test_a_row_with_only_a_key_is_a_bad_row_not_a_database_error(case, tmp_path, db):
    rows = numbered(300)
    synced(db, with_lines(tmp_path, "first.csv", rows, {}))
    line, message = ONLY_A_KEY[case]

    result = sync(db, with_lines(tmp_path, "second.csv", rows, {102: line.format(100)}))

    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Warnung: Zeile 102: {message}\n")
    assert stored(db, rows[100]["Schluessel"]) == [("Leistung 100", None, "2/3")]


@pytest.mark.parametrize(("edit", "message"), [
    (lambda row: row.update(leika_bezeichnung=""), "die Pflichtspalte „leika_bezeichnung“ ist leer"),
    (lambda row: row.update(ozg_leistung=""), "die Pflichtspalte „ozg_leistung“ ist leer"),
    (lambda row: row.update(ozg_id="", ozg_leistung="", leika_bezeichnung=""), "die Pflichtspalte „ozg_id“ ist leer"),
], ids=["no LeiKa name", "no OZG name", "only a key"])
def test_a_flat_catalogue_row_without_its_names_is_a_bad_row(edit, message, tmp_path, db):
    head = ["ozg_id", "ozg_leistung", "leika_bezeichnung", "leika_schluessel", "leika_typ"]
    rows = [{"ozg_id": "10124", "ozg_leistung": "Wohnsitz", "leika_bezeichnung": f"Leistung {i}",
             "leika_schluessel": f"9900100{i:04d}000", "leika_typ": "2/3"} for i in range(150)]
    edit(rows[7])
    path = tmp_path / "ozg.csv"
    path.write_bytes(leika_csv(rows, encoding="utf-8", delimiter=",", header=head))

    result = sync(db, path)

    assert result.exit_code == 0, result.stderr
    assert f"Warnung: Zeile 9: {message}\n" in result.stderr.splitlines(keepends=True)
    assert stored(db, rows[7]["leika_schluessel"]) == []


def test_the_real_flat_catalogue_written_without_quotes_is_refused(tmp_path, db, flat_csv):
    before = synced(db, flat_csv)
    rows = list(csv.reader(io.StringIO(flat_csv.read_text(encoding="utf-8"), newline="")))
    lines = [",".join(" ".join(cell.split()) for cell in row) for row in rows]  # no quotes, no line breaks
    misfits = [n for n, line in enumerate(lines[1:], start=2) if len(next(csv.reader([line]))) != len(rows[0])]
    path = tmp_path / "unquoted.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = sync(db, path)

    first = next(csv.reader([lines[misfits[0] - 1]]))
    assert result.exit_code == 1 and len(misfits) > len(rows) // 100
    assert result.stderr.startswith(f"Fehler: {path}: ")
    assert (f"Die ersten Probleme: Zeile {misfits[0]}: {len(first)} Zellen statt {len(rows[0])} wie die Kopfzeile "
            "(ein „,“ im Text ohne Anführungszeichen?)") in result.stderr
    assert dump(db) == before


@pytest.mark.parametrize(("cells", "message"), [
    (lambda row, note: row[:note] + ["siehe Anlage", "Termin im März"] + row[note + 1:],
     "Zeile 2: {n} Zellen statt {w} wie die Kopfzeile (ein „;“ im Text ohne Anführungszeichen?); die Werte stünden "
     "in den falschen Spalten"),
    (lambda row, note: row[:note], "Zeile 2: {n} Zellen statt {w} wie die Kopfzeile (fehlt ein „;“ oder ist die "
                                   "Zeile abgeschnitten?); die Werte stünden in den falschen Spalten"),
])
def test_a_worksheet_row_that_does_not_fit_is_refused_naming_it(cells, message, town, tmp_path):
    def edit(rows):
        note = rows[0].index("Notiz")
        rows[1] = cells(rows[1], note)
        rows[1][rows[0].index("Reifegrad")] = "3"

    data, rows = worksheet(town, tmp_path, edit)
    path = tmp_path / "sheet.csv"
    path.write_bytes(data)
    before = dump(town)

    result = run("--db", str(town), "status", "import", str(path), "--yes")

    assert result.exit_code == 1
    assert message.format(n=len(rows[1]), w=len(rows[0])) in result.stderr
    assert dump(town) == before


@pytest.mark.parametrize(("char", "code"), [("\x9b", "U+009B"), ("\u202e", "U+202E"), ("\x1b", "U+001B")],
                         ids=["C1", "bidi override", "ESC"])
def test_a_catalogue_name_with_a_control_character_is_a_bad_row_never_stored(tmp_path, db, char, code):
    """Control characters are no data (a C1 byte is mostly the rest of a file read in the wrong encoding)."""
    path = tmp_path / "leika.csv"
    good = [f"9911500510{n:04d};Leistung {n};2/3" for n in range(150)]
    path.write_text("Schluessel;Bezeichnung;Typ\n" + "\n".join([f"99115005990000;Wohn{char}sitz;2/3", *good]) + "\n",
                    encoding="utf-8")

    result = run("--db", str(db), "catalog", "sync", "--from", str(path))

    assert result.exit_code == 0, result.stderr
    assert "Zeile 2: Spalte „Bezeichnung“ enthält an Stelle 5 " in result.stderr and f"({code})" in result.stderr
    assert char not in dump(db) and "99115005990000" not in dump(db)


def test_a_municipality_list_with_a_c1_byte_in_every_name_is_refused(tmp_path, town):
    path = tmp_path / "gemeinden.csv"
    path.write_text('ars,bezeichnung,hinweis,land,ags\n150830565565,"Wolmir\x9bstedt, Stadt",,15,15083565\n',
                    encoding="utf-8")
    before = dump(town)

    result = run("--db", str(town), "municipality", "import", str(path))

    assert result.exit_code == 1
    assert "Spalte „bezeichnung“ enthält an Stelle 7 ein Steuerzeichen (U+009B)" in result.stderr
    assert dump(town) == before


def test_a_name_written_decomposed_is_stored_composed(tmp_path, db):
    path = tmp_path / "leika.csv"
    path.write_text("Schluessel;Bezeichnung;Typ\n99115005104000;Wohnsitz Anmeldung Lu\u0308deritz;2/3\n",
                    encoding="utf-8")

    run("--db", str(db), "catalog", "sync", "--from", str(path))

    assert "L\u00fcderitz" in dump(db) and "u\u0308" not in dump(db)
