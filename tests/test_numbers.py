"""Numbers from outside are read one way (issue 20): "1.5" is no 15, "7.5" % no 75 %, a 40 % cell no 4 %.

A German list writes 1.240 for a thousand two hundred and forty; dropping every dot also read "1.5"
case numbers as 15, "2.5" votes as 25 and a Fortschritt of "7.5" as 75 %, and a workbook cell formatted
"40 %" (it holds 0.4) as 4 %, all with exit code 0. Every reader now refuses such a cell with its row and
column, and the database stays as it was. The corpus below is run through each reader, as CSV and as a
workbook; a new kind of cell goes into it once and meets every reader.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from support.cli import ok, run
from support.db import dump, query

ANMELDUNG = "99115005104000"
NOT_WHOLE = "ist keine ganze Zahl"
DOT = (f"{NOT_WHOLE}; ein Punkt trennt nur Tausender (wie in 1.240), Dezimalstellen folgen dem Komma "
       "(wie in 7,5)")
TOO_LARGE = "ist größer als 2.147.483.647, die größte Zahl, die gespeichert werden kann"


def lookalike(char: str, name: str) -> str:
    return f"enthält die Ziffer '{char}' ({name}), die nur wie 0–9 aussieht; verwenden Sie nur die Ziffern 0–9"


# --- the corpus ------------------------------------------------------------------------------------
# A cell's text and what it is as a whole number: the number, or how the message refusing it ends
# (after "Fallzahl „1.5“ ").
CORPUS = {
    "1.240": 1240, "1240": 1240, "1 240": 1240, "1.240,00": 1240, "12.345.678": 12345678, "420,0": 420,
    "007": 7, " 12 ": 12, "+5": 5, "0": 0, "-3": -3,
    "1.5": DOT, "1.24": DOT, "12.4000": DOT, "7.5": DOT, "2.5": DOT, "0.4": DOT,
    "1,5": NOT_WHOLE, "2,5": NOT_WHOLE, "0,4": NOT_WHOLE, "1,240.5": NOT_WHOLE, "1.2.3": NOT_WHOLE,
    "1.24.000": NOT_WHOLE, "1e3": NOT_WHOLE, "1_000": NOT_WHOLE, "0x10": NOT_WHOLE, "zwölf": NOT_WHOLE,
    ".5": NOT_WHOLE, "5,": NOT_WHOLE, "7": 7,
    "１２": lookalike("１", "FULLWIDTH DIGIT ONE"), "٣": lookalike("٣", "ARABIC-INDIC DIGIT THREE"),
    "99999999999": TOO_LARGE, "100000000000000000000": TOO_LARGE,
}
# Percent signs: a number in a percent column (Fortschritt), refused where a count is wanted.
PERCENT = {"40 %": 40, "40%": 40, "100 Prozent": 100, "7,5 %": NOT_WHOLE, "0,4 %": NOT_WHOLE}
# Workbook cells by their type: (value, number format) → the text German Excel shows, read as above
# (so each text is in the tables above).
TYPED = [
    ((1.5, "General"), "1,5"), ((2.5, "0.0"), "2,5"), ((1240, "General"), "1240"), ((1240.0, "#,##0"), "1240"),
    ((7.000000000000001, "General"), "7"), ((0.4, "0%"), "40 %"), ((0.075, "0.0%"), "7,5 %"), ((0.4, "General"), "0,4"),
    ((1e20, "General"), "100000000000000000000"),
]


@dataclass(frozen=True)
class Reader:
    """One import that reads a whole number, and how its list or sheet is laid out."""

    label: str  # the column, as the message names it
    header: tuple[str, ...]
    high: int | None = None
    percent: bool = False

    def outcome(self, text: str) -> int | str:
        """The number stored, or the message refusing the cell (after "Zeile N: ")."""
        said = {**CORPUS, **PERCENT}[text] if self.percent or text not in PERCENT else NOT_WHOLE
        if isinstance(said, str):
            return f"{self.label} „{text.strip()}“ {said}"
        if self.high is not None and not 0 <= said <= self.high:
            return f"{self.label} {said} liegt nicht zwischen 0 und {self.high}"
        return f"{self.label} {said} ist kleiner als 0" if said < 0 else said


READERS = {
    "cases": Reader("Fallzahl", ("LeiKa-Schlüssel", "Jahr", "Fallzahl")),
    "votes": Reader("Stimmen", ("Idee", "Stimmen")),
    "progress": Reader("Fortschritt", ("Titel", "Fortschritt (%)"), high=100, percent=True),
}
COMMAND = {"cases": ("plan", "cases", "import"), "votes": ("plan", "proposals", "import"), "progress": ("plan", "import", "--yes")}


def row(reader: str, number: int, cell: object) -> list[object]:
    """The number-th row of a reader's list with ``cell`` in its number column."""
    return {"cases": [ANMELDUNG, str(2000 + number), cell], "votes": [f"Idee {number}", cell],
            "progress": [f"Maßnahme {number}", cell]}[reader]


def stored(db: Path | str, reader: str) -> dict[int, int]:
    """The number each row left in the database, by the row's number."""
    if reader == "cases":
        return {year - 2000: cases for year, cases in query(db, "SELECT year, cases FROM plan_case_count")}
    listed = json.loads(ok("--db", str(db), *{"votes": ("plan", "proposals", "list"),
                                               "progress": ("plan", "measure", "list")}[reader],
                           "--format", "json").stdout)
    field = "votes" if reader == "votes" else "progress"
    return {int(item["title"].split()[-1]): item[field] for item in listed}


def write_csv(path: Path, header: tuple[str, ...], rows: list[list[object]]) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


def write_book(path: Path, header: tuple[str, ...], rows: list[list[object]]) -> Path:
    """A workbook with these rows; a cell given as (value, number format) gets that format."""
    book = Workbook()
    book.active.append(list(header))
    for values in rows:
        book.active.append([v[0] if isinstance(v, tuple) else v for v in values])
        for cell, value in zip(book.active[book.active.max_row], values, strict=True):
            if isinstance(value, tuple):
                cell.number_format = value[1]
    book.save(path)
    return path


def cells(fmt: str) -> list[tuple[object, str]]:
    """The corpus as (cell, its text): text cells both ways, typed cells in a workbook only."""
    texts = [(text, text) for text in (*CORPUS, *PERCENT)]
    return texts + ([(value, text) for value, text in TYPED] if fmt == "xlsx" else [])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", READERS)
def test_the_corpus_through_every_reader(town, tmp_path, name, fmt):
    reader, write = READERS[name], write_csv if fmt == "csv" else write_book
    corpus = cells(fmt)
    expected = {n: reader.outcome(text) for n, (_, text) in enumerate(corpus)}
    path = write(tmp_path / f"liste.{fmt}", reader.header, [row(name, n, cell) for n, (cell, _) in enumerate(corpus)])
    before = dump(town)

    refused = run("--db", str(town), *COMMAND[name], str(path))

    bad = {n: said for n, said in expected.items() if isinstance(said, str)}
    assert refused.exit_code == 1, refused.stderr
    assert refused.stderr.splitlines() == [f"Fehler: Zeile {n + 2}: {said}" for n, said in bad.items()] + [
        f"Fehler: {path}: {len(bad)} Zeilen sind fehlerhaft; nichts wurde geändert"]
    assert dump(town) == before

    good = [(n, cell) for n, (cell, _) in enumerate(corpus) if n not in bad]
    ok("--db", str(town), *COMMAND[name], str(write(tmp_path / f"gut.{fmt}", reader.header,
                                                     [row(name, n, cell) for n, cell in good])))
    assert stored(town, name) == {n: expected[n] for n, _ in good}


def test_decimals_and_workbook_numbers_alone():
    from decimal import Decimal

    from ozgtrack import numbers
    from ozgtrack.errors import InputError

    assert [numbers.decimal(t, "Wert", numbers.EURO) for t in ("7,5", "1.240,50", "12.000 €", "−0,25")] == [
        Decimal("7.5"), Decimal("1240.50"), Decimal("12000"), Decimal("-0.25")]
    with pytest.raises(InputError, match="„7.5“ ist keine Zahl; ein Punkt trennt nur Tausender"):
        numbers.decimal("7.5", "Wert")
    assert [numbers.cell_text(v, f) for (v, f), _ in TYPED] == [text for _, text in TYPED]


# --- the defects, one by one -----------------------------------------------------------------------


def test_case_numbers_1_5_are_refused_and_1_240_still_reads_1240(town, tmp_path):
    path = tmp_path / "fallzahlen.csv"
    path.write_text("LeiKa-Schlüssel;Jahr;Fallzahl\r\n99115005104000;2025;1.240\r\n99115005070000;2025;1.5\r\n",
                    encoding="utf-8")
    before = dump(town)

    refused = run("--db", str(town), "plan", "cases", "import", str(path))

    assert (refused.exit_code, refused.stderr) == (1, f"Fehler: Zeile 3: Fallzahl „1.5“ {DOT}\n"
                                                      f"Fehler: {path}: 1 Zeile ist fehlerhaft; nichts wurde geändert\n")
    assert dump(town) == before
    path.write_text("LeiKa-Schlüssel;Jahr;Fallzahl\r\n99115005104000;2025;1.240\r\n", encoding="utf-8")
    ok("--db", str(town), "plan", "cases", "import", str(path))
    assert query(town, "SELECT year, cases FROM plan_case_count") == [(2025, 1240)]


def test_a_workbook_cell_1_5_is_no_case_number(town, tmp_path):
    path = write_book(tmp_path / "fallzahlen.xlsx", ("LeiKa-Schlüssel", "Jahr", "Fallzahl"), [[ANMELDUNG, 2025, 1.5]])
    before = dump(town)

    refused = run("--db", str(town), "plan", "cases", "import", str(path))

    assert refused.exit_code == 1 and refused.stderr.startswith(f"Fehler: Zeile 2: Fallzahl „1,5“ {NOT_WHOLE}\n")
    assert dump(town) == before


def test_2_5_votes_are_refused(town, tmp_path):
    path = tmp_path / "ideen.csv"
    path.write_text("Idee;Stimmen\r\nRufbus online;2.5\r\nKita online;12 Stimmen\r\n", encoding="utf-8")
    before = dump(town)

    refused = run("--db", str(town), "plan", "proposals", "import", str(path))

    assert refused.exit_code == 1 and refused.stderr.startswith(f"Fehler: Zeile 2: Stimmen „2.5“ {DOT}\n")
    assert dump(town) == before


def test_a_date_with_a_digit_too_many_is_refused_not_cut(town, tmp_path):
    # "2026-03-011" was cut to its first ten characters and stored as 1 March; a date and time cell still reads.
    path = tmp_path / "ideen.csv"
    path.write_text("Idee;Datum\r\nRufbus online;2026-03-011\r\nKita online;2026-03-01 00:00:00\r\n", encoding="utf-8")
    before = dump(town)

    refused = run("--db", str(town), "plan", "proposals", "import", str(path))

    assert refused.exit_code == 1
    assert refused.stderr.startswith("Fehler: Zeile 2: Datum „2026-03-011“ ist kein Datum (z. B. 01.03.2026)\n")
    assert dump(town) == before


@pytest.fixture
def measure(town):
    ok("--db", str(town), "plan", "measure", "add", "Online-Terminvergabe", "--progress", "10")
    return town


def plan_rows(db) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(ok("--db", str(db), "plan", "export").stdout.lstrip("\ufeff"), newline=""),
                           delimiter=";"))
    return rows[0], rows[1:]


def progress(db) -> int:
    return json.loads(ok("--db", str(db), "plan", "measure", "show", "M-001", "--format", "json").stdout)[0]["progress"]


def test_progress_7_5_in_the_plan_worksheet_is_refused(measure, tmp_path):
    header, rows = plan_rows(measure)
    rows[0][header.index("Fortschritt (%)")] = "7.5"
    path = write_csv(tmp_path / "plan.csv", tuple(header), rows)
    before = dump(measure)

    refused = run("--db", str(measure), "plan", "import", str(path), "--yes")

    assert refused.exit_code == 1 and refused.stderr.startswith(f"Fehler: Zeile 2: Fortschritt „7.5“ {DOT}\n")
    assert dump(measure) == before


def percent_workbook(db, path: Path, *cells: tuple[float, str]) -> Path:
    """The exported plan workbook with these (value, number format) Fortschritt cells, from the first measure on
    (what typing "40%" in Excel or LibreOffice stores: 0.4, formatted as percent); more cells add measures."""
    ok("--db", str(db), "plan", "export", "-o", str(path))
    book = load_workbook(path)
    sheet = book["Maßnahmen"]
    titles = [c.value for c in sheet[1]]
    for number, (value, number_format) in enumerate(cells, start=2):
        if number > sheet.max_row:
            sheet.cell(number, titles.index("Titel") + 1).value = f"Neu {number}"
        sheet.cell(number, titles.index("Fortschritt (%)") + 1).value = value
        sheet.cell(number, titles.index("Fortschritt (%)") + 1).number_format = number_format
    book.save(path)
    return path


def test_a_40_percent_cell_in_the_plan_workbook_is_40_percent(measure, tmp_path):
    path = percent_workbook(measure, tmp_path / "plan.xlsx", (0.4, "0%"))

    ok("--db", str(measure), "plan", "import", str(path), "--yes")

    assert progress(measure) == 40


def test_a_40_percent_cell_saved_by_libreoffice_is_40_percent(measure, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; `apt-get install libreoffice-calc-nogui` runs this test")
    path = percent_workbook(measure, tmp_path / "plan.xlsx", (0.4, "0%"), (0.075, "0.0%"))
    saved = tmp_path / "saved"
    converted = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                                "--convert-to", "xlsx", "--outdir", str(saved), str(path)],
                               capture_output=True, timeout=300)
    assert converted.returncode == 0 and (saved / "plan.xlsx").is_file(), converted.stderr
    before = dump(measure)

    refused = run("--db", str(measure), "plan", "import", str(saved / "plan.xlsx"), "--yes")

    assert refused.exit_code == 1 and refused.stderr.startswith(f"Fehler: Zeile 3: Fortschritt „7,5 %“ {NOT_WHOLE}\n")
    assert dump(measure) == before
    again = load_workbook(saved / "plan.xlsx")
    again["Maßnahmen"].delete_rows(3)
    again.save(saved / "plan.xlsx")
    ok("--db", str(measure), "plan", "import", str(saved / "plan.xlsx"), "--yes")
    assert progress(measure) == 40


# --- plan worksheets whose Version does not protect ------------------------------------------------


def test_a_plan_sheet_without_version_is_a_conflict_unless_forced(measure, tmp_path):
    header, rows = plan_rows(measure)
    ok("--db", str(measure), "plan", "measure", "set", "M-001", "--progress", "35", "--user", "FB 2")
    keep = [i for i, title in enumerate(header) if title not in ("Version", "Exportiert am")]
    rows[0][header.index("Stand")] = "beschlossen"
    rows.append([""] * len(header))
    rows[1][header.index("Titel")] = "Kita-Anmeldung online"
    path = write_csv(tmp_path / "alt.csv", tuple(header[i] for i in keep), [[r[i] for i in keep] for r in rows])

    result = run("--db", str(measure), "plan", "import", str(path), "--yes")

    # Without Version the row would silently set Fortschritt back to 10: it is left out; the new row is added.
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith(
        "Warnung: Zeile 2: M-001: das Blatt hat keine Spalte Version, daher ist nicht zu erkennen, ob jemand die "
        "Maßnahme nach dem Export geändert hat (zuletzt geändert ")
    assert result.stderr.splitlines()[0].endswith(" von FB 2); nicht übernommen")
    assert result.stderr.splitlines()[1] == f"{path}: 1 neue Maßnahme, 0 geänderte, 1 Zeile als Konflikt ausgelassen."
    assert progress(measure) == 35

    ok("--db", str(measure), "plan", "import", str(path), "--force", "--yes")
    assert progress(measure) == 10


def test_a_plan_sheet_version_higher_than_the_database_has_is_a_conflict(measure, tmp_path):
    header, rows = plan_rows(measure)
    ok("--db", str(measure), "plan", "measure", "set", "M-001", "--progress", "35", "--user", "FB 2")
    rows[0][header.index("Version")] = "999999"
    path = write_csv(tmp_path / "hoch.csv", tuple(header), rows)
    before = dump(measure)

    result = run("--db", str(measure), "plan", "import", str(path), "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith(
        "Warnung: Zeile 2: M-001: die Version 999999 im Blatt ist höher als die in der Datenbank (")
    assert result.stderr.splitlines()[0].endswith("); sie kann nicht aus einem Export dieser Datenbank stammen (von "
                                                  "Hand geändert oder aus einer anderen Datenbank?); nicht übernommen")
    assert dump(measure) == before and progress(measure) == 35


# --- options typed in look-alike digits ------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("status", "set", ANMELDUNG, "--stage", "2", "--expect-version", "２"),
    ("triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde", "--expect-version", "٠"),
    ("status", "set", ANMELDUNG, "--stage", "３"),
], ids=["status --expect-version", "triage --expect-version", "status --stage"])
def test_options_in_lookalike_digits_are_refused(town, args):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde")
    before = dump(town)
    value = args[-1]

    result = run("--db", str(town), *args)

    assert result.exit_code == 2
    assert f"Fehler: Ungültiger Wert für '{args[-2]}': '{value}' enthält die Ziffer '{value}' (" in result.stderr
    assert "die nur wie 0–9 aussieht; verwenden Sie nur die Ziffern 0–9" in result.stderr
    assert dump(town) == before
