"""Benchmark: 5,000 statuses set through `status import` and read back (not a test).

    python bench/bench_status.py [--runs 5] [--data ../shared/data]

The town's catalogue is the real OZG flat file (4,813 LeiKa keys) plus 187 generated services,
all decided as the town's own by a rules file; the worksheet has a row for each that is no
grouping (3,385). Every figure is the median wall time of whole commands; the floors do the same work with the standard
library only:

  (a1) raw write floor: csv module reads the worksheet, sqlite3 executemany stores its rows
  (a2) raw read floor: sqlite3 reads them back, csv module writes them
  (b)  ozgtrack status import (3,385 new statuses, each with its history entry)
  (c)  ozgtrack status export (the worksheet read back)
  (d)  ozgtrack status list --format json
  (f)  python -c "import sqlalchemy.orm": what any command that opens the database pays first
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

from benchlib import clean_env, measure, print_ratio, print_results, run_once, start

TOTAL = 5000
WOLMIRSTEDT = "150830565565"

RAW_WRITE = """
import csv, sqlite3, sys
with open(sys.argv[1], newline="", encoding="cp1252") as f:
    reader = csv.reader(f, delimiter=";")
    header = next(reader)
    rows = list(reader)
connection = sqlite3.connect(sys.argv[2])
connection.execute(f"CREATE TABLE status ({', '.join(f'c{i}' for i in range(len(header)))})")
connection.executemany(f"INSERT INTO status VALUES ({', '.join('?' * len(header))})", rows)
connection.commit()
"""

RAW_READ = """
import csv, sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT * FROM status").fetchall()
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, delimiter=";").writerows(rows)
"""


def extra_leika(count: int) -> bytes:
    """Generated services to bring the catalogue to 5,000 keys (Typisierung 5)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Schluessel", "Bezeichnung", "Typ"])
    writer.writerows([f"9999{i:07d}000", f"Benchmark-Leistung {i}", "5"] for i in range(count))
    return out.getvalue().encode("cp1252")


def fill(sheet: str) -> bytes:
    """The exported worksheet with every row answered, saved the way Excel saves it (cp1252, ;)."""
    rows = list(csv.reader(io.StringIO(sheet.lstrip("\ufeff"), newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    column = {title: i for i, title in enumerate(header)}
    departments = ["FB 1 Zentrale Dienste", "FB 2 Bürgerservice und Ordnung", "FB 3 Finanzen", "FB 4 Bauen"]
    for n, row in enumerate(body):
        stage = n % 5
        row[column["Reifegradmodell"]], row[column["Reifegrad"]] = "rgm1", str(stage)
        row[column["Fachbereich"]] = departments[n % len(departments)]
        row[column["Geprüft am"]] = f"{1 + n % 28:02d}.{1 + n % 12:02d}.2026"
        if stage >= 3:
            row[column["Online-Link"]] = f"https://wolmirstedt.example/dienst/{n}"
        else:
            row[column["Geplant bis"]] = f"{2027 + n % 2}-Q{1 + n % 4}"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([header, *body])
    return out.getvalue().encode("cp1252", errors="replace")


def prepare(ozgtrack: str, flat: Path, work: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """The base database (catalogue, municipality, rules) and the filled worksheet."""
    base = work / "base.sqlite"
    (work / "extra.csv").write_bytes(extra_leika(TOTAL - 4813))
    (work / "rules.toml").write_text(own_rules(flat), encoding="utf-8")
    (work / "config.toml").write_text('[triage]\nrules = "rules.toml"\n', encoding="utf-8")
    gemeinden = work / "gemeinden.csv"
    gemeinden.write_text(f"ars;bezeichnung\n{WOLMIRSTEDT};Wolmirstedt, Stadt\n", encoding="utf-8")
    for args in (["catalog", "sync", "--from", str(flat)], ["catalog", "sync", "--from", str(work / "extra.csv")],
                 ["municipality", "import", str(gemeinden)]):
        run_once([ozgtrack, "--db", str(base), *args], env)
    export = work / "export.csv"
    run_once([ozgtrack, "--db", str(base), "status", "export", "-o", str(export)], env)
    sheet = work / "sheet.csv"
    sheet.write_bytes(fill(export.read_text(encoding="utf-8")))
    rows = sheet.read_bytes().count(b"\r\n") - 1
    if rows < TOTAL * 0.6:  # groupings (Leistungsobjekte with Verrichtungen) are no rows of their own
        raise SystemExit(f"the worksheet has only {rows} rows of {TOTAL} services")
    print(f"worksheet: {rows} rows (of {TOTAL} services; groupings are no rows)", file=sys.stderr)
    return base, sheet


def own_rules(flat: Path) -> str:
    """A town rules file that makes every service the town's own: a rule per Leistungsgruppierung."""
    with flat.open(encoding="utf-8", newline="") as f:
        groups = {row["leika_schluessel"][:5] for row in csv.DictReader(f) if row["leika_schluessel"].isdigit()}
    return "[key_prefix]\n" + "".join(f'"{g}" = "gemeinde"\n' for g in sorted(groups | {"99999"}))


def main() -> None:
    args, flat, tools, work = start(__doc__)
    ozgtrack = tools["ozgtrack"]
    env = {**clean_env(work), "OZGTRACK_CONFIG": str(work / "config.toml"), "OZGTRACK_ARS": WOLMIRSTEDT}
    base, sheet = prepare(ozgtrack, flat, work, env)
    imported = work / "imported.sqlite"

    def fresh_copy(i: int) -> None:
        for suffix in ("", "-wal", "-shm"):
            (work / f"run.sqlite{suffix}").unlink(missing_ok=True)
        shutil.copy(base, work / "run.sqlite")

    def raw_db(i: int) -> None:
        (work / "raw.sqlite").unlink(missing_ok=True)

    py = sys.executable
    results = {
        "a1": measure(lambda i: [py, "-c", RAW_WRITE, str(sheet), str(work / "raw.sqlite")], args.runs, env, raw_db),
        "a2": measure(lambda i: [py, "-c", RAW_READ, str(work / "raw.sqlite"), str(work / "raw.csv")], args.runs, env),
        "b": measure(lambda i: [ozgtrack, "--db", str(work / "run.sqlite"), "status", "import", str(sheet), "--yes"],
                     args.runs, env, fresh_copy),
    }
    shutil.copy(work / "run.sqlite", imported)
    results["c"] = measure(lambda i: [ozgtrack, "--db", str(imported), "status", "export", "-o",
                                      str(work / "out.csv")], args.runs, env)
    results["d"] = measure(lambda i: [ozgtrack, "--db", str(imported), "status", "list", "--format", "json"],
                           args.runs, env)
    results["f"] = measure(lambda i: [py, "-c", "import sqlalchemy.orm"], args.runs, env)
    shutil.rmtree(work, ignore_errors=True)
    names = {"a1": "(a1) raw write floor: csv + executemany", "a2": "(a2) raw read floor: select + csv",
             "b": "(b) ozgtrack status import (the worksheet)", "c": "(c) ozgtrack status export",
             "d": "(d) ozgtrack status list --format json", "f": "(f) python -c 'import sqlalchemy.orm'"}
    print_results(results, names, args.runs)
    print("ratios")
    for label, top, bottom in (("(b)/(a1)", "b", "a1"), ("(c)/(a2)", "c", "a2"), ("(d)/(a2)", "d", "a2"),
                               ("(b)/(f)", "b", "f"), ("(c)/(f)", "c", "f")):
        print_ratio(label, results[top][0], results[bottom][0], None)


if __name__ == "__main__":
    main()
