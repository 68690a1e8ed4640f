"""`ozgtrack demo` builds its own database from the bundled catalogue, without network."""

import sqlite3
import tomllib
from collections import Counter

from support.cli import ok, run

from ozgtrack.resources import catalog_file


def test_demo_builds_and_reports(tmp_path, isolated_env):
    result = run("demo")

    path = isolated_env / "data" / "demo.sqlite"
    assert result.exit_code == 0, result.stderr
    assert "LeiKa-Katalog aus " in result.stderr and "OZG-Umsetzungskatalog aus " in result.stderr
    assert result.stdout.startswith("Digitales Rathaus – Stand der Online-Leistungen (DEMO – erfundene Zahlen)\n"
                                    "Wolmirstedt, Stadt (ARS 150830565565) · DEMO – erfundene Zahlen · ")
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT ars FROM municipality WHERE demo").fetchall() == [("150830565565",)]
    assert connection.execute("SELECT count(*) FROM leika_service").fetchone() == (41,)
    assert connection.execute("SELECT count(*) FROM ozg_member WHERE service_id IS NULL").fetchone() == (1,)
    town = tomllib.loads(catalog_file("demo/wolmirstedt.toml").read_text(encoding="utf-8"))["service"]
    levels = dict(connection.execute("SELECT level, count(*) FROM responsibility GROUP BY level").fetchall())
    assert levels == Counter(s["level"] for s in town if "level" in s)
    stages = dict(connection.execute("SELECT stage, count(*) FROM service_status GROUP BY stage").fetchall())
    assert stages == Counter(s.get("stage") for s in town if "department" in s or "stage" in s)


def test_demo_is_rebuilt_each_time_and_leaves_the_real_database_alone(tmp_path, isolated_env):
    real = tmp_path / "real.sqlite"
    ok("--db", str(real), "demo", "--path", str(tmp_path / "d.sqlite"))
    again = run("demo", "--path", str(tmp_path / "d.sqlite"))

    assert again.exit_code == 0
    assert "als Release 1 übernommen: 41 neu" in again.stderr
    assert not real.exists()
