"""Benchmark: the roll-up of a Land and of the whole country against its SQL floor (not a test).

    python bench/bench_scale.py [--repeat 5] [--towns 218] [--skip-postgres] [--skip-national]
                                [--national-scale 1.0] [--data ../shared/data]

Land: the 218 Gemeinden of Sachsen-Anhalt from the real ARS list, the real OZG flat catalogue,
every town with triage decisions and statuses over the whole catalogue (about 900,000 status rows;
a few towns have hardly begun), on SQLite and on PostgreSQL (a throwaway cluster). National, on
PostgreSQL only: every Gemeinde of the ARS list (11,243) with about 500 own services each (about
5.4 million status rows, about 3 million decisions, one rules file shared by all towns). The
national case takes about a quarter of an hour on two shared cores; --national-scale 0.2 takes
every fifth town. Generation: bench/scale_data.py.

Each figure is the median of --repeat runs inside one process, which does nothing else: the
roll-up through the library (``ozgtrack.analysis.rollup.compute``) and its floor, the same
figures by one hand-written SQL query (bench/scale_data.py), of two: "Überlagerung" (the rule
counts per Land, moved by the decisions and the statuses of own services) and "Kreuzprodukt"
(every town × counted service, joined by the unique indexes); the faster one is the floor. All
must give the same figures, else the run fails. Peak memory is the ru_maxrss of that process after the roll-ups (before
the floor runs). Targets: roll-up <= 3x floor; Land <= 2 s on SQLite; national <= 10 s on
PostgreSQL; <= 500 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scale_data
from benchlib import DEFAULT_DATA, FLAT, clean_env

ARS_LIST = Path("destatis-ars-2024-10-31") / "derived_ars_gemeinden.csv"
LAND = "15"
TARGET_RATIO, TARGET_LAND_S, TARGET_NATIONAL_S, TARGET_MIB = 3.0, 2.0, 10.0, 500


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="Läufe je Messung (der Median zählt)")
    parser.add_argument("--towns", type=int, default=None, help="nur N Gemeinden Sachsen-Anhalts (gleichmäßig verteilt)")
    parser.add_argument("--skip-postgres", action="store_true", help="PostgreSQL auslassen")
    parser.add_argument("--skip-national", action="store_true", help="den bundesweiten Fall auslassen")
    parser.add_argument("--national-scale", type=float, default=1.0, help="Anteil der Gemeinden im bundesweiten Fall")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--measure", nargs=3, metavar=("URL", "BY", "SCOPE"), help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse()
    if args.measure:
        return measure(*args.measure, args.repeat)
    flat, ars_list = args.data / FLAT, args.data / ARS_LIST
    for needed in (flat, ars_list):
        if not needed.is_file():
            raise SystemExit(f"übersprungen: {needed} fehlt (die echten Daten liegen in ../shared/data)")
    work = Path(tempfile.mkdtemp(prefix="ozgtrack-bench-scale-"))
    env = clean_env(work)
    rows: list[str] = []
    try:
        land = scale_data.write_ars(scale_data.read_ars(ars_list, LAND, args.towns), work / "land.csv")
        rows += run_case("SQLite", f"sqlite:///{work / 'land.sqlite'}", land, flat, scale_data.Plan(), LAND,
                         args.repeat, env, TARGET_LAND_S)
        if args.skip_postgres:
            print("PostgreSQL ausgelassen (--skip-postgres)", file=sys.stderr)
        else:
            with postgres(work) as server:
                if server is None:
                    print("PostgreSQL übersprungen: nicht installiert oder nicht startbar", file=sys.stderr)
                else:
                    rows += run_case("PostgreSQL", server("land"), land, flat, scale_data.Plan(), LAND, args.repeat,
                                     env, None)
                    if not args.skip_national:
                        towns = scale_data.read_ars(ars_list)
                        limit = None if args.national_scale >= 1 else int(len(towns) * args.national_scale)
                        every = scale_data.write_ars(scale_data.read_ars(ars_list, None, limit), work / "all.csv")
                        rows += run_case("PostgreSQL", server("national"), every, flat, scale_data.Plan(national=True),
                                         "", args.repeat, shared_rules(work, env), TARGET_NATIONAL_S)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nMedian aus {args.repeat} Läufen je Messung; Ziele: Roll-up ≤ {TARGET_RATIO:g}× Untergrenze, Land ≤ "
          f"{TARGET_LAND_S:g} s (SQLite), bundesweit ≤ {TARGET_NATIONAL_S:g} s (PostgreSQL), ≤ {TARGET_MIB} MiB")
    print("\n".join(rows))


# A database for the whole country is run by one provider with one rules file: what the Typisierung leaves
# to "Land oder Kommune" goes to the Landkreis until a town takes it on (it decides by Leistungsobjekt).
SHARED_RULES = """[typisierung]
"2" = "landkreis"
"2b" = "landkreis"
"3" = "landkreis"
"3b" = "landkreis"
"2/3" = "landkreis"
"2/3b" = "landkreis"
"4" = "landkreis"
"4b" = "landkreis"
"""


def shared_rules(work: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment with a configuration that names the shared rules file."""
    (work / "rules.toml").write_text(SHARED_RULES, encoding="utf-8")
    (work / "config.toml").write_text('[triage]\nrules = "rules.toml"\n', encoding="utf-8")
    return {**env, "OZGTRACK_CONFIG": str(work / "config.toml")}


def run_case(engine_name: str, url: str, ars_file: Path, flat: Path, plan: scale_data.Plan, scope: str, repeat: int,
             env: dict[str, str], seconds: float | None) -> list[str]:
    """Build and fill one database, then time both roll-ups against their floors; the printed lines."""
    from ozgtrack.config import load_settings
    from ozgtrack.store.db import open_database

    def cli(*args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "ozgtrack", *args], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"ozgtrack {' '.join(args)} schlug fehl:\n{done.stderr}")

    start = time.perf_counter()
    scale_data.build(url, ars_file, [flat], cli)
    engine = open_database(url)
    rules = scale_data.fill_rules(engine, load_settings(db=url, env=env))
    decisions, statuses = scale_data.fill(engine, plan, rules, progress=_progress)
    towns = len(scale_data.towns(engine))
    engine.dispose()
    case = f"{engine_name}, {'bundesweit' if not scope else 'Land ' + scope}"
    print(f"\n{case}: {_n(towns)} Gemeinden, {_n(decisions)} Entscheidungen, {_n(statuses)} Status erzeugt in "
          f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    lines = [f"\n{case} ({_n(towns)} Gemeinden, {_n(decisions)} Entscheidungen, {_n(statuses)} Status)"]
    for by in ("municipality", "service"):
        lines.append(_line(by, _child(url, by, scope, repeat, env), seconds))
        print(lines[-1], file=sys.stderr)
    return lines


def _n(number: int) -> str:
    """A count the German way: 1.000.000."""
    return f"{number:,}".replace(",", ".")


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r  {_n(done)} von {_n(total)} Gemeinden erzeugt", end="" if done < total else "\n", file=sys.stderr)


def _child(url: str, by: str, scope: str, repeat: int, env: dict[str, str]) -> dict:
    # A process of its own: its peak memory is the roll-up's, not the generator's.
    here = Path(__file__).resolve()
    done = subprocess.run([sys.executable, str(here), "--measure", url, by, scope, "--repeat", str(repeat)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"Messung {by} schlug fehl:\n{done.stderr}")
    return json.loads(done.stdout)


def _line(by: str, found: dict, seconds: float | None) -> str:
    library, floor = found["library"], found["floor"]
    ratio, mib = library / floor, found["rss_kib"] / 1024
    checks = [f"Verhältnis {ratio:.2f} {_verdict(ratio <= TARGET_RATIO)}"]
    if seconds is not None:
        checks.append(f"≤ {seconds:g} s {_verdict(library <= seconds)}")
    checks.append(f"{mib:.0f} MiB {_verdict(mib <= TARGET_MIB)}")
    label = {"municipality": "je Gemeinde", "service": "je Leistung"}[by]
    other = "   ".join(f"{_VARIANT[v]} {t:.2f} s" for v, t in found["floors"].items())
    return (f"  {label:<12} Roll-up {library:6.2f} s   Untergrenze (SQL) {floor:6.2f} s   " + "   ".join(checks)
            + f"   Zahlen gleich ({found['rows']} Zeilen; Abfragen: {other})")


_VARIANT = {"overlay": "Überlagerung", "cross": "Kreuzprodukt"}


def _verdict(ok: bool) -> str:
    return "ok" if ok else "VERFEHLT"


# --- the measuring process -------------------------------------------------------------------------------


def measure(url: str, by: str, scope: str, repeat: int) -> None:
    """Time ``repeat`` roll-ups and floors in this process; print their medians and peak memory as JSON."""
    import resource

    from sqlalchemy.orm import Session

    from ozgtrack.analysis.rollup import compute
    from ozgtrack.config import load_settings
    from ozgtrack.store.db import create_engine
    from ozgtrack.views.rollup import RollupBy, Scope

    settings = load_settings(db=url)
    engine = create_engine(url)
    where = Scope(land=scope) if scope else Scope()
    library, result = [], None
    for _ in range(repeat):
        with Session(engine) as session, session.begin():
            start = time.perf_counter()
            result = compute(session, where, RollupBy(by), settings)
            library.append(time.perf_counter() - start)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    expected = scale_data.library(result)
    counted = scale_data.Settings(settings.report.target_rgm1, settings.report.target_rgm2)
    floors = {variant: _floor(engine, by, scope, counted, variant, repeat, expected)
              for variant in scale_data.VARIANTS}
    fastest = min(floors, key=floors.get)
    json.dump({"library": statistics.median(library), "floor": floors[fastest], "variant": fastest, "floors": floors,
               "rss_kib": rss, "rows": len(expected)}, sys.stdout)


def _floor(engine, by: str, scope: str, counted: scale_data.Settings, variant: str, repeat: int,
           expected: list) -> float:
    """The median time of one floor query; it must count exactly what the roll-up counted."""
    times, figures = [], []
    for _ in range(repeat):
        with engine.connect() as connection:
            start = time.perf_counter()
            figures = scale_data.floor(connection, by, scope, counted, variant)
            times.append(time.perf_counter() - start)
    if figures != expected:
        wrong = next(((a, b) for a, b in zip(figures, expected, strict=False) if a != b), None)
        raise SystemExit(f"Roll-up und Untergrenze ({variant}) zählen verschieden ({len(expected)} / {len(figures)} "
                         f"Zeilen; erste Abweichung Untergrenze / Roll-up: {wrong})")
    return statistics.median(times)


# --- a throwaway PostgreSQL cluster (as tests/test_postgres.py) -------------------------------------------


class postgres:
    """``with postgres(work) as server``: ``server(name)`` is the URL of a new database; None without PostgreSQL."""

    def __init__(self, work: Path) -> None:
        import glob

        self.initdb = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None) or shutil.which("initdb")
        self.folder = work / "pg"
        self.started = False

    def __enter__(self):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return None
        if self.initdb is None or (os.geteuid() == 0 and not shutil.which("runuser")):
            return None
        self.folder.mkdir()
        self.folder.chmod(0o777)
        work = self.folder.parent
        work.chmod(0o755)  # the server runs as "postgres" and must reach its folder
        self.port, self.bindir = _free_port(), os.path.dirname(self.initdb)
        data = self.folder / "data"
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        for step in ([self.initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
                     [f"{self.bindir}/pg_ctl", "-D", str(data), "-w", "-l", str(self.folder / "log"), "-o", options,
                      "start"]):
            if subprocess.run(_as_postgres(step), capture_output=True, text=True, timeout=120).returncode != 0:
                return None
            self.started = True
        return self.database

    def database(self, name: str) -> str:
        subprocess.run(_as_postgres([f"{self.bindir}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U",
                                     "postgres", name]), check=True, timeout=60)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def __exit__(self, *exc: object) -> None:
        if self.started:
            subprocess.run(_as_postgres([f"{self.bindir}/pg_ctl", "-D", str(self.folder / "data"), "-m", "fast",
                                         "stop"]), timeout=120)


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; the Debian packages bring a user "postgres".
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
