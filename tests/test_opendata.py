"""`opendata export`: the yearly file set, every figure checked with plain SQL, its DCAT-AP.de metadata, nothing personal."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from support.cli import ok, run
from support.db import connect

WOLMIRSTEDT, BARLEBEN = "150830565565", "150830040040"
# Staff names the setup writes into every field that can hold one: none may reach the files.
STAFF = ("Erika Mustermann", "Max Beispielmann", "Dora Geheim", "Fritz Vertraulich", "it-officer")
# A Leistungsobjekt (key ending 000000) with a live key of the same first 8 digits: a grouping, no service.
GROUPING = """(substr(s.key, 9) = '000000' AND EXISTS (SELECT 1 FROM leika_service v
               WHERE substr(v.key, 1, 8) = substr(s.key, 1, 8) AND v.key <> s.key AND v.withdrawn_release_id IS NULL))"""
DATA_FILES = ("definitionen", "gemeinden", "leistungen", "zustaendigkeiten", "status", "kennzahlen_gemeinden",
              "kennzahlen_leistungen", "kennzahlen_ozg")


def _sheet(path: Path, header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def _triage_all(db: str, ars: str, tmp_path: Path, who: str) -> None:
    """Decide every undecided service through the triage worksheet: every other one the town's own."""
    sheet = tmp_path / f"triage-{ars}.csv"
    ok("--db", db, "triage", "export", "--ars", ars, "--undecided", "-o", str(sheet))
    lines = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig")), delimiter=";"))
    header, rows = lines[0], lines[1:]
    for i, row in enumerate(rows):
        row[header.index("Entscheidung")] = "gemeinde" if i % 2 else "landkreis"
        row[header.index("Begründung")] = f"laut {STAFF[0]}, Tel. 123"
    ok("--db", db, "triage", "import", _sheet(sheet, header, rows), "--ars", ars, "--user", who, "--yes")


def _assess(db: str, ars: str, tmp_path: Path, who: str, skip: int) -> None:
    """Stages for the town's own services (all but every ``skip``-th), with names in every free field."""
    sheet = tmp_path / f"status-{ars}.csv"
    ok("--db", db, "status", "export", "--ars", ars, "-o", str(sheet))
    lines = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig")), delimiter=";"))
    header, rows = lines[0], lines[1:]
    for i, row in enumerate(rows):
        if i % skip == 0:
            continue
        values = {"Reifegradmodell": "rgm1" if i % 3 else "rgm2", "Reifegrad": str(i % 5),
                  "Online-Link": f"https://{ars}.example/leistung/{i}" if i % 5 >= 3 else "",
                  "Fachbereich": f"FB {STAFF[2]}", "Ansprechperson": STAFF[3], "Notiz": f"{STAFF[1]} fragen",
                  "Portal": f"Portal {STAFF[2]}", "EfA-Lösung": f"EfA {STAFF[3]}",
                  "Geplant bis": "2027-Q2" if i % 5 == 1 else "", "Geprüft am": f"2026-0{1 + i % 9}-15"}
        for name, value in values.items():
            row[header.index(name)] = value
    ok("--db", db, "status", "import", _sheet(sheet, header, rows), "--ars", ars, "--user", who, "--yes")


@pytest.fixture
def two_towns(town: Path, tmp_path: Path) -> Path:
    """Wolmirstedt and Barleben, both triaged completely and mostly assessed, by named officers."""
    db = str(town)
    _triage_all(db, WOLMIRSTEDT, tmp_path, STAFF[1])
    _triage_all(db, BARLEBEN, tmp_path, STAFF[2])
    _assess(db, WOLMIRSTEDT, tmp_path, STAFF[1], skip=4)
    _assess(db, BARLEBEN, tmp_path, STAFF[2], skip=3)
    # As the configured user (OZGTRACK_USER of the fixture: "it-officer"), verified by them.
    ok("--db", db, "status", "set", "99115005104000", "--stage", "4", "--model", "rgm1", "--verified",
       "--contact", STAFF[0], "--note", f"mit {STAFF[3]} besprochen", "--ars", WOLMIRSTEDT)
    return town


def _export(db: Path, target: Path, *args: str) -> dict[str, list[dict[str, str]]]:
    ok("--db", str(db), "opendata", "export", "-o", str(target), *args)
    return {p.stem: list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8"))))
            for p in sorted(target.glob("*.csv"))}


def _sql(db: Path, query: str, *params: object) -> list[tuple]:
    connection = connect(db)
    try:
        return connection.execute(query, params).fetchall()
    finally:
        connection.close()


# The town's own services and their statuses, in plain SQL: decided "gemeinde", else the Typisierung-5 rule.
OWN = f"""FROM municipality m JOIN leika_service s ON s.withdrawn_release_id IS NULL AND NOT {GROUPING}
          LEFT JOIN responsibility r ON r.service_id = s.id AND r.municipality_id = m.id
          LEFT JOIN service_status st ON st.service_id = s.id AND st.municipality_id = m.id
          WHERE m.ars IN ('{BARLEBEN}', '{WOLMIRSTEDT}')
          AND (r.level = 'gemeinde' OR (r.id IS NULL AND s.typisierung = '5'))"""
ONLINE = "CASE WHEN st.model IN ('rgm1', 'rgm2') AND st.stage >= 3 THEN 1 ELSE 0 END"  # 0/1 on SQLite and PostgreSQL


def test_every_figure_is_the_databases(two_towns, tmp_path):
    files = _export(two_towns, tmp_path / "offen")

    model = {"rgm1": "Reifegradmodell 1.1", "rgm2": "Reifegradmodell 2.0", None: ""}
    statuses = _sql(two_towns, f"""SELECT m.ars, s.key, st.model, st.stage, {ONLINE}, st.url, st.verified_at
                                   {OWN} ORDER BY m.ars, s.key""")
    assert [(r["ARS"], r["LeiKa-Schlüssel"], r["Reifegradmodell"], r["Reifegrad"], r["online"], r["Online-Link"],
             r["geprüft am"]) for r in files["status"]] == [
        (ars, key, model[m], "" if stage is None else str(stage), "ja" if online else "nein", url or "",
         "" if day is None else str(day))  # a date from psycopg, its ISO text from sqlite3
        for ars, key, m, stage, online, url, day in statuses]
    assert len(statuses) > 20 and any(r[4] for r in statuses) and any(r[3] is None for r in statuses)

    decided = _sql(two_towns, """SELECT m.ars, s.key, r.level FROM responsibility r JOIN municipality m
                                 ON m.id = r.municipality_id JOIN leika_service s ON s.id = r.service_id
                                 WHERE NOT {GROUPING} ORDER BY m.ars, s.key""".format(GROUPING=GROUPING))
    levels = {"gemeinde": "Gemeinde", "landkreis": "Landkreis"}
    assert [(r["ARS"], r["LeiKa-Schlüssel"], r["Zuständigkeit"]) for r in files["zustaendigkeiten"]
            if r["festgelegt durch"] == "Entscheidung"] == [(a, k, levels[v]) for a, k, v in decided]
    assert [(r["ARS"], r["LeiKa-Schlüssel"]) for r in files["zustaendigkeiten"] if r["eigene Leistung"] == "ja"] == [
        (a, k) for a, k, *_ in statuses]

    keys = sorted({r["LeiKa-Schlüssel"] for r in files["zustaendigkeiten"]})
    ozg: dict[str, str] = {}  # the OZG-IDs joined in Python: group_concat is SQLite's, string_agg PostgreSQL's
    for key, ozg_id in _sql(two_towns, """SELECT DISTINCT s.key, ol.ozg_id FROM ozg_member om
                                         JOIN ozg_leistung ol ON ol.id = om.ozg_leistung_id
                                         JOIN leika_service s ON s.id = om.service_id
                                         WHERE om.withdrawn_release_id IS NULL ORDER BY s.key, ol.ozg_id"""):
        ozg[key] = f"{ozg[key]} {ozg_id}" if key in ozg else ozg_id
    assert [(r["LeiKa-Schlüssel"], r["OZG-IDs"]) for r in files["leistungen"]] == [(k, ozg.get(k, "")) for k in keys]
    assert [r["ARS"] for r in files["gemeinden"]] == [BARLEBEN, WOLMIRSTEDT]

    towns = _sql(two_towns, f"""SELECT m.ars, count(*), sum({ONLINE}),
                                sum(CASE WHEN st.stage IS NOT NULL THEN 1 ELSE 0 END),
                                sum(CASE WHEN {ONLINE} = 0 AND st.planned IS NOT NULL THEN 1 ELSE 0 END),
                                sum(CASE WHEN st.stage IS NULL AND st.planned IS NULL THEN 1 ELSE 0 END)
                                {OWN} GROUP BY m.ars ORDER BY m.ars""")
    assert [(r["ARS"], int(r["eigene Leistungen"]), int(r["online"]), int(r["bewertet"]), int(r["in Umsetzung"]),
             int(r["nicht bewertet"]), r["vergleichbar"]) for r in files["kennzahlen_gemeinden"]] == [
        (*row, "ja") for row in towns]

    per_service = _sql(two_towns, f"""SELECT s.key, count(*), sum({ONLINE}) {OWN} GROUP BY s.key ORDER BY s.key""")
    assert [(r["LeiKa-Schlüssel"], int(r["Gemeinden mit eigener Leistung"]), int(r["davon online"]),
             r["flächendeckend"], r["in mindestens einer Kommune"]) for r in files["kennzahlen_leistungen"]] == [
        (key, towns_, online, "ja" if online == towns_ else "nein", "ja" if online else "nein")
        for key, towns_, online in per_service]
    assert {r["flächendeckend"] for r in files["kennzahlen_leistungen"]} == {"ja", "nein"}


def test_the_metadata_lists_every_file_with_size_and_checksum(two_towns, tmp_path):
    target = tmp_path / "offen"
    ok("--db", str(two_towns), "opendata", "export", "-o", str(target), "--kreis", "15083")

    graph = json.loads((target / "metadaten.jsonld").read_text(encoding="utf-8"))["@graph"]
    by_type = {}
    for node in graph:
        by_type.setdefault(node["@type"], []).append(node)
    distributions = {d["dcat:downloadURL"]["@id"]: d for d in by_type["dcat:Distribution"]}
    written = {p.name: p.read_bytes() for p in target.iterdir() if p.name != "metadaten.jsonld"}
    dataset = by_type["dcat:Dataset"][0]

    assert set(distributions) == set(written) == {f"{n}.{s}" for n in DATA_FILES for s in ("csv", "json")}
    assert {name: (d["dcat:byteSize"]["@value"], d["spdx:checksum"]["spdx:checksumValue"]["@value"])
            for name, d in distributions.items()} == {
        name: (str(len(data)), hashlib.sha256(data).hexdigest()) for name, data in written.items()}
    assert {d["dcat:mediaType"]["@id"] for d in distributions.values()} == {
        "https://www.iana.org/assignments/media-types/text/csv",
        "https://www.iana.org/assignments/media-types/application/json"}
    assert (dataset["dct:spatial"], dataset["dcatde:politicalGeocodingLevelURI"]) == (
        [{"@id": "http://dcat-ap.de/def/politicalGeocoding/districtKey/15083"}],
        {"@id": "http://dcat-ap.de/def/politicalGeocoding/Level/administrativeDistrict"})
    assert dataset["dct:temporal"]["dcat:startDate"]["@value"].endswith("-01-01")
    assert {d["dct:license"]["@id"] for d in distributions.values()} == {"http://dcat-ap.de/def/licenses/dl-by-de/2.0"}
    assert by_type["foaf:Agent"][0]["foaf:name"] == "Wolmirstedt, Stadt"  # OZGTRACK_ARS of the fixture
    assert [n["dcat:dataset"] for n in by_type["dcat:Catalog"]] == [{"@id": "#datensatz"}]
    # Every file of the JSON is the CSV's rows: the same number, the same keys.
    for name in DATA_FILES:
        assert len(json.loads(written[f"{name}.json"])) == len(list(csv.reader(io.StringIO(
            written[f"{name}.csv"].decode())))) - 1, name


def test_nothing_personal_reaches_the_files(two_towns, tmp_path):
    target = tmp_path / "offen"
    ok("--db", str(two_towns), "opendata", "export", "-o", str(target))

    text = "\n".join(p.read_text(encoding="utf-8") for p in target.iterdir()).casefold()
    # The names are in the database (so the test could fail), and in none of the files.
    stored = "\n".join(str(row) for table in ("service_status", "responsibility", "audit_entry")
                       for row in _sql(two_towns, f"SELECT * FROM {table}")).casefold()
    assert all(name.casefold() in stored for name in STAFF)
    assert [name for name in STAFF if name.casefold() in text] == []
    assert "fb " not in text and "tel. 123" not in text


def test_a_past_year_is_replayed_from_the_history(two_towns, tmp_path):
    before = _export(two_towns, tmp_path / "vorher")
    # Everything so far happened in 2024; today someone changes a stage and a decision.
    connection = connect(two_towns)
    connection.execute("UPDATE audit_entry SET at = '2024-06-01 10:00:00.000000'")
    connection.execute("UPDATE catalogue_release SET fetched_at = '2024-01-02 08:00:00.000000'")
    connection.commit()
    connection.close()
    changed = before["status"][0]["LeiKa-Schlüssel"]
    ok("--db", str(two_towns), "status", "set", changed, "--stage", "2", "--model", "rgm2", "--ars", BARLEBEN)
    ok("--db", str(two_towns), "triage", "set", changed, "--level", "landkreis", "--reason", "Kreis", "--yes",
       "--ars", WOLMIRSTEDT)

    then = _export(two_towns, tmp_path / "2024", "--year", "2024")
    now = _export(two_towns, tmp_path / "jetzt")

    def without_day(rows):
        return [{k: v for k, v in r.items() if k != "Stichtag"} for r in rows]

    assert {r["Stichtag"] for r in then["status"]} == {"2024-12-31"}
    assert without_day(then["status"]) == without_day(before["status"]) != without_day(now["status"])
    assert then["zustaendigkeiten"] == before["zustaendigkeiten"] != now["zustaendigkeiten"]
    assert then["leistungen"] == before["leistungen"] and "kennzahlen_gemeinden" not in then
    assert [r["Begriff"] for r in then["definitionen"] if r["Bereich"] == "Kennzahl"][-1] == "Kennzahlen"


def test_a_year_before_the_catalogue_or_in_the_future(two_towns, tmp_path):
    early = run("--db", str(two_towns), "opendata", "export", "-o", str(tmp_path / "a"), "--year", "2010")
    future = run("--db", str(two_towns), "opendata", "export", "-o", str(tmp_path / "b"), "--year", "2999")

    assert (early.exit_code, early.stderr) == (1, "Fehler: am Ende des Jahres 2010 enthielt die Datenbank noch keinen "
                                                  "Katalog; wählen Sie ein späteres Jahr\n")
    assert future.exit_code == 1 and "liegt in der Zukunft" in future.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_an_existing_folder_is_replaced_only_when_it_holds_an_earlier_export(two_towns, tmp_path):
    target, other = tmp_path / "offen", tmp_path / "eigenes"
    ok("--db", str(two_towns), "opendata", "export", "-o", str(target))
    first = {p.name: p.read_bytes() for p in target.iterdir()}
    other.mkdir()
    (other / "brief.txt").write_text("wichtig", encoding="utf-8")
    (other / "metadaten.jsonld").write_text("{}", encoding="utf-8")

    refused = run("--db", str(two_towns), "opendata", "export", "-o", str(target))
    unchanged = {p.name: p.read_bytes() for p in target.iterdir()}
    replaced = run("--db", str(two_towns), "opendata", "export", "-o", str(target), "--force")
    foreign = run("--db", str(two_towns), "opendata", "export", "-o", str(other), "--force")

    assert (refused.exit_code, refused.stderr) == (
        1, f"Fehler: der Ordner {target} ist nicht leer; mit --force wird ein früherer Export darin ersetzt\n")
    assert unchanged == first and replaced.exit_code == 0 and set(target.iterdir()) >= {target / "status.csv"}
    assert foreign.exit_code == 1 and (other / "brief.txt").read_text(encoding="utf-8") == "wichtig"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary folder left


def test_formula_cells_are_neutralised(town, tmp_path):
    ok("--db", str(town), "status", "set", "99115005104000", "--stage", "3", "--model", "rgm1",
       "--url", "https://x.example/=HYPERLINK")
    connection = connect(town)
    connection.execute("UPDATE municipality SET name = '=HYPERLINK(\"https://böse.example\")' WHERE ars = ?",
                       (WOLMIRSTEDT,))
    connection.commit()
    connection.close()

    files = _export(town, tmp_path / "offen", "--ars", WOLMIRSTEDT)

    assert files["gemeinden"][0]["Gemeinde"] == "'=HYPERLINK(\"https://böse.example\")"
    assert json.loads((tmp_path / "offen" / "gemeinden.json").read_text(encoding="utf-8"))[0]["name"].startswith("=")


def test_a_decision_taken_back_is_replayed_as_the_rule(town, tmp_path):
    ok("--db", str(town), "triage", "set", "99115005104000", "--level", "landkreis", "--reason", "Kreis", "--yes")
    ok("--db", str(town), "triage", "reset", "99115005104000", "--yes")
    connection = connect(town)  # both happened in 2024
    connection.execute("UPDATE audit_entry SET at = '2024-06-01 10:00:00.000000'")
    connection.execute("UPDATE catalogue_release SET fetched_at = '2024-01-02 08:00:00.000000'")
    connection.commit()
    connection.close()

    then = _export(town, tmp_path / "2024", "--year", "2024")["zustaendigkeiten"]
    now = _export(town, tmp_path / "jetzt")["zustaendigkeiten"]

    # At the end of 2024 as today: no decision stands, the rule does (not "entschieden" at the level reset to).
    assert then == now
