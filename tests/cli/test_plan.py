"""The multi-year plan: proposals as organisers keep them in Excel, measures with history, the plan worksheet."""

import csv
import io
import json
from pathlib import Path

import pytest
from support.cli import ok, run
from support.db import dump

IDEEN = Path(__file__).resolve().parents[1] / "fixtures" / "plan" / "ideen_zukunftswerkstatt.csv"
ANMELDUNG = "99115005104000"


@pytest.fixture
def plan_town(town, tmp_path, monkeypatch):
    """The fixture town with Wolmirstedt's Ortschaften configured."""
    config = tmp_path / "config.toml"
    config.write_text('[town]\nortschaften = ["Elbeu", "Farsleben", "Glindenberg", "Mose"]\n', encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_CONFIG", str(config))
    return town


def plan(db, *args):
    return ok("--db", str(db), "plan", *args)


def proposals(db, *args):
    return json.loads(plan(db, "proposals", "list", "--format", "json", *args).stdout)


def excel_copy(tmp_path, rows_changed):
    """The organisers' list as another Excel saves it: UTF-8 with BOM, trailing spaces, some rows edited."""
    text = IDEEN.read_bytes().decode("cp1252")
    lines = [line.replace(";", " ; ") for line in text.split("\r\n")]
    for line_no, new in rows_changed.items():
        lines[line_no - 1] = new
    path = tmp_path / "ideen_utf8.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    return path


def test_a_proposals_list_as_excel_saves_it_is_read_checked_and_idempotent(plan_town, tmp_path):
    before = dump(plan_town)
    bad = excel_copy(tmp_path, {5: "Mängelmelder für Straßenschäden;Fotos;Mobilität;Colbitz;18 Stimmen;Zukunftswerkstatt;1.3.26",
                                9: "Gewerbe online anmelden;;Arbeit und Wirtschaft;;zwölf;Stadtrat;2026-01-28",
                                12: "Wohngeld-Antrag;;Gesundheit;;3;Verwaltung;31.02.2026"})

    refused = run("--db", str(plan_town), "plan", "proposals", "import", str(bad))

    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "Fehler: Zeile 5: Ortschaft „Colbitz“ ist unbekannt; möglich sind: „Elbeu“, „Farsleben“, „Glindenberg“, „Mose“ oder „Wolmirstedt“",
        "Fehler: Zeile 9: Stimmen „zwölf“ ist keine ganze Zahl",
        "Fehler: Zeile 12: Lebensbereich „Gesundheit“ ist unbekannt; meinten Sie „Gesundheit & Soziales“?",
        f"Fehler: {bad}: 3 Zeilen sind fehlerhaft; nichts wurde geändert",
    ]
    assert dump(plan_town) == before

    first = plan(plan_town, "proposals", "import", str(IDEEN))
    stored = dump(plan_town)
    again = plan(plan_town, "proposals", "import", str(excel_copy(tmp_path, {})))

    assert first.stderr == f"{IDEEN}: 30 Ideen gelesen: 30 neu, 0 geändert, 0 unverändert.\n"
    assert again.stderr.endswith(": 30 Ideen gelesen: 0 neu, 0 geändert, 30 unverändert.\n")
    assert dump(plan_town) == stored
    listed = proposals(plan_town)
    assert len(listed) == 30 and listed[0] == {
        "ref": listed[0]["ref"], "title": "Kita-Platz online anmelden",
        "description": "Ein Portal für alle Kitas der Stadt und der Ortschaften", "lebensbereich": "Familie & Bildung",
        "ortschaft": "Farsleben", "votes": 31, "source": "Zukunftswerkstatt", "submitted": "2026-03-01"}
    mose = proposals(plan_town, "--ortschaft", "mose")
    assert [(p["title"], p["votes"]) for p in mose] == [
        ("Mobile Bürgerbüro-Sprechzeiten in den Ortschaften", 15), ("Ferienbetreuung online buchen", 13),
        ("Sperrmülltermin online buchen", 12), ("WLAN im Bürgerhaus Mose", 7), ("Spielplatzmängel melden", 4)]
    assert {p["ortschaft"] for p in proposals(plan_town, "--lebensbereich", "Mobilität")} == {
        "Elbeu", "Farsleben", "Wolmirstedt"}


def test_an_id_column_is_the_identity_and_a_changed_row_is_updated(plan_town, tmp_path):
    path = tmp_path / "portal.csv"
    path.write_text("Nr;Titel;Stimmen\r\nP-1;Rufbus online bestellen;3\r\nP-2;Kita-Platz online;5\r\n", encoding="utf-8")
    plan(plan_town, "proposals", "import", str(path))
    path.write_text("Nr;Titel;Stimmen\r\nP-1;Rufbus online buchen;4\r\nP-2;Kita-Platz online;5\r\n", encoding="utf-8")

    result = plan(plan_town, "proposals", "import", str(path), "--dry-run")
    unchanged = dump(plan_town)
    applied = plan(plan_town, "proposals", "import", str(path))

    assert result.stderr.endswith("2 Ideen gelesen: 0 neu, 1 geändert, 1 unverändert (Probelauf, nichts gespeichert).\n")
    assert applied.stderr.endswith("2 Ideen gelesen: 0 neu, 1 geändert, 1 unverändert.\n") and dump(plan_town) != unchanged
    assert [(p["ref"], p["title"], p["votes"]) for p in proposals(plan_town)] == [
        ("P-2", "Kita-Platz online", 5), ("P-1", "Rufbus online buchen", 4)]


def test_an_ortschaften_key_misspelt_in_the_config_is_refused(town, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[town]\nortschaft = ["Elbeu"]\n', encoding="utf-8")

    result = run("--db", str(town), "--config", str(config), "plan", "proposals", "list")

    assert result.exit_code == 1
    assert result.stderr == f"Fehler: unbekannte Einstellung town.ortschaft in {config}; meinten Sie town.ortschaften?\n"


def _show(db, ref="M-001"):
    return json.loads(plan(db, "measure", "show", ref, "--format", "json").stdout)[0]


def test_a_measure_is_added_changed_and_noted_with_its_history(plan_town):
    plan(plan_town, "proposals", "import", str(IDEEN))
    termin = next(p["ref"] for p in proposals(plan_town) if p["title"] == "Online-Terminvergabe im Bürgerbüro")

    added = plan(plan_town, "measure", "add", "Online-Terminvergabe Bürgerbüro", "--lebensbereich",
                 "bürgerservice und dokumente", "--origin", "zukunftswerkstatt", "--proposals", termin,
                 "--services", ANMELDUNG, "--start", "2027-q1", "--end", "2027", "--cost", "12.000 €",
                 "--funding", "Eigenmittel", "--owner", "FB 2 Bürgerservice")
    plan(plan_town, "measure", "set", "M-1", "--state", "in Umsetzung", "--progress", "40", "--note",
         "Ausschreibung veröffentlicht", "--user", "FB 2")
    plan(plan_town, "measure", "set", "1", "--note", "Anbieter ausgewählt")
    unchanged = dump(plan_town)
    same = plan(plan_town, "measure", "set", "1", "--progress", "40")
    late = run("--db", str(plan_town), "plan", "measure", "set", "1", "--end", "2026")
    elsewhere = run("--db", str(plan_town), "plan", "measure", "set", "1", "--ortschaft", "Elbe")

    assert added.stdout == "M-001\n"
    assert same.stderr == "Maßnahme 1: nichts geändert.\n"
    assert (late.exit_code, late.stderr) == (1, "Fehler: Ende 2026 liegt vor dem Beginn 2027-Q1\n")
    assert (elsewhere.exit_code, elsewhere.stderr) == (1, "Fehler: Ortschaft „Elbe“ ist unbekannt; meinten Sie „Elbeu“?\n")
    assert dump(plan_town) == unchanged
    shown = _show(plan_town)
    history = shown.pop("history")
    assert {k: v for k, v in shown.items() if k not in ("updated_at", "last_note")} == {
        "ref": "M-001", "title": "Online-Terminvergabe Bürgerbüro", "lebensbereich": "Bürgerservice & Dokumente",
        "services": [ANMELDUNG], "owner": "FB 2 Bürgerservice", "origin": "Zukunftswerkstatt", "proposals": [termin],
        "ortschaft": None, "start": "2027-Q1", "end": "2027", "state": "in Umsetzung", "progress": 40, "weight": 1,
        "cost": 12000, "funding": "Eigenmittel", "updated_by": "it-officer", "blocker": None, "blocker_label": None}
    assert [(h["by"], h["changes"], h["note"]) for h in history] == [
        ("it-officer", {"title": [None, "Online-Terminvergabe Bürgerbüro"],
                        "lebensbereich": [None, "Bürgerservice & Dokumente"], "services": [None, [ANMELDUNG]],
                        "owner": [None, "FB 2 Bürgerservice"], "origin": [None, "Zukunftswerkstatt"],
                        "proposals": [None, [termin]], "start": [None, "2027-Q1"], "end": [None, "2027"],
                        "cost": [None, 12000], "funding": [None, "Eigenmittel"], "state": [None, "vorgeschlagen"]},
         None),
        ("FB 2", {"state": ["vorgeschlagen", "in Umsetzung"], "progress": [0, 40]}, "Ausschreibung veröffentlicht"),
        ("it-officer", {}, "Anbieter ausgewählt")]
    table = plan(plan_town, "measure", "show", "M-001").stdout
    assert "Stand: vorgeschlagen → in Umsetzung; Fortschritt: 0 → 40" in table and "Kosten         12.000 €" in table


# --- the plan worksheet ---------------------------------------------------------------------------------


def read_sheet(text):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    return rows[0], rows[1:]


def write_sheet(path, header, rows):
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(out.getvalue().encode("cp1252"))
    return path


def cell(header, row, title, value):
    row[header.index(title)] = value


@pytest.fixture
def measures(plan_town):
    plan(plan_town, "measure", "add", "Online-Terminvergabe Bürgerbüro", "--start", "2027", "--services", ANMELDUNG)
    plan(plan_town, "measure", "add", "Kita-Anmeldung online", "--lebensbereich", "Familie & Bildung")
    return plan_town


def test_the_plan_worksheet_goes_out_and_comes_back(measures, tmp_path):
    header, rows = read_sheet(plan(measures, "export").stdout)
    assert header == ["ID", "Titel", "Lebensbereich", "Leistungen", "Fachbereich", "Herkunft", "Ideen", "Ortschaft",
                      "Beginn", "Ende", "Stand", "Fortschritt (%)", "Gewicht", "Kosten (€)", "Finanzierung",
                      "Datum letzte Notiz", "Neue Notiz", "Version", "Exportiert am"]
    cell(header, rows[0], "Stand", "beschlossen")
    cell(header, rows[0], "Neue Notiz", "Stadtrat hat zugestimmt")
    cell(header, rows[1], "Ortschaft", "Farsleben ")
    rows.append([""] * len(header))
    cell(header, rows[2], "Titel", "Mängelmelder")
    cell(header, rows[2], "Herkunft", "Zukunftswerkstatt")
    cell(header, rows[2], "Beginn", "2028-Q2")
    sheet = write_sheet(tmp_path / "plan.csv", header, rows)

    applied = plan(measures, "import", str(sheet), "--yes")
    after = dump(measures)
    again = plan(measures, "import", str(sheet), "--yes")

    assert applied.stderr == f"{sheet}: 1 neue Maßnahme, 2 geänderte, 0 Zeilen wegen Änderungen nach dem Export ausgelassen.\n"
    assert again.stderr == f"{sheet}: 0 neue Maßnahmen, 0 geänderte, 0 Zeilen wegen Änderungen nach dem Export ausgelassen.\n"
    assert dump(measures) == after
    assert [(m["ref"], m["state"], m["ortschaft"], m["start"]) for m in
            json.loads(plan(measures, "measure", "list", "--format", "json").stdout)] == [
        ("M-001", "beschlossen", None, "2027"), ("M-002", "vorgeschlagen", "Farsleben", None),
        ("M-003", "vorgeschlagen", None, "2028-Q2")]
    history = _show(measures)["history"]
    assert (history[-1]["changes"], history[-1]["note"], history[-1]["reason"]) == (
        {"state": ["vorgeschlagen", "beschlossen"]}, "Stadtrat hat zugestimmt", "Arbeitsblatt plan.csv")


def test_a_bad_row_stops_the_sheet_and_a_stale_row_is_a_conflict(measures, tmp_path):
    header, rows = read_sheet(plan(measures, "export").stdout)
    cell(header, rows[0], "Fortschritt (%)", "20")
    cell(header, rows[1], "Stand", "fertig")
    bad = write_sheet(tmp_path / "bad.csv", header, rows)
    before = dump(measures)

    refused = run("--db", str(measures), "plan", "import", str(bad), "--yes")

    assert refused.exit_code == 1
    assert refused.stderr == ("Fehler: Zeile 3: Stand „fertig“ ist unbekannt; möglich sind: „vorgeschlagen“, „beschlossen“, "
                              "„in Umsetzung“, „umgesetzt“, „zurückgestellt“ oder „verworfen“\n"
                              f"Fehler: {bad}: 1 Zeile ist fehlerhaft; nichts wurde geändert\n")
    assert dump(measures) == before

    cell(header, rows[1], "Stand", "beschlossen")
    stale = write_sheet(tmp_path / "stale.csv", header, rows)
    plan(measures, "measure", "set", "M-001", "--progress", "35", "--user", "FB 2")

    result = plan(measures, "import", str(stale))

    assert result.stderr.splitlines()[0].startswith("Warnung: Zeile 2: M-001 wurde nach dem Export geändert (")
    assert result.stderr.splitlines()[0].endswith(" von FB 2); nicht übernommen")
    assert result.stderr.splitlines()[1] == (f"{stale}: 0 neue Maßnahmen, 1 geänderte, 1 Zeile wegen Änderungen nach "
                                             "dem Export ausgelassen.")
    listed = json.loads(plan(measures, "measure", "list", "--format", "json").stdout)
    assert [(m["progress"], m["state"]) for m in listed] == [(35, "vorgeschlagen"), (0, "beschlossen")]

    plan(measures, "import", str(stale), "--force")
    assert json.loads(plan(measures, "measure", "show", "1", "--format", "json").stdout)[0]["progress"] == 20


def test_the_workbook_round_trip_changes_nothing(measures, tmp_path):
    book = tmp_path / "plan.xlsx"
    plan(measures, "export", "-o", str(book))
    before = dump(measures)

    result = plan(measures, "import", str(book))

    assert result.stderr.endswith(": 0 neue Maßnahmen, 0 geänderte, 0 Zeilen wegen Änderungen nach dem Export ausgelassen.\n")
    assert dump(measures) == before
    from openpyxl import load_workbook

    sheet = load_workbook(book)["Maßnahmen"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["K2:K1048576"] == '"vorgeschlagen,beschlossen,in Umsetzung,umgesetzt,zurückgestellt,verworfen"'
    assert lists["F2:F1048576"] == '"IST-Analyse,Zukunftswerkstatt,Verwaltung,Stadtrat,Ortschaftsrat,Bürgerbeteiligung"'
    assert lists["H2:H1048576"] == '"Elbeu,Farsleben,Glindenberg,Mose,Wolmirstedt"'


def test_the_same_list_as_a_workbook_is_the_same_proposals(plan_town, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in csv.reader(io.StringIO(IDEEN.read_bytes().decode("cp1252"), newline=""), delimiter=";"):
        book.active.append(row)
    book.save(tmp_path / "ideen.xlsx")
    plan(plan_town, "proposals", "import", str(tmp_path / "ideen.xlsx"))
    stored = dump(plan_town)

    again = plan(plan_town, "proposals", "import", str(IDEEN))

    assert again.stderr == f"{IDEEN}: 30 Ideen gelesen: 0 neu, 0 geändert, 30 unverändert.\n"
    assert dump(plan_town) == stored


# --- names as people type them ------------------------------------------------------------------------


def test_kernstadt_names_the_town_and_the_new_origins_are_taken(plan_town):
    plan(plan_town, "proposals", "import", str(IDEEN))
    plan(plan_town, "measure", "add", "Ortsteil-Sprechstunde", "--origin", "ortschaftsrat", "--ortschaft", "Kernstadt")
    plan(plan_town, "measure", "add", "Beteiligungsportal", "--origin", "Buergerbeteiligung")
    typo = run("--db", str(plan_town), "plan", "measure", "add", "X", "--origin", "Ortschaftrat")

    assert [(m["origin"], m["ortschaft"]) for m in json.loads(plan(plan_town, "measure", "list", "--format",
                                                                     "json").stdout)] == [
        ("Ortschaftsrat", "Wolmirstedt"), ("Bürgerbeteiligung", None)]
    assert (typo.exit_code, typo.stderr) == (1, "Fehler: Herkunft „Ortschaftrat“ ist unbekannt; meinten Sie "
                                                "„Ortschaftsrat“?\n")
    # As a filter "Kernstadt" is the town too, and a unique start of a name is enough.
    assert [p["title"] for p in proposals(plan_town, "--ortschaft", "Kernstadt")] == [
        "Online-Terminvergabe im Bürgerbüro", "Parkausweis für Anwohner online"]
    assert {p["ortschaft"] for p in proposals(plan_town, "--ortschaft", "glinden")} == {"Glindenberg"}


@pytest.mark.parametrize(("args", "message"), [
    (("proposals", "list", "--ortschaft", "Farslebn"), "Ortschaft „Farslebn“ ist unbekannt; meinten Sie „Farsleben“?"),
    (("proposals", "list", "--lebensbereich", "&"), "Lebensbereich „&“ ist nicht eindeutig, es passt zu 7 "
     "Lebensbereichen: „Bürgerservice & Dokumente“, „Familie & Bildung“, „Wohnen & Bauen“, „Arbeit & Wirtschaft“, "
     "„Gesundheit & Soziales“, „Ordnung & Sicherheit“ und „Freizeit & Ehrenamt“; bitte genauer angeben"),
    (("measure", "list", "--state", "beschlosen"), "Stand „beschlosen“ ist unbekannt; meinten Sie „beschlossen“?"),
    (("measure", "list", "--lebensbereich", "Famile"), "Lebensbereich „Famile“ ist unbekannt; meinten Sie "
     "„Familie & Bildung“?"),
])
def test_plan_filters_refuse_unknown_and_ambiguous_names(plan_town, args, message):
    plan(plan_town, "proposals", "import", str(IDEEN))
    result = run("--db", str(plan_town), "plan", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Fehler: {message}\n")


def test_a_plan_filter_that_matches_nothing_says_so(plan_town):
    plan(plan_town, "measure", "add", "Mängelmelder", "--lebensbereich", "Mobilität")
    result = run("--db", str(plan_town), "plan", "measure", "list", "--state", "umgesetzt", "--lebensbereich", "mobil")
    assert (result.exit_code, result.stdout) == (0, "(keine)\n")
    assert result.stderr == "Hinweis: keine Maßnahme passt zu --lebensbereich „mobil“ und --state „umgesetzt“.\n"
    listed = json.loads(plan(plan_town, "measure", "list", "--lebensbereich", "mobil", "--format", "json").stdout)
    assert [m["title"] for m in listed] == ["Mängelmelder"]
