"""PVOG evidence belongs to the ARS its rows name; releases can be listed and withdrawn; findings are hints until
reviewed; a known non-equivalent online service is never a quick win. On the real files where they are present."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from support.cli import ok, run
from support.data import SHARED_DATA
from support.db import dump, execute

from conftest import WOLMIRSTEDT
from test_pvog import ABMELDUNG, ANMELDUNG, HUNDESTEUER, ROWS, findings, suchdienst_csv, sync_file

OVERVIEW = SHARED_DATA / "pvog-uebersicht-sachsen-anhalt-2026" / "uebersicht_dessau-rosslau.csv"
DETAIL = SHARED_DATA / "pvog-suchdienst-samples-2025-01" / "B100019_LB_574711.json"
ARS_LIST = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"
DESSAU = "150010000000"
GRUNDSTEUER, GEWERBESTEUER = "99102012002000", "99102010002000"


def shared(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"real data not available: {path} is missing (../shared/data sits beside the checkout)")
    return path


@pytest.fixture
def real_town(new_db, flat_csv, monkeypatch) -> str:
    """The real OZG catalogue and the Destatis list, Wolmirstedt in use with the shipped Sachsen-Anhalt rules, and ten
    own services marked online."""
    from ozgtrack.resources import catalog_file

    monkeypatch.setenv("OZGTRACK_TRIAGE_PRESETS", str(catalog_file("triage")))
    db = str(new_db("real"))
    ok("--db", db, "catalog", "sync", "--from", str(flat_csv))
    ok("--db", db, "municipality", "import", str(shared(ARS_LIST)))
    monkeypatch.setenv("OZGTRACK_ARS", WOLMIRSTEDT)
    monkeypatch.setenv("OZGTRACK_USER", "it-officer")
    own = json.loads(ok("--db", db, "report", "gaps", "--by", "service", "--format", "json").stdout)["services"]
    for service in own[:10]:
        ok("--db", db, "status", "set", service["key"], "--stage", "3", "--url",
           f"https://wolmirstedt.example/{service['key']}")
    return db


def evidence_date(db: str) -> str:
    """The date of the PVOG evidence the gap report's Belastbarkeit names."""
    report = json.loads(ok("--db", db, "report", "gaps", "--format", "json").stdout)
    return report["reliability"]["pvog_evidence"]["stated"]


def releases(db: str) -> list[dict]:
    return json.loads(ok("--db", db, "pvog", "releases", "--format", "json").stdout)


def test_another_towns_overview_and_the_bunds_answer_are_stored_under_their_own_ars(real_town):
    db = real_town
    overview, detail = str(shared(OVERVIEW)), str(shared(DETAIL))
    rows = list(csv.DictReader(io.StringIO(shared(OVERVIEW).read_text(encoding="utf-8")), delimiter=";"))
    found = [r for r in rows if r["gefunden"] == "true"]

    before = dump(db)
    refused = run("--db", db, "pvog", "sync", "--from", overview, "--ars", "Wolmirstedt")
    assert refused.exit_code == 1
    assert (f"enthält PVOG-Daten für ARS 000000000000 (Bund), 150000000000 (Land Sachsen-Anhalt), {DESSAU} "
            f"(Dessau-Roßlau, Stadt), nicht für ARS {WOLMIRSTEDT} (Wolmirstedt, Stadt); nichts wurde geändert"
            ) in refused.stderr
    assert dump(db) == before

    stored = ok("--db", db, "pvog", "sync", "--from", overview)
    federal = ok("--db", db, "pvog", "sync", "--from", detail)

    assert f"PVOG-Daten für ARS {DESSAU} (Dessau-Roßlau, Stadt), PVOG-Übersicht je Kommune" in stored.stderr
    assert "PVOG-Daten für ARS 000000000000 (Bund), PVOG-Suchdienst (JSON)" in federal.stderr
    # Each row under its own ARS: bundesweit the Bund's, landesweit the Land's (for every Gemeinde of Sachsen-Anhalt),
    # except an address made for Dessau-Roßlau (…/dessau-rosslau/…), which stays the city's.
    for_dessau = [r for r in found if "/dessau-rosslau/" in r["onlineDienst"]]
    land = [r for r in found if r["ebene"] == "landesweit" and r not in for_dessau]
    listed = [(r["ars"], r["name"], r["format"], r["complete"], r["entries"], r["imported_by"]) for r in releases(db)]
    assert listed == [
        ("000000000000", "Bund", "suchdienst-json", False, 1, "it-officer"),
        (DESSAU, "Dessau-Roßlau, Stadt", "uebersicht", False, len(for_dessau), "it-officer"),
        ("150000000000", "Land Sachsen-Anhalt", "uebersicht", False, len(land), "it-officer"),
        ("000000000000", "Bund", "uebersicht", False, sum(r["ebene"] == "bundesweit" for r in found), "it-officer")]
    report = findings(db)
    # Ten own services marked online, none of them in any evidence for Wolmirstedt: still no "nicht gemeldet",
    # since nothing here is a complete listing of what is registered for Wolmirstedt.
    assert report["own_online"] == 10 and report["own_ars_covered"] is False
    assert [f for f in report["findings"] if f["kind"] == "not-registered"] == []
    assert DESSAU not in {e["ars"] for e in report["evidence"]}
    chapter = ok("--db", db, "report", "chapter").stdout
    assert "**Möglicherweise nicht gemeldet: nicht prüfbar** – dafür fehlt eine vollständige PVOG-Liste" in chapter
    assert "Ob die **10** eigenen Leistungen, die die Stadt als online führt, im Portalverbund gemeldet sind, ist " \
           "daher nicht geprüft" in chapter
    # The Land's Wohnsitzanmeldung is a quick win for Wolmirstedt: registered land-wide by the Land's editors.
    own = {s["key"] for s in json.loads(ok("--db", db, "report", "gaps", "--by", "service", "--format",
                                           "json").stdout)["services"] if s["category"] != "online"}
    wohnsitz = {r["leika"] for r in land if "wohnsitzanmeldung.gov.de" in r["onlineDienst"]} & own
    quick = {f["key"]: f["check"] for f in report["findings"] if f["kind"] == "quick-win"}
    assert wohnsitz and set(quick) >= wohnsitz
    assert set(quick.values()) == {"von der Landesredaktion für die Kommunen des Landes registriert"}


def test_the_lands_elster_entries_are_no_quick_win_for_the_realsteuern(real_town):
    """The Land's editors list ELSTER land-wide for "Grundsteuer zahlen" and "Gewerbesteuer zahlen" (the real
    overview, asked for Dessau-Roßlau: landesweit rows count for Wolmirstedt too); the Festsetzung is the town's own
    Bescheid."""
    text = shared(OVERVIEW).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    elster = {r["leika"] for r in rows if "elster.de" in r["onlineDienst"] and r["ebene"] == "landesweit"}
    assert {GRUNDSTEUER, GEWERBESTEUER} <= elster  # what the real file says
    ok("--db", real_town, "pvog", "sync", "--from", str(shared(OVERVIEW)))
    # The town's own page for the Grundsteuer: ELSTER is no "other address" for it either.
    ok("--db", real_town, "status", "set", GRUNDSTEUER, "--stage", "1", "--url", "https://wolmirstedt.example/grst")

    report = findings(real_town)

    assert not {f["key"] for f in report["findings"]} & {GRUNDSTEUER, GEWERBESTEUER}
    rejected = {f["key"]: f["check"] for f in report["not_equivalent"]}
    assert rejected[GRUNDSTEUER].startswith("nicht gleichwertig: ELSTER nimmt die Grundsteuererklärung für das "
                                            "Finanzamt entgegen")
    assert "§§ 1, 25, 27 GrStG" in rejected[GRUNDSTEUER] and "§ 14 GewStG" in rejected[GEWERBESTEUER]
    table = ok("--db", real_town, "pvog", "diff").stdout
    listed = table.split("Nicht als Quick Win gewertet (der Onlinedienst kann die eigene Leistung nicht ersetzen):")[1]
    assert "Grundsteuer Festsetzung" in listed and "Gewerbesteuer Festsetzung" in listed


def test_a_release_removed_is_evidence_no_more_and_the_history_keeps_it(town, tmp_path):
    db = str(town)
    ok("--db", db, "triage", "set", HUNDESTEUER, "--level", "gemeinde", "--reason", "Stadt")
    ok("--db", db, "status", "set", HUNDESTEUER, "--stage", "3")
    assert sync_file(town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    first = findings(town)
    assert ("not-registered", HUNDESTEUER) in {(f["kind"], f["key"]) for f in first["findings"]}
    later = [r for r in ROWS if r[1] != HUNDESTEUER] + [("S100001.LB.9", HUNDESTEUER, "S.OD.9", "https://hund.example/")]
    assert sync_file(town, tmp_path, suchdienst_csv(later, when="15.11.2026 08:00"), "later.csv").exit_code == 0
    assert ("not-registered", HUNDESTEUER) not in {(f["kind"], f["key"]) for f in findings(town)["findings"]}
    assert evidence_date(db) == "2026-11-15T08:00:00Z"  # the release in effect dates the figures
    before = dump(db)

    dry = run("--db", db, "pvog", "remove", "2", "--dry-run")
    asked = run("--db", db, "pvog", "remove", "2")  # not a terminal: needs --yes

    assert dry.exit_code == 0 and "Befunde für Wolmirstedt, Stadt: nicht gemeldet 0 → 1." in dry.stderr
    assert "Probelauf: die Einspielung würde zurückgezogen; nichts wurde geändert." in dry.stderr
    assert asked.exit_code == 1 and "Bestätigen Sie mit --yes" in asked.stderr
    assert dump(db) == before

    done = run("--db", db, "pvog", "remove", "2", "--yes")

    assert done.exit_code == 0 and "Einspielung 2 zurückgezogen." in done.stderr
    assert findings(town) == first  # computed as if the release had never come
    assert evidence_date(db) == "2026-10-01T00:00:00Z"
    listed = {r["id"]: r for r in releases(db)}
    assert (listed[2]["withdrawn_by"], listed[1]["withdrawn_at"]) == ("it-officer", None)
    assert listed[2]["withdrawn_at"] is not None and listed[2]["entries"] == len(later)
    again = run("--db", db, "pvog", "remove", "2", "--yes")
    unknown = run("--db", db, "pvog", "remove", "9", "--yes")
    assert again.exit_code == 1 and "wurde bereits am" in again.stderr
    assert unknown.exit_code == 1 and "keine PVOG-Einspielung 9" in unknown.stderr
    # The next sync of the same listing follows the release that counts, not the withdrawn one.
    assert "unverändert seit Einspielung 1" in sync_file(town, tmp_path, suchdienst_csv(ROWS)).stderr


def test_findings_are_hints_until_the_town_reviews_them(town, tmp_path):
    db = str(town)
    for key in (HUNDESTEUER, ANMELDUNG):
        ok("--db", db, "triage", "set", key, "--level", "gemeinde", "--reason", "Stadt")
    ok("--db", db, "status", "set", HUNDESTEUER, "--stage", "3")
    assert sync_file(town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    chapter = ok("--db", db, "report", "chapter").stdout
    assert "**Möglicherweise nicht gemeldet: 1** (Hinweis, ungeprüft)" in chapter and "auffindbar" not in chapter

    ok("--db", db, "pvog", "review", HUNDESTEUER, "--kind", "not-registered", "--confirm", "--reason",
       "in BUS LSA nicht eingetragen")
    dismissed = ok("--db", db, "pvog", "review", ANMELDUNG, "--kind", "quick-win", "--dismiss", "--reason",
                   "für Wolmirstedt nicht angebunden")
    missing = run("--db", db, "pvog", "review", ABMELDUNG, "--kind", "quick-win", "--confirm", "--reason", "x")

    assert "Als verworfen vermerkt: 99115005104000 Wohnsitz Anmeldung." in dismissed.stderr
    assert missing.exit_code == 1 and f"kein Befund „quick-win“ für {ABMELDUNG}" in missing.stderr
    chapter = ok("--db", db, "report", "chapter").stdout
    assert ("**Nicht im Portalverbund gemeldet, geprüft: 1** – für Bürgerinnen und Bürger über die Portale nicht "
            "auffindbar") in chapter
    assert "**Möglicherweise nicht gemeldet: 0**" in chapter and "**Von der Stadt geprüft und verworfen: 1**" in chapter
    report = findings(town)
    [confirmed] = [f for f in report["findings"] if f["kind"] == "not-registered"]
    assert (confirmed["review"]["verdict"], confirmed["review"]["by"]) == ("confirmed", "it-officer")
    assert [f["key"] for f in report["dismissed"]] == [ANMELDUNG]
    assert "0 von 0 Vorschlägen übernehmbar" in ok("--db", db, "pvog", "accept", ANMELDUNG, "--kind", "quick-win").stderr
    # New evidence naming another online service: a new finding, unreviewed again.
    other = [(*r[:3], "https://anmeldung.sachsen-anhalt.example/") if r[1] == ANMELDUNG else r for r in ROWS]
    assert sync_file(town, tmp_path, suchdienst_csv(other), "other.csv").exit_code == 0
    [quick] = [f for f in findings(town)["findings"] if f["kind"] == "quick-win" and f["key"] == ANMELDUNG]
    assert quick["review"] is None


def test_a_release_of_an_earlier_version_is_read_as_a_sample_unless_it_was_a_per_ars_listing(town, tmp_path):
    """Migration 0015: an overview stored under the town before (the afternoon's bug) no longer makes "nicht
    gemeldet"; a Suchdienst CSV stays a complete listing."""
    from alembic import command
    from alembic.config import Config

    from ozgtrack.resources import migrations_dir
    from ozgtrack.store.database import db_url
    from ozgtrack.store.db import create_engine

    db = str(town)
    ok("--db", db, "triage", "set", HUNDESTEUER, "--level", "gemeinde", "--reason", "Stadt")
    ok("--db", db, "status", "set", HUNDESTEUER, "--stage", "3")
    engine = create_engine(db_url(db))
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(migrations_dir()))
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")
    engine.dispose()
    for id_, fmt in ((1, "uebersicht"), (2, "suchdienst-csv")):
        execute(db, "INSERT INTO pvog_release (id, ars, format, origin, sha256, imported_at, rows, entries, invalid, "
                    "not_applicable, added, removed, changed) VALUES (?, ?, ?, ?, ?, '2026-11-30 10:00:00', 1, 1, 0, 0, "
                    "1, 0, 0)", (id_, WOLMIRSTEDT, fmt, f"f{id_}.csv", str(id_) * 64))
        execute(db, "INSERT INTO pvog_entry (release_id, leika_key, ars, level, service_name, url, active) VALUES "
                    "(?, ?, '150000000000', 'land', 'x', 'https://land.example/', ?)", (id_, ANMELDUNG, True))

    listed = {r["format"]: r["complete"] for r in releases(db)}  # the first command upgrades the database

    assert listed == {"uebersicht": False, "suchdienst-csv": True}
    assert ("not-registered", HUNDESTEUER) in {(f["kind"], f["key"]) for f in findings(town)["findings"]}
    execute(db, "UPDATE pvog_release SET withdrawn_at = '2026-12-01 10:00:00' WHERE format = 'suchdienst-csv'")
    assert [f for f in findings(town)["findings"] if f["kind"] == "not-registered"] == []


def test_the_headline_dates_the_newest_sample_and_the_newest_complete_listing_apart(real_town):
    """A sample of 2026 is not a complete listing: the Belastbarkeit says how old the newest complete one is."""
    federal = SHARED_DATA / "pvog-suchdienst-samples-2025-01" / "ars_000000000000.csv"
    ok("--db", real_town, "pvog", "sync", "--from", str(shared(OVERVIEW)))
    ok("--db", real_town, "pvog", "sync", "--from", str(shared(federal)))

    chapter = ok("--db", real_town, "report", "chapter").stdout.split("### Auf einen Blick")[0]
    figures = json.loads(ok("--db", real_town, "report", "gaps", "--format", "json").stdout)["reliability"]

    rows = list(csv.DictReader(io.StringIO(shared(OVERVIEW).read_text(encoding="utf-8")), delimiter=";"))
    newest = max(r["pvogStand"] for r in rows if r["gefunden"] == "true" and r["ebene"] == "landesweit")[:10]
    assert (figures["pvog_evidence"]["stated"][:10], figures["pvog_complete_listing"]["stated"][:10]) == (
        newest, "2025-01-20")
    assert "; die neueste vollständige Liste (Bund): Datenstand 20.01.2025 (vor " in chapter
    assert "; keine vollständige Liste für den ARS der Stadt" in chapter
