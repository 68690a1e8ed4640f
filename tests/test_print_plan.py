"""The chapter with a staged plan printed in headless Chromium: A4, the timeline whole on its page and inside the margins."""

import re
import shutil
import subprocess
from datetime import date
from html import unescape

import pytest
from support.cli import ok
from test_print import A4, CHROMIUM, media_boxes, page_words, print_to_pdf

AREAS = ("Bürgerservice & Dokumente", "Familie & Bildung", "Arbeit & Wirtschaft")
MEASURES = 36  # 12 per Lebensbereich: two timeline drawings (at most 30 rows each)
YEAR = date.today().year


def word_boxes(pdf) -> list[list[tuple[float, float, str]]]:
    """Per page, each word's right and lower edge and its text."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pattern = r'xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>'
    return [[(float(x), float(y), unescape(w)) for x, y, w in re.findall(pattern, p)] for p in out.split("<page ")[1:]]


@pytest.fixture
def plan_chapter(tmp_path, monkeypatch):
    """The demo town with 36 measures in an adopted plan and targets: its chapter as HTML."""
    db, page = tmp_path / "demo.sqlite", tmp_path / "digitales-rathaus.html"
    config = tmp_path / "config.toml"
    config.write_text(f"[plan]\ncapacity = 8\ntargets = {{ {YEAR} = 30, {YEAR + 2} = 60, {YEAR + 4} = 80 }}\n",
                      encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_CONFIG", str(config))
    monkeypatch.setenv("OZGTRACK_ARS", "150830565565")
    ok("demo", "--path", str(db))
    ideas = tmp_path / "ideen.csv"
    ideas.write_text("Idee;Lebensbereich;Ortschaft;Stimmen;Quelle\n"
                     "Termine <online> & ohne Warten;Bürgerservice & Dokumente;Elbeu;34;Zukunftswerkstatt\n"
                     "Kita-Platz digital;Familie & Bildung;Mose;51;Beteiligungsportal\n", encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[plan]", '[town]\nortschaften = ["Elbeu", "Farsleben", "Glindenberg", "Mose"]\n[plan]'), encoding="utf-8")
    ok("--db", str(db), "plan", "proposals", "import", str(ideas))
    for number in range(1, MEASURES + 1):
        dates = ("--start", str(YEAR), "--end", str(YEAR + 2)) if number % 5 == 0 else ()
        ok("--db", str(db), "plan", "measure", "add", f"Maßnahme {number} <mit> einem längeren Titel & Zeichen",
           "--lebensbereich", AREAS[(number - 1) // 12], *dates)
    ok("--db", str(db), "plan", "build", "--years", f"{YEAR}-{YEAR + 4}", "--name", "Stufenplan")
    ok("--db", str(db), "plan", "adopt", "Stufenplan", "--text", "Beschluss des Stadtrats vom 12.03.2027")
    ok("--db", str(db), "report", "chapter", "--format", "html", "-o", str(page))
    return page


def test_the_plan_sections_are_escaped_once(plan_chapter):
    html = plan_chapter.read_text(encoding="utf-8")
    assert html.count('class="chart timeline"') == 2 and html.count('class="chart lines"') == 1
    assert "Maßnahme 1 &lt;mit&gt; einem längeren" in html and "<mit>" not in html and "&amp;lt;" not in html
    assert "Termine &lt;online&gt; &amp; ohne Warten" in html and "<online>" not in html


def test_the_chapter_with_a_plan_prints_on_a4(plan_chapter, tmp_path):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs the Debian package chromium)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "chapter.pdf"
    print_to_pdf(plan_chapter, pdf, tmp_path / "profile")

    pages = word_boxes(pdf)
    assert media_boxes(pdf) == [A4] * len(pages)
    text = " ".join(w for page in pages for _, _, w in page)
    assert "Stufenplan nach Jahr und Lebensbereich (Teil 1 von 2)" in text
    assert "Fortschritt gegenüber dem Beschluss" in text
    for heading in ("Ziele", "Beteiligung", "Maßnahmen nach Lebensbereichen", "Stufenplan"):
        assert f"<h3>{heading}</h3>" in plan_chapter.read_text(encoding="utf-8")
    assert "Termine <online> & ohne Warten" in text  # the citizens' idea, printed as written
    # A measure's ID is printed whole, in the drawing and in the table (the narrow ID column broke it as "M-" / "025").
    words = text.split()
    assert "M-" not in words and all(words.count(f"M-{n:03d}") >= 2 for n in range(1, MEASURES + 1))
    # Every measure's label is printed, inside the right margin (15 mm), and each drawing stays on one page.
    found = {}
    for number, page in enumerate(pages):
        for x, _, word in page:
            if re.fullmatch(r"M-0\d\d", word):
                assert x < A4[0] - 15 / 25.4 * 72, f"{word} runs into the margin"
                found[word] = number
    assert sorted(found) == [f"M-{n:03d}" for n in range(1, MEASURES + 1)]
    # The groups go alphabetically: Arbeit (M-025 …) and Bürgerservice (M-001 …) in the first, Familie in the second.
    first, second = ({found[f"M-{n:03d}"] for n in part} for part in ([*range(25, 37), *range(1, 13)], range(13, 25)))
    assert len(first) == 1 and len(second) == 1
    # No page ends with a heading (checked as tests/test_print.py does for the chapter without a plan).
    headings = {unescape(h) for h in re.findall(r"<h3>([^<]+)</h3>", plan_chapter.read_text(encoding="utf-8"))}
    for number, words in enumerate(page_words(pdf)[:-1], start=1):
        body = [w for y, w in words if y < A4[1] - 18 / 25.4 * 72]
        last_line = " ".join(body[-4:])
        assert not any(last_line.endswith(h) for h in headings), f"page {number} ends with a heading: {last_line!r}"
