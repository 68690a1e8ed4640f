"""`opendata export` deletes only what is its own: the files its earlier export lists in metadaten.jsonld.

Anything else in the folder stays and is named; `-o` names a folder, never a file; the hidden folder a
killed export leaves behind (and an earlier export it had moved aside) is cleaned up by the next run,
tested by killing a real export process where it writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.cli import run

from conftest import WOLMIRSTEDT


def _export(db, target: Path, *args: str):
    return run("--db", str(db), "opendata", "export", "-o", str(target), "--ars", WOLMIRSTEDT, *args)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by its relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hidden(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture
def exported(town, tmp_path) -> Path:
    """An earlier export of Wolmirstedt in ``tmp_path/od``."""
    target = tmp_path / "od"
    assert _export(town, target).exit_code == 0
    return target


USERS_OWN = {
    "tables of their own": {"notizen.csv": b"Leistung;Notiz\r\nAnmeldung;anrufen\r\n", "eigene.json": b"[1, 2]\n"},
    "a letter and a subfolder": {"brief.txt": b"Sehr geehrte Damen und Herren", "entwurf/alt.csv": b"a;b\r\n",
                                 ".versteckt": b"x"},
}


@pytest.mark.parametrize("case", USERS_OWN, ids=list(USERS_OWN))
def test_force_replaces_only_the_files_of_the_earlier_export(case, town, exported, tmp_path):
    own = USERS_OWN[case]
    for name, content in own.items():
        (exported / name).parent.mkdir(exist_ok=True)
        (exported / name).write_bytes(content)
    earlier = _files(exported)

    result = _export(town, exported, "--force")

    assert result.exit_code == 0, result.stderr
    kept = sorted({name.split("/")[0] for name in own})
    assert result.stderr.splitlines()[-1] == (f"Nicht aus dem Export und unverändert im Ordner geblieben: "
                                              f"{', '.join(kept)}.")
    now = _files(exported)
    assert {name: now.get(name) for name in own} == own  # the user's files, unchanged
    assert now["metadaten.jsonld"] != earlier["metadaten.jsonld"]  # the export's, replaced (a new time)
    assert set(now) == set(earlier)
    assert _hidden(tmp_path) == []


def test_a_users_file_named_like_a_new_file_of_the_export_is_refused(town, exported, tmp_path):
    """The earlier export did not list status.csv (an older version, or the user's own file): it is not ours."""
    metadata = exported / "metadaten.jsonld"
    document = json.loads(metadata.read_text(encoding="utf-8"))
    document["@graph"] = [item for item in document["@graph"] if item.get("@id") != "#status.csv"]
    metadata.write_text(json.dumps(document), encoding="utf-8")
    earlier = _files(exported)

    result = _export(town, exported, "--force")

    assert (result.exit_code, result.stderr) == (1, (
        f"Fehler: im Ordner {exported} liegt status.csv, nicht aus dem früheren Export, aber so benannt wie eine "
        "Datei des neuen; benennen Sie sie um oder wählen Sie einen anderen Ordner; nichts wurde geändert\n"))
    assert _files(exported) == earlier and _hidden(tmp_path) == []


def test_a_marker_naming_files_outside_the_folder_deletes_nothing_there(town, exported, tmp_path):
    metadata = exported / "metadaten.jsonld"
    document = json.loads(metadata.read_text(encoding="utf-8"))
    document["@graph"] += [{"@id": "#../opfer.csv", "@type": "dcat:Distribution"},
                           {"@id": "#.profil.csv", "@type": "dcat:Distribution"}]
    metadata.write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "opfer.csv").write_bytes(b"wichtig")
    (exported / ".profil.csv").write_bytes(b"auch wichtig")

    result = _export(town, exported, "--force")

    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "opfer.csv").read_bytes() == b"wichtig"
    assert (exported / ".profil.csv").read_bytes() == b"auch wichtig"
    assert result.stderr.splitlines()[-1] == "Nicht aus dem Export und unverändert im Ordner geblieben: .profil.csv."


def test_o_names_a_folder_never_a_file(town, tmp_path):
    existing = tmp_path / "bericht.csv"
    existing.write_bytes(b"a;b\r\n")

    on_a_file = _export(town, existing)
    like_a_file = _export(town, tmp_path / "offene-daten.zip")

    assert (on_a_file.exit_code, on_a_file.stderr) == (
        1, f"Fehler: {existing} ist eine Datei, kein Ordner; geben Sie einen neuen oder leeren Ordner an\n")
    assert existing.read_bytes() == b"a;b\r\n"
    assert (like_a_file.exit_code, like_a_file.stderr) == (
        1, f"Fehler: {tmp_path / 'offene-daten.zip'} sieht nach einer Datei aus (.zip), geschrieben wird aber ein "
           "Ordner mit mehreren Dateien; geben Sie einen Ordner an (z. B. offene-daten-2026)\n")
    assert not (tmp_path / "offene-daten.zip").exists() and _hidden(tmp_path) == []


# --- a killed export ------------------------------------------------------------------------------

# A worker: the real CLI in a process that stops for good where the test says (after the second file is written,
# or just after the earlier folder was moved aside), so that the test can kill it there.
STOPPED = """
import os, sys, time
from pathlib import Path
from click.testing import CliRunner
import ozgtrack.delivery.folder as folder
from ozgtrack.cli import cli

where, ready, args = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]

def stop():
    ready.touch()
    time.sleep(600)

if where == "writing":
    write, written = folder._write, []
    def _write(path, content):
        write(path, content)
        written.append(path)
        if len(written) == 2:
            stop()
    folder._write = _write
else:
    rename = os.rename
    def _rename(old, new):
        rename(old, new)
        if str(new).endswith(".alt"):
            stop()
    folder.os.rename = _rename
CliRunner().invoke(cli, args)
"""


def _killed(where: str, db, target: Path, *args: str) -> None:
    ready = target.parent / "worker-ready"
    worker = subprocess.Popen([sys.executable, "-c", STOPPED, where, str(ready), "--db", str(db), "opendata",
                               "export", "-o", str(target), "--ars", WOLMIRSTEDT, *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    deadline = time.monotonic() + 120
    while not ready.exists() and worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ready.exists(), worker.communicate(timeout=10)
    worker.kill()
    worker.communicate(timeout=60)
    ready.unlink()


def test_the_leftover_of_a_killed_export_is_cleaned_up(town, tmp_path):
    target = tmp_path / "od"
    _killed("writing", town, target)
    assert not target.exists() and [n.endswith(".neu") for n in _hidden(tmp_path)] == [True]

    result = _export(town, target)

    assert result.exit_code == 0, result.stderr
    assert _hidden(tmp_path) == [] and (target / "metadaten.jsonld").is_file()


def test_an_export_killed_after_moving_the_earlier_one_aside_loses_nothing(town, exported, tmp_path):
    (exported / "notizen.csv").write_bytes(b"eigene Notizen")
    _killed("moved aside", town, exported, "--force")
    assert not exported.exists()  # killed between the two renames: the earlier export lies aside
    assert sorted(n.rsplit(".", 1)[1] for n in _hidden(tmp_path)) == ["alt", "neu"]

    result = _export(town, exported, "--force")

    assert result.exit_code == 0, result.stderr
    assert (exported / "notizen.csv").read_bytes() == b"eigene Notizen"
    assert "notizen.csv" in result.stderr and _hidden(tmp_path) == []


def test_a_hidden_folder_another_export_is_writing_stays(town, tmp_path):
    import fcntl

    busy = tmp_path / ".od.abcd1234.neu"
    busy.mkdir()
    (busy / "status.csv").write_bytes(b"halb")
    handle = os.open(busy, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        result = _export(town, tmp_path / "od")
    finally:
        os.close(handle)

    assert result.exit_code == 0, result.stderr
    assert (busy / "status.csv").read_bytes() == b"halb"
