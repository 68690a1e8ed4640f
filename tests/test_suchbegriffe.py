"""Everyday words find the LeiKa services they stand for (catalog/suchbegriffe.toml), and the best hits come first."""

import json

import pytest
from support.catalogue import read_flat
from support.cli import ok, run

from ozgtrack.catalogue import suchbegriffe
from ozgtrack.errors import ConfigError
from ozgtrack.text import fold

KITA_AUFNAHME, KITA = "99041004034000", "99041004000000"


def search(db, *args) -> dict:
    result = run("--db", str(db), "catalog", "search", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_everyday_words_find_services_and_the_name_itself_comes_first_on_the_real_catalogue(db, flat_csv):
    ok("--db", str(db), "catalog", "sync", "--from", str(flat_csv))

    kita = search(db, "Kita", "--all")
    wohnsitz = [h["name"] for h in search(db, "Wohnsitz")["services"]]
    kfz = [h["name"] for h in search(db, "Kfz Zulassung")["services"]]
    perso = [h["name"] for h in search(db, "Perso")["services"]]
    fuehrerschein = [h["name"] for h in search(db, "Führerschein")["services"]]

    # Kita stands for Kindertagesbetreuung, -stätte, -einrichtung and -pflege; the Kita itself first.
    assert [h["key"] for h in kita["services"][:2]] == [KITA, KITA_AUFNAHME]
    assert {o["ozg_id"] for o in kita["ozg_leistungen"]} >= {"10019"}  # Kindertagesbetreuung
    assert all(any(w in fold(h["name"]) for w in ("kindertages", "kita")) for h in kita["services"])
    expected = {r["leika_schluessel"] for r in read_flat(flat_csv) if r["leika_schluessel"].isdigit()
                and "kindertages" in fold(r["leika_bezeichnung"])}
    assert {h["key"] for h in kita["services"]} == expected
    # Wohnsitz: the service itself, then the names that start with it; not the alphabet of all 18 hits.
    assert wohnsitz[0] == "Wohnsitz" and "Wohnsitz Anmeldung" in wohnsitz[:5]
    assert all(name.startswith("Wohnsitz") for name in wohnsitz[:8])
    assert kfz[0] == "Kraftfahrzeug Zulassung"
    # An abbreviation means its LeiKa word before the names it only begins ("Personenbeförderung");
    # a word that is a LeiKa word itself keeps its own services first.
    assert all(name.startswith("Personalausweis") for name in perso[:10])
    assert fuehrerschein[:3] == ["Führerschein", "Fahrerlaubnis", "Führerschein Änderung"]


def test_every_leika_word_of_the_list_finds_a_service_of_the_real_catalogue(flat_csv):
    names = [fold(f'{r["leika_bezeichnung"]} {r["ozg_leistung"]}') for r in read_flat(flat_csv)]
    terms = suchbegriffe.load()
    missing = [(word, " ".join(alternative)) for word, alternatives in terms.words.items()
               for alternative in alternatives
               if not any(all(w in name for w in alternative) for name in names)]
    assert missing == [] and len(terms.words) >= 20


def test_the_search_filter_of_triage_knows_the_words_too(town):
    found = run("--db", str(town), "triage", "list", "--search", "kita", "--format", "json")
    assert [r["key"] for r in json.loads(found.stdout)] == [KITA_AUFNAHME, "99107007149000"]  # and the Kita fee


def test_a_broken_entry_is_refused_naming_it(tmp_path):
    path = tmp_path / "suchbegriffe.toml"
    path.write_text('[begriffe]\n"Kita" = "Kindertagesstätte"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="der Suchbegriff „Kita“ braucht ein Wort und eine Liste von LeiKa-Wörtern"):
        suchbegriffe.load(path)


def test_matches_and_rank():
    wanted = suchbegriffe.load().search("Kita")
    assert suchbegriffe.matches(fold("Gebühr für Kindertageseinrichtungen"), wanted)
    assert not suchbegriffe.matches(fold("Kinderreisepass"), wanted)
    ranked = sorted(["Gebühr für Kindertageseinrichtungen", "Kindertagesstätte Aufnahme", "Kindertagesstätte"],
                    key=lambda n: suchbegriffe.rank(n, wanted))
    assert ranked == ["Kindertagesstätte", "Kindertagesstätte Aufnahme", "Gebühr für Kindertageseinrichtungen"]
