"""The worksheet round trip: export for Excel, edit as Excel or LibreOffice saves, import back."""

import codecs
import csv
import io
import json
import re

import pytest
from support.cli import ok, run
from support.db import dump

ANMELDUNG, ABMELDUNG, PERSO, KFZ = "99115005104000", "99115005070000", "99008001012000", "99036008007000"
HOSTILE = '=HYPERLINK("http://evil.example","klick") <script>alert(1)</script> | Straße'


def read_sheet(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    return rows[0], rows[1:]


def write_sheet(path, header, rows, *, encoding="cp1252", delimiter=";", bom=False):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    data = out.getvalue().encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


def edit(rows, header, key, **cells):
    for row in rows:
        if row[0] == key:
            for title, value in cells.items():
                row[header.index(title.replace("_", " "))] = value


@pytest.fixture(autouse=True)
def rgm1(monkeypatch):
    """These sheets leave the Reifegradmodell column empty and mean Reifegradmodell 1.1 (stages 0-4)."""
    monkeypatch.setenv("OZGTRACK_MATURITY_MODEL", "rgm1")


@pytest.fixture
def answered(town, tmp_path):
    """The fixture town with two decisions and statuses from a first worksheet (fixed dates)."""
    ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "triage", "set", KFZ, "--level", "landkreis", "--reason", "Zulassungsbehörde Landkreis", "--yes")
    header, rows = read_sheet(ok("--db", str(town), "status", "export", "--undecided").stdout)
    edit(rows, header, ANMELDUNG, Reifegrad="3", Portal="Landesportal", Notiz=HOSTILE, **{
        "Online-Link": "https://wolmirstedt.example/anmelden", "Fachbereich": "FB 2", "Geprüft am": "2026-10-01",
        "Geprüft von": "FB 2"})
    edit(rows, header, ABMELDUNG, Reifegrad="1", Fachbereich="FB 2", **{"Geplant bis": "2027-Q2"})
    ok("--db", str(town), "status", "import", str(write_sheet(tmp_path / "first.csv", header, rows)), "--yes")
    return town


def test_export_golden(answered, golden):
    text = run("--db", str(answered), "status", "export", "--undecided").stdout_bytes.decode("utf-8")
    stamps = set(re.findall(r";(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)\r\n", text))
    assert len(stamps) == 1, stamps  # every row carries the one export time
    golden("status_export.csv", text.replace(stamps.pop(), "EXPORTZEIT"))
    assert text.startswith("\ufeffLeiKa-Schlüssel;Leistung;")
    assert "\r\n" in text and KFZ not in text  # the Landkreis' service is not the town's worksheet


def test_export_neutralises_formulas_and_keeps_text(answered):
    header, rows = read_sheet(run("--db", str(answered), "status", "export", "--undecided").stdout)
    note = next(r for r in rows if r[0] == ANMELDUNG)[header.index("Notiz")]
    assert note == "'" + HOSTILE


def test_export_to_file_and_by_department(answered, tmp_path):
    target = tmp_path / "fb2.csv"
    result = run("--db", str(answered), "status", "export", "--undecided", "-o", str(target), "--department", "FB 2")
    assert result.stderr == f"geschrieben: {target}\n"
    header, rows = read_sheet(target.read_bytes().decode("utf-8"))
    assert [r[0] for r in rows] == [ABMELDUNG, ANMELDUNG]


@pytest.mark.parametrize(("encoding", "delimiter", "bom"), [
    ("cp1252", ";", False),  # Excel "CSV (Trennzeichen-getrennt)"
    ("utf-8", ";", True),  # Excel "CSV UTF-8"
    ("utf-8", ",", False),  # LibreOffice with comma
    ("utf-8", ",", True),
])
def test_round_trip_gives_exactly_the_edits(answered, tmp_path, encoding, delimiter, bom):
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    edit(rows, header, ANMELDUNG, Reifegrad="4", **{"Geprüft am": "25.11.2026"})
    edit(rows, header, PERSO, Zuständigkeit="gemeinde", Reifegrad="1", Fachbereich="FB 2 Bürgerservice", **{
        "Begründung Zuständigkeit": "Ausweisbehörde ist die Stadt"})
    sheet = write_sheet(tmp_path / "edited.csv", header, rows, encoding=encoding, delimiter=delimiter, bom=bom)

    result = run("--db", str(answered), "status", "import", str(sheet), "--user", "Frau M.", "--yes")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{sheet}: 2 Status und 1 Zuständigkeit geändert.\n"
    anmeldung = json.loads(run("--db", str(answered), "status", "history", ANMELDUNG, "--format", "json").stdout)
    assert (anmeldung[-1]["by"], anmeldung[-1]["changes"], anmeldung[-1]["reason"]) == (
        "Frau M.", {"stage": [3, 4], "verified_at": ["2026-10-01", "2026-11-25"]}, f"Arbeitsblatt {sheet}")
    perso = json.loads(run("--db", str(answered), "status", "history", PERSO, "--format", "json").stdout)
    assert [(h["action"], h["changes"]) for h in perso] == [
        ("triage", {"level": ["unklar", "gemeinde"], "reason": ["Regel: Typisierung 2/3", "Ausweisbehörde ist die Stadt"]}),
        ("status", {"model": [None, "rgm1"], "stage": [None, 1], "department": [None, "FB 2 Bürgerservice"]})]


def test_unchanged_sheet_changes_nothing(answered, tmp_path):
    sheet = tmp_path / "same.csv"
    sheet.write_text(ok("--db", str(answered), "status", "export", "--undecided").stdout, encoding="utf-8", newline="")
    before = dump(answered)
    result = run("--db", str(answered), "status", "import", str(sheet), "--yes")
    assert result.stderr == f"{sheet}: 0 Status und 0 Zuständigkeiten geändert.\n"
    assert dump(answered) == before


def test_dry_run_shows_and_writes_nothing(answered, tmp_path):
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    edit(rows, header, ABMELDUNG, Reifegrad="2")
    before = dump(answered)
    result = run("--db", str(answered), "status", "import", str(write_sheet(tmp_path / "s.csv", header, rows)),
                 "--dry-run")
    assert "Reifegrad: 1 → 2" in result.stdout and "würden geändert (Probelauf, nichts gespeichert)" in result.stderr
    assert dump(answered) == before


def test_any_invalid_row_changes_nothing_and_each_is_named(answered, tmp_path):
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    edit(rows, header, ABMELDUNG, Reifegrad="2")  # a valid edit that must not land either
    edit(rows, header, ANMELDUNG, Reifegrad="7")
    edit(rows, header, PERSO, **{"Online-Link": "keine Ahnung"})
    edit(rows, header, "99115004000000", **{"Geplant bis": "irgendwann"})
    edit(rows, header, "99012008001000", Zuständigkeit="landkreis")
    line = {row[0]: number for number, row in enumerate(rows, start=2)}
    rows.append(["99999999999999"] + [""] * (len(header) - 1))
    rows.append(list(next(r for r in rows if r[0] == ABMELDUNG)))
    rows.append(["9,91E+13"] + [""] * (len(header) - 1))
    before = dump(answered)

    result = run("--db", str(answered), "status", "import", str(write_sheet(tmp_path / "bad.csv", header, rows)), "--yes")

    errors = [e for e in result.stderr.splitlines() if e.startswith("Fehler: Zeile ")]
    assert errors == sorted([
        f"Fehler: Zeile {line['99012008001000']}: 99012008001000: Zuständigkeit auf landkreis geändert, aber ohne neue Begründung "
        "(Spalte „Begründung Zuständigkeit“)",
        f"Fehler: Zeile {line[PERSO]}: die URL 'keine Ahnung' ist keine http(s)-Adresse",
        f"Fehler: Zeile {line['99115004000000']}: der Termin 'irgendwann' ist weder ein Datum (30.06.2027, 2027-06-30), ein Quartal (2027-Q2) noch ein Jahr (2027)",
        f"Fehler: Zeile {line[ANMELDUNG]}: {ANMELDUNG}: Reifegrad 7 gibt es im Reifegradmodell 1.1 nicht (0–4)",
        f"Fehler: Zeile {len(rows) - 1}: den LeiKa-Schlüssel 99999999999999 gibt es im Katalog nicht",
        f"Fehler: Zeile {len(rows)}: {ABMELDUNG} steht zweimal im Blatt (zuerst in Zeile {line[ABMELDUNG]})",
        f"Fehler: Zeile {len(rows) + 1}: der Schlüssel '9,91E+13' wurde (von Excel?) in eine Zahl verwandelt; Schlüssel sind 14-stelliger Text",
    ], key=lambda e: int(e.split()[2].rstrip(":")))
    assert result.exit_code == 1 and result.stderr.endswith("7 Zeilen sind fehlerhaft; nichts wurde geändert\n")
    assert dump(answered) == before


def test_sheet_without_key_column(answered, tmp_path):
    sheet = tmp_path / "x.csv"
    sheet.write_text("Leistung;Reifegrad\nWohnsitz;3\n", encoding="utf-8")
    result = run("--db", str(answered), "status", "import", str(sheet), "--yes")
    assert result.exit_code == 1 and "fehlt die Spalte 'LeiKa-Schlüssel'" in result.stderr


# --- worksheets never overwrite newer work -----------------------------------------------------


def stage_of(db, key):
    return json.loads(run("--db", str(db), "status", "show", key, "--format", "json").stdout)[0]["stage"]


def test_sheet_older_than_a_change_does_not_revert_it(answered, tmp_path):
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    ok("--db", str(answered), "status", "set", ABMELDUNG, "--stage", "2", "--user", "Kollegin")
    edit(rows, header, ANMELDUNG, Reifegrad="4")  # an edit of an untouched service still lands
    sheet = write_sheet(tmp_path / "old.csv", header, rows)

    result = run("--db", str(answered), "status", "import", str(sheet), "--yes")

    assert result.exit_code == 0, result.stderr
    line = next(n for n, row in enumerate(rows, start=2) if row[0] == ABMELDUNG)
    assert result.stderr.splitlines()[0].startswith(
        f"Warnung: Zeile {line}: {ABMELDUNG} wurde nach dem Export geändert (")
    assert result.stderr.splitlines()[0].endswith(" von Kollegin); nicht übernommen")
    assert f"{sheet}: 1 Zeile ausgelassen, weil ihre Leistung nach dem Export geändert wurde" in result.stderr
    assert f"{sheet}: 1 Status und 0 Zuständigkeiten geändert." in result.stderr
    assert (stage_of(answered, ABMELDUNG), stage_of(answered, ANMELDUNG)) == (2, 4)


def test_force_applies_the_stale_row(answered, tmp_path):
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    ok("--db", str(answered), "status", "set", ABMELDUNG, "--stage", "2")
    sheet = write_sheet(tmp_path / "old.csv", header, rows)
    result = run("--db", str(answered), "status", "import", str(sheet), "--force", "--yes")
    assert result.exit_code == 0 and "nicht übernommen" not in result.stderr
    assert stage_of(answered, ABMELDUNG) == 1


def test_a_new_sheet_after_the_change_has_no_conflict(answered, tmp_path):
    ok("--db", str(answered), "status", "set", ABMELDUNG, "--stage", "2")
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    edit(rows, header, ABMELDUNG, Reifegrad="3")
    result = run("--db", str(answered), "status", "import", str(write_sheet(tmp_path / "new.csv", header, rows)), "--yes")
    assert result.stderr.endswith("1 Status und 0 Zuständigkeiten geändert.\n") and "Warnung" not in result.stderr
    assert stage_of(answered, ABMELDUNG) == 3


def test_sheet_without_version_column_changes_nothing_unless_forced(answered, tmp_path):
    # Without its Version column a sheet cannot tell a colleague's later change from its own: every row that
    # would change something is a conflict, listed and left out (it used to be applied with a mere warning).
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    ok("--db", str(answered), "status", "set", ANMELDUNG, "--stage", "4", "--user", "Kollegin")
    keep = [i for i, title in enumerate(header) if title not in ("Version", "Exportiert am")]
    edit(rows, header, PERSO, Reifegrad="1")
    sheet = write_sheet(tmp_path / "v1.csv", [header[i] for i in keep], [[r[i] for i in keep] for r in rows])
    before = dump(answered)

    result = run("--db", str(answered), "status", "import", str(sheet), "--yes")

    assert result.exit_code == 0, result.stderr
    lines = {n: row[0] for n, row in enumerate(rows, start=2) if row[0] in (ANMELDUNG, PERSO)}
    warned = [line for line in result.stderr.splitlines() if line.startswith("Warnung: ")]
    assert [w.split(":")[1].strip() for w in warned] == [f"Zeile {n}" for n in sorted(lines)]
    assert all(": das Blatt hat keine Spalte Version, daher ist nicht zu erkennen, ob jemand die Leistung nach dem "
               "Export geändert hat (" in w and w.endswith("; nicht übernommen") for w in warned)
    assert any("(zuletzt geändert " in w and " von Kollegin)" in w for w in warned)
    assert f"{sheet}: 2 Zeilen ausgelassen, weil ihre Version fehlt oder nicht zum Stand der Datenbank passt; " \
           "exportieren Sie ein neues Blatt oder übernehmen Sie sie trotzdem mit --force." in result.stderr
    assert dump(answered) == before

    forced = run("--db", str(answered), "status", "import", str(sheet), "--force", "--yes")

    assert forced.exit_code == 0 and "hat keine Spalte Version (ein altes Arbeitsblatt?)" in forced.stderr
    assert (stage_of(answered, PERSO), stage_of(answered, ANMELDUNG)) == (1, 3)


def test_a_version_higher_than_the_database_has_is_a_conflict(answered, tmp_path):
    # A Version typed higher than the real one would pass the "older?" check and override a colleague's change;
    # it cannot have been read from this database, so it is a conflict too.
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    ok("--db", str(answered), "status", "set", ABMELDUNG, "--stage", "2", "--user", "Kollegin")
    now = json.loads(ok("--db", str(answered), "status", "show", ABMELDUNG, "--format", "json").stdout)[0]
    edit(rows, header, ABMELDUNG, Reifegrad="4", Version="999999")
    sheet = write_sheet(tmp_path / "hoch.csv", header, rows)
    before = dump(answered)

    result = run("--db", str(answered), "status", "import", str(sheet), "--yes")

    line = next(n for n, row in enumerate(rows, start=2) if row[0] == ABMELDUNG)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith(
        f"Warnung: Zeile {line}: {ABMELDUNG}: die Version 999999 im Blatt ist höher als die in der Datenbank (")
    assert result.stderr.splitlines()[0].endswith(
        "); sie kann nicht aus einem Export dieser Datenbank stammen (von Hand geändert oder aus einer anderen "
        "Datenbank?); nicht übernommen")
    assert f"{sheet}: 1 Zeile ausgelassen, weil ihre Version fehlt oder nicht zum Stand der Datenbank passt" \
        in result.stderr
    assert dump(answered) == before and now["stage"] == 2

    forced = run("--db", str(answered), "status", "import", str(sheet), "--force", "--yes")
    assert forced.exit_code == 0 and stage_of(answered, ABMELDUNG) == 4


def test_catalogue_file_is_not_a_worksheet(answered):
    from ozgtrack.resources import catalog_file

    before = dump(answered)
    for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
        result = run("--db", str(answered), "status", "import", str(catalog_file(f"demo/{name}")), "--yes")
        assert result.exit_code == 1
        assert "ist kein Status-Arbeitsblatt: es hat keine der Spalten Zuständigkeit, " in result.stderr
    assert dump(answered) == before


def test_missing_file_and_folder_exit_1(answered, tmp_path):
    before = dump(answered)
    missing = run("--db", str(answered), "status", "import", str(tmp_path / "nope.csv"), "--yes")
    folder = run("--db", str(answered), "status", "import", str(tmp_path), "--yes")
    assert (missing.exit_code, folder.exit_code) == (1, 1)
    assert missing.stderr == f"Fehler: die Datei {tmp_path / 'nope.csv'} gibt es nicht; prüfen Sie den Pfad\n"
    assert folder.stderr == f"Fehler: {tmp_path} ist ein Ordner, keine Datei; geben Sie eine Datei darin an\n"
    assert dump(answered) == before


def test_round_trip_is_idempotent_with_whitespace_in_by(answered, tmp_path):
    by = "Frau\tM.\nFB 2"
    ok("--db", str(answered), "status", "set", PERSO, "--stage", "2", "--verified", "--user", by)
    sheet = tmp_path / "same.csv"
    sheet.write_text(ok("--db", str(answered), "status", "export", "--undecided").stdout, encoding="utf-8", newline="")
    before = dump(answered)
    result = run("--db", str(answered), "status", "import", str(sheet), "--user", by, "--yes")
    assert result.stderr == f"{sheet}: 0 Status und 0 Zuständigkeiten geändert.\n"
    assert dump(answered) == before
    history = json.loads(run("--db", str(answered), "status", "history", PERSO, "--format", "json").stdout)
    assert history[-1]["by"] == "Frau M. FB 2"


def test_a_row_that_departs_from_its_online_service_is_refused_naming_it(answered, tmp_path):
    """A worksheet has no place for the reason a deviation needs: the row is refused, the sheet changes nothing."""
    ok("--db", str(answered), "online", "add", "Wohnsitz anmelden", "--url", "https://efa.example/wohnsitz",
       "--delivery", "efa", "--covers", ANMELDUNG, "--stage", "3", "--model", "rgm1", "--yes")
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    unchanged = write_sheet(tmp_path / "same.csv", header, [list(r) for r in rows])
    edit(rows, header, ANMELDUNG, Reifegrad="4")
    edit(rows, header, ABMELDUNG, Reifegrad="2")
    line = {row[0]: number for number, row in enumerate(rows, start=2)}
    before = dump(answered)

    result = run("--db", str(answered), "status", "import", str(write_sheet(tmp_path / "s.csv", header, rows)), "--yes")

    assert result.exit_code == 1 and dump(answered) == before
    assert (f"Fehler: Zeile {line[ANMELDUNG]}: {ANMELDUNG}: der Stand kommt über Onlinedienst O-001 Wohnsitz "
            "anmelden; Reifegrad, Modell, URL und Fachbereich bitte dort ändern (`ozgtrack online set O-001`), oder "
            "als begründete Abweichung mit `ozgtrack status set … --reason`") in result.stderr
    assert "1 Zeile ist fehlerhaft; nichts wurde geändert" in result.stderr
    # The sheet as exported (the derived values as they are) imports without a word about the online service.
    assert "Onlinedienst" not in ok("--db", str(answered), "status", "import", str(unchanged), "--yes").stderr


def test_a_department_the_online_service_does_not_name_is_the_sheets_to_set(answered, tmp_path):
    ok("--db", str(answered), "online", "add", "Wohnsitz anmelden", "--url", "https://efa.example/wohnsitz",
       "--delivery", "efa", "--covers", ANMELDUNG, "--stage", "3", "--model", "rgm1", "--yes")
    header, rows = read_sheet(ok("--db", str(answered), "status", "export", "--undecided").stdout)
    edit(rows, header, ANMELDUNG, Fachbereich="FB 3 Ordnung")

    ok("--db", str(answered), "status", "import", str(write_sheet(tmp_path / "s.csv", header, rows)), "--yes")

    shown = json.loads(ok("--db", str(answered), "status", "show", ANMELDUNG, "--format", "json").stdout)
    assert shown[0]["department"] == "FB 3 Ordnung" and shown[0]["stage"] == 3
