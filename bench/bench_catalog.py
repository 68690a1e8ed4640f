"""Benchmark of the catalogue sync against floors measured in the same run (not a test).

    python bench/bench_catalog.py [--runs 5] [--data ../shared/data]

Every figure is the median wall time of whole commands (a fresh process each, as cron runs
them), so interpreter start-up counts on both sides of each ratio:

  (a)  raw floor: python's csv module + sqlite3 executemany of the same rows
  (b)  sqlite-utils insert of the same file (when sqlite-utils is installed)
  (c0) first use of a new database: ozgtrack creates it through the Alembic migrations
  (c)  ozgtrack catalog sync --from FILE into that empty, migrated database
  (d)  the same sync again: unchanged, nothing imported
  (e)  ozgtrack --help against sqlite-utils --help
  (f)  python -c "import sqlalchemy.orm": what any command that opens the database pays first
and the peak memory (max RSS) of the ozgtrack processes.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable

from benchlib import clean_env, measure, print_ratio, print_results, run_once, start

RAW_FLOOR = """
import csv, sqlite3, sys
connection = sqlite3.connect(sys.argv[2])
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = list(reader)
columns = ", ".join(f'"{c}"' for c in header)
connection.execute(f"CREATE TABLE t ({columns})")
connection.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(header))})", rows)
connection.commit()
"""


def main() -> None:
    args, flat, tools, work = start(__doc__)
    ozgtrack, sqlite_utils = tools["ozgtrack"], tools["sqlite-utils"]
    env = clean_env(work)
    runs = args.runs

    def fresh(name: str) -> Callable[[int], None]:
        def setup(i: int) -> None:
            for suffix in ("", "-wal", "-shm"):
                (work / f"{name}{i}.sqlite{suffix}").unlink(missing_ok=True)
        return setup

    def db(name: str) -> Callable[[int], str]:
        return lambda i: str(work / f"{name}{i}.sqlite")

    def migrated(i: int) -> None:
        fresh("sync")(i)
        run_once([ozgtrack, "--db", db("sync")(i), "catalog", "releases"], env)

    results: dict[str, tuple[float, int]] = {}
    results["a"] = measure(lambda i: [sys.executable, "-c", RAW_FLOOR, str(flat), db("raw")(i)], runs, env, fresh("raw"))
    if sqlite_utils:
        results["b"] = measure(lambda i: [sqlite_utils, "insert", db("su")(i), "t", str(flat), "--csv"], runs, env,
                               fresh("su"))
        results["e_floor"] = measure(lambda i: [sqlite_utils, "--help"], runs, env)
    results["c0"] = measure(lambda i: [ozgtrack, "--db", db("first")(i), "catalog", "releases"], runs, env,
                            fresh("first"))
    results["c"] = measure(lambda i: [ozgtrack, "--db", db("sync")(i), "catalog", "sync", "--from", str(flat)], runs,
                           env, migrated)
    results["d"] = measure(lambda i: [ozgtrack, "--db", db("sync")(i), "catalog", "sync", "--from", str(flat)], runs,
                           env)
    results["e"] = measure(lambda i: [ozgtrack, "--help"], runs, env)
    results["f"] = measure(lambda i: [sys.executable, "-c", "import sqlalchemy.orm"], runs, env)
    shutil.rmtree(work, ignore_errors=True)
    report(results, runs)


def report(results: dict[str, tuple[float, int]], runs: int) -> None:
    names = {"a": "(a) raw sqlite3 floor", "b": "(b) sqlite-utils insert", "c0": "(c0) first use: migrations",
             "c": "(c) ozgtrack catalog sync (full)", "d": "(d) ozgtrack catalog sync (unchanged)",
             "e": "(e) ozgtrack --help", "e_floor": "    sqlite-utils --help",
             "f": "(f) python -c 'import sqlalchemy.orm'"}
    print_results(results, names, runs)
    print("ratios")
    checks = [("(c)/(a)", "c", "a", 5.0), ("(c)/(b)", "c", "b", 1.0), ("(d)/(b)", "d", "b", 0.5),
              ("--help ratio", "e", "e_floor", 1.0), ("(f)/(b)", "f", "b", None), ("(f)/(a)", "f", "a", None)]
    for label, top, bottom, target in checks:
        if top in results and bottom in results:
            print_ratio(label, results[top][0], results[bottom][0], target)
        else:
            print(f"  {label:<18}   n/a   (sqlite-utils not installed)")
    peak = max(rss for key, (_, rss) in results.items() if key in ("c0", "c", "d", "e")) / 1024
    print(f"  peak memory        {peak:6.1f} MiB target <= 100   {'ok' if peak <= 100 else 'MISSED'}")


if __name__ == "__main__":
    main()
