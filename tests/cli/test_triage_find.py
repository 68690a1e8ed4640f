"""Finding services to triage: `triage list` filters and OZG-Leistungen in `catalog search`."""

import json

import pytest
from support.cli import ok, run


def keys(town, *args) -> list[str]:
    result = run("--db", str(town), "triage", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return [r["key"] for r in json.loads(result.stdout)]


@pytest.mark.parametrize(("args", "expected"), [
    (("--search", "Fuehrerschein"), ["99023001012001"]),  # umlaut-insensitive
    (("--search", "hundesteuer befreiung"), ["99102013010000"]),
    (("--search", "Unternehmensanmeldung"), ["99025002169001", "99050012070000", "99050012071000",
                                             "99050012104000", "99050023169000"]),  # the OZG-Leistung's name
    (("--search", "wohnsitzmeldungen abmeldung"), ["99115005070000"]),  # words in the name and the OZG-Leistung
    (("--themenfeld", "mobilität", "--typ", "2/3", "--limit", "2"), ["99023001012001", "99036008007000"]),
    (("--lage", "Tierhaltung"), ["99102013002000", "99102013010000"]),
    (("--lebensbereich", "Umwelt"), []),
    (("--lebensbereich", "Ohne OZG"), ["99102013000000"]),
    (("--ozg", "10124", "--ozg", "10177"), ["99085001012000", "99085003012001", "99115005070000", "99115005104000"]),
    (("--typ", "1",), ["99049001001000"]),
    (("--level", "gemeinde"), ["99101001107000"]),
    (("--level", "bund", "--level", "gemeinde"), ["99049001001000", "99101001107000"]),
])
def test_filters(town, args, expected):
    assert keys(town, *args) == expected


def test_undecided_means_level_unklar(town):
    everything = keys(town)
    assert len(everything) == 41 and len(keys(town, "--undecided")) == 39
    ok("--db", str(town), "triage", "set", "99115005104000", "--level", "gemeinde", "--reason", "x", "--yes")
    assert "99115005104000" not in keys(town, "--undecided") and keys(town, "--decided") == ["99115005104000"]


def test_catalog_search_finds_ozg_leistungen_by_name(town):
    found = json.loads(run("--db", str(town), "catalog", "search", "wohnsitz", "--format", "json").stdout)
    assert found["ozg_leistungen"] == [{"ozg_id": "10124", "name": "Wohnsitzmeldungen", "themenfeld": "Bauen & Wohnen",
                                        "lage": "Wohnen & Umzug", "services": 2, "withdrawn": False}]
    assert [h["key"] for h in found["services"]] == ["99115005070000", "99115005104000"]
    table = run("--db", str(town), "catalog", "search", "Fuhrerschein").stdout
    assert table.startswith("OZG-Leistungen:\n")
    assert table.splitlines()[3].split() == ["10169", "Führerschein", "Mobilität", "&", "Reisen", "1", "aktuell"]


@pytest.mark.parametrize(("args", "message"), [
    (("--lebensbereich", "Famile"), "Lebensbereich „Famile“ ist unbekannt; meinten Sie „Familie & Bildung“?"),
    (("--themenfeld", "Mobilitaet und Reisn"), "Themenfeld „Mobilitaet und Reisn“ ist unbekannt; meinten Sie "
     "„Mobilität & Reisen“?"),
    (("--lage", "Ruhestand"), "Lage „Ruhestand“ ist unbekannt und keinem der 20 Namen ähnlich"),
])
def test_unknown_filter_names_are_errors_with_the_closest(town, args, message):
    result = run("--db", str(town), "triage", "list", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Fehler: {message}\n")


def test_a_filter_that_leaves_nothing_says_so(town):
    result = run("--db", str(town), "triage", "list", "--lebensbereich", "Umwelt", "--typ", "4")
    assert (result.exit_code, result.stdout) == (0, "(keine)\n")
    assert result.stderr == "Hinweis: keine Leistung passt zu --lebensbereich „Umwelt“ und --typ „4“.\n"
