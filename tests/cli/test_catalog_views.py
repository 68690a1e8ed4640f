"""`catalog releases / diff / show / search` on the demo catalogue and on the real one."""

import json
import re

import pytest
from support.catalogue import read_flat
from support.cli import ok, run

TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def stable(text: str, *paths) -> str:
    """Golden-file form: sync times and local paths replaced (they differ per run and machine)."""
    for path in paths:
        text = text.replace(str(path), "<path>")
    return TIME.sub("YYYY-MM-DD hh:mm", text)


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "demo.sqlite"
    ok("demo", "--path", str(path))
    return path


def test_show_table(demo_db, golden):
    result = run("--db", str(demo_db), "catalog", "show", "99102013002000")
    assert result.exit_code == 0
    golden("catalog_show_hundesteuer.txt", stable(result.stdout))


def test_show_json(demo_db):
    shown = json.loads(run("--db", str(demo_db), "catalog", "show", "99115005104000", "--format", "json").stdout)
    assert {k: shown[k] for k in ("key", "name", "kind", "typisierung", "sources", "withdrawn_release_id")} == {
        "key": "99115005104000", "name": "Wohnsitz Anmeldung", "kind": "LOV", "typisierung": ["2/3"],
        "sources": {"leika": True, "ozg": True}, "withdrawn_release_id": None}
    assert shown["ozg"] == [{"ozg_id": "10124", "ozg_name": "Wohnsitzmeldungen", "lage": "Wohnen & Umzug",
                             "themenfeld": "Bauen & Wohnen", "sources": ["ozg"], "withdrawn": False}]
    assert [h["kind"] for h in shown["history"]] == ["added", "changed"]


def test_diff_table(demo_db, golden):
    result = run("--db", str(demo_db), "catalog", "diff", "--release", "2")
    golden("catalog_diff_demo.txt", stable(result.stdout))


def test_releases(demo_db):
    table = run("--db", str(demo_db), "catalog", "releases").stdout.splitlines()
    listed = json.loads(run("--db", str(demo_db), "catalog", "releases", "--format", "json").stdout)

    assert [(r["id"], r["source"], r["services"], r["added"], r["changed"]) for r in listed] == [
        (2, "ozg", 40, 0, 40), (1, "leika", 41, 41, 0)]
    assert table[0].split() == ["Release", "Quelle", "importiert", "veröffentlicht", "Leistungen", "neu", "geändert",
                                "zurückgezogen", "wieder", "aufgenommen", "ungültig", "sha256", "Herkunft"]
    assert table[2].split()[:2] == ["2", "ozg"] and table[2].endswith("/ozg_umsetzungskatalog.csv")


@pytest.mark.parametrize("text", ["Fuehrerschein", "führerschein", "FUHRERSCHEIN"])
def test_search_is_umlaut_insensitive_on_the_real_catalogue(text, db, flat_csv):
    ok("--db", str(db), "catalog", "sync", "--from", str(flat_csv))
    hits = json.loads(run("--db", str(db), "catalog", "search", text, "--limit", "500", "--format", "json").stdout)["services"]
    # Führerschein, and Fahrerlaubnis, the LeiKa word it stands for (catalog/suchbegriffe.toml).
    expected = {r["leika_schluessel"] for r in read_flat(flat_csv) if r["leika_schluessel"].isdigit()
                and ("führerschein" in r["leika_bezeichnung"].lower() or "fahrerlaubnis" in r["leika_bezeichnung"].lower())}
    assert {h["key"] for h in hits} == expected and expected


def test_search_by_synonym_key_prefix_and_words(demo_db):
    def keys(*args):
        found = json.loads(run("--db", str(demo_db), "catalog", "search", *args, "--format", "json").stdout)
        return [h["key"] for h in found["services"]]

    assert keys("Hundemarke") == ["99102013002000"]
    assert keys("9910201300") == ["99102013000000", "99102013002000"]
    assert keys("gewerbe anmeldung") == ["99050012104000"]
    assert keys("100%") == []


def test_unknown_key_and_release(demo_db):
    missing = run("--db", str(demo_db), "catalog", "show", "99000000000000")
    assert (missing.exit_code, missing.stderr) == (
        1, "Fehler: keine Leistung mit dem LeiKa-Schlüssel '99000000000000'; Schlüssel finden Sie mit "
           "`ozgtrack catalog search TEXT`\n")
    assert run("--db", str(demo_db), "catalog", "diff", "--release", "9").stderr == (
        "Fehler: kein Release 9; die Releases zeigt `ozgtrack catalog releases`\n")


def test_empty_database_says_what_to_do(empty_db):
    result = run("--db", str(empty_db), "catalog", "diff")
    assert (result.exit_code, result.stderr) == (
        1, f"Warnung: neue Datenbank angelegt: {empty_db}\n"
           "Fehler: noch kein Katalog synchronisiert; zuerst `ozgtrack catalog sync` ausführen\n")
