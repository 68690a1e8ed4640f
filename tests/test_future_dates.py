"""Dates after the time of import never outrank the town's own later change.

A PVOG file whose rows state a data date far in the future (``Updatedatum 01.01.2099``) is refused: its
real date is unknown, and set to the time of import it would outrank a change the town made the same day.
A date a little ahead (a clock running ahead, at most a day) is set to the time of import with a warning
naming the rows, so `pvog accept` leaves alone what the town changed after the import. A town bundle whose export time or history lies after the time of
import is refused (its entries are identified by their time, so a time cannot be corrected).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from support.cli import ok, run
from support.db import dump, query

from conftest import WOLMIRSTEDT
from test_pvog import ABMELDUNG, ROWS, pvog_town, suchdienst_csv, sync_file  # noqa: F401 (pvog_town: a fixture)
from test_town_bundle import ANMELDUNG, export, kreis, worked  # noqa: F401 (kreis, worked: fixtures)

TOWN_URL = "https://wolmirstedt.example/abmelden-neu"


def _today() -> str:
    return f"{datetime.now(UTC):%d.%m.%Y}"


def _status(db, key: str) -> dict:
    listing = json.loads(ok("--db", str(db), "status", "list", "--format", "json").stdout)
    return next(s for s in listing if s["key"] == key)


def test_a_2099_data_date_is_refused_and_the_towns_same_day_url_stays(pvog_town, tmp_path):
    # The town corrects the address the same day, before the import.
    ok("--db", str(pvog_town), "status", "set", ABMELDUNG, "--url", TOWN_URL)
    before = dump(pvog_town)

    synced = sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS, when="01.01.2099 00:00"))

    assert synced.exit_code == 1
    assert f"Zeile 3 ({ABMELDUNG}: 01.01.2099 00:00)" in synced.stderr
    assert "ein solches Datum kann nicht stimmen" in synced.stderr and "nichts wurde geändert" in synced.stderr
    assert dump(pvog_town) == before  # no evidence that could outrank the town's change
    assert _status(pvog_town, ABMELDUNG)["url"] == TOWN_URL


def test_a_date_a_little_ahead_is_set_to_the_import_and_outranks_no_later_change(pvog_town, tmp_path):
    ahead = datetime.now(UTC) + timedelta(hours=3)  # a clock running ahead at the source
    synced = sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS, when=f"{ahead:%d.%m.%Y %H:%M}"))
    assert synced.exit_code == 0, synced.stderr
    warning = synced.stderr.splitlines()[0]
    assert warning.startswith("Warnung: 5 Zeilen nennen einen Datenstand nach dem Zeitpunkt der Einspielung (")
    assert f"Zeile 3 ({ABMELDUNG}: {ahead:%d.%m.%Y %H:%M})" in warning
    assert warning.endswith("Als ihr Datenstand gilt der Zeitpunkt der Einspielung, damit ein falsches Datum keine "
                            "spätere Änderung der Stadt überholt")
    # The town corrects the address the same day, after the import.
    ok("--db", str(pvog_town), "status", "set", ABMELDUNG, "--url", TOWN_URL)
    before = dump(pvog_town)

    accepted = ok("--db", str(pvog_town), "pvog", "accept", "--kind", "link", "--yes")

    assert "die Stadt hat den Stand am" in accepted.stdout
    assert _status(pvog_town, ABMELDUNG)["url"] == TOWN_URL
    assert dump(pvog_town) == before


def test_a_future_date_already_stored_does_not_outrank_the_town_either(pvog_town, tmp_path):
    """Evidence stored before this rule (a data date of 2099 in the database) is read as of its import."""
    from support.db import execute

    assert sync_file(pvog_town, tmp_path, suchdienst_csv(ROWS)).exit_code == 0
    execute(pvog_town, "UPDATE pvog_release SET data_date = '2099-01-01 00:00:00.000000'")
    execute(pvog_town, "UPDATE pvog_entry SET stated = '2099-01-01 00:00:00.000000'")
    ok("--db", str(pvog_town), "status", "set", ABMELDUNG, "--url", TOWN_URL)

    ok("--db", str(pvog_town), "pvog", "accept", "--kind", "link", "--yes")

    assert _status(pvog_town, ABMELDUNG)["url"] == TOWN_URL


KEY = "99115005104000"
# The same kind of case in every PVOG format: one row with a data date in the future.
FUTURE = {
    "suchdienst-csv": ("ars_150830565565.csv", (
        "ID-LB|Leikaschlüssel|Name|Name2|Updatedatum|ID-OD|Bezeichnung OD|Links\n"
        f"L100042.LB.1|{KEY}|Wohnsitz Anmeldung|Wohnsitz anmelden|20.01.2025 00:48|L100042.OD.1|Anmeldung|"
        "https://wohnsitzanmeldung.gov.de/\n"
        f"S100001.LB.2|99115005070000|Abmeldung|Abmelden|31.12.2099 23:59|S100001.OD.2|Abmeldung|"
        "https://buergerportal.example/abmelden\n").encode(), "Zeile 3 (99115005070000: 31.12.2099 23:59)"),
    "suchdienst-json": ("suchdienst.json", json.dumps({"content": [
        {"id": "S100001.LB.1", "name": "Wohnsitz anmelden", "leikakeys": [KEY], "ars": [WOLMIRSTEDT],
         "lastUpdate": "2099-03-01T10:00:00.123Z",
         "onlineServiceLinks": [{"uri": "https://wohnsitzanmeldung.gov.de/", "title": "Anmeldung", "id": "S.OD.1"}]},
        {"id": "S100001.LB.2", "name": "Abmelden", "leikakeys": ["99115005070000"], "ars": [WOLMIRSTEDT],
         "lastUpdate": "2025-03-01T10:00:00Z", "onlineServiceLinks": []}]}).encode(),
        f"Eintrag 1 ({KEY}: 01.03.2099 10:00)"),
    "uebersicht": ("uebersicht.csv", (
        "ars;kommune;bundesland;leistung;leika;gefunden;ebene;pvogName;onlineDienst;freigabeStelle;pvogStand\n"
        f"{WOLMIRSTEDT};Wolmirstedt;Sachsen-Anhalt;anmeldung;{KEY};true;kommunal;Wohnsitz anmelden;"
        "https://wolmirstedt.example/anmelden;Wolmirstedt;2099-09-22T08:39:33Z\n").encode(),
        f"Zeile 2 ({KEY}: 22.09.2099 08:39)"),
    "dashboard": ("dashboard.csv", (
        "leika_key,leika_name,ars,ozgid,url,online_status,aktiv,art_flaechendeckung,datenstand_pvog_import\n"
        f"{KEY},Wohnsitz Anmeldung,{WOLMIRSTEDT},10124,https://wohnsitzanmeldung.gov.de/,ok,ja,EfA,2099-05-01\n"
    ).encode(), f"Zeile 2 ({KEY}: 01.05.2099 00:00)"),
}


@pytest.mark.parametrize("fmt", FUTURE, ids=list(FUTURE))
def test_every_format_refuses_a_date_far_after_the_import(town, tmp_path, fmt):
    name, data, named = FUTURE[fmt]
    path = tmp_path / name
    path.write_bytes(data)
    asked = ("--ars", WOLMIRSTEDT) if fmt == "suchdienst-csv" else ()
    before = dump(town)

    result = run("--db", str(town), "pvog", "sync", "--from", str(path), *asked)

    assert result.exit_code == 1, result.stderr
    assert named in result.stderr and "nichts wurde geändert" in result.stderr
    assert dump(town) == before


# --- town bundles ---------------------------------------------------------------------------------


def _edited(path, change) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _service(document: dict, key: str) -> dict:
    return next(s for s in document["services"] if s["key"] == key)


FUTURE_IN_BUNDLE = {
    "history entry": (lambda d: _service(d, ANMELDUNG)["history"][-1].update(at="2099-01-01T00:00:00.000000Z"),
                      f"services[2].history[2].at: der Zeitpunkt 2099-01-01 00:00 UTC liegt nach dem Zeitpunkt der "
                      "Einspielung"),
    "export time": (lambda d: d.update(exported_at="2099-01-01T00:00:00+01:00"),
                    "exported_at: der Zeitpunkt 2098-12-31 23:00 UTC liegt nach dem Zeitpunkt der Einspielung"),
    "decision time": (lambda d: _service(d, ANMELDUNG)["decision"].update(at="2099-01-01T00:00:00Z"),
                      "services[2].decision.at: der Zeitpunkt 2099-01-01 00:00 UTC liegt nach dem Zeitpunkt der "
                      "Einspielung"),
    "status time": (lambda d: _service(d, ANMELDUNG)["status"].update(updated_at="2099-01-01T00:00:00Z"),
                    "services[2].status.updated_at: der Zeitpunkt 2099-01-01 00:00 UTC liegt nach dem Zeitpunkt "
                    "der Einspielung"),
}


@pytest.mark.parametrize("case", FUTURE_IN_BUNDLE, ids=list(FUTURE_IN_BUNDLE))
def test_a_bundle_dated_after_the_import_is_refused(case, worked, kreis, tmp_path):
    path = export(worked, tmp_path / "b.json")
    change, problem = FUTURE_IN_BUNDLE[case]
    _edited(path, change)
    before = dump(kreis)

    result = run("--db", str(kreis), "town", "import", str(path))

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Fehler: {path} ist kein gültiges Bündel einer Gemeinde: {problem} (")
    assert result.stderr.endswith(" UTC); geht die Uhr des Rechners vor, auf dem es geschrieben wurde? Nichts wurde "
                                  "geändert\n")
    assert dump(kreis) == before


def test_a_future_history_entry_cannot_switch_off_the_conflict_check(worked, kreis, tmp_path):
    """Today's bug: a history entry of 2099 became the base, so the Kreis' own later change was overwritten."""
    b1 = export(worked, tmp_path / "b1.json")
    _edited(b1, lambda d: _service(d, ANMELDUNG)["history"][-1].update(at="2099-01-01T00:00:00.000000Z"))
    refused = run("--db", str(kreis), "town", "import", str(b1))
    assert refused.exit_code == 1
    ok("--db", str(kreis), "town", "import", str(export(worked, tmp_path / "b1-good.json")))
    ok("--db", str(kreis), "status", "set", ANMELDUNG, "--stage", "2", "--user", "kreis-officer")
    ok("--db", str(worked), "status", "set", ANMELDUNG, "--stage", "5", "--user", "carla")

    result = run("--db", str(kreis), "town", "import", str(export(worked, tmp_path / "b2.json")))

    assert result.stderr.startswith(f"Warnung: {ANMELDUNG} wurde hier nach dem Stand des Bündels geändert (")
    assert _status(kreis, ANMELDUNG)["stage"] == 2
