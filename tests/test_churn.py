"""Catalogue churn: a withdrawn key keeps the town's status and history; `status move` carries them on."""

import json

from support.cli import ok, run

from ozgtrack.resources import catalog_file

OLD, NEW = "99115005104000", "99115005104001"


def successor_release(tmp_path):
    """The demo catalogue with OLD replaced by NEW (its real successor-like key), in both sources."""
    files = []
    for name, encoding in (("leika_leistungen_de.csv", "cp1252"), ("ozg_umsetzungskatalog.csv", "utf-8-sig")):
        text = catalog_file(f"demo/{name}").read_bytes().decode(encoding)
        text = text.replace(f"{OLD};Wohnsitz Anmeldung;", f"{NEW};Wohnsitz Anmeldung als Hauptwohnsitz;")  # LeiKa
        text = text.replace(f"Wohnsitz Anmeldung;{OLD};", f"Wohnsitz Anmeldung als Hauptwohnsitz;{NEW};")  # OZG
        target = tmp_path / name
        target.write_bytes(text.encode(encoding))
        files.append(target)
    return files


def test_withdrawn_key_keeps_status_then_moves(town, tmp_path):
    ok("--db", str(town), "triage", "set", OLD, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", OLD, "--stage", "3", "--department", "FB 2")
    for release in successor_release(tmp_path):
        ok("--db", str(town), "catalog", "sync", "--from", str(release))

    orphans = json.loads(run("--db", str(town), "status", "orphans", "--format", "json").stdout)
    assert [(o["key"], o["stage"], o["level"], o["department"]) for o in orphans] == [(OLD, 3, "gemeinde", "FB 2")]
    shown = json.loads(run("--db", str(town), "status", "show", OLD, "--format", "json").stdout)[0]
    assert (shown["stage"], shown["withdrawn"]) == (3, True)

    moved = run("--db", str(town), "status", "move", OLD, NEW, "--reason", "LeiKa: Schlüssel ersetzt")

    assert (moved.exit_code, moved.stderr) == (0, f"Wolmirstedt, Stadt: {OLD} → {NEW} übertragen.\n")
    assert json.loads(run("--db", str(town), "status", "orphans", "--format", "json").stdout) == []
    new = json.loads(run("--db", str(town), "status", "show", NEW, "--format", "json").stdout)[0]
    assert (new["stage"], new["department"], new["level"], new["level_decided"]) == (3, "FB 2", "gemeinde", True)
    history = json.loads(run("--db", str(town), "status", "history", NEW, "--format", "json").stdout)
    assert [(h["action"], h["reason"]) for h in history] == [
        ("triage", "Meldebehörde"), ("status", None), ("move", "LeiKa: Schlüssel ersetzt")]
    assert history[-1]["changes"] == {"key": [OLD, NEW]}


def test_move_refuses_to_overwrite_and_needs_something_to_move(town, tmp_path):
    for release in successor_release(tmp_path):
        ok("--db", str(town), "catalog", "sync", "--from", str(release))
    ok("--db", str(town), "triage", "set", OLD, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "triage", "set", NEW, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", NEW, "--stage", "1")

    onto = run("--db", str(town), "status", "move", OLD, NEW)
    empty = run("--db", str(town), "status", "move", "99115005070000", "99008001012000")

    assert onto.exit_code == 1 and f"{NEW} hat schon einen Status; {OLD} dorthin zu übertragen würde ihn überschreiben" in onto.stderr
    assert empty.exit_code == 1 and "99115005070000 hat weder einen Status noch eine Zuständigkeitsentscheidung noch einen Verlauf" in empty.stderr
