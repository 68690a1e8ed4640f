"""Plan priorities: case numbers as Fachbereiche keep them in Excel, the score, its weights and its reasons."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from support.cli import ok, run
from support.db import connect, dump

from conftest import WOLMIRSTEDT

FALLZAHLEN = Path(__file__).resolve().parent / "fixtures" / "plan" / "fallzahlen_mit_fehlern.csv"
ANMELDUNG, ABMELDUNG, HUNDESTEUER, MELDEBESTAETIGUNG = (
    "99115005104000", "99115005070000", "99102013002000", "99115003012000")
OWN = (ANMELDUNG, ABMELDUNG, HUNDESTEUER, MELDEBESTAETIGUNG)
# The SDG Annex II key prefixes of catalog/obligations.toml, written out here again (Wohnsitz, Meldebestätigung).
SDG = ("99115005", "99115003", "99027002", "99027005250", "99036008007", "99050012104", "99050012071", "99050012070")


def stored_cases(db: Path) -> list[tuple[str, int, int]]:
    """(key, year, cases) as the database holds them, by SQL."""
    with connect(db) as connection:
        return sorted(connection.execute("SELECT s.key, c.year, c.cases FROM plan_case_count c "
                                         "JOIN leika_service s ON s.id = c.service_id"))


def cli(db: Path, *args: str):
    return ok("--db", str(db), *args)


@pytest.fixture
def own_town(town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture town with four own services and an empty config.toml (default weights)."""
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_CONFIG", str(config))
    cli(town, "triage", "set", *OWN, "--level", "gemeinde", "--reason", "Stadt ist zuständig", "--yes")
    return town


def fixed_file(tmp_path: Path) -> Path:
    """The fixture with its bad rows (from the empty line on) removed."""
    text = FALLZAHLEN.read_bytes().decode("cp1252").split("\r\n\r\n")[0] + "\r\n"
    path = tmp_path / "fallzahlen.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def priorities(db: Path, *args: str) -> list[dict]:
    return json.loads(cli(db, "plan", "priorities", "--format", "json", *args).stdout)


def test_a_case_numbers_file_with_excel_mistakes_is_refused_whole_then_read_and_replaced(own_town, tmp_path):
    before = dump(own_town)

    refused = run("--db", str(own_town), "plan", "cases", "import", str(FALLZAHLEN))

    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "Fehler: Zeile 8: der Schlüssel '9,9115E+13' wurde (von Excel?) in eine Zahl verwandelt; Schlüssel sind "
        "14-stelliger Text",
        "Fehler: Zeile 9: Leistung 99115005104000 steht für 2025 doppelt in der Liste (zuerst in Zeile 3)",
        "Fehler: Zeile 10: Jahr 25 liegt nicht zwischen 2000 und 2100",
        "Fehler: Zeile 11: die Fallzahl fehlt",
        "Fehler: Zeile 12: der Schlüssel 'Summe' hat nicht 14 Ziffern",
        "Fehler: Zeile 13: Fallzahl „1.5“ ist keine ganze Zahl; ein Punkt trennt nur Tausender (wie in 1.240), "
        "Dezimalstellen folgen dem Komma (wie in 7,5)",
        "Fehler: Zeile 14: Fallzahl „7,5“ ist keine ganze Zahl",
        f"Fehler: {FALLZAHLEN}: 7 Zeilen sind fehlerhaft; nichts wurde geändert",
    ]
    assert dump(own_town) == before

    path = fixed_file(tmp_path)
    dry = cli(own_town, "plan", "cases", "import", str(path), "--dry-run")
    assert dump(own_town) == before
    first = cli(own_town, "plan", "cases", "import", str(path))
    stored = dump(own_town)
    again = cli(own_town, "plan", "cases", "import", str(path))

    assert dry.stderr == f"{path}: 5 Fallzahlen gelesen: 5 neu, 0 geändert, 0 unverändert (Probelauf, nichts gespeichert).\n"
    assert first.stderr == f"{path}: 5 Fallzahlen gelesen: 5 neu, 0 geändert, 0 unverändert.\n"
    assert again.stderr == f"{path}: 5 Fallzahlen gelesen: 0 neu, 0 geändert, 5 unverändert.\n"
    assert dump(own_town) == stored
    assert stored_cases(own_town) == [(HUNDESTEUER, 2025, 95), (MELDEBESTAETIGUNG, 2025, 420),
                                      (ABMELDUNG, 2025, 310), (ANMELDUNG, 2024, 1180), (ANMELDUNG, 2025, 1240)]

    path.write_bytes("Schlüssel;Jahr;Anzahl\r\n99115005104000;2025;1300\r\n".encode("cp1252"))
    replaced = cli(own_town, "plan", "cases", "import", str(path))
    assert replaced.stderr == f"{path}: 1 Fallzahl gelesen: 0 neu, 1 geändert, 0 unverändert.\n"
    assert stored_cases(own_town) == [(HUNDESTEUER, 2025, 95), (MELDEBESTAETIGUNG, 2025, 420),
                                      (ABMELDUNG, 2025, 310), (ANMELDUNG, 2024, 1180), (ANMELDUNG, 2025, 1300)]


def suchdienst(tmp_path: Path, key: str) -> Path:
    """PVOG evidence: the Land offers ``key`` online (an EfA / Land solution)."""
    path = tmp_path / f"ars_{WOLMIRSTEDT}.csv"
    path.write_text("ID-LB|Leikaschlüssel|Name|Name2|Updatedatum|ID-OD|Bezeichnung OD|Links\n"
                    f"L100042.LB.1|{key}|Leistung|Leistung beantragen|01.10.2026 00:00|L100042.OD.1|Dienst|"
                    "https://wohnsitzanmeldung.gov.de/\n", encoding="utf-8")
    return path


@pytest.fixture
def planned_town(own_town: Path, tmp_path: Path) -> Path:
    """Cases, two proposals, a measure for the Anmeldung with a cost, and PVOG evidence for it."""
    cli(own_town, "plan", "cases", "import", str(fixed_file(tmp_path)))
    ideas = tmp_path / "ideen.csv"
    ideas.write_text("Nr;Titel;Stimmen\r\nP-1;Umzug online melden;40\r\nP-2;Hundesteuer online;10\r\n", encoding="utf-8")
    cli(own_town, "plan", "proposals", "import", str(ideas))
    cli(own_town, "plan", "measure", "add", "Wohnsitzanmeldung online", "--services", ANMELDUNG, "--proposals", "P-1",
        "--cost", "4000")
    cli(own_town, "pvog", "sync", "--from", str(suchdienst(tmp_path, ANMELDUNG)), "--ars", WOLMIRSTEDT)
    return own_town


def expected_score(key: str, weights: dict[str, float]) -> float:
    """The score by the README's formula, from the figures the fixtures hold (not by the code under test)."""
    newest_cases = {ANMELDUNG: 1240, ABMELDUNG: 310, HUNDESTEUER: 95, MELDEBESTAETIGUNG: 420}
    votes = {ANMELDUNG: 40}  # P-1 is linked to the measure for the Anmeldung; P-2 to nothing
    cost = {ANMELDUNG: 4000}  # every other gap: the default cost of 10.000 €, the highest
    parts = {"cases": newest_cases.get(key, 0) / 1240, "votes": votes.get(key, 0) / 40,
             "obligation": 1.0 if key.startswith(SDG) else 0.0, "efa": 1.0 if key == ANMELDUNG else 0.0,
             "effort": -cost.get(key, 10000) / 10000}
    return round(sum(weights[p] * v for p, v in parts.items()), 2)


DEFAULT = {"cases": 3, "votes": 2, "obligation": 3, "efa": 2, "effort": 1}


def test_the_score_follows_the_documented_formula_and_says_how_it_came_about(planned_town):
    ranked = priorities(planned_town)

    scores = {r["key"]: r["score"] for r in ranked}
    assert {k: scores[k] for k in OWN} == {k: expected_score(k, DEFAULT) for k in OWN}
    assert scores[ANMELDUNG] == 9.6 and ranked[0]["key"] == ANMELDUNG
    assert ranked[0]["parts"] == {
        "cases": {"value": 1.0, "weight": 3.0, "points": 3.0, "basis": "1.240 Fälle 2025"},
        "votes": {"value": 1.0, "weight": 2.0, "points": 2.0, "basis": "40 Stimmen (P-1)"},
        "obligation": {"value": 1.0, "weight": 3.0, "points": 3.0,
                       "basis": "EU Single Digital Gateway, Anhang II: Anmeldung einer Adressänderung"},
        "efa": {"value": 1.0, "weight": 2.0, "points": 2.0, "basis": "Onlinedienst laut PVOG: Land, Hinweis, ungeprüft"},
        "effort": {"value": 0.4, "weight": 1.0, "points": -0.4, "basis": "4.000 € (M-001)"},
    }
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)

    csv_rows = cli(planned_town, "plan", "priorities", "--format", "csv", "--limit", "1").stdout.splitlines()
    assert csv_rows == [
        "Rang,Schlüssel,Leistung,Punkte,Fallzahl (Punkte),Stimmen (Punkte),Pflicht (Punkte),Nachnutzung (Punkte),"
        "Aufwand (Punkte),Begründung",
        f'1,{ANMELDUNG},{ranked[0]["name"]},"9,60","3,00","2,00","3,00","2,00","−0,40","Fallzahl 3,00 × 1,00 = 3,00 '
        "(1.240 Fälle 2025); Stimmen 2,00 × 1,00 = 2,00 (40 Stimmen (P-1)); Pflicht 3,00 × 1,00 = 3,00 (EU Single "
        "Digital Gateway, Anhang II: Anmeldung einer Adressänderung); Nachnutzung 2,00 × 1,00 = 2,00 (Onlinedienst "
        'laut PVOG: Land, Hinweis, ungeprüft); Aufwand −1,00 × 0,40 = −0,40 (4.000 € (M-001))"',
    ]


def test_weights_from_config_change_the_order(planned_town, tmp_path):
    default_order = [r["key"] for r in priorities(planned_town) if r["key"] in OWN]
    Path(tmp_path / "config.toml").write_text(
        "[plan]\nweights = { cases = 0, votes = 0, efa = 0, effort = 0, obligation = 1 }\n", encoding="utf-8")

    ranked = priorities(planned_town)

    weights = {"cases": 0, "votes": 0, "obligation": 1, "efa": 0, "effort": 0}
    assert {r["key"]: r["score"] for r in ranked if r["key"] in OWN} == {k: expected_score(k, weights) for k in OWN}
    assert default_order == [ANMELDUNG, MELDEBESTAETIGUNG, ABMELDUNG, HUNDESTEUER]
    # Equal scores: the LeiKa key decides.
    assert [r["key"] for r in ranked if r["key"] in OWN] == [MELDEBESTAETIGUNG, ABMELDUNG, ANMELDUNG, HUNDESTEUER]


@pytest.mark.parametrize("line, message", [
    ("weights = { cases = -1 }", "plan.weights.cases muss eine Zahl von 0 bis 100 sein, nicht -1"),
    ("weights = { case = 1 }", "plan.weights.case ist unbekannt; bekannt sind: cases, votes, obligation, efa, effort"),
    ("default_cost = \"viel\"", "plan.default_cost muss eine ganze Zahl (Euro) ab 0 sein, nicht 'viel'"),
])
def test_a_bad_weight_is_refused_with_a_hint(own_town, tmp_path, line, message):
    Path(tmp_path / "config.toml").write_text(f"[plan]\n{line}\n", encoding="utf-8")

    result = run("--db", str(own_town), "plan", "priorities")

    assert result.exit_code == 1
    assert message in result.stderr


def federal_business_keys() -> set[str]:
    """Business services under federal law in the demo catalogue, read from its file (OZG 2.0, end of 2029)."""
    from ozgtrack.resources import catalog_file

    with catalog_file("demo/ozg_umsetzungskatalog.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    federal = {"1", "2", "2a", "2b", "3", "3a", "3b", "2/3", "2/3a", "2/3b"}
    return {r["LeiKa-Schlüssel"] for r in rows
            if r["Themenfeld"] == "Unternehmensführung & -entwicklung" and set(r["Typ"].split(";")) & federal}


def test_without_cases_proposals_measures_or_evidence_the_obligations_and_the_default_cost_decide(own_town):
    ranked = priorities(own_town, "--all")

    obliged = federal_business_keys()
    assert {r["key"] for r in ranked} >= set(OWN)
    assert {r["key"]: r["score"] for r in ranked} == {
        r["key"]: 2.0 if r["key"].startswith(SDG) or r["key"] in obliged else -1.0 for r in ranked}
    assert {(r["parts"]["cases"]["basis"], r["parts"]["efa"]["basis"], r["parts"]["effort"]["basis"]) for r in ranked} \
        == {("keine Fallzahlen", "keine Lösung im PVOG-Nachweis", "10.000 € (Annahme)")}
    table = cli(own_town, "plan", "priorities", "--limit", "2").stdout
    assert table.splitlines()[0].split() == ["Rang", "Schlüssel", "Leistung", "Punkte", "Begründung"]
