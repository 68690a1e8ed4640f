"""PVOG evidence end to end: sync from files and a real HTTP server, release diffs, findings, accept, faults."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from support.cli import ok, run
from support.data import SHARED_DATA
from support.db import dump, execute
from support.http import Reply

from conftest import WOLMIRSTEDT

FEDERAL_CSV = SHARED_DATA / "pvog-suchdienst-samples-2025-01" / "ars_000000000000.csv"
HEADER = "ID-LB|Leikaschlüssel|Name|Name2|Updatedatum|ID-OD|Bezeichnung OD|Links"
ANMELDUNG, ABMELDUNG, HUNDESTEUER = "99115005104000", "99115005070000", "99102013002000"
FUEHRUNGSZEUGNIS, MELDEBESTAETIGUNG = "99049001001000", "99115003012000"


def suchdienst_csv(rows: list[tuple[str, str, str, str]], when: str = "01.10.2026 00:00") -> bytes:
    """A Suchdienst CSV: rows of (ID-LB, key, ID-OD, URL); an empty ID-OD is a description without online service."""
    lines = [HEADER] + [f"{lb}|{key}|Leistung {key}|Leistung {key} beantragen|{when}|{od}|{'Dienst ' + od if od else ''}|"
                        f"{url}" for lb, key, od, url in rows]
    return ("\n".join(lines) + "\n").encode()


# Wolmirstedt's evidence: a Land registration, the town's own (Mandant S…), the Bund's.
ROWS = [
    ("L100042.LB.1", ANMELDUNG, "L100042.OD.1", "https://wohnsitzanmeldung.gov.de/"),
    ("S100001.LB.2", ABMELDUNG, "S100001.OD.2", "https://buergerportal.example/abmelden"),
    ("S100001.LB.3", HUNDESTEUER, "", ""),
    ("B100019.LB.4", FUEHRUNGSZEUGNIS, "B100019.OD.4", "https://www.fuehrungszeugnis.bund.de/"),
    ("S100001.LB.5", MELDEBESTAETIGUNG, "S100001.OD.5", "https://meldung.example/a"),
]
# What the town says: level gemeinde for all five; (stage, URL) where it has a status.
TOWN = {ANMELDUNG: (1, None), ABMELDUNG: (3, "https://wolmirstedt.example/abmelden"),
        HUNDESTEUER: (3, "https://wolmirstedt.example/hundesteuer"), FUEHRUNGSZEUGNIS: None,
        MELDEBESTAETIGUNG: (3, "http://MELDUNG.example/a/")}


def expected_findings() -> set[tuple[str, str]]:
    """The findings, computed from ROWS and TOWN by the definitions (not by the code under test)."""
    online = {key: url for _, key, od, url in ROWS if od}
    bund = {key for lb, key, _, _ in ROWS if lb.startswith("B")}
    out = set()
    for key, status in TOWN.items():
        stage, url = status or (None, None)
        if (stage or 0) < 3 and key in online and key not in bund:  # the Bund's own service cannot stand for the town's
            out.add(("quick-win", key))
        if (stage or 0) >= 3 and key not in online:
            out.add(("not-registered", key))
        if url and key in online and url.lower().split("://")[1].rstrip("/") != online[key].split("://")[1].rstrip("/"):
            out.add(("link", key))
        if key in bund:
            out.add(("level", key))  # the town says gemeinde, the Bund registered it
    return out


@pytest.fixture
def pvog_town(town: Path) -> Path:
    """The town's decisions and statuses, made on 1 September 2026: before the evidence of ``suchdienst_csv``."""
    db = str(town)
    for key, status in TOWN.items():
        ok("--db", db, "triage", "set", key, "--level", "gemeinde", "--reason", "Stadt ist zuständig", "--yes")
        if status:
            stage, url = status
            ok("--db", db, "status", "set", key, "--stage", str(stage), *(["--url", url] if url else []))
    execute(town, "UPDATE audit_entry SET at = '2026-09-01 10:00:00.000000'")  # evidence is never newer than now
    return town


def sync_file(db: Path, tmp_path: Path, data: bytes, name: str = f"ars_{WOLMIRSTEDT}.csv", *args: str):
    """Sync a file; a Suchdienst CSV names no ARS, so it says which one it was asked for (Wolmirstedt's, unless
    ``args`` name another)."""
    path = tmp_path / name
    path.write_bytes(data)
    asked = () if "--ars" in args else ("--ars", WOLMIRSTEDT)
    return run("--db", str(db), "pvog", "sync", "--from", str(path), *asked, *args)


def findings(db: Path) -> dict:
    return json.loads(ok("--db", str(db), "pvog", "diff", "--format", "json").stdout)


def test_each_finding_kind_is_found_as_the_data_says(pvog_town, tmp_path):
    result = sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS))
    assert result.exit_code == 0, result.stderr
    assert (f"PVOG-Daten für ARS {WOLMIRSTEDT} (Wolmirstedt, Stadt), PVOG-Suchdienst (CSV), aus "
            f"ars_{WOLMIRSTEDT}.csv als Einspielung 1 gespeichert: 5 Einträge neu, 0 entfernt, 0 geändert; 5 Einträge zu "
            "5 Leistungen, davon 4 mit Onlinedienst, Datenstand 01.10.2026; vollständige Liste für diesen ARS.") in result.stderr

    report = findings(pvog_town)

    assert {(f["kind"], f["key"]) for f in report["findings"]} == expected_findings()
    quick = {f["key"]: (f["pvog_url"], f["provider"], f["check"]) for f in report["findings"]
             if f["kind"] == "quick-win"}
    assert quick == {ANMELDUNG: ("https://wohnsitzanmeldung.gov.de/", "Land",
                                 "von der Landesredaktion für die Kommunen des Landes registriert")}
    [federal] = report["not_equivalent"]
    assert (federal["key"], federal["pvog_url"]) == (FUEHRUNGSZEUGNIS, "https://www.fuehrungszeugnis.bund.de/")
    assert federal["check"].startswith("ein Onlinedienst des Bundes; die Leistung erbringt die Stadt selbst")
    assert all(f["review"] is None for f in report["findings"])
    level = [f for f in report["findings"] if f["kind"] == "level"]
    assert [(f["key"], f["town_level"], f["pvog_level"]) for f in level] == [(FUEHRUNGSZEUGNIS, "gemeinde", "bund")]
    # Own services marked online: Abmeldung, Hundesteuer, Meldebestätigung; the PVOG has a service for two.
    assert (report["own_online"], report["own_online_registered"], report["own_ars_covered"]) == (3, 2, True)


def test_the_chapter_and_the_mail_carry_the_portalverbund_section(pvog_town, tmp_path):
    chapter = ok("--db", str(pvog_town), "report", "chapter").stdout
    assert "Portalverbund" not in chapter  # no evidence yet: no section

    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    chapter = ok("--db", str(pvog_town), "report", "chapter").stdout

    section = chapter.split("### Portalverbund (PVOG)")[1].split("###")[0]
    assert ("Laut der vollständigen PVOG-Liste für den ARS der Stadt (Datenstand 01.10.2026) haben **2** von **3** "
            "eigenen Leistungen, die die Stadt als online führt, einen Onlinedienst im Portalverbund.") in section
    assert "**Hinweis, ungeprüft:** Die folgenden Befunde" in section
    assert "**Mögliche Quick Wins: 1** (Hinweis, ungeprüft)" in section
    assert "**Möglicherweise nicht gemeldet: 1** (Hinweis, ungeprüft)" in section
    assert "**Link weicht ab: 1** (Hinweis, ungeprüft)" in section
    assert "**Zuständigkeit: 1** (Hinweis, ungeprüft; 1 davon zu eigenen Leistungen)" in section
    assert "nicht auffindbar" not in section  # nobody has checked it: a hint, not a fact about citizens
    assert (f"| {ANMELDUNG} | Wohnsitz Anmeldung | Land (landesweit) | https://wohnsitzanmeldung.gov.de/ | ungeprüft |"
            in section)
    assert ("Nicht als Quick Win gewertet: Für 1 eigene Leistung nennen die PVOG-Daten einen Onlinedienst, der die "
            "Leistung der Stadt nicht ersetzt: Führungszeugnis Erteilung (https://www.fuehrungszeugnis.bund.de/).") in section

    mail = ok("--db", str(pvog_town), "report", "email", "--dry-run", "-o", str(tmp_path / "m.eml"),
              env={"OZGTRACK_SMTP_HOST": "127.0.0.1", "OZGTRACK_MAIL_FROM": "a@wolmirstedt.example",
                   "OZGTRACK_MAIL_TO": "b@wolmirstedt.example"})
    assert mail.exit_code == 0
    import email
    message = email.message_from_bytes((tmp_path / "m.eml").read_bytes())
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "Portalverbund (PVOG)" in text and "Mögliche Quick Wins: 1 (Hinweis, ungeprüft)" in text


def test_a_second_release_is_diffed_and_a_large_drop_refused(pvog_town, tmp_path):
    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    second = [r for r in ROWS if r[1] != HUNDESTEUER]
    second[0] = (*second[0][:3], "https://anmeldung.sachsen-anhalt.example/")
    second.append(("S100001.LB.6", "99089017000000", "S100001.OD.6", "https://fundbuero.example/"))

    result = sync_file(pvog_town, tmp_path, suchdienst_csv(second))

    assert result.exit_code == 0, result.stderr
    assert "als Einspielung 2 gespeichert: 1 Eintrag neu, 1 entfernt, 1 geändert; 5 Einträge zu 5 Leistungen" in \
        result.stderr
    assert (f"  geändert: {ANMELDUNG} Leistung {ANMELDUNG} beantragen (https://anmeldung.sachsen-anhalt.example/) – "
            "URL: https://wohnsitzanmeldung.gov.de/ → https://anmeldung.sachsen-anhalt.example/") in result.stderr
    assert f"  entfernt: {HUNDESTEUER} Leistung {HUNDESTEUER} beantragen (ohne Onlinedienst)" in result.stderr
    assert "  neu: 99089017000000 Leistung 99089017000000 beantragen (https://fundbuero.example/)" in result.stderr
    assert {f["key"] for f in findings(pvog_town)["findings"] if f["kind"] == "quick-win"} == {ANMELDUNG}

    before = dump(pvog_town)
    dropped = sync_file(pvog_town, tmp_path, suchdienst_csv(second[:2]))
    assert dropped.exit_code == 1
    assert "würde 3 von 5 Einträgen der PVOG-Daten für ARS 150830565565 entfernen" in dropped.stderr
    assert dump(pvog_town) == before
    assert sync_file(pvog_town, tmp_path, suchdienst_csv(second[:2]), f"ars_{WOLMIRSTEDT}.csv", "--force").exit_code == 0


def test_the_same_file_again_is_not_imported(pvog_town, tmp_path):
    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    before = dump(pvog_town)
    again = sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS))
    assert again.exit_code == 0
    assert "unverändert seit Einspielung 1; nichts eingespielt" in again.stderr
    assert dump(pvog_town) == before


def test_a_dry_run_writes_nothing(pvog_town, tmp_path):
    before = dump(pvog_town)
    result = sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS), f"ars_{WOLMIRSTEDT}.csv", "--dry-run")
    assert result.exit_code == 0
    assert "Probelauf, nichts gespeichert" in result.stderr
    assert dump(pvog_town) == before


# --- accept ---------------------------------------------------------------------------------------


def history(db: Path, key: str) -> list[dict]:
    return json.loads(ok("--db", str(db), "status", "history", key, "--format", "json").stdout)


def test_accept_applies_what_is_chosen_with_the_source_in_the_history(pvog_town, tmp_path):
    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0

    refused = run("--db", str(pvog_town), "pvog", "accept", "--kind", "quick-win", "--kind", "link")
    assert refused.exit_code == 1 and "bestätigen Sie mit --yes" in refused.stderr  # not a terminal: more than one change
    assert "Link weicht ab" in refused.stdout  # the list is shown
    result = ok("--db", str(pvog_town), "pvog", "accept", "--kind", "quick-win", "--kind", "link", "--yes")

    assert "2 von 2 Vorschlägen übernommen; 0 ausgelassen." in result.stderr
    source = f"Quelle: PVOG, Datenstand 01.10.2026 (ars_{WOLMIRSTEDT}.csv)"
    status = {s["key"]: s for s in json.loads(ok("--db", str(pvog_town), "status", "list", "--format", "json").stdout)}
    assert (status[ANMELDUNG]["stage"], status[ANMELDUNG]["url"]) == (3, "https://wohnsitzanmeldung.gov.de/")
    assert status[ABMELDUNG]["url"] == "https://buergerportal.example/abmelden"
    assert history(pvog_town, ANMELDUNG)[-1]["reason"] == source
    assert [h["action"] for h in history(pvog_town, FUEHRUNGSZEUGNIS)] == ["triage"]  # level: only when named

    level = ok("--db", str(pvog_town), "pvog", "accept", FUEHRUNGSZEUGNIS, "--kind", "level")
    assert "1 von 1 Vorschlag übernommen; 0 ausgelassen." in level.stderr
    last = history(pvog_town, FUEHRUNGSZEUGNIS)
    assert [(h["action"], h["reason"]) for h in last[-2:]] == [("triage", "Stadt ist zuständig"), ("triage", source)]
    assert last[-1]["changes"]["level"] == ["gemeinde", "bund"]
    # What is left is what the town must look at itself.
    assert {(f["kind"], f["key"]) for f in findings(pvog_town)["findings"]} == {("not-registered", HUNDESTEUER)}


@pytest.mark.parametrize("args", [(), ("--yes",), ("--kind", "level"), ("--kind", "level", "--yes"), ("10124",)])
def test_accept_without_a_choice_accepts_nothing_and_says_what_it_needs(pvog_town, tmp_path, args):
    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    before = dump(pvog_town)

    result = run("--db", str(pvog_town), "pvog", "accept", *args)

    assert result.exit_code == 2, result.stderr
    expected = {(): "nichts gewählt, also nichts übernommen", ("--yes",): "nichts gewählt, also nichts übernommen",
                ("--kind", "level"): "nur für einzeln genannte LeiKa-Schlüssel",
                ("--kind", "level", "--yes"): "nur für einzeln genannte LeiKa-Schlüssel",
                ("10124",): "kein 14-stelliger LeiKa-Schlüssel"}[args]
    assert expected in result.stderr
    assert dump(pvog_town) == before


def test_accept_leaves_what_the_town_changed_after_the_evidence_date_alone(pvog_town, tmp_path):
    # Evidence of 2025: the town's triage and statuses (set today) are newer.
    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS, when="20.01.2025 00:48")).exit_code == 0
    before = dump(pvog_town)

    chosen = ok("--db", str(pvog_town), "pvog", "accept", "--kind", "quick-win", "--kind", "link", "--yes")
    level = ok("--db", str(pvog_town), "pvog", "accept", FUEHRUNGSZEUGNIS, "--kind", "level", "--yes")

    assert "0 von 2 Vorschlägen übernehmbar; nichts wurde geändert." in chosen.stderr
    assert "die Stadt hat den Stand am" in chosen.stdout
    assert "die Stadt hat die Zuständigkeit am" in level.stdout
    assert dump(pvog_town) == before


def test_accept_dry_run_and_one_kind_change_nothing(pvog_town, tmp_path):
    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    before = dump(pvog_town)
    result = ok("--db", str(pvog_town), "pvog", "accept", "--kind", "link", "--dry-run")
    assert f"Link weicht ab  {ABMELDUNG}" in result.stdout
    assert "Probelauf: 1 von 1 Vorschlag würde übernommen; nichts wurde geändert." in result.stderr
    assert dump(pvog_town) == before


# --- downloads ------------------------------------------------------------------------------------


@pytest.fixture
def federal_csv() -> bytes:
    if not FEDERAL_CSV.is_file():
        pytest.skip(f"real data not available: {FEDERAL_CSV} is missing (../shared/data sits beside the checkout)")
    return FEDERAL_CSV.read_bytes()


@pytest.fixture
def suchdienst(http_server, tmp_path, monkeypatch):
    """A config whose [pvog] url points at the local server; the client id comes from the environment."""
    config = tmp_path / "config.toml"
    config.write_text(f'[pvog]\nurl = "{http_server.url("/suchdienst/api")}"\nrate = 50\n', encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_CONFIG", str(config))
    monkeypatch.setenv("OZGTRACK_PVOG_CLIENT_ID", "wolmirstedt-test")
    return http_server


PATH = "/suchdienst/api/v5/servicedescriptions/csv"


def test_sync_downloads_the_csv_for_the_ars_politely(town, suchdienst, federal_csv):
    suchdienst.add(PATH, Reply(200, federal_csv, {"Content-Type": "text/csv; charset=utf-8", "ETag": '"v1"'}))

    result = run("--db", str(town), "pvog", "sync", "--ars", "000000000000")

    assert result.exit_code == 0, result.stderr
    seen = suchdienst.requests_to(PATH)
    assert [s.query for s in seen] == [{"ars": ["000000000000"]}]
    assert seen[0].headers.get("pvog-sud-api-client-id") == "wolmirstedt-test"
    rows = list(csv.reader(io.StringIO(federal_csv.decode()), delimiter="|", quoting=csv.QUOTE_NONE))[1:]
    services, with_online = len({r[1] for r in rows}), len({r[1] for r in rows if r[5]})
    assert (f"{len(rows)} Einträge zu {services} Leistungen, davon {with_online} mit Onlinedienst, Datenstand "
            "20.01.2025") in result.stderr
    again = run("--db", str(town), "pvog", "sync", "--ars", "000000000000")
    assert again.exit_code == 0 and "unverändert seit Einspielung 1" in again.stderr
    assert suchdienst.requests_to(PATH)[-1].headers.get("If-None-Match") == '"v1"'


@pytest.mark.parametrize("fault", ["500", "429", "html", "truncated"])
def test_a_failed_download_changes_nothing(town, suchdienst, fast_http, tmp_path, fault):
    assert sync_file(town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    before = dump(town)
    good = suchdienst_csv(ROWS[:2])
    reply = {"500": Reply(500, b"boom"), "429": Reply(429, b"", {"Retry-After": "0"}),
             "html": Reply(200, b"<!DOCTYPE html><html><body>Anmeldung</body></html>", {"Content-Type": "text/csv"}),
             "truncated": Reply(200, good, {"Content-Type": "text/csv"}, cut_after=len(good) // 2)}[fault]
    suchdienst.add(PATH, reply)

    result = run("--db", str(town), "pvog", "sync")

    assert result.exit_code == 1
    assert {"500": "HTTP 500", "429": "HTTP 429", "html": "HTML-Seite",
            "truncated": "die Übertragung brach vor dem Ende ab"}[fault] in result.stderr
    assert dump(town) == before


def test_the_rate_limit_spaces_the_requests():
    from ozgtrack.evidence.pvog_sync import PoliteSession

    clock, waits = [0.0], []

    class Inner:
        headers: dict = {}

        def get(self, url, **kwargs):
            return url

    def sleep(seconds):
        waits.append(seconds)
        clock[0] += seconds

    session = PoliteSession(Inner(), rate=2, sleep=sleep, clock=lambda: clock[0])
    for _ in range(3):
        session.get("u")
        clock[0] += 0.1
    assert waits == pytest.approx([0.4, 0.4])


# --- the real data: Wolmirstedt with the real catalogue and the federal sample ------------------------


def test_wolmirstedt_on_the_real_federal_sample(tmp_path, flat_csv, federal_csv, monkeypatch):
    db = str(tmp_path / "w.sqlite")
    ars_list = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"
    ok("--db", db, "catalog", "sync", "--from", str(flat_csv))
    ok("--db", db, "municipality", "import", str(ars_list))
    monkeypatch.setenv("OZGTRACK_ARS", WOLMIRSTEDT)
    ok("--db", db, "triage", "set", "10562", "--level", "gemeinde", "--reason", "Antrag bei der Meldebehörde", "--yes")
    ok("--db", db, "status", "set", "99049001001001", "--stage", "3")
    (tmp_path / "ars_000000000000.csv").write_bytes(federal_csv)
    ok("--db", db, "pvog", "sync", "--from", str(tmp_path / "ars_000000000000.csv"))

    report = findings(Path(db))

    rows = list(csv.reader(io.StringIO(federal_csv.decode()), delimiter="|", quoting=csv.QUOTE_NONE))[1:]
    online_keys = {r[1] for r in rows if r[5]}
    own = {a["key"] for a in json.loads(ok("--db", db, "triage", "list", "--format", "json").stdout)
           if a["level"] == "gemeinde"}
    online_by_town = {s["key"] for s in json.loads(ok("--db", db, "status", "list", "--format", "json").stdout)
                      if (s["stage"] or 0) >= 3}
    # Every row is the Bund's: a federal online service never stands for a service the town executes itself.
    assert not [f for f in report["findings"] if f["kind"] == "quick-win"]
    assert {f["key"] for f in report["not_equivalent"]} == (own - online_by_town) & online_keys
    assert not [f for f in report["findings"] if f["kind"] == "not-registered"]  # no evidence for the town's own ARS
    assert report["own_ars_covered"] is False
    assert [(e["ars"], e["complete"]) for e in report["evidence"]] == [("000000000000", True)]
    bund_registered = {r[1] for r in rows if r[0].startswith("B")}
    levels = {a["key"]: a["level"] for a in json.loads(ok("--db", db, "triage", "list", "--format", "json").stdout)}
    assert {f["key"] for f in report["findings"] if f["kind"] == "level"} == {
        k for k in bund_registered if levels.get(k) not in (None, "bund")}


@pytest.mark.parametrize(("town", "levels", "suggested"), [
    ("unklar", ["bund"], "bund"),
    ("gemeinde", ["bund"], "bund"),
    ("bund", ["bund"], None),
    ("gemeinde", ["land", "bund"], None),  # the Land's editors describe the Kommune's service: no contradiction
    ("unklar", ["land"], None),
    ("gemeinde", ["kreis", "bund"], "landkreis"),  # the most local registration speaks
    (None, ["bund"], None),  # information only: nothing to decide
])
def test_which_registrations_contradict_the_towns_level(town, levels, suggested):
    from ozgtrack.evidence.findings import suggested_level

    assert suggested_level(town, levels) == suggested


@pytest.mark.parametrize(("town", "levels", "suggested"), [
    ("gemeinde", ["kreis"], None),  # its own ARS is a Kreis' ARS: the Stadt registered it for itself
    ("landkreis", ["gemeinde"], None),
    ("gemeinde", ["bund"], "bund"),
])
def test_a_kreisfreie_stadt_is_gemeinde_and_kreis_at_once(town, levels, suggested):
    from ozgtrack.evidence.findings import suggested_level

    assert suggested_level(town, levels, kreisfrei=True) == suggested


# --- files that are refused: a clear message, exit code 1, the database as before ---------------------


def overview(count: int, misfits: frozenset[int] = frozenset()) -> str:
    """A per-Kommune overview of ``count`` rows; the rows in ``misfits`` have a name with an unquoted ``;``."""
    lines = ["ars;kommune;bundesland;leistung;leika;gefunden;ebene;pvogName;onlineDienst;freigabeStelle;pvogStand"]
    lines += [f"{WOLMIRSTEDT};Wolmirstedt;Sachsen-Anhalt;l{i};9900100{i:04d}000;true;kommunal;Leistung {i}"
              f"{'; Teil' if i in misfits else ''};https://wolmirstedt.example/{i};Stadt;2026-09-22T08:39:33Z"
              for i in range(count)]
    return "\n".join(lines) + "\n"


def dashboard(count: int, misfits: frozenset[int] = frozenset()) -> str:
    """A dashboard export of ``count`` rows; the rows in ``misfits`` have a name with an unquoted ``,``."""
    lines = ["leika_key,leika_name,ars,ozgid,url,online_status,aktiv,art_flaechendeckung,datenstand_pvog_import"]
    lines += [f"9900100{i:04d}000,Leistung {i}{', Teil' if i in misfits else ''},{WOLMIRSTEDT},10124,"
              f"https://wolmirstedt.example/{i},ok,ja,EfA,2026-05-01" for i in range(count)]
    return "\n".join(lines) + "\n"


def detail(**more: object) -> dict:
    return {"content": [{"id": "S100001.LB.1", "name": "Wohnsitz anmelden", "leikakeys": [ANMELDUNG],
                         "ars": [WOLMIRSTEDT], "onlineServiceLinks": [{"uri": "https://wolmirstedt.example/"}],
                         **more}]}


def misfit(line: int, cells: int, width: int, delimiter: str) -> str:
    return (f"Zeile {line}: {cells} Zellen statt {width} wie die Kopfzeile (ein „{delimiter}“ im Text ohne "
            "Anführungszeichen?); die Werte stünden in den falschen Spalten")


REFUSED = {
    "JSON nested 100,000 deep": (
        "deep.json", b'{"content": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        " ist 100.001 Ebenen tief verschachtelt, mehr als die Grenze von 64 (echte Antworten haben weniger als 15); "
        "ist das die richtige Datei?"),
    "a number of 5,000 digits": (
        "number.json", json.dumps(detail(lastUpdate=None)).replace("null", "9" * 5000).encode(),
        " enthält eine Zahl mit 5.000 Zeichen, mehr als die Grenze von 100 (Schlüssel und Zählungen haben höchstens 14 "
        "Ziffern); ist das die richtige Datei?"),
    "a fraction of 5,000 digits": (
        "fraction.json", json.dumps(detail(lastUpdate=None)).replace("null", "0." + "3" * 4998).encode(),
        " enthält eine Zahl mit 5.000 Zeichen, mehr als die Grenze von 100 (Schlüssel und Zählungen haben höchstens 14 "
        "Ziffern); ist das die richtige Datei?"),
    "a UTF-16 overview": (
        "uebersicht.csv", overview(3).encode("utf-16"),
        " ist in UTF-16 kodiert; speichern Sie die Datei in UTF-8 und versuchen Sie es erneut"),
    "a UTF-16 answer of the Suchdienst": (
        "antwort.json", json.dumps(detail()).encode("utf-16"),
        " ist in UTF-16 kodiert; speichern Sie die Datei in UTF-8 und versuchen Sie es erneut"),
    "an overview with 1.5 % rows that do not fit": (
        "uebersicht.csv", overview(200, frozenset({5, 50, 150})).encode(),
        ": 3 von 200 Zeilen sind ungültig, das ist keine Datei im Format PVOG-Übersicht je Kommune; nichts wurde "
        f"geändert. Die ersten Probleme: {'; '.join(misfit(n, 12, 11, ';') for n in (7, 52, 152))}"),
    "a dashboard export with 1.5 % rows that do not fit": (
        "dashboard.csv", dashboard(200, frozenset({5, 50, 150})).encode(),
        ": 3 von 200 Zeilen sind ungültig, das ist keine Datei im Format Open-PVOG / Dashboard Digitale Verwaltung; "
        f"nichts wurde geändert. Die ersten Probleme: {'; '.join(misfit(n, 10, 9, ',') for n in (7, 52, 152))}"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_file_that_cannot_be_read_as_it_says_is_refused(case, pvog_town, tmp_path):
    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    before = dump(pvog_town)
    name, data, message = REFUSED[case]

    result = sync_file(pvog_town, tmp_path, data, name)

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {name}{message}\n")
    assert dump(pvog_town) == before


@pytest.mark.parametrize(("name", "text", "shown"), [
    ("uebersicht.csv", overview(200, frozenset({50})), misfit(52, 12, 11, ";")),
    ("dashboard.csv", dashboard(200, frozenset({50})), misfit(52, 10, 9, ",")),
])
def test_one_row_that_does_not_fit_is_skipped_and_named(name, text, shown, town, tmp_path):
    result = sync_file(town, tmp_path, text.encode(), name)

    assert result.exit_code == 0, result.stderr
    assert f"Warnung: {shown}\n" in result.stderr
    assert "1 ungültige Zeile übersprungen" in result.stderr
    assert "https://wolmirstedt.example/50" not in ok("--db", str(town), "pvog", "diff", "--format", "json").stdout
