"""`report rollup`: a generated Landkreis, every figure cross-checked with independent SQL and each town's gap report."""

import json

import pytest
from support.catalogue import leika_csv
from support.cli import ok, run
from support.db import connect

G1, G1A, G1B = "99990001000000", "99990001001000", "99990001002000"  # a Leistungsobjekt with two Verrichtungen
S2, U3, K4, B5, I6 = "99990002000000", "99990003000000", "99990004000000", "99990005000000", "99990006000000"
TYP = {G1: "5", G1A: "5", G1B: "5", S2: "5", U3: "4", K4: "2b", B5: "1", I6: "6"}  # gemeinde, unklar, bund, info
ALPHA, BETA, GAMMA, DELTA, KREISSTADT = "150990001001", "150990002002", "150995001003", "150990004004", "150020000000"
NAMES = {ALPHA: "Alpha", BETA: "Beta", GAMMA: "Gamma", DELTA: "Delta <b>&</b>", KREISSTADT: "Kreisstadt"}


@pytest.fixture
def kreis(tmp_path, db, monkeypatch):
    """Five towns: two verbandsfrei, a Mitgliedsgemeinde, a kreisfreie Stadt and one (Delta) without triage."""
    monkeypatch.setenv("OZGTRACK_USER", "test")
    rows = [{"Schluessel": k, "Bezeichnung": f"Leistung {k[6:8]}{k[9:11]}", "Typ": t} for k, t in TYP.items()]
    (tmp_path / "leika.csv").write_bytes(leika_csv(rows))
    (tmp_path / "ars.csv").write_text("ars,bezeichnung\n" + "".join(f'{a},"{n}"\n' for a, n in NAMES.items()))
    ok("--db", str(db), "catalog", "sync", "--from", str(tmp_path / "leika.csv"))
    ok("--db", str(db), "municipality", "import", str(tmp_path / "ars.csv"))
    for town in (ALPHA, BETA, GAMMA, KREISSTADT):
        ok("--db", str(db), "triage", "set", U3, "--level", "gemeinde", "--reason", "Satzung", "--ars", town, "--yes")
        ok("--db", str(db), "triage", "set", K4, "--level", "landkreis", "--reason", "Kreis", "--ars", town, "--yes")
    # Gamma's Verbandsgemeinde leaves the Leistungsobjekt to the Kreis: its Verrichtungen inherit that.
    ok("--db", str(db), "triage", "set", G1, "--level", "landkreis", "--reason", "Kreis", "--ars", GAMMA, "--yes")
    # Verified: U3 is Gamma's own by its decision, K4 the kreisfreie Stadt's by its task scope.
    stages = {ALPHA: {G1A: ("3", "--verified"), G1B: ("3",), S2: ("4", "--model", "rgm1"), U3: ("1",)},
              BETA: {G1A: ("3",), S2: ("2", "--planned", "2027-Q2")},
              GAMMA: {S2: ("3",), U3: ("3", "--verified")},
              KREISSTADT: {G1A: ("3",), G1B: ("3",), S2: ("3",), U3: ("3",), K4: ("3", "--verified")},
              DELTA: {G1A: ("5",)}}
    for town, services in stages.items():
        for key, stage in services.items():
            ok("--db", str(db), "status", "set", key, "--stage", *stage, "--ars", town)
    return db


def rollup(db, *args):
    return json.loads(ok("--db", str(db), "report", "rollup", *args, "--format", "json").stdout)


# Plain SQL, written apart from the code under test: the level is the own decision, else the Leistungsobjekt's,
# else the Typisierung (no Land preset in the tests); a Leistungsobjekt with live Verrichtungen counts nowhere.
# mine and online are 0/1 (not booleans), so the same SQL sums them on SQLite and PostgreSQL.
CELLS = """
WITH cell AS (
  SELECT m.id AS town, m.ars, s.key,
         COALESCE(r.level, (SELECT p.level FROM responsibility p JOIN leika_service lo ON lo.id = p.service_id
                            WHERE p.municipality_id = m.id AND lo.key = substr(s.key, 1, 8) || '000000'
                              AND lo.key <> s.key),
                  CASE s.typisierung WHEN '5' THEN 'gemeinde' WHEN '1' THEN 'bund' WHEN '6' THEN NULL
                  ELSE 'unklar' END) AS level,
         st.stage, st.model, st.planned, st.verified_at
  FROM municipality m CROSS JOIN leika_service s
  LEFT JOIN responsibility r ON r.municipality_id = m.id AND r.service_id = s.id
  LEFT JOIN service_status st ON st.municipality_id = m.id AND st.service_id = s.id
  WHERE s.withdrawn_release_id IS NULL AND NOT (substr(s.key, 9) = '000000' AND EXISTS (
        SELECT 1 FROM leika_service v WHERE substr(v.key, 1, 8) = substr(s.key, 1, 8) AND v.key <> s.key
        AND v.withdrawn_release_id IS NULL))
), own AS (
  SELECT *, CASE WHEN level = 'gemeinde' OR (ars LIKE '%0000000' AND level = 'landkreis') THEN 1 ELSE 0 END AS mine,
         CASE WHEN stage >= 3 THEN 1 ELSE 0 END AS online FROM cell
)
"""


def independent_towns(db):
    query = CELLS + """SELECT ars, count(level), sum(CASE WHEN level = 'unklar' THEN 1 ELSE 0 END), sum(mine),
                              sum(mine * online), sum(CASE WHEN stage IS NOT NULL THEN mine ELSE 0 END),
                              sum(CASE WHEN stage IS NOT NULL AND verified_at IS NOT NULL THEN mine ELSE 0 END)
                       FROM own GROUP BY ars"""
    with connect(db) as connection:
        return {row[0]: tuple(row[1:]) for row in connection.execute(query)}


def independent_services(db, towns):
    marks = ",".join("?" * len(towns))
    query = CELLS + f"""SELECT key, sum(mine), sum(mine * online) FROM own WHERE ars IN ({marks})
                        GROUP BY key HAVING sum(mine) > 0"""
    with connect(db) as connection:
        return {row[0]: tuple(row[1:]) for row in connection.execute(query, towns)}


def test_town_figures_match_independent_sql_and_each_towns_gap_report(kreis):
    data = rollup(kreis, "--land", "15")
    towns = {t["ars"]: t for t in data["towns"]}
    figures = {a: (t["in_scope"], t["undecided"], t["applicable"], t["online"], t["assessed"], t["verified"])
               for a, t in towns.items()}
    assert figures == independent_towns(kreis)
    for ars, town in towns.items():
        totals = json.loads(ok("--db", str(kreis), "report", "gaps", "--ars", ars, "--format", "json").stdout)["totals"]
        del totals["coverage"]
        assert {k: town[k] for k in totals} == totals, ars


def test_scope_classes_ranks_and_the_town_left_apart(kreis):
    towns = {t["ars"]: t for t in rollup(kreis, "--land", "15")["towns"]}
    shown = {a: (t["scope"], t["comparable"], t["rank"], t["ranked"]) for a, t in towns.items()}
    assert shown == {ALPHA: ("kreisangehoerige_gemeinde", True, 1, 2), BETA: ("kreisangehoerige_gemeinde", True, 2, 2),
                     GAMMA: ("mitgliedsgemeinde", True, 1, 1), KREISSTADT: ("kreisfreie_stadt", True, 1, 1),
                     DELTA: ("kreisangehoerige_gemeinde", False, None, None)}
    assert towns[DELTA]["why_not"] == ("Zuständigkeit erst zu 67 % geklärt (nötig: 90 %); erst 33 % der eigenen "
                                       "Leistungen bewertet (nötig: 50 %)")
    assert towns[ALPHA]["share"] == 0.75 and towns[KREISSTADT]["applicable"] == 5 and towns[GAMMA]["applicable"] == 2


def test_the_kreis_is_its_towns_and_the_thresholds_move(kreis):
    # Comparable towns first, by task scope and rank; then the ones left apart.
    assert [t["ars"] for t in rollup(kreis, "--kreis", "15099")["towns"]] == [GAMMA, ALPHA, BETA, DELTA]
    strict = {t["ars"]: t["comparable"] for t in rollup(kreis, "--kreis", "150990000000", "--min-assessed", "60")["towns"]}
    assert strict == {ALPHA: True, BETA: False, GAMMA: True, DELTA: False}
    chosen = rollup(kreis, "--ars", GAMMA, "--ars", KREISSTADT)
    assert [t["ars"] for t in chosen["towns"]] == [GAMMA, KREISSTADT]


def test_services_count_the_comparable_towns_where_they_apply(kreis):
    data = rollup(kreis, "--land", "15", "--by", "service")
    units = {u["key"]: (u["towns"], u["towns_complete"], u["everywhere"], u["somewhere"]) for u in data["units"]}
    expected = independent_services(kreis, [ALPHA, BETA, GAMMA, KREISSTADT])
    assert {k: v[:2] for k, v in units.items()} == expected
    # Delta's stage 5 on G1A counts nowhere: Delta is not comparable yet.
    assert units == {G1A: (3, 3, 1, 1), G1B: (3, 2, 0, 1), S2: (4, 3, 0, 1), U3: (4, 2, 0, 1), K4: (1, 1, 1, 1)}


def test_groups_sum_their_services_and_count_towns(kreis):
    data = rollup(kreis, "--land", "15", "--by", "lebensbereich")
    (group,) = data["units"]  # no OZG catalogue: every service is "Ohne OZG-Zuordnung"
    assert (group["services"], group["everywhere"], group["somewhere"], group["applicable"], group["online"],
            group["towns"], group["towns_complete"], group["towns_any"]) == (5, 2, 5, 15, 11, 4, 2, 4)


def test_definitions_are_printed_and_the_chapter_escapes(kreis):
    table = ok("--db", str(kreis), "report", "rollup", "--kreis", "15099", "--by", "service").stdout
    assert "- flächendeckend: eine Leistung ist online in jeder verglichenen Kommune" in table
    assert "- in mindestens einer Kommune: eine Leistung ist online in wenigstens einer" in table
    html = ok("--db", str(kreis), "report", "rollup", "--kreis", "15099", "--format", "html").stdout
    assert "Delta &lt;b&gt;&amp;&lt;/b&gt;" in html and "<b>&" not in html
    assert "<h2>Definitionen</h2>" in html and "<strong>flächendeckend</strong>" in html
    markdown = ok("--db", str(kreis), "report", "rollup", "--kreis", "15099", "--format", "markdown").stdout
    assert "## Noch nicht vergleichbar" in markdown and "**vergleichbar**" in markdown


def test_a_scope_without_towns_or_with_two_choices_is_refused(kreis):
    result = run("--db", str(kreis), "report", "rollup", "--kreis", "16099")
    assert result.exit_code == 1 and "keine Gemeinde in Kreis 16099" in result.stderr
    assert run("--db", str(kreis), "report", "rollup", "--kreis", "15099", "--land", "15").exit_code == 2
    assert run("--db", str(kreis), "report", "rollup", "--kreis", "1509").exit_code == 1
