"""Council texts speak to the council: the chapter, the progress report, the roll-up and the mails hold no command,
no file or config name and no Markdown escape; the officer's next step goes to stderr; a Fachbereich's mail holds
only its own findings, with its worksheet attached."""

from __future__ import annotations

import email
import io
import re
from datetime import date
from email import policy
from pathlib import Path

import pytest
from support.cli import ok
from test_pvog import suchdienst_csv

from ozgtrack.resources import catalog_file

WOLMIRSTEDT = "150830565565"
YEAR = date.today().year
FB2, FB3 = "FB 2 Bürgerservice und Ordnung", "FB 3 Finanzen"
ANMELDUNG, ABMELDUNG, HUNDESTEUER = "99115005104000", "99115005070000", "99102013002000"
MAIL_ENV = {"OZGTRACK_MAIL_FROM": "ozgtrack@wolmirstedt.example", "OZGTRACK_MAIL_TO": "it@wolmirstedt.example"}
# Wolmirstedt's evidence: the Land's Wohnsitzanmeldung (the town's link differs), an online service for the
# Abmeldung (a quick win of FB 2) and a description of the Hundesteuer without online service.
EVIDENCE = [("L100042.LB.1", ANMELDUNG, "L100042.OD.1", "https://wohnsitzanmeldung.gov.de/"),
            ("S100001.LB.2", ABMELDUNG, "S100001.OD.2", "https://buergerportal.example/abmelden"),
            ("S100001.LB.3", HUNDESTEUER, "", "")]
# What nobody on the council or in a Fachbereich can use: a command, a file or setting, a Markdown escape.
TOOL_TALK = re.compile(r"ozgtrack |\.toml|config|\\\[|\\`|\\_|\[plan\]|\[mail|--[a-z]")


@pytest.fixture
def council_town(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo town as the town runs it: the Land's rules and its own rules file, a baseline, an adopted plan with
    targets, PVOG evidence and mail addresses for two Fachbereiche."""
    monkeypatch.setenv("OZGTRACK_TRIAGE_PRESETS", str(catalog_file("triage")))
    (tmp_path / "meine_regeln.toml").write_bytes(catalog_file("triage_rules.toml").read_bytes())
    config = tmp_path / "config.toml"
    config.write_text(f'[triage]\nrules = "meine_regeln.toml"\n[plan]\ncapacity = 3\n'
                      f"targets = {{ {YEAR - 1} = 30, {YEAR} = 50, {YEAR + 1} = 70 }}\n"
                      f'[mail.departments]\n"{FB2}" = "fb2@wolmirstedt.example"\n"{FB3}" = "fb3@wolmirstedt.example"\n',
                      encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_CONFIG", str(config))
    monkeypatch.setenv("OZGTRACK_ARS", WOLMIRSTEDT)
    db = tmp_path / "demo.sqlite"
    ok("demo", "--path", str(db))
    cli = lambda *args: ok("--db", str(db), *args)  # noqa: E731
    cli("report", "baseline", f"IST-{YEAR}")
    cli("status", "set", "99115004000000", "--blocker", "pvog", "--note", "Eintrag beim Land beantragt")
    cli("plan", "measure", "add", "Abmeldung online", "--services", ABMELDUNG, "--end", str(YEAR), "--owner", FB2)
    cli("plan", "measure", "add", "Hundesteuer online", "--services", HUNDESTEUER, "--end", str(YEAR + 1),
        "--owner", FB3, "--lebensbereich", "Freizeit & Ehrenamt")
    cli("plan", "build", "--years", f"{YEAR - 1}-{YEAR + 1}", "--name", "Stufenplan")
    cli("plan", "adopt", "Stufenplan", "--date", f"{YEAR - 1}-03-12")
    evidence = tmp_path / f"ars_{WOLMIRSTEDT}.csv"
    evidence.write_bytes(suchdienst_csv(EVIDENCE))
    cli("pvog", "sync", "--from", str(evidence), "--ars", WOLMIRSTEDT)
    return db


def mails(folder: Path) -> dict[str, email.message.EmailMessage]:
    return {p.name: email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.iterdir())}


def parts(message: email.message.EmailMessage) -> list[str]:
    return [message.get_body((kind,)).get_content() for kind in ("plain", "html")]


def test_no_command_file_name_or_escape_in_any_council_text(council_town, tmp_path):
    db = str(council_town)
    texts = {f"chapter.{fmt}": ok("--db", db, "report", "chapter", "--format", fmt).stdout
             for fmt in ("markdown", "html")}
    texts |= {f"progress.{fmt}": ok("--db", db, "report", "progress", "--year", str(YEAR), "--format", fmt).stdout
              for fmt in ("markdown", "html", "text")}
    texts |= {f"rollup.{fmt}": ok("--db", db, "report", "rollup", "--kreis", "15083", "--format", fmt).stdout
              for fmt in ("markdown", "html")}
    ok("--db", db, "report", "email", "--dry-run", "-o", str(tmp_path / "weekly.eml"), env=MAIL_ENV)
    ok("--db", db, "report", "email", "--dry-run", "--per-department", "-o", str(tmp_path / "fb"), env=MAIL_ENV)
    messages = {"weekly": email.message_from_bytes((tmp_path / "weekly.eml").read_bytes(), policy=policy.default),
                **mails(tmp_path / "fb")}
    for name, message in messages.items():
        texts[f"{name} text"], texts[f"{name} html"] = parts(message)

    assert len(messages) == 3  # the town's and two Fachbereiche's
    # The texts are full: the sections that used to name files and commands are there, in words.
    assert "Zuständigkeitsregeln für Sachsen-Anhalt (je mit Rechtsgrundlage" in texts["chapter.markdown"]
    assert "(Regeln nach der Typisierung: von der Stadt festgelegt)" in texts["chapter.markdown"]
    assert "Zuständigkeitsregeln: Sachsen-Anhalt (mitgeliefert, mit Rechtsgrundlagen)" in texts["rollup.markdown"]
    assert "Ziele: die Jahresziele der Stadt für diesen Anteil." in texts["progress.text"]
    assert "danach prüfen, ob er in den PVOG-Daten erscheint" in texts["chapter.markdown"]  # a reason's remedy
    talk = {name: sorted(set(TOOL_TALK.findall(text))) for name, text in texts.items()}
    assert talk == {name: [] for name in texts}
    assert [name for name, text in texts.items() if "`" in text] == []


def test_the_officers_next_steps_go_to_stderr(tmp_path, monkeypatch):
    monkeypatch.setenv("OZGTRACK_ARS", WOLMIRSTEDT)
    db = str(tmp_path / "demo.sqlite")
    ok("demo", "--path", db)
    ok("--db", db, "plan", "measure", "add", "Abmeldung online", "--services", ABMELDUNG)
    ok("--db", db, "plan", "build", "--years", f"{YEAR}-{YEAR + 1}", "--name", "Entwurf 2027")

    result = ok("--db", db, "report", "chapter")

    assert result.stderr == (
        f"Hinweis: noch kein Vergleichsstand: mit „ozgtrack report baseline IST-{YEAR}“ wird der heutige Stand "
        "festgehalten; das nächste Kapitel vergleicht mit ihm.\n"
        "Hinweis: die Planversion „Entwurf 2027“ ist noch nicht beschlossen; nach dem Beschluss des Stadtrats: "
        'ozgtrack plan adopt "Entwurf 2027" --date JJJJ-MM-TT.\n'
        "Hinweis: Ziele für den Anteil online trägt die IT-Koordination in der Konfiguration ein, z. B. "
        f"[plan] targets = {{ {YEAR + 1} = 50 }} in config.toml.\n")
    assert ("Noch kein Vergleich: Ein Stand als Vergleichsbasis wurde noch nicht festgehalten. Der erste Vergleich "
            "folgt, sobald die IT-Koordination einen Stand festgehalten hat.") in result.stdout
    assert ("Der Plan „Entwurf 2027“ ist noch nicht beschlossen. Hat der Stadtrat ihn beschlossen, steht hier, was "
            "aus seinen Maßnahmen geworden ist.") in result.stdout
    assert TOOL_TALK.findall(result.stdout) == []


def test_a_departments_mail_holds_its_own_findings_and_its_worksheet(council_town, tmp_path):
    from openpyxl import load_workbook

    ok("--db", str(council_town), "report", "email", "--dry-run", "--per-department", "-o", str(tmp_path / "fb"),
       env=MAIL_ENV)
    found = mails(tmp_path / "fb")
    fb2 = found["fb-2-bürgerservice-und-ordnung.eml"]
    fb3 = found["fb-3-finanzen.eml"]
    text2, text3 = parts(fb2)[0], parts(fb3)[0]

    assert "Laut der vollständigen PVOG-Liste" not in text2 + text3  # the town-wide block is the town's mail's
    assert ("- Wohnsitz Abmeldung (99115005070000) – Hinweis, ungeprüft: Die PVOG-Daten nennen einen Onlinedienst, "
            "der die Leistung ersetzen könnte: https://buergerportal.example/abmelden; ist die Stadt an ihn "
            "angebunden?") in text2
    assert "Wohnsitz Abmeldung" not in text3 and "Wohnsitz Anmeldung (99115005104000) – Hinweis" not in text3
    assert ("Keine – der Abgleich mit den PVOG-Daten (Datenstand 01.10.2026) ergibt keinen Hinweis zu den Leistungen "
            "Ihres Fachbereichs.") in text3
    assert "Ihr Arbeitsblatt steht im Anhang (Excel-Arbeitsmappe" in text2
    for message, department in ((fb2, FB2), (fb3, FB3)):
        [attached] = list(message.iter_attachments())
        assert attached.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert attached.get_filename().startswith("arbeitsblatt-fb-") and attached.get_filename().endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(attached.get_content()))["Leistungen"]
        header = [c.value for c in sheet[1]]
        column = header.index("Fachbereich")
        departments = {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert departments == {department}
    rows = load_workbook(io.BytesIO(next(fb3.iter_attachments()).get_content()))["Leistungen"].max_row
    assert rows - 1 == 4  # FB 3's four own services, as its mail counts them ("0 von 4 Leistungen online")
    assert "0 von 4 eigenen Leistungen sind online" in text3


def test_one_assessed_service_is_singular(town):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "3", "--model", "rgm1")
    chapter = ok("--db", str(town), "report", "chapter").stdout
    assert "(Reifegradmodell 1.1: 1 bewertete Leistung)" in chapter


def test_the_targets_stand_once_in_the_chapter_and_the_progress_table_has_no_empty_cells(council_town):
    db = str(council_town)
    chapter = ok("--db", db, "report", "chapter").stdout
    progress = ok("--db", db, "report", "progress", "--year", str(YEAR)).stdout
    html = ok("--db", db, "report", "chapter", "--format", "html").stdout

    assert chapter.count("| Bereich | Zieljahr | Ziel | heute | online | Prognose |") == 1
    assert "| Jahr | Ziel | gemessen" not in chapter and "<th>Abstand</th>" not in html
    assert html.count('class="chart lines"') == 1  # the drawing of the targets stays, in the plan's progress
    # An ID never breaks after its hyphen in a narrow column (tests/test_print_plan.py prints it).
    assert '<td><span class="id">M-001</span></td>' in html and ".id { white-space: nowrap; }" in html
    table = progress.split("### Anteil online und Ziele\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    measured = re.fullmatch(rf"\| {YEAR} \| 50 % \| (\d+) % \| −(\d+) Prozentpunkte \|", table[3])
    assert measured and int(measured[1]) + int(measured[2]) == 50
    assert table[:3] + table[4:] == ["| Jahr | Ziel | gemessen | Abstand |", "| --- | ---: | ---: | ---: |",
                                     f"| {YEAR - 1} | 30 % | – | – |", f"| {YEAR + 1} | 70 % | – | – |"]


def _ticks(svg: str, axis: str) -> dict[int, float]:
    """The axis labels of a drawing ("4 %") by value, with their position along the axis (``x`` or ``y``)."""
    pattern = rf'<text x="([\d.]+)" y="([\d.]+)"[^>]*class="tick">(\d+) %</text>'
    return {int(v): float(x if axis == "x" else y) for x, y, v in re.findall(pattern, svg)}


@pytest.mark.parametrize("share", [0.04, 0.24, 0.5, 0.93, 1.0])
def test_a_bar_is_drawn_on_an_axis_that_fits_it(share):
    from ozgtrack.render.svg import LABEL_WIDTH, Bar, bar_chart

    svg = bar_chart("Anteil online", [Bar("heute", share), Bar("damals", share / 2)])
    ticks = _ticks(svg, "x")
    end = LABEL_WIDTH + int(re.search(r'width="(\d+)" height="\d+" class="bar"', svg)[1])
    values = sorted(ticks)
    step = values[1] - values[0]
    assert values == list(range(0, values[-1] + 1, step)) and values[-1] <= 100
    assert 100 * share <= values[-1] and (100 * share / values[-1] >= 0.4)  # no sliver beside "0 %"
    # The bar ends where the axis reads its value (the cell says "4 %", so does the axis there).
    at = ticks[0] + (ticks[values[-1]] - ticks[0]) * 100 * share / values[-1]
    assert abs(end - at) <= 1


def test_the_axis_reads_4_percent_where_the_point_reads_4_percent():
    from ozgtrack.render.plan_svg import Line, line_chart

    svg = line_chart("Ziel und gemessen", [2026, 2027], [Line("gemessen", {2026: 4.0, 2027: None}, "measured")]).markup
    ticks = _ticks(svg, "y")
    dot = float(re.search(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)[1])
    assert 4 in ticks and abs(ticks[4] - 4 - dot) < 0.5  # the tick's text baseline sits 4 px below its line
    assert ">4 %</text>" in svg and sorted(ticks)[-1] == 10
