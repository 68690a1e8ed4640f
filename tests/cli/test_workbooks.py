"""Files are what their names say: every table command writes a real workbook with all rows and its explanations."""

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support.cli import ok, run
from test_pvog import ROWS, suchdienst_csv

from conftest import WOLMIRSTEDT
from ozgtrack.cli import _common

IDEEN = Path(__file__).resolve().parents[1] / "fixtures" / "plan" / "ideen_zukunftswerkstatt.csv"
TERMS = {"Leistung", "Zuständigkeit", "eigene Leistung", "Reifegrad", "online", "in Umsetzung", "offline",
         "nicht bewertet", "Abdeckung, Anteil online"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo town (statuses and decisions), with proposals, two measures and PVOG evidence: built once, only read."""
    folder = tmp_path_factory.mktemp("workbooks")
    db = str(folder / "demo.sqlite")
    config = folder / "config.toml"
    config.write_text('[town]\nortschaften = ["Elbeu", "Farsleben", "Glindenberg", "Mose"]\n', encoding="utf-8")
    home = folder / "home"  # as conftest.isolated_env, which a module's fixture comes before
    env = {"OZGTRACK_ARS": WOLMIRSTEDT, "OZGTRACK_USER": "it-officer", "OZGTRACK_CONFIG": str(config),
           "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "OZGTRACK_DATA_DIR": str(home / "data"),
           "OZGTRACK_CACHE_DIR": str(home / "cache"), "OZGTRACK_TRIAGE_PRESETS": str(home / "no-presets"),
           "OZGTRACK_DB": None, "COLUMNS": None}
    ok("demo", "--path", db, env=env)
    ok("--db", db, "plan", "proposals", "import", str(IDEEN), env=env)
    ok("--db", db, "plan", "measure", "add", "Online-Terminvergabe", "--start", "2027", env=env)
    ok("--db", db, "plan", "measure", "add", "Kita-Anmeldung online", "--lebensbereich", "Familie & Bildung", env=env)
    evidence = folder / f"ars_{WOLMIRSTEDT}.csv"
    evidence.write_bytes(suchdienst_csv(ROWS))
    ok("--db", db, "pvog", "sync", "--from", str(evidence), "--ars", WOLMIRSTEDT, env=env)
    return db, env


def town(demo, *args):
    db, env = demo
    return run("--db", db, *args, env=env)


def as_json(demo, *args):
    result = town(demo, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def written(demo, path, *args):
    """Run a command with ``-o path``; the workbook's first sheet as rows of values, and its "Erläuterungen"."""
    result = town(demo, *args, "-o", str(path))
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", f"geschrieben: {path}\n")
    book = load_workbook(path)
    assert book.sheetnames[1:] == ["Erläuterungen"]
    sheet = book.worksheets[0]
    assert sheet.freeze_panes in ("A2", "C2")
    notes = {row[0]: row[1] for row in book["Erläuterungen"].iter_rows(values_only=True) if row[0]}
    return [list(row) for row in sheet.iter_rows(values_only=True)], notes


def column(rows, title):
    index = rows[0].index(title)
    return [row[index] for row in rows[1:]]


def test_the_gap_report_by_service_has_every_own_service_with_its_definitions_and_stand(demo, tmp_path):
    rows, notes = written(demo, tmp_path / "luecken.xlsx", "report", "gaps", "--by", "service")

    expected = as_json(demo, "report", "gaps", "--by", "service")
    assert column(rows, "LeiKa-Schlüssel") == [s["key"] for s in expected["services"]]
    assert len(rows) - 1 == expected["totals"]["applicable"] > 20
    assert all(isinstance(key, str) and len(key) == 14 for key in column(rows, "LeiKa-Schlüssel"))
    assert TERMS <= set(notes)
    assert notes["Zeilen"] == f"{len(rows) - 1} im Blatt „Lücken“, vollständig"
    assert notes["Kommune"] == f"Wolmirstedt, Stadt (ARS {WOLMIRSTEDT})"
    assert notes["Katalog"].startswith("LeiKa, Datenstand 27.06.2024")
    assert "Stand der Auswertung" in notes and "Als online gilt" in notes


def test_the_gap_report_by_group_keeps_every_group_and_shares_as_numbers(demo, tmp_path):
    rows, notes = written(demo, tmp_path / "luecken.xlsx", "report", "gaps", "--by", "ozg")

    expected = as_json(demo, "report", "gaps", "--by", "ozg")["groups"]
    assert column(rows, "OZG-ID") == [g["key"] for g in expected]
    shares = column(rows, "Abdeckung")
    assert [s for s in shares if s is not None] == [round(g["coverage"], 2) for g in expected if g["applicable"]]


@pytest.mark.parametrize(("args", "key", "listed"), [
    (("status", "list"), "LeiKa-Schlüssel", lambda data: [s["key"] for s in data]),
    (("plan", "priorities"), "Schlüssel", lambda data: [p["key"] for p in data]),
    (("plan", "proposals", "list"), "ID", lambda data: [p["ref"] for p in data]),
    (("plan", "measure", "list"), "ID", lambda data: [m["ref"] for m in data]),
    (("pvog", "diff"), "LeiKa-Schlüssel", lambda data: [f["key"] for part in ("findings", "not_equivalent", "dismissed")
                                                         for f in data[part]]),
])
def test_each_table_command_writes_every_row_as_a_workbook(demo, tmp_path, args, key, listed):
    rows, notes = written(demo, tmp_path / "liste.xlsx", *args)

    expected = listed(as_json(demo, *args, "--all") if args[-1] != "diff" else as_json(demo, *args))
    assert expected and column(rows, key) == expected
    assert notes["Kommune"] == f"Wolmirstedt, Stadt (ARS {WOLMIRSTEDT})" and "Katalog" in notes


def test_the_rollup_workbook_has_its_towns_and_definitions(demo, tmp_path):
    rows, notes = written(demo, tmp_path / "vergleich.xlsx", "report", "rollup", "--kreis", "15083")

    expected = as_json(demo, "report", "rollup", "--kreis", "15083")
    assert column(rows, "ARS") == [t["ars"] for t in expected["towns"]]
    assert {"eigene Leistung", "online", "Anteil online", "vergleichbar", "Vergleich"} <= set(notes)


def test_the_triage_sheet_is_a_workbook_that_comes_back(demo, tmp_path):
    path = tmp_path / "zustaendigkeit.xlsx"
    rows, notes = written(demo, path, "triage", "export")

    assert column(rows, "Schlüssel") == [a["key"] for a in as_json(demo, "triage", "list", "--all")]
    assert {"Entscheidung", "Version", "Kommune", "Katalog"} <= set(notes)
    unchanged = town(demo, "triage", "import", str(path), "--dry-run")
    assert unchanged.stderr == "Wolmirstedt, Stadt: 0 Leistungen würden geändert (Probelauf, nichts gespeichert).\n"
    book = load_workbook(path)
    sheet = book["Zuständigkeit"]
    first = [c.value for c in sheet[2]]
    decided = "landkreis" if first[rows[0].index("vorgeschlagene Zuständigkeit")] != "landkreis" else "land"
    sheet.cell(2, rows[0].index("Entscheidung") + 1).value = decided
    sheet.cell(2, rows[0].index("Begründung") + 1).value = "Test"
    book.save(path)
    changed = town(demo, "triage", "import", str(path), "--dry-run")
    assert changed.exit_code == 0, changed.stderr
    assert first[0] in changed.stdout and f"→ {decided}" in changed.stdout
    assert changed.stderr == "Wolmirstedt, Stadt: 1 Leistung würde geändert (Probelauf, nichts gespeichert).\n"


def test_the_triage_sheet_as_csv_is_still_the_csv_for_excel(demo, tmp_path):
    path = tmp_path / "zustaendigkeit.csv"
    assert town(demo, "triage", "export", "-o", str(path)).exit_code == 0
    assert path.read_bytes().startswith("\ufeffSchlüssel;Leistung;".encode())


@pytest.mark.parametrize(("args", "name", "fmt"), [
    (("report", "gaps"), "x.xlsx", "csv"), (("report", "gaps"), "x.csv", "xlsx"), (("report", "gaps"), "x.xlsx", "json"),
    (("triage", "export"), "x.xlsx", "csv"), (("triage", "export"), "x.csv", "xlsx"),
    (("status", "list"), "x.xlsx", "json"), (("status", "list"), "x.json", "xlsx"), (("status", "list"), "x.txt", "xlsx"),
    (("plan", "priorities"), "x.xlsx", "csv"), (("pvog", "diff"), "x.csv", "xlsx"),
])
def test_a_name_that_contradicts_the_format_is_refused(demo, tmp_path, args, name, fmt):
    result = town(demo, *args, "-o", str(tmp_path / name), "--format", fmt)

    assert result.exit_code == 2
    assert f"Fehler: --format {fmt} passt nicht zum Dateinamen {name} (Endung {name[1:]})" in result.stderr
    assert not (tmp_path / name).exists()


def test_an_ending_the_command_cannot_write_is_refused(demo, tmp_path):
    result = town(demo, "status", "list", "-o", str(tmp_path / "x.md"))

    assert result.exit_code == 2
    assert "Fehler: das Format table passt nicht zum Dateinamen x.md (Endung .md)" in result.stderr


def test_a_workbook_goes_to_stdout_only_off_a_terminal(demo):
    result = town(demo, "report", "gaps", "--format", "xlsx")

    assert result.exit_code == 0 and result.stdout_bytes[:2] == b"PK"
    assert load_workbook(io.BytesIO(result.stdout_bytes)).sheetnames == ["Lücken", "Erläuterungen"]


def test_a_file_gets_every_row_a_terminal_the_first(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(_common, "DEFAULT_LIMIT", 10)
    shown = town(demo, "report", "gaps", "--by", "service")
    path = tmp_path / "luecken.txt"
    filed = town(demo, "report", "gaps", "--by", "service", "-o", str(path))

    keys = {s["key"] for s in as_json(demo, "report", "gaps", "--by", "service")["services"]}
    assert shown.exit_code == filed.exit_code == 0
    assert f"… und {len(keys) - 10} weitere (--limit erhöhen oder --all)" in shown.stderr
    assert filed.stderr == f"geschrieben: {path}\n"
    text = path.read_text(encoding="utf-8")
    assert len(keys) > 20 and all(key in text for key in keys)
    assert sum(key in shown.stdout for key in keys) == 10


def test_an_ending_implies_its_format(demo, tmp_path):
    path = tmp_path / "luecken.csv"
    assert town(demo, "report", "gaps", "--by", "service", "-o", str(path)).exit_code == 0
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    keys = [s["key"] for s in as_json(demo, "report", "gaps", "--by", "service")["services"]]
    assert rows[0][0] == "LeiKa-Schlüssel" and [row[0] for row in rows[1:]] == keys


@pytest.mark.parametrize("args", [("report", "gaps", "--by", "service"), ("triage", "export")])
def test_libreoffice_opens_the_workbook(demo, tmp_path, args):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; `apt-get install libreoffice-calc-nogui` runs this test")
    path = tmp_path / "luecken.xlsx"
    rows, _ = written(demo, path, *args)
    converted = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                                "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "out"), str(path)],
                               capture_output=True, timeout=300)
    assert converted.returncode == 0 and (tmp_path / "out" / "luecken.csv").is_file(), converted.stderr
    seen = list(csv.reader(io.StringIO((tmp_path / "out" / "luecken.csv").read_text(encoding="utf-8"))))
    assert [row[0] for row in seen] == [row[0] for row in rows]  # every row, keys with all 14 digits


def test_a_cell_that_looks_like_a_formula_stays_text(tmp_path):
    from dataclasses import replace

    from test_render_registry import STATUS

    from ozgtrack.render.tables import statuses_xlsx

    risky = replace(STATUS, name='=HYPERLINK("http://x.example","klick")', note="@SUM(1+1)\x07", key="00115005104000")
    path = tmp_path / "x.xlsx"
    path.write_bytes(statuses_xlsx([risky]))
    row = load_workbook(path)["Leistungen"][2]

    assert [(c.value, c.data_type) for c in row[:2]] == [("00115005104000", "s"),
                                                          ('=HYPERLINK("http://x.example","klick")', "s")]
    assert (row[-1].value, row[-1].data_type) == ("@SUM(1+1)", "s")
