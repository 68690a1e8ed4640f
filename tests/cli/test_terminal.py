"""The terminal (issue 11): tables fit the width, long lists end in a note, empty groups hidden, the demo's hint."""

import csv
import fcntl
import io
import json
import os
import pty
import shlex
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from support.cli import ok, run
from support.data import SHARED_DATA
from support.db import connect

SCRIPT = Path(sys.executable).with_name("ozgtrack")  # the console script of this environment
ARS_CSV = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"
PLAKATE = "Sondernutzung von Straßen Erlaubnis zum Anbringen von Plakaten"  # 63 characters: was cut at 55


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "demo.sqlite"
    ok("demo", "--path", str(path))
    return path


def test_names_are_complete_in_a_pipe(demo_db):
    result = run("--db", str(demo_db), "triage", "list", "--ars", "150830565565", "--ozg", "10348")

    assert result.exit_code == 0 and result.stderr == ""
    assert [line.split("  ")[1].strip() for line in result.stdout.splitlines()[2:]] == [
        "Sondernutzung von Straßen Erlaubnis innerhalb der Ortschaft", PLAKATE]


def test_long_cells_wrap_to_columns(demo_db):
    result = run("--db", str(demo_db), "triage", "list", "--ars", "150830565565", "--ozg", "10348",
                 env={"COLUMNS": "100"})

    assert result.exit_code == 0
    assert result.stdout == """\
Schlüssel       Leistung       Typisierung    Zuständigkeit    Art           Begründung            von
--------------  -------------  -------------  ---------------  ------------  --------------------  --------
99108012005001  Sondernutzung  2/3            gemeinde         Entscheidung  Straßenbaulastträger  ozgtrack
                von Straßen                                                  für Gemeindestraßen   demo
                Erlaubnis
                innerhalb der
                Ortschaft
99108012005005  Sondernutzung  2/3            gemeinde         Entscheidung  Straßenbaulastträger  ozgtrack
                von Straßen                                                  für Gemeindestraßen   demo
                Erlaubnis zum
                Anbringen von
                Plakaten
"""


def _in_terminal(args: list[str], columns: int, env: dict[str, str]) -> str:
    """Run the console script with stdout on a pseudo terminal ``columns`` wide; what it wrote there."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    done = subprocess.run([str(SCRIPT), *args], stdout=follower, stderr=subprocess.PIPE, env=env, timeout=120)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed and drained
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert done.returncode == 0, done.stderr.decode()
    return out.decode().replace("\r\n", "\n")


def test_a_terminal_gives_its_width(demo_db, isolated_env):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    # The services' table (the OZG-Leistungen found by name come first; a word is never split, so
    # "Verkehrsraumeinschränkung" beside "Unternehmensführung" may keep that small table wider).
    shown = _in_terminal(["--db", str(demo_db), "catalog", "search", "Straßen"], 70, env).split("\nLeistungen:\n")[1]

    assert max(len(line) for line in shown.splitlines()) <= 70  # one line per name would need 115
    names = [line[16:].split("  ")[0] for line in shown.splitlines()[2:]]
    both = "Sondernutzung von Straßen Erlaubnis innerhalb der Ortschaft " + PLAKATE
    assert " ".join(names).split() == both.split()


# --- long lists -----------------------------------------------------------------------------------------


@pytest.fixture
def towns(db):
    if not ARS_CSV.is_file():
        pytest.skip(f"real data not available: {ARS_CSV} is missing")
    ok("--db", str(db), "municipality", "import", str(ARS_CSV))
    return db


def test_a_table_shows_50_rows_and_says_how_many_more(towns):
    table = run("--db", str(towns), "municipality", "list")
    everything = json.loads(run("--db", str(towns), "municipality", "list", "--format", "json").stdout)

    assert table.exit_code == 0 and len(table.stdout.splitlines()) == 2 + 50
    assert len(everything) == 11_243
    assert table.stderr == "… und 11.193 weitere (--limit erhöhen oder --all)\n"


def test_limit_and_all(towns):
    three = run("--db", str(towns), "municipality", "list", "--land", "15", "--limit", "3", "--format", "json")
    everything = run("--db", str(towns), "municipality", "list", "--land", "15", "--all")
    both = run("--db", str(towns), "municipality", "list", "--limit", "3", "--all")

    assert [m["ars"] for m in json.loads(three.stdout)] == ["150010000000", "150020000000", "150030000000"]
    assert three.stderr.startswith("… und ") and three.stderr.endswith(" weitere (--limit erhöhen oder --all)\n")
    assert everything.stderr == "" and len(everything.stdout.splitlines()) - 2 == 3 + int(three.stderr.split()[2])
    assert both.exit_code == 2 and "--limit und --all schließen einander aus" in both.stderr


def test_lists_of_the_town_have_a_limit(demo_db):
    listed = run("--db", str(demo_db), "triage", "list", "--ars", "150830565565", "--limit", "5")
    statuses = run("--db", str(demo_db), "status", "list", "--ars", "150830565565", "--limit", "2", "--format", "json")
    services = run("--db", str(demo_db), "report", "gaps", "--ars", "150830565565", "--by", "service", "--limit", "1",
                   "--format", "json")

    assert len(listed.stdout.splitlines()) == 2 + 5
    assert listed.stderr == "… und 36 weitere (--limit erhöhen oder --all)\n"
    assert len(json.loads(statuses.stdout)) == 2 and statuses.stderr.endswith("weitere (--limit erhöhen oder --all)\n")
    assert len(json.loads(services.stdout)["services"]) == 1 and "weitere" in services.stderr


# --- groups without own services -------------------------------------------------------------------------


def test_groups_without_own_services_are_hidden_unless_asked_for(demo_db):
    args = ("--db", str(demo_db), "report", "gaps", "--ars", "150830565565", "--by", "ozg")
    table, everything = run(*args), run(*args, "--empty-groups")
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))

    own = [r["OZG-ID"] for r in rows if r["eigene Leistungen"] != "0"]
    empty = [r for r in rows if r["eigene Leistungen"] == "0"]
    undecided = sum(1 for r in empty if r["ungeklärt"] != "0")
    assert own and empty  # the demo has both
    assert _ids(table.stdout) == own and _ids(everything.stdout) == [r["OZG-ID"] for r in rows]
    assert (f"Nicht aufgeführt: {len(empty)} OZG-Leistungen ohne eigene Leistungen, davon {undecided} mit "
            "ungeklärter Zuständigkeit (aufgeführt mit --empty-groups)\n") in table.stdout
    assert "Nicht aufgeführt" not in everything.stdout


def _ids(text: str) -> list[str]:
    lines = text.split("\n--------")[1].split("\n\n")[0].splitlines()[1:]
    return [line.split()[0] for line in lines]


# --- the demo's hint --------------------------------------------------------------------------------------


def test_the_demos_hint_runs_as_printed(tmp_path, isolated_env):
    venv_bin = os.path.relpath(SCRIPT.parent, tmp_path)  # started as the README does: by a relative path
    env = {"HOME": str(isolated_env), "PATH": "/usr/bin:/bin", "OZGTRACK_DATA_DIR": str(tmp_path / "data")}
    demo = subprocess.run([f"{venv_bin}/ozgtrack", "demo"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    hint = demo.stderr.splitlines()[-1]
    assert demo.returncode == 0 and hint.startswith("Zum Ausprobieren: "), demo.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    chapter = subprocess.run(shlex.split(hint.removeprefix("Zum Ausprobieren: ")), cwd=elsewhere, env=env,
                             capture_output=True, text=True, timeout=300)
    assert chapter.returncode == 0, chapter.stderr
    assert "Digitales Rathaus" in chapter.stdout and "Wolmirstedt" in chapter.stdout


# --- shell completion -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("shell", "mark"), [
    ("bash", "complete -o nosort -F _ozgtrack_completion ozgtrack"), ("zsh", "#compdef ozgtrack"),
    ("fish", "complete --no-files --command ozgtrack")])
def test_completion_prints_the_shells_script(shell, mark):
    done = subprocess.run([str(SCRIPT), "completion", shell], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0 and done.stderr == ""
    assert mark in done.stdout and "_OZGTRACK_COMPLETE" in done.stdout


def test_the_completion_completes():
    env = {**os.environ, "_OZGTRACK_COMPLETE": "bash_complete", "COMP_WORDS": "ozgtrack report gaps --by ",
           "COMP_CWORD": "4"}
    done = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)

    assert done.stdout.split() == [f"plain,{by}" for by in ("lebensbereich", "themenfeld", "lage", "ozg", "service")]


def test_completion_refuses_an_unknown_shell():
    result = run("completion", "powershell")

    assert result.exit_code == 2 and "'powershell' ist keins von 'bash', 'zsh', 'fish'" in result.stderr


# --- RGM 2.0 -------------------------------------------------------------------------------------------


def _stage(db: Path, key: str) -> tuple[str, int]:
    return connect(db).execute(
        "SELECT st.model, st.stage FROM service_status st JOIN leika_service s ON s.id = st.service_id "
        "WHERE s.key = ?", (key,)).fetchone()


def test_new_stages_are_rgm2_and_rgm1_stages_stay(town):
    anmeldung, abmeldung = "99115005104000", "99115005070000"
    ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", abmeldung, "--stage", "2", "--model", "rgm1")

    new = run("--db", str(town), "status", "set", anmeldung, "--stage", "6")
    kept = run("--db", str(town), "status", "set", abmeldung, "--stage", "3")

    assert new.exit_code == 0 and kept.exit_code == 0, new.stderr + kept.stderr
    assert (_stage(town, anmeldung), _stage(town, abmeldung)) == (("rgm2", 6), ("rgm1", 3))
    assert "Reifegradmodell 1.1: 1 bewertet" in run("--db", str(town), "report", "gaps").stdout
