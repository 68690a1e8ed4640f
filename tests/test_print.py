"""The chapter printed in headless Chromium: A4, the first page filled, no heading left at the foot of a page."""

import re
import shutil
import subprocess
from html import unescape

import pytest
from support.cli import ok

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
A4 = (595, 842)  # points, rounded


def print_to_pdf(page, pdf, profile) -> None:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
               f"--print-to-pdf={pdf}", page.as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"Chromium cannot run here: {exc}")
    if done.returncode != 0 or not pdf.is_file():
        pytest.skip(f"Chromium did not print here: {done.stderr[-500:]}")


def media_boxes(pdf) -> list[tuple[int, int]]:
    """The size of every page, read from the PDF itself."""
    text = pdf.read_bytes().decode("latin-1")
    return [(round(float(w)), round(float(h))) for w, h in
            re.findall(r"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]", text)]


def page_words(pdf) -> list[list[tuple[float, str]]]:
    """Per page, the words (their lower edge and text) in reading order, from poppler's pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("<page ")[1:]
    return [[(float(y), unescape(w)) for y, w in re.findall(r'yMax="([0-9.]+)">([^<]*)</word>', p)] for p in pages]


@pytest.fixture
def demo_chapter(tmp_path):
    """The demo town's chapter as HTML: the fullest chapter the bundled data gives."""
    demo_db, page = tmp_path / "demo.sqlite", tmp_path / "digitales-rathaus.html"
    ok("demo", "--path", str(demo_db))
    ok("--db", str(demo_db), "report", "chapter", "--ars", "150830565565", "--format", "html", "-o", str(page))
    return page


def test_chapter_prints_on_a4_without_orphaned_headings(demo_chapter, tmp_path):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs the Debian package chromium)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "chapter.pdf"
    print_to_pdf(demo_chapter, pdf, tmp_path / "profile")

    pages = page_words(pdf)
    assert len(pages) >= 2 and media_boxes(pdf) == [A4] * len(pages)
    # The first page is filled: its text runs on into the lower quarter (it used to stop half-way, the table
    # pushed whole onto page 2).
    assert max(y for y, _ in pages[0]) > 0.75 * A4[1]
    headings = {unescape(h) for h in re.findall(r"<h3>([^<]+)</h3>", demo_chapter.read_text(encoding="utf-8"))}
    for number, words in enumerate(pages[:-1], start=1):
        body = [w for y, w in words if y < A4[1] - 18 / 25.4 * 72]  # above the bottom margin (page number)
        last_line = " ".join(body[-4:])
        assert not any(last_line.endswith(h) for h in headings), f"page {number} ends with a heading: {last_line!r}"
    text = " ".join(w for page in pages for _, w in page)
    assert "file:" not in text and str(tmp_path) not in text  # the browser's own header and footer are replaced
    assert "Seite 1 von" in text
    # The demo town registers online services and a reason for a gap: those sections print too.
    assert "Unsere Onlinedienste" in text and "Warum noch nicht online" in text
