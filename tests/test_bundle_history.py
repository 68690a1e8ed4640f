"""A town bundle cannot rewrite history: its status and decision must be what its own history says.

A bundle whose status has no history entry, or disagrees with its history, would change the
Kreis' record without a trace (no entry, the version unchanged). Such a bundle is refused, naming
the service and what disagrees, and the database stays exactly as it was. The history itself must
be readable back (trend and open data replay it): an entry's fields and values are checked too.
"""

from __future__ import annotations

import json

import pytest
from support.cli import ok, run
from support.db import dump

from test_town_bundle import ABMELDUNG, ANMELDUNG, GRAB, export, kreis, setup_db, worked  # noqa: F401 (fixtures)

URL = "https://wolmirstedt.example/an"


def _service(document: dict, key: str) -> dict:
    return next(s for s in document["services"] if s["key"] == key)


def _status_entries_gone(document: dict) -> None:
    service = _service(document, ANMELDUNG)
    service["history"] = [e for e in service["history"] if e["action"] != "status"]


def _a_new_service_with_a_status_only(document: dict) -> None:
    status = dict(_service(document, ANMELDUNG)["status"])
    document["services"].append({"key": "99089017000000", "decision": None, "status": status, "history": []})


def _entry(document: dict, key: str, index: int) -> dict:
    return _service(document, key)["history"][index]


# Each case: how the town's good bundle is changed, and the problem the refusal names (after "NAME ist kein gültiges
# Bündel einer Gemeinde: ").
REWRITES = {
    "a status with no history": (
        _status_entries_gone,
        f"services[2]: Leistung {ANMELDUNG}: das Bündel nennt einen Status, aber keinen Verlaufseintrag dazu (wer hat "
        "ihn wann gesetzt?)"),
    "a new service with a status and no history at all": (
        _a_new_service_with_a_status_only,
        "services[3]: Leistung 99089017000000: das Bündel nennt einen Status, aber keinen Verlaufseintrag dazu (wer "
        "hat ihn wann gesetzt?)"),
    "a status the history does not say": (
        lambda d: _service(d, ANMELDUNG)["status"].update(stage=4),
        f"services[2]: Leistung {ANMELDUNG}: der Status stimmt nicht mit seinem Verlauf überein: Reifegrad 4, laut "
        "Verlauf 3"),
    "three fields rewritten": (
        lambda d: _service(d, ANMELDUNG)["status"].update(stage=5, url="https://boese.example/", department="FB 9",
                                                          contact="Mallory"),
        f"services[2]: Leistung {ANMELDUNG}: der Status stimmt nicht mit seinem Verlauf überein: Reifegrad 5, laut "
        "Verlauf 3; URL 'https://boese.example/', laut Verlauf 'https://wolmirstedt.example/an'; Fachbereich 'FB 9', "
        "laut Verlauf 'FB 2' (und 1 weiteres Feld)"),
    "a status dropped that the history names": (
        lambda d: _service(d, ABMELDUNG).update(status=None),
        f"services[1]: Leistung {ABMELDUNG}: das Bündel nennt keinen Status, laut Verlauf aber Reifegradmodell "
        "'rgm1'; Reifegrad 2; geplant bis '2027-Q2'"),
    "a history entry rewritten": (
        lambda d: _entry(d, ANMELDUNG, 2)["changes"].update(stage=[1, 2]),
        f"services[2]: Leistung {ANMELDUNG}: der Status stimmt nicht mit seinem Verlauf überein: Reifegrad 3, laut "
        "Verlauf 2"),
    "a decision the history does not say": (
        lambda d: _service(d, ABMELDUNG)["decision"].update(level="landkreis"),
        f"services[1]: Leistung {ABMELDUNG}: die Zuständigkeit ist „Landkreis“, laut Verlauf „Gemeinde“"),
    "a decision with another reason": (
        lambda d: _service(d, ABMELDUNG)["decision"].update(reason="Kreis sagt so"),
        f"services[1]: Leistung {ABMELDUNG}: die Begründung der Zuständigkeit ist 'Kreis sagt so', laut Verlauf "
        "'Meldebehörde'"),
    "a decision taken back in the history": (
        lambda d: _service(d, GRAB).update(decision={"level": "bund", "reason": "x", "by": "y",
                                                     "at": "2026-01-01T00:00:00.000000Z"}),
        f"services[0]: Leistung {GRAB}: das Bündel nennt die Zuständigkeitsentscheidung „Bund“, laut Verlauf gilt "
        "aber keine (nie getroffen oder zurückgenommen)"),
    "a decision dropped without taking it back": (
        lambda d: _service(d, ABMELDUNG).update(decision=None),
        f"services[1]: Leistung {ABMELDUNG}: das Bündel nennt keine Zuständigkeitsentscheidung, laut Verlauf gilt "
        "aber „Gemeinde“ (ohne Eintrag „zurück zur Regel“)"),
    # The history must be readable back: what trend and open data replay.
    "an unknown field in a status entry": (
        lambda d: _entry(d, ANMELDUNG, 1)["changes"].update(password=[None, "geheim"]),
        "services[2].history[1].changes: unbekanntes Feld 'password'"),
    "a stage as text in the history": (
        lambda d: _entry(d, ANMELDUNG, 1)["changes"].update(stage=[None, "eins"]),
        "services[2].history[1].changes.stage: ein Wert muss eine ganze Zahl oder null sein"),
    "an unknown model in the history": (
        lambda d: _entry(d, ANMELDUNG, 1)["changes"].update(model=[None, "rgm9"]),
        "services[2].history[1].changes.model: 'rgm9' ist keine von rgm1 oder rgm2"),
    "a triage entry without a level": (
        lambda d: _entry(d, ABMELDUNG, 0)["changes"].pop("level"),
        "services[1].history[0].changes: es fehlt das Feld 'level'"),
    "a level the history cannot hold": (
        lambda d: _entry(d, ABMELDUNG, 0)["changes"].update(level=["info", "kreis"]),
        "services[1].history[0].changes.level: 'kreis' ist keine von gemeinde, landkreis, land, bund, unklar oder "
        "info"),
    "a move to no key": (
        lambda d: _entry(d, ABMELDUNG, 0).update(action="move", changes={"key": ["99115005070000", "1"]}),
        "services[1].history[0].changes.key: '1' ist kein LeiKa-Schlüssel aus 14 Ziffern"),
}


@pytest.mark.parametrize("case", REWRITES, ids=list(REWRITES))
def test_a_bundle_that_rewrites_history_is_refused(case, worked, kreis, tmp_path):
    path = export(worked, tmp_path / "b.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    change, problem = REWRITES[case]
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = dump(kreis)

    result = run("--db", str(kreis), "town", "import", str(path))

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Fehler: {path} ist kein gültiges Bündel einer Gemeinde: {problem}; nichts wurde "
                             "geändert\n")
    assert dump(kreis) == before


def test_the_towns_own_bundle_agrees_with_its_history(worked, kreis, tmp_path):
    """What `town export` writes always passes: every change has its entry (also a decision taken back)."""
    result = run("--db", str(kreis), "town", "import", str(export(worked, tmp_path / "b.json")))
    assert result.exit_code == 0, result.stderr


# --- a forced import keeps the receiving database's history and record in agreement -----------------


def _history(db, key: str) -> list[dict]:
    return json.loads(ok("--db", str(db), "status", "history", key, "--format", "json").stdout)


def test_forced_over_a_later_change_here_the_takeover_has_its_entry(worked, kreis, tmp_path):
    ok("--db", str(kreis), "town", "import", str(export(worked, tmp_path / "b1.json")))
    ok("--db", str(worked), "status", "set", ANMELDUNG, "--stage", "5", "--user", "carla")
    b2 = export(worked, tmp_path / "b2.json")
    ok("--db", str(kreis), "status", "set", ANMELDUNG, "--stage", "2", "--user", "kreis-officer")  # after the town's

    forced = run("--db", str(kreis), "town", "import", str(b2), "--force", "--user", "kreis-it")

    assert forced.exit_code == 0, forced.stderr
    assert forced.stderr.endswith("Wolmirstedt, Stadt: 1 Leistung mit 2 neuen Verlaufseinträgen übernommen, "
                                  "2 Leistungen unverändert.\n")
    history = _history(kreis, ANMELDUNG)
    assert [(e["by"], e["changes"].get("stage"), e["reason"]) for e in history[-3:]] == [
        ("carla", [3, 5], None), ("kreis-officer", [3, 2], None),
        ("kreis-it", [2, 5], "aus dem Bündel von Wolmirstedt, Stadt übernommen (--force)")]
    # The Kreis' record now agrees with its history: a bundle written from it is read back anywhere.
    again = setup_db(tmp_path / "land.sqlite")
    assert run("--db", str(again), "town", "import", str(export(kreis, tmp_path / "b3.json"))).exit_code == 0


def test_forced_over_a_later_decision_here_no_decision_is_a_reset(worked, kreis, tmp_path):
    ok("--db", str(kreis), "town", "import", str(export(worked, tmp_path / "b1.json")))
    ok("--db", str(worked), "triage", "set", GRAB, "--level", "bund", "--reason", "Bund", "--yes")
    ok("--db", str(worked), "triage", "reset", GRAB, "--yes")
    b2 = export(worked, tmp_path / "b2.json")
    ok("--db", str(kreis), "triage", "set", GRAB, "--level", "gemeinde", "--reason", "Friedhof der Stadt", "--yes")

    forced = run("--db", str(kreis), "town", "import", str(b2), "--force", "--user", "kreis-it")

    assert forced.exit_code == 0, forced.stderr
    last = _history(kreis, GRAB)[-1]
    assert (last["by"], last["reason"], last["changes"]["level"][0]) == ("kreis-it", "zurück zur Regel", "gemeinde")
    shown = json.loads(ok("--db", str(kreis), "triage", "show", GRAB, "--format", "json").stdout)
    assert shown["origin"] != "decision"
    again = setup_db(tmp_path / "land.sqlite")
    assert run("--db", str(again), "town", "import", str(export(kreis, tmp_path / "b3.json"))).exit_code == 0
