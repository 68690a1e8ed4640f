"""`report progress`: the adopted plan against what became of it — late, done, moved, dropped, new — and the targets."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from support.cli import ok, run
from support.db import as_json, connect, independent_totals

GEWERBE_AN, HUNDESTEUER, REISEPASS, KITA = "99050012104000", "99102013002000", "99085001012000", "99041004034000"
YEAR = date.today().year  # the plan runs from last year to next year, so that one year is over


def cli(db: Path, *args: str):
    return ok("--db", str(db), *args)


def section(markdown: str, heading: str) -> list[str]:
    """The lines of a ### section, without the heading and blank lines."""
    part = markdown.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
    return [line for line in part.splitlines() if line.strip()]


@pytest.fixture
def adopted(town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Own services, one online; five measures (one already umgesetzt) in a plan adopted for last year to next year."""
    config = tmp_path / "config.toml"
    config.write_text(f"[plan]\ncapacity = 2\ntargets = {{ {YEAR} = 50, {YEAR + 1} = 80 }}\n", encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_CONFIG", str(config))
    cli(town, "triage", "set", GEWERBE_AN, HUNDESTEUER, REISEPASS, KITA, "--level", "gemeinde", "--reason", "Stadt",
        "--yes")
    cli(town, "status", "set", HUNDESTEUER, "--stage", "3", "--model", "rgm1")
    add = lambda *a: cli(town, "plan", "measure", "add", *a)  # noqa: E731
    add("Gewerbe online anmelden", "--services", GEWERBE_AN, "--end", str(YEAR - 1))
    add("Hundesteuer online", "--services", HUNDESTEUER, "--end", str(YEAR - 1), "--state", "in Umsetzung")
    add("Reisepass-Termine", "--services", REISEPASS, "--end", str(YEAR))
    add("Kita-Portal", "--services", KITA, "--end", f"{YEAR}-Q4", "--lebensbereich", "Familie & Bildung")
    add("Fundsachen-Seite", "--state", "umgesetzt")
    cli(town, "plan", "build", "--years", f"{YEAR - 1}-{YEAR + 1}", "--name", "Plan")
    cli(town, "plan", "adopt", "Plan", "--date", f"{YEAR - 1}-03-12")
    return town


def move_by_worksheet(db: Path, tmp_path: Path, ref: str, end: str) -> None:
    """Change a measure's Ende the way the Fachbereiche do: export, edit in Excel, import."""
    text = cli(db, "plan", "export", "--format", "csv").stdout.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        if row[0] == ref:
            row[header.index("Ende")] = end
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    sheet = tmp_path / "plan.csv"
    sheet.write_bytes(out.getvalue().encode("cp1252"))
    cli(db, "plan", "import", str(sheet), "--yes")


def test_changes_after_the_adoption_show_in_the_progress_report(adopted, tmp_path):
    cli(adopted, "plan", "measure", "set", "M-002", "--state", "umgesetzt", "--progress", "100")
    cli(adopted, "plan", "measure", "set", "M-004", "--state", "verworfen", "--reason", "Landesportal kommt")
    move_by_worksheet(adopted, tmp_path, "M-003", str(YEAR + 1))
    cli(adopted, "plan", "measure", "add", "Mängelmelder", "--lebensbereich", "Mobilität")

    report = cli(adopted, "report", "progress", "--year", str(YEAR), "--format", "markdown").stdout

    today = date.today().strftime("%d.%m.%Y")
    head = "| ID | Maßnahme | Lebensbereich | geplant | beim Beschluss | heute ({}) | Termin jetzt | Ergebnis |".format(today)
    assert section(report, "Auf einen Blick") == [
        f"- Für {YEAR} sah der Beschluss **2 Maßnahmen** vor; davon sind 0 umgesetzt.",
        "- Der Beschluss umfasst 4 Maßnahmen: 1 umgesetzt, 0 im Plan, 1 verspätet, 1 verschoben, 1 verworfen.",
        "- Seit dem Beschluss ist 1 Maßnahme neu hinzugekommen.",
    ]
    assert section(report, f"Was der Beschluss für {YEAR} vorsah")[0] == head
    assert section(report, f"Was der Beschluss für {YEAR} vorsah")[2:] == [
        f"| M-003 | Reisepass-Termine |  | {YEAR} | beschlossen, 0 % | beschlossen, 0 % | {YEAR + 1} | verschoben |",
        f"| M-004 | Kita-Portal | Familie & Bildung | {YEAR}-Q4 | beschlossen, 0 % | verworfen, 0 % | {YEAR} | verworfen |",
    ]
    assert section(report, "Verspätet")[3:] == [
        f"| M-001 | Gewerbe online anmelden |  | {YEAR - 1} | beschlossen, 0 % | beschlossen, 0 % | {YEAR - 1} "
        "| verspätet |"]
    assert section(report, "Neue Maßnahmen seit dem Beschluss")[3:] == [
        "| M-006 | Mängelmelder | Mobilität | – | – | vorgeschlagen, 0 % |  | neu |"]
    # The share online today against the target, counted again in plain SQL.
    applicable, online = independent_totals(adopted)
    assert f"| {YEAR} | 50 % | {round(100 * online / applicable)} % |" in report
    assert f"| {YEAR + 1} | 80 % | – | – |" in report

    # The measures as adopted (the proposed ones became "beschlossen"); the adopted plan itself did not change.
    with connect(adopted) as connection:
        snapshots = connection.execute("SELECT i.snapshot FROM plan_version_item i JOIN "
                                       "plan_measure m ON m.id = i.measure_id ORDER BY m.number").fetchall()
    assert [as_json(snapshot)["state"] for (snapshot,) in snapshots] == [
        "beschlossen", "in Umsetzung", "beschlossen", "beschlossen"]


def test_the_year_before_is_reported_as_it_was_at_its_end(adopted):
    """The history is replayed to the year's end: a change made today is not part of last year's report."""
    with connect(adopted) as connection:  # the plan and its measures as if made last summer
        connection.execute("UPDATE plan_measure_entry SET at = ?", (f"{YEAR - 1}-06-01 10:00:00.000000",))
        connection.execute("UPDATE plan_version_entry SET at = ?", (f"{YEAR - 1}-06-02 10:00:00.000000",))
    cli(adopted, "plan", "measure", "set", "M-001", "--state", "umgesetzt")

    last_year = cli(adopted, "report", "progress", "--year", str(YEAR - 1), "--format", "markdown").stdout
    this_year = cli(adopted, "report", "progress", "--year", str(YEAR), "--format", "markdown").stdout

    assert section(last_year, "Auf einen Blick")[0] == (
        f"- Für {YEAR - 1} sah der Beschluss **2 Maßnahmen** vor; davon sind 0 umgesetzt.")
    assert [line.split(" | ")[0] for line in section(last_year, "Verspätet")[3:]] == ["| M-001", "| M-002"]
    assert section(this_year, "Verspätet")[3:][0].startswith("| M-002 |")


def test_without_an_adopted_plan_the_report_says_how_to_adopt_one(town):
    result = run("--db", str(town), "report", "progress", "--year", str(YEAR))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Fehler: es gibt keinen beschlossenen Plan für {YEAR}; einen Entwurf beschließt "
                             "`ozgtrack plan adopt NAME`\n")


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_the_report_in_html_and_text(adopted, fmt):
    text = cli(adopted, "report", "progress", "--year", str(YEAR), "--format", fmt).stdout
    assert f"Fortschrittsbericht {YEAR}" in text and "Verspätet" in text
    if fmt == "html":
        assert text.count("<svg") == 1 and "class=\"chart lines\"" in text


def test_the_report_gives_the_forecast_of_each_target(adopted):
    with connect(adopted) as connection:  # catalogue and assessment two years ago; one more online today
        connection.execute("UPDATE catalogue_release SET fetched_at = ?", (f"{YEAR - 3}-06-01 08:00:00.000000",))
        connection.execute("UPDATE audit_entry SET at = ?", (f"{YEAR - 2}-03-01 10:00:00.000000",))
    cli(adopted, "status", "set", GEWERBE_AN, "--stage", "3", "--model", "rgm1")

    report = cli(adopted, "report", "progress", "--year", str(YEAR), "--format", "markdown").stdout

    lines = section(report, "Anteil online und Ziele")
    start_line = lines.index(f"Prognose nach heutigem Stand ({date.today():%d.%m.%Y}):")
    # 5 own services, 1 online at the end of the year before last, 2 today: one more service over that time. The
    # pace carried on to later year ends: 50 % needs 3 (one more), 80 % needs 4 (two more). The two open measures
    # due this year reach both targets by plan.
    assert independent_totals(adopted) == (5, 2)
    today, start = date.today(), date(YEAR - 2, 12, 31)
    elapsed = (today - start).days

    def reached(more: int) -> int:  # the first year end by which `more` services follow at that pace
        return next(y for y in range(YEAR, 2101) if (date(y, 12, 31) - today).days >= more * elapsed)

    pace = f"In diesem Tempo ({365.25 / elapsed:.1f} Leistungen im Jahr seit 31.12.{YEAR - 2})".replace(".", ",", 1)
    late = lambda year, goal: f"{year - goal} {'Jahr' if year - goal == 1 else 'Jahre'} zu spät"  # noqa: E731
    assert lines[start_line + 1:start_line + 3] == [
        f"- Ziel 50 % bis {YEAR}: {pace} werden 50 % {reached(1)} erreicht – {late(reached(1), YEAR)}. Offene "
        f"Maßnahmen decken bis {YEAR} 2 weitere Leistungen ab (Ziel damit {YEAR} erreicht).",
        f"- Ziel 80 % bis {YEAR + 1}: {pace} werden 80 % {reached(2)} erreicht – {late(reached(2), YEAR + 1)}. "
        f"Offene Maßnahmen decken bis {YEAR + 1} 2 weitere Leistungen ab (Ziel damit {YEAR} erreicht).",
    ]
