"""Gap analysis and reports: golden files for every format, figures checked by independent SQL."""

import csv
import io
import json
import shutil
import subprocess
import threading
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm import Session
from support.cli import ok, run
from support.db import connect, independent_totals

from ozgtrack.analysis import trend
from ozgtrack.analysis.gaps import GroupBy
from ozgtrack.config import load_settings
from ozgtrack.render import chapter
from ozgtrack.render.gaps import RENDERERS, Format
from ozgtrack.report.assemble import build
from ozgtrack.resources import catalog_file
from ozgtrack.settings import ReportSettings
from ozgtrack.store.database import db_url
from ozgtrack.store.db import open_database
from ozgtrack.town.context import build_context

HOSTILE = '=HYPERLINK("http://evil.example","Klick") <script>alert(1)</script> | Müll & Öl'
HOSTILE_KEY, HOSTILE_OZG = "99999001000000", "99901"
ANMELDUNG, ABMELDUNG, GEWERBE, PERSO, KFZ = ("99115005104000", "99115005070000", "99050012104000", "99008001012000",
                                             "99036008007000")
NOW, TODAY = datetime(2026, 11, 25, 9, 0), date(2026, 11, 25)


def write_csv(path, rows, delimiter=";", encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@pytest.fixture
def report_town(town, tmp_path):
    """The fixture town with a hostile catalogue name, decisions and statuses on fixed dates."""
    # The next release of both demo files, each with one more service of a hostile name.
    leika = tmp_path / "leika.csv"
    leika.write_bytes(catalog_file("demo/leika_leistungen_de.csv").read_bytes()  # a full row: all 12 cells
                      + f'{HOSTILE_KEY};"{HOSTILE.replace(chr(34), 2 * chr(34))}";;5{";" * 8}\r\n'.encode("cp1252"))
    ozg = tmp_path / "ozg.csv"
    row = ["Engagement & Hobby", "Engagement & Beteiligung", HOSTILE_OZG, HOSTILE + " (OZG)", HOSTILE, HOSTILE_KEY, "5", ""]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(row)
    ozg.write_bytes(catalog_file("demo/ozg_umsetzungskatalog.csv").read_bytes() + out.getvalue().encode("utf-8"))
    for path in (leika, ozg):
        ok("--db", str(town), "catalog", "sync", "--from", str(path))
    for target, level, reason in (("10124", "gemeinde", "Meldebehörde"), (GEWERBE, "gemeinde", "Gewerbeamt"),
                                  (PERSO, "gemeinde", "Ausweisbehörde"), (KFZ, "landkreis", "Zulassungsbehörde")):
        ok("--db", str(town), "triage", "set", target, "--level", level, "--reason", reason, "--yes")
    sheet = write_csv(tmp_path / "sheet.csv", [
        ["LeiKa-Schlüssel", "Reifegradmodell", "Reifegrad", "Online-Link", "Fachbereich", "Geplant bis", "Geprüft am",
         "Notiz"],
        [ANMELDUNG, "rgm1", "3", "https://wolmirstedt.example/anmelden", "FB 2", "", "2026-10-01", ""],
        [ABMELDUNG, "rgm1", "2", "", "FB 2", "2027-Q2", "2025-01-15", ""],
        [GEWERBE, "rgm1", "4", "", "FB 2", "", "2026-09-01", ""],
        [PERSO, "rgm1", "1", "", "FB 2", "", "", ""],
        [HOSTILE_KEY, "rgm1", "0", "", HOSTILE[:60], "", "2026-11-01", HOSTILE],
    ])
    ok("--db", str(town), "status", "import", str(sheet), "--force", "--yes")  # hand-made, without Version (issue 20)
    connection = connect(town)
    connection.execute("UPDATE catalogue_release SET fetched_at = '2026-11-01 08:30:00.000000'")
    connection.commit()
    connection.close()
    return town


def fixed_context(session, path):
    """The fixture town acting as "Test" on fixed dates, with the shipped rules and Reifegradmodell 1.1."""
    return build_context(session, load_settings(db=str(path)), ars="150830565565", by="Test", now=NOW, today=TODAY)


def fixed_report(path, by=GroupBy.LEBENSBEREICH, since=None, latest=False, chapter=False):
    engine = open_database(db_url(str(path)))
    with Session(engine) as session:
        context = fixed_context(session, path)
        return build(session, context, ReportSettings(), by, since, latest, chapter=chapter)


def test_every_format_has_a_renderer():
    assert set(RENDERERS) == set(Format)


# A workbook is a zip with timestamps, no golden text: tests/cli/test_workbooks.py reads it back instead.
@pytest.mark.parametrize(("fmt", "by"), [(f, GroupBy.LEBENSBEREICH) for f in Format if f is not Format.XLSX] + [
    (Format.TABLE, GroupBy.OZG), (Format.EXCEL, GroupBy.SERVICE), (Format.JSON, GroupBy.SERVICE),
    (Format.MARKDOWN, GroupBy.SERVICE), (Format.CSV, GroupBy.LAGE), (Format.TABLE, GroupBy.THEMENFELD)])
def test_gaps_golden(report_town, golden, fmt, by):
    text = RENDERERS[fmt](fixed_report(report_town, by))
    extension = {"excel": "csv", "table": "txt", "markdown": "md"}.get(fmt.value, fmt.value)
    golden(f"gaps_{by.value}.{fmt.value}.{extension}", text)


def test_golden_figures_match_independent_sql(report_town):
    applicable, online = independent_totals(report_town)
    text = RENDERERS[Format.TABLE](fixed_report(report_town))
    data = json.loads(RENDERERS[Format.JSON](fixed_report(report_town)))

    assert f"Eigene LeiKa-Leistungen: {applicable} · online: {online} ({round(100 * online / applicable)} %)" in text
    assert (data["totals"]["applicable"], data["totals"]["online"]) == (applicable, online)
    assert sum(g["applicable"] for g in data["groups"]) >= applicable  # a service counts in each of its groups


def test_chapter_golden(report_town, golden):
    report = fixed_report(report_town, chapter=True)
    golden("chapter.md", chapter.render_markdown(report))
    golden("chapter.html", chapter.render_html(report))


def test_hostile_names_in_every_format(report_town):
    escaped_md = r'=HYPERLINK("http://evil.example","Klick") \<script\>alert(1)\</script\> \| Müll & Öl'
    for by in (GroupBy.OZG, GroupBy.SERVICE):
        report = fixed_report(report_town, by)
        rendered = {fmt: RENDERERS[fmt](report) for fmt in Format}
        assert HOSTILE in rendered[Format.TABLE]  # a terminal shows text as it is
        assert json.dumps(HOSTILE, ensure_ascii=False)[1:-1] in rendered[Format.JSON]
        for fmt, delimiter in ((Format.CSV, ","), (Format.EXCEL, ";")):
            cells = [c for row in csv.reader(io.StringIO(rendered[fmt].lstrip("\ufeff")), delimiter=delimiter)
                     for c in row]
            assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], fmt
            assert any(c.startswith("'" + HOSTILE) for c in cells), fmt
        assert escaped_md in rendered[Format.MARKDOWN] and "<script>" not in rendered[Format.MARKDOWN]
        assert "<script>" not in rendered[Format.HTML] and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered[Format.HTML]
        assert "Müll &amp; Öl" in rendered[Format.HTML]
    whole = fixed_report(report_town, chapter=True)
    for text in (chapter.render_markdown(whole), chapter.render_html(whole)):
        assert "<script>" not in text


def test_javascript_links_are_not_links(report_town):
    html = RENDERERS[Format.HTML](fixed_report(report_town, GroupBy.SERVICE))
    assert 'href="https://wolmirstedt.example/anmelden"' in html and "javascript:" not in html


def test_baseline_and_trend(report_town):
    engine = open_database(db_url(str(report_town)))
    with Session(engine) as session, session.begin():
        context = fixed_context(session, report_town)
        trend.freeze(session, context, fixed_report(report_town).analysis, "IST-2026")
    ok("--db", str(report_town), "status", "set", ABMELDUNG, "--stage", "3")
    ok("--db", str(report_town), "status", "set", GEWERBE, "--stage", "1")
    ok("--db", str(report_town), "triage", "set", "99102013002000", "--level", "gemeinde", "--reason", "Satzung", "--yes")

    compared = fixed_report(report_town, since="IST-2026").trend

    assert [g.key for g in compared.newly_online] == [ABMELDUNG]
    assert [g.key for g in compared.regressions] == [GEWERBE]
    assert [g.key for g in compared.newly_applicable] == ["99102013002000"]
    assert compared.then.online == 2 and compared.label == "IST-2026"
    assert fixed_report(report_town, latest=True).trend.label == "IST-2026"


def test_comparison_with_a_date_replays_the_history(report_town):
    # Yesterday nothing was decided or assessed yet: the Typisierung rules and no statuses.
    compared = fixed_report(report_town, since="24.11.2026").trend
    assert compared.then.online == 0 and compared.then.applicable == 2  # the two Typ-5 services
    assert {g.key for g in compared.newly_applicable} >= {ANMELDUNG, GEWERBE}


def test_unknown_baseline(report_town):
    result = run("--db", str(report_town), "report", "gaps", "--since", "IST-2099")
    assert result.exit_code == 1 and "kein Vergleichsstand namens 'IST-2099'" in result.stderr


def test_cli_gaps_formats_file_and_fail_on_gaps(report_town, tmp_path):
    target = tmp_path / "luecken.csv"
    written = run("--db", str(report_town), "report", "gaps", "--by", "service", "--format", "excel", "-o", str(target))
    failing = run("--db", str(report_town), "report", "gaps", "--fail-on-gaps", "--format", "json")
    applicable, online = independent_totals(report_town)

    assert written.exit_code == 0 and target.read_bytes().startswith(b"\xef\xbb\xbfLeiKa-Schl")
    assert failing.exit_code == 3 and json.loads(failing.stdout)["totals"]["online"] == online
    assert failing.stderr == f"{applicable - online} von {applicable} eigenen Leistungen sind nicht online.\n"


def test_cli_baseline_commands(report_town):
    first = run("--db", str(report_town), "report", "baseline", "IST-2026")
    again = run("--db", str(report_town), "report", "baseline", "IST-2026")
    listed = json.loads(run("--db", str(report_town), "report", "baselines", "--format", "json").stdout)
    assert first.exit_code == 0 and "Vergleichsstand 'IST-2026' festgehalten" in first.stderr
    assert again.exit_code == 1 and "den Vergleichsstand 'IST-2026' gibt es schon" in again.stderr
    assert [b["name"] for b in listed] == ["IST-2026"]


def test_models_are_never_mixed_silently(report_town, tmp_path):
    ok("--db", str(report_town), "status", "set", PERSO, "--stage", "5", "--model", "rgm2")
    config = tmp_path / "c.toml"
    config.write_text("[report]\ntarget_rgm2 = 5\n", encoding="utf-8")
    text = run("--db", str(report_town), "--config", str(config), "report", "gaps").stdout
    assert "Reifegradmodell 1.1: 4 bewertet, davon 2 ab Stufe 3; Reifegradmodell 2.0: 1 bewertet, davon 1 ab Stufe 5" in text
    assert "Achtung: zwei Modelle in Gebrauch" in text


# --- the HTML chapter in a real browser ----------------------------------------------------------------

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


class _Recorder(BaseHTTPRequestHandler):
    """A proxy that answers nothing and remembers every request the browser tries."""

    seen: list[str] = []

    def _record(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_error(403)

    do_GET = do_POST = do_HEAD = do_CONNECT = do_OPTIONS = _record

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recording_proxy():
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


QUIET_CHROMIUM = (  # keep the browser's own background traffic small; what is left is measured, not assumed
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--disable-client-side-phishing-detection", "--disable-domain-reliability", "--no-pings", "--dns-prefetch-disable",
    "--metrics-recording-only", "--safebrowsing-disable-auto-update", "--no-default-browser-check",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,OptimizationHintsFetching,"
    "OptimizationGuideModelDownloading,MediaRouter,Translate,AutofillServerCommunication,PreconnectToSearch",
)


def chromium(tmp_path, proxy, profile: str, *args) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run Chromium through the recording proxy; returns its result and the hosts it contacted."""
    _Recorder.seen = []
    command = [CHROMIUM, *QUIET_CHROMIUM, f"--user-data-dir={tmp_path / profile}",
               f"--proxy-server=http://127.0.0.1:{proxy.server_address[1]}", "--proxy-bypass-list=<-loopback>", *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"Chromium cannot run here: {exc}")
    return done, {_host(request) for request in _Recorder.seen}


def _host(request: str) -> str:
    method, target = request.split(" ", 1)
    return target.split(":", 1)[0] if method == "CONNECT" else urlsplit(target).hostname or target


def test_html_chapter_renders_offline_in_chromium(report_town, tmp_path, recording_proxy):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs the Debian package chromium)")
    page = tmp_path / "digitales-rathaus.html"
    ok("--db", str(report_town), "report", "chapter", "--format", "html", "-o", str(page))
    applicable, online = independent_totals(report_town)

    # The control: what an empty tab makes this browser contact on its own.
    _, browser_own = chromium(tmp_path, recording_proxy, "blank", "--dump-dom", "about:blank")
    dom, contacted = chromium(tmp_path, recording_proxy, "page", "--dump-dom", page.as_uri())
    shot, _ = chromium(tmp_path, recording_proxy, "shot", "--window-size=1100,2000",
                       f"--screenshot={tmp_path / 'page.png'}", page.as_uri())

    if dom.returncode != 0 or "<html" not in dom.stdout:
        pytest.skip(f"Chromium did not start here: {dom.stderr[-500:]}")
    assert f"eine Abdeckung von <strong>{round(100 * online / applicable)} %</strong>" in dom.stdout
    assert f"für <strong>{applicable}</strong> Leistungen selbst zuständig" in dom.stdout
    assert dom.stdout.count("<svg") == 1 and "<script" not in dom.stdout
    png = (tmp_path / "page.png").read_bytes()
    assert shot.returncode == 0 and png.startswith(b"\x89PNG") and len(png) > 20_000
    assert contacted <= browser_own, f"the page made requests of its own: {sorted(contacted - browser_own)}"
