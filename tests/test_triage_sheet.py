"""The triage worksheet: export for Excel, import as Excel saves it, all rows checked, all or nothing."""

import csv
import io
import json

import pytest
from support.cli import ok, run
from support.db import dump

ANMELDUNG, ABMELDUNG, KFZ = "99115005104000", "99115005070000", "99036008007000"
HEADER = ("Schlüssel;Leistung;Typisierung;OZG-IDs;vorgeschlagene Zuständigkeit;Grund;Entscheidung;Begründung;"
          "Version")


def export(town, *filters) -> str:
    result = run("--db", str(town), "triage", "export", *filters)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def as_excel_saves(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if encoding == "utf-8-sig" else "") + out.getvalue()).encode("utf-8" if encoding == "utf-8-sig"
                                                                                 else encoding)


def history(town, key):
    rows = json.loads(run("--db", str(town), "status", "history", key, "--format", "json").stdout)
    return [(h["by"], h["changes"]["level"], h["reason"]) for h in rows]


def test_export_for_excel(town, tmp_path):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "=Meldebehörde", "--yes")
    written = run("--db", str(town), "triage", "export", "-o", str(tmp_path / "blatt.csv"), "--ozg", "10124",
                  "--ozg", "10439")
    assert (written.exit_code, written.stdout) == (0, "")
    text = (tmp_path / "blatt.csv").read_bytes().decode("utf-8")
    version = json.loads(run("--db", str(town), "status", "history", ANMELDUNG, "--format", "json").stdout)
    assert len(version) == 1
    assert text == "\ufeff" + "\r\n".join([
        HEADER,
        f"{KFZ};Kraftfahrzeug Zulassung;2/3;10439;unklar;Regel: Typisierung 2/3;;;0",
        f"{ABMELDUNG};Wohnsitz Abmeldung;2/3;10124;unklar;Regel: Typisierung 2/3;;;0",
        f"{ANMELDUNG};Wohnsitz Anmeldung;2/3;10124;unklar;Regel: Typisierung 2/3;gemeinde;'=Meldebehörde;1",
    ]) + "\r\n"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_round_trip_as_excel_saves_it(town, tmp_path, encoding):
    ok("--db", str(town), "triage", "set", ABMELDUNG, "--level", "land", "--reason", "Irrtum", "--yes")
    rows = rows_of(export(town, "--ozg", "10124", "--ozg", "10439"))
    by_key = {r[0]: r for r in rows[1:]}
    by_key[KFZ][6:8] = ["Landkreis", "Zulassungsbehörde ist der Landkreis Börde"]  # Excel keeps what people type
    by_key[ANMELDUNG][6:8] = ["gemeinde", "Meldebehörde ist die Stadt"]
    by_key[ABMELDUNG][6:8] = ["", ""]  # back to the rule
    sheet = tmp_path / "zustaendigkeit.csv"
    sheet.write_bytes(as_excel_saves(rows, encoding))

    result = run("--db", str(town), "triage", "import", str(sheet), "--yes", "--user", "FB 2")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Wolmirstedt, Stadt: 3 Leistungen geändert.\n"
    assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == [KFZ, ABMELDUNG, ANMELDUNG]
    assert history(town, KFZ) == [("FB 2", ["unklar", "landkreis"], "Zulassungsbehörde ist der Landkreis Börde")]
    assert history(town, ABMELDUNG) == [("it-officer", ["unklar", "land"], "Irrtum"),
                                        ("FB 2", ["land", "unklar"], "zurück zur Regel")]
    assert history(town, ANMELDUNG) == [("FB 2", ["unklar", "gemeinde"], "Meldebehörde ist die Stadt")]

    # The same sheet again changes nothing (every row matches what is stored now).
    again = run("--db", str(town), "triage", "import", str(sheet))
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == "Wolmirstedt, Stadt: 0 Leistungen geändert.\n"


def test_bad_rows_are_each_named_by_their_excel_row_and_nothing_changes(town, tmp_path):
    rows = rows_of(export(town, "--ozg", "10124", "--ozg", "10439", "--ozg", "10294"))
    rows[1][6:8] = ["unklar", "weiß nicht"]
    rows[2][6:8] = ["gemeinde", ""]
    rows[3][6:8] = ["", "nur eine Begründung"]
    rows[4][6:8] = ["Kommune", "x"]
    rows[5][0] = "99999999999999"
    rows[6][0] = "9,91E+13"
    rows[7][6:8] = ["gemeinde", "gut"]  # a good row: still nothing is applied
    rows.append(list(rows[7]))
    sheet = tmp_path / "zustaendigkeit.csv"
    sheet.write_bytes(as_excel_saves(rows, "cp1252"))
    before = dump(town)

    result = run("--db", str(town), "triage", "import", str(sheet), "--yes")

    assert result.exit_code == 1 and result.stdout == ""
    keys = [r[0] for r in rows]
    assert result.stderr.splitlines() == [
        f"Fehler: Zeile 2: {keys[1]}: „unklar“ ist keine Entscheidung; leeren Sie die Zelle Entscheidung, dann gilt die "
        "Regel",
        f"Fehler: Zeile 3: {keys[2]}: die Entscheidung gemeinde braucht eine Begründung",
        f"Fehler: Zeile 4: {keys[3]}: Begründung ohne Entscheidung; tragen Sie die Zuständigkeit ein oder leeren Sie "
        "die Begründung (dann gilt die Regel)",
        f"Fehler: Zeile 5: {keys[4]}: Entscheidung 'Kommune' ist keine Zuständigkeit (gemeinde, landkreis, land, bund)",
        "Fehler: Zeile 6: unbekannter LeiKa-Schlüssel 99999999999999",
        "Fehler: Zeile 7: der Schlüssel '9,91E+13' wurde (von Excel?) in eine Zahl verwandelt; Schlüssel sind 14-stelliger "
        "Text",
        f"Fehler: Zeile 10: {keys[7]} steht zweimal im Blatt (zuerst in Zeile 8)",
        f"Fehler: {sheet}: 7 Zeilen sind fehlerhaft; nichts wurde geändert",
    ]
    assert dump(town) == before


def test_several_changes_need_yes_off_a_terminal_and_dry_run_writes_nothing(town, tmp_path):
    rows = rows_of(export(town, "--ozg", "10124"))
    for row in rows[1:]:
        row[6:8] = ["gemeinde", "Meldebehörde"]
    sheet = tmp_path / "zustaendigkeit.csv"
    sheet.write_bytes(as_excel_saves(rows, "utf-8-sig"))
    before = dump(town)
    refused = run("--db", str(town), "triage", "import", str(sheet))
    assert refused.exit_code == 1 and len(refused.stdout.splitlines()) == 4 and "bestätigen Sie mit --yes" in refused.stderr
    dry = run("--db", str(town), "triage", "import", str(sheet), "--dry-run")
    assert dry.exit_code == 0 and dry.stdout == refused.stdout
    assert dump(town) == before


def test_a_row_changed_after_the_export_is_a_conflict(town, tmp_path):
    rows = rows_of(export(town, "--ozg", "10124"))
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "landkreis", "--reason", "später entschieden", "--yes")
    for row in rows[1:]:
        row[6:8] = ["gemeinde", "Meldebehörde"]
    sheet = tmp_path / "zustaendigkeit.csv"
    sheet.write_bytes(as_excel_saves(rows, "cp1252"))

    result = run("--db", str(town), "triage", "import", str(sheet))

    assert result.exit_code == 0 and [line.split()[0] for line in result.stdout.splitlines()[2:]] == [ABMELDUNG]
    warning = result.stderr.splitlines()[-1]
    assert warning.startswith(f"Warnung: Zeile 3: {ANMELDUNG} wurde nach dem Export geändert (")
    assert warning.endswith("von it-officer); nicht übernommen")
    assert history(town, ANMELDUNG)[-1][2] == "später entschieden"
    forced = run("--db", str(town), "triage", "import", str(sheet), "--force")
    assert forced.exit_code == 0 and history(town, ANMELDUNG)[-1][2] == "Meldebehörde"


@pytest.mark.parametrize("edit", ["no Version column", "Version too high"])
def test_a_sheet_whose_version_cannot_protect_is_a_conflict(town, tmp_path, edit):
    # Without its Version column, or with one typed above the database's, the sheet would silently undo the
    # decision made after its export (or one it never saw): both are conflicts, listed and left out.
    rows = rows_of(export(town, "--ozg", "10124"))
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "landkreis", "--reason", "später entschieden", "--yes")
    for row in rows[1:]:
        row[6:8] = ["gemeinde", "Meldebehörde"]
        if edit == "Version too high":
            row[8] = "999999"
    if edit == "no Version column":
        rows = [row[:8] for row in rows]
    sheet = tmp_path / "zustaendigkeit.csv"
    sheet.write_bytes(as_excel_saves(rows, "cp1252"))
    before = dump(town)

    result = run("--db", str(town), "triage", "import", str(sheet), "--yes")

    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warnung: ")]
    assert [w.split(":")[1].strip() for w in warnings] == ["Zeile 2", "Zeile 3"]
    reason = {"no Version column": ": das Blatt hat keine Spalte Version, daher ist nicht zu erkennen, ob jemand die "
                                   "Leistung nach dem Export geändert hat (",
              "Version too high": ": die Version 999999 im Blatt ist höher als die in der Datenbank ("}[edit]
    assert all(reason in w and w.endswith("; nicht übernommen") for w in warnings), warnings
    assert dump(town) == before
    forced = run("--db", str(town), "triage", "import", str(sheet), "--yes", "--force")
    assert forced.exit_code == 0 and history(town, ANMELDUNG)[-1][2] == "Meldebehörde"


def test_a_status_worksheet_is_not_a_triage_worksheet(town, tmp_path):
    sheet = tmp_path / "reifegrad.csv"
    sheet.write_text(run("--db", str(town), "status", "export").stdout, encoding="utf-8")
    result = run("--db", str(town), "triage", "import", str(sheet))
    assert (result.exit_code, result.stderr) == (1, (
        f"Fehler: {sheet} ist kein Zuständigkeits-Arbeitsblatt: die Spalte Entscheidung fehlt (erstellen Sie es mit "
        "`ozgtrack triage export`)\n"))
