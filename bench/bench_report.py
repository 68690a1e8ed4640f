"""Benchmark: the gap report and the chapter on the full OZG catalogue with 5,000 statuses (not a test).

    python bench/bench_report.py [--runs 5] [--data ../shared/data]

The database is the one of bench_status.py (the real OZG flat file plus 187 generated services,
all the town's own, 5,000 statuses imported from a worksheet). Every figure is the median wall
time of whole commands, measured against the floor every database command pays first:

  (f) python -c "import sqlalchemy.orm"
  (g) ozgtrack report gaps                      target (g)/(f) <= 1.5
  (h) ozgtrack report chapter                   target (h)/(f) <= 1.5
  (i) ozgtrack report chapter --format html     target (i)/(f) <= 1.5
"""

from __future__ import annotations

import shutil
import sys

from bench_status import WOLMIRSTEDT, prepare
from benchlib import clean_env, measure, print_ratio, print_results, run_once, start


def main() -> None:
    args, flat, tools, work = start(__doc__)
    ozgtrack = tools["ozgtrack"]
    env = {**clean_env(work), "OZGTRACK_CONFIG": str(work / "config.toml"), "OZGTRACK_ARS": WOLMIRSTEDT}
    base, sheet = prepare(ozgtrack, flat, work, env)
    run_once([ozgtrack, "--db", str(base), "status", "import", str(sheet), "--yes"], env)
    db = ["--db", str(base)]
    results = {
        "f": measure(lambda i: [sys.executable, "-c", "import sqlalchemy.orm"], args.runs, env),
        "g": measure(lambda i: [ozgtrack, *db, "report", "gaps"], args.runs, env),
        "h": measure(lambda i: [ozgtrack, *db, "report", "chapter"], args.runs, env),
        "i": measure(lambda i: [ozgtrack, *db, "report", "chapter", "--format", "html"], args.runs, env),
    }
    shutil.rmtree(work, ignore_errors=True)
    print_results(results, {"f": "(f) python -c 'import sqlalchemy.orm'", "g": "(g) ozgtrack report gaps",
                            "h": "(h) ozgtrack report chapter", "i": "(i) ozgtrack report chapter --format html"},
                  args.runs)
    print("ratios")
    for label, top in (("(g)/(f)", "g"), ("(h)/(f)", "h"), ("(i)/(f)", "i")):
        print_ratio(label, results[top][0], results["f"][0], 1.5)


if __name__ == "__main__":
    main()
