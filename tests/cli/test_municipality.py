"""`ozgtrack municipality`: the ARS list, the town in use."""

import json
import pytest
from support.cli import ok, run
from support.data import SHARED_DATA
from support.db import connect, dump

ARS_CSV = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"


@pytest.fixture
def ars_csv():
    if not ARS_CSV.is_file():
        pytest.skip(f"real data not available: {ARS_CSV} is missing")
    return ARS_CSV


def test_import_the_real_list(empty_db, ars_csv):
    lines = ars_csv.read_text(encoding="utf-8").splitlines()[1:]

    first = run("--db", str(empty_db), "municipality", "import", str(ars_csv))
    again = run("--db", str(empty_db), "municipality", "import", str(ars_csv))

    count = f"{len(lines):,}".replace(",", ".")  # 11.243
    assert first.stderr == (f"Warnung: neue Datenbank angelegt: {empty_db}\n"
                            f"{ars_csv} eingelesen: {count} neu, 0 geändert, 0 unverändert.\n")
    assert again.stderr == f"{ars_csv} eingelesen: 0 neu, 0 geändert, {count} unverändert.\n"
    row = connect(empty_db).execute(
        "SELECT ars, ags, name, land, kreis_ars FROM municipality WHERE ars = '150830565565'").fetchone()
    assert row == ("150830565565", "15083565", "Wolmirstedt, Stadt", "15", "150830000000")


def test_use_by_name_writes_the_config_and_shows_it(db, ars_csv, isolated_env):
    ok("--db", str(db), "municipality", "import", str(ars_csv))

    chosen = run("--db", str(db), "municipality", "use", "Wolmirstedt")
    shown = run("--db", str(db), "municipality", "use")

    config = isolated_env / "config" / "ozgtrack" / "config.toml"
    assert chosen.exit_code == 0
    assert chosen.stderr == f"Gewählt: Wolmirstedt, Stadt (ARS 150830565565); gespeichert in {config}.\n"
    assert config.read_text(encoding="utf-8") == 'municipality = "150830565565"\n'
    assert shown.stdout == "150830565565\tWolmirstedt, Stadt\n"


def test_use_keeps_the_rest_of_the_config_file(db, tmp_path):
    from ozgtrack.resources import catalog_file

    config = tmp_path / "config.toml"
    config.write_text("# Wolmirstedt\n[http]\ntimeout = 60  # slow line\n", encoding="utf-8")
    ok("--db", str(db), "municipality", "import", str(catalog_file("demo/gemeinden.csv")))

    assert run("--db", str(db), "--config", str(config), "municipality", "use", "150830040040").exit_code == 0

    assert config.read_text(encoding="utf-8") == (
        '# Wolmirstedt\nmunicipality = "150830040040"\n\n[http]\ntimeout = 60  # slow line\n')


@pytest.mark.parametrize(("text", "message"), [
    ("Neuenkirchen", "'Neuenkirchen' passt auf "),
    ("Atlantis", "keine Gemeinde namens 'Atlantis'; suchen Sie mit `ozgtrack municipality list --search NAME`"),
    ("999999999999", "keine Gemeinde mit dem ARS oder AGS 999999999999"),
])
def test_use_needs_a_unique_match(db, ars_csv, text, message):
    ok("--db", str(db), "municipality", "import", str(ars_csv))
    result = run("--db", str(db), "municipality", "use", text)
    assert result.exit_code == 1 and message in result.stderr


def test_use_before_import_says_what_to_do(empty_db):
    result = run("--db", str(empty_db), "municipality", "use", "Wolmirstedt")
    assert result.stderr == (f"Warnung: neue Datenbank angelegt: {empty_db}\n"
                             "Fehler: keine Gemeinde namens 'Wolmirstedt': noch keine Gemeinden importiert; zuerst "
                             "`ozgtrack municipality import DATEI` ausführen\n")


def test_list_by_land_and_name(db, ars_csv):
    ok("--db", str(db), "municipality", "import", str(ars_csv))
    found = json.loads(run("--db", str(db), "municipality", "list", "--land", "15", "--search", "börde",
                           "--format", "json").stdout)
    import csv

    with ars_csv.open(encoding="utf-8") as f:
        expected = [r["ars"] for r in csv.DictReader(f) if r["land"] == "15" and "börde" in r["bezeichnung"].lower()]
    assert [m["ars"] for m in found] == sorted(expected) and "150830298298" in expected


def test_bad_lists_are_refused_and_change_nothing(db, tmp_path):
    ok("--db", str(db), "catalog", "releases")
    before = dump(db)
    bad = tmp_path / "bad.csv"
    bad.write_text("ars,bezeichnung,land,ags\n15083056556,Kurz,15,\n150830565565,Wolmirstedt,14,\n", encoding="utf-8")

    result = run("--db", str(db), "municipality", "import", str(bad))

    assert result.exit_code == 1
    assert "2 von 2 Zeilen sind ungültig, das ist also kein Gemeindeverzeichnis" in result.stderr and "Zeile 2: der ARS '15083056556' hat nicht 12 Ziffern" in result.stderr
    assert "Zeile 3: das Land 14 gehört nicht zum ARS 150830565565 (erwartet: 15)" in result.stderr
    assert dump(db) == before


@pytest.mark.parametrize(("line", "message"), [
    ("150830565565,Wolmirstedt, Stadt,,15,15083565", "Zeile 3: 6 Zellen statt 5 wie die Kopfzeile (ein „,“ im Text "
                                                     "ohne Anführungszeichen?); die Werte stünden in den falschen Spalten"),
    ("150830565565", "Zeile 3: 1 Zelle statt 5 wie die Kopfzeile (fehlt ein „,“ oder ist die Zeile abgeschnitten?); "
                     "die Werte stünden in den falschen Spalten"),
    ("150830565565,,,15,15083565", "Zeile 3: die Bezeichnung der Gemeinde ist leer (eine Zeile nur mit ARS?)"),
], ids=["a name with an unquoted comma", "only the ARS", "an empty name"])
def test_a_row_that_does_not_fit_renames_no_municipality(db, tmp_path, line, message):
    head = "ars,bezeichnung,hinweis,land,ags\n150830000000,Börde,,15,15083000\n"
    first = tmp_path / "first.csv"
    first.write_text(head + '150830565565,"Wolmirstedt, Stadt",,15,15083565\n', encoding="utf-8")
    ok("--db", str(db), "municipality", "import", str(first))
    before = dump(db)
    bad = tmp_path / "bad.csv"
    bad.write_text(head + line + "\n", encoding="utf-8")

    result = run("--db", str(db), "municipality", "import", str(bad))

    assert (result.exit_code, result.stderr) == (1, (
        f"Fehler: {bad}: 1 von 2 Zeilen ist ungültig, das ist also kein Gemeindeverzeichnis (ARS); nichts wurde "
        f"geändert. Die ersten Probleme: {message}\n"))
    assert dump(db) == before
