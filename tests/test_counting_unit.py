"""The counting unit: a Leistungsobjekt with Verrichtungen is a grouping, one without them is the service."""

import csv
import io
import json

import pytest
from support.catalogue import leika_csv
from support.cli import ok, run
from support.data import SHARED_DATA
from support.db import connect, dump, independent_services, independent_totals

from ozgtrack.resources import catalog_file

A, A1, A2 = "99990001000000", "99990001001000", "99990001002000"  # an LO with two Verrichtungen
B = "99990002000000"  # an LO without Verrichtungen: the service itself
C, C1 = "99990003000000", "99990003001000"  # an LO whose only Verrichtung a later release withdraws
NAMES = {A: "Testobjekt A", A1: "Testobjekt A Erteilung", A2: "Testobjekt A Verlängerung", B: "Testobjekt B",
         C: "Testobjekt C", C1: "Testobjekt C Erteilung"}
OZG_ID = "99901"
COUNTING = ("Zähleinheit: die LeiKa-Leistung (Verrichtung); ein Leistungsobjekt mit Verrichtungen ist eine "
            "Gruppierung und zählt nicht selbst, ein Leistungsobjekt ohne Verrichtungen zählt als Leistung.")


def leika_file(path, keys):
    rows = [{"Schluessel": k, "Bezeichnung": NAMES[k], "Typ": "5", "Leistungsgruppierung": k[2:5],
             "Leistungskennung": k[5:8], "Verrichtung": k[8:11], "Verrichtungsdetail": k[11:]} for k in keys]
    path.write_bytes(leika_csv(rows))
    return path


def ozg_file(path, keys):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Themenfeld", "Lebenslage", "OZG-ID", "OZG-Leistung", "LeiKa-Bezeichnung", "LeiKa-Schlüssel",
                     "Typ", "Rechtsgrundlage"])
    writer.writerows(["Querschnitt", "Querschnitt Bürger", OZG_ID, "Testleistung", NAMES[k], k, "5", ""] for k in keys)
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


@pytest.fixture
def small(tmp_path, db, monkeypatch):
    """A catalogue of three Leistungsobjekte (A with Verrichtungen, B without, C with one), Wolmirstedt in use."""
    ok("--db", str(db), "catalog", "sync", "--from", str(leika_file(tmp_path / "leika.csv", NAMES)))
    ok("--db", str(db), "catalog", "sync", "--from", str(ozg_file(tmp_path / "ozg.csv", [A, A1, A2, B])))
    ok("--db", str(db), "municipality", "import", str(catalog_file("demo/gemeinden.csv")))
    monkeypatch.setenv("OZGTRACK_ARS", "150830565565")
    monkeypatch.setenv("OZGTRACK_USER", "test")
    return db


def gap_keys(db):
    data = json.loads(ok("--db", str(db), "report", "gaps", "--by", "service", "--format", "json").stdout)
    return [s["key"] for s in data["services"]], data


def test_an_lo_with_verrichtungen_is_no_service_one_without_is(small, tmp_path):
    keys, data = gap_keys(small)
    assert keys == [A1, A2, B, C1]
    assert (data["totals"]["applicable"], data["groupings"]) == (4, 2)
    assert independent_services(small) == 4 and independent_services(small, counting_unit=False) == 6

    listed = ok("--db", str(small), "status", "list", "--format", "json")
    assert [v["key"] for v in json.loads(listed.stdout)] == [A1, A2, B, C1] and listed.stderr == ""
    ok("--db", str(small), "status", "export", "-o", str(tmp_path / "sheet.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "sheet.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [A1, A2, B, C1]

    # C's only Verrichtung withdrawn: C is the service now, counted as one.
    ok("--db", str(small), "catalog", "sync", "--from", str(leika_file(tmp_path / "leika2.csv", [A, A1, A2, B, C])))
    keys, data = gap_keys(small)
    assert keys == [A1, A2, B, C] and data["groupings"] == 1
    assert independent_totals(small) == (4, 0)


def test_a_status_on_a_grouping_is_kept_shown_apart_and_not_counted(small):
    result = run("--db", str(small), "status", "set", A, "--stage", "4")
    assert result.exit_code == 0
    assert result.stderr == (f"Hinweis: {A} ist ein Leistungsobjekt mit Verrichtungen, eine Gruppierung; sein Status "
                             "zählt nicht als Leistung. Bitte den Status bei den Verrichtungen erfassen.\n"
                             "Wolmirstedt, Stadt: 1 Leistung geändert.\n")
    note = (f"Status auf Leistungsobjekt-Ebene: 1 ({A} Testobjekt A), gilt nicht als Leistung; bitte bei den "
            "Verrichtungen erfassen.")
    table = ok("--db", str(small), "report", "gaps").stdout.splitlines()
    assert table[3] == f"{COUNTING} Nicht gezählt: 2 Leistungsobjekte mit Verrichtungen. {note}"
    assert table[6].startswith("Eigene LeiKa-Leistungen: 4 · online: 0 (0 %)")  # stage 4 on A counts nowhere
    _, data = gap_keys(small)
    assert data["grouping_statuses"] == [{"key": A, "name": "Testobjekt A", "stage": 4}]

    listed = ok("--db", str(small), "status", "list", "--format", "json")
    assert [v["key"] for v in json.loads(listed.stdout)] == [A1, A2, B, C1]
    assert listed.stderr == (f"Hinweis: {note} Nicht aufgeführt; anzeigen mit --groupings oder "
                             "`ozgtrack status show KEY`.\n")
    every = ok("--db", str(small), "status", "list", "--groupings", "--format", "json")
    assert [(v["key"], v["stage"]) for v in json.loads(every.stdout)] == [
        (A, 4), (A1, None), (A2, None), (B, None), (C, None), (C1, None)]
    shown = ok("--db", str(small), "status", "show", A, "--format", "json")
    assert [(v["key"], v["stage"]) for v in json.loads(shown.stdout)] == [(A, 4)]


def test_status_set_on_an_ozg_leistung_leaves_its_groupings_alone(small):
    ok("--db", str(small), "status", "set", A, "--stage", "1")
    before = dump(small)
    result = ok("--db", str(small), "status", "set", OZG_ID, "--stage", "3", "--yes")
    assert result.stderr == "Wolmirstedt, Stadt: 3 Leistungen geändert.\n"
    every = ok("--db", str(small), "status", "list", "--groupings", "--format", "json")
    assert [(v["key"], v["stage"]) for v in json.loads(every.stdout)] == [
        (A, 1), (A1, 3), (A2, 3), (B, 3), (C, None), (C1, None)]
    assert before != dump(small)


# --- the real catalogue -----------------------------------------------------------------------------

GROUPINGS_SQL = """SELECT count(*) FROM leika_service s WHERE s.withdrawn_release_id IS NULL
    AND substr(s.key, 9) = '000000' AND EXISTS (SELECT 1 FROM leika_service v WHERE v.withdrawn_release_id IS NULL
    AND substr(v.key, 1, 8) = substr(s.key, 1, 8) AND v.key <> s.key)"""
OZG_MEMBERS_SQL = """SELECT count(DISTINCT s.id) FROM leika_service s JOIN ozg_member m ON m.service_id = s.id
    JOIN ozg_leistung o ON o.id = m.ozg_leistung_id WHERE o.ozg_id = ? AND m.withdrawn_release_id IS NULL
    AND NOT (substr(s.key, 9) = '000000' AND EXISTS (SELECT 1 FROM leika_service v
        WHERE v.withdrawn_release_id IS NULL AND substr(v.key, 1, 8) = substr(s.key, 1, 8) AND v.key <> s.key))"""


def test_real_catalogue_figures_before_and_after_match_independent_sql(db, flat_csv, monkeypatch):
    ok("--db", str(db), "catalog", "sync", "--from", str(flat_csv))
    ars = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"
    ok("--db", str(db), "municipality", "import", str(ars))
    monkeypatch.setenv("OZGTRACK_ARS", "150830565565")
    monkeypatch.setenv("OZGTRACK_USER", "test")
    ok("--db", str(db), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde ist die Stadt", "--yes")
    ok("--db", str(db), "triage", "set", "10160", "--level", "gemeinde", "--reason", "Hundesteuer der Gemeinde", "--yes")
    ok("--db", str(db), "status", "set", "99115005104000", "--stage", "3")  # Wohnsitz Anmeldung
    ok("--db", str(db), "status", "set", "99115005000000", "--stage", "3")  # Wohnsitz: the Leistungsobjekt

    data = json.loads(ok("--db", str(db), "report", "gaps", "--format", "json").stdout)
    totals = data["totals"]
    connection = connect(db)
    groupings = connection.execute(GROUPINGS_SQL).fetchone()[0]
    in_10124 = connection.execute(OZG_MEMBERS_SQL, ("10124",)).fetchone()[0]
    connection.close()

    # After: every live key that is no grouping is counted once, in exactly one slot.
    counted = sum(totals[k] for k in ("applicable", "not_applicable", "undecided")) + data["out_of_scope"]
    assert counted == independent_services(db) == independent_services(db, counting_unit=False) - groupings
    assert (totals["applicable"], totals["online"]) == independent_totals(db)
    assert data["groupings"] == groupings
    assert data["grouping_statuses"] == [{"key": "99115005000000", "name": "Wohnsitz", "stage": 3}]
    by_ozg = json.loads(ok("--db", str(db), "report", "gaps", "--by", "ozg", "--format", "json").stdout)
    assert next(g for g in by_ozg["groups"] if g["key"] == "10124")["applicable"] == in_10124
    # Before (every key counted): 68 own services and 2 online; after: 50 own, 1 online.
    assert independent_totals(db, counting_unit=False) == (68, 2)
    assert (groupings, totals["applicable"], totals["online"], totals["not_applicable"], totals["undecided"],
            data["out_of_scope"]) == (1614, 50, 1, 402, 2743, 4)


def test_a_past_date_is_counted_in_the_same_unit(small):
    connection = connect(small)
    connection.execute("UPDATE catalogue_release SET fetched_at = '2020-01-01 08:00:00.000000'")
    connection.commit()
    connection.close()
    data = json.loads(ok("--db", str(small), "report", "gaps", "--since", "2021-01-01", "--format", "json").stdout)
    assert (data["since"]["then"]["applicable"], data["totals"]["applicable"]) == (4, 4)
    assert (data["since"]["newly_applicable"], data["since"]["no_longer_applicable"]) == ([], [])
