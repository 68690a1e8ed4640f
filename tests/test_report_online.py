"""`report online`: the page for citizens — structure, escaping, JSON and CSV for the CMS, the demo mark, no services,
0 axe-core violations and the A4 print."""

import json
import re
from datetime import datetime
from html import unescape

import pytest
from support import axe
from support.cli import ok
from support.online import add_online
from test_print import A4, CHROMIUM, media_boxes, page_words, print_to_pdf
from test_print_plan import word_boxes

WOLMIRSTEDT = "150830565565"
ANMELDUNG, ABMELDUNG, HUNDESTEUER, KITA = "99115005104000", "99115005070000", "99102013002000", "99041004034000"
HOSTILE = '<script>alert("x")</script> & Co'


@pytest.fixture
def online_town(town):
    """The fixture town with four active online services (one covering nothing in the OZG catalogue) and a retired one."""
    add_online(town, WOLMIRSTEDT, 1, "Wohnsitz an- und abmelden", (ANMELDUNG, ABMELDUNG),
               url="https://service.example/wohnsitz", delivery="efa", provider="Freie Hansestadt Hamburg",
               account="bundid", payment="nicht-noetig", stage=3, model="rgm2")
    add_online(town, WOLMIRSTEDT, 2, "Hundesteuer", (HUNDESTEUER,), url="https://wolmirstedt.example/hund",
               account="keins", payment="keins", stage=2, model="rgm2")
    add_online(town, WOLMIRSTEDT, 3, "Kita-Platz suchen", (KITA,), url="https://kita.example/suche?ort=1&art=2",
               delivery="anbieter", provider="Kita-Portal GmbH", account="servicekonto", payment="epaybl")
    add_online(town, WOLMIRSTEDT, 4, "Terminvergabe", (), url="https://termine.example/", delivery="land")
    add_online(town, WOLMIRSTEDT, 5, "Alter Hundesteuer-Antrag", (HUNDESTEUER,), url="https://alt.example/",
               retired_at=datetime(2026, 1, 1))
    return town


def page(db, fmt="html", *args):
    return ok("--db", str(db), "report", "online", "--format", fmt, *args).stdout


def headings(html: str) -> list[tuple[int, str]]:
    return [(int(level), unescape(text)) for level, text in re.findall(r"<h([1-6])>([^<]*)</h\1>", html)]


def test_the_page_lists_the_active_services_by_lebensbereich_with_landmarks(online_town):
    html = page(online_town)

    assert html.startswith('<!DOCTYPE html>\n<html lang="de">\n')
    assert [html.count(f"<{tag}>") for tag in ("header", "main", "footer")] == [1, 1, 1]
    assert html.index("<header>") < html.index("<h1>") < html.index("</header>") < html.index("<main>") \
        < html.index("</main>") < html.index("<footer>")
    assert headings(html) == [(1, "Onlinedienste – Stadt Wolmirstedt"), (2, "Familie & Bildung"),
                              (2, "Wohnen & Bauen"), (2, "Freizeit & Ehrenamt"), (2, "Weitere Onlinedienste"),
                              (2, "Gut zu wissen")]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", html)
    assert rows == [
        ('<a href="https://kita.example/suche?ort=1&amp;art=2" rel="noreferrer noopener">Kita-Platz suchen</a>',
         "Kita-Portal GmbH",
         "Sie melden sich mit dem Servicekonto des Landes Sachsen-Anhalt an. Was zu zahlen ist, bezahlen Sie online."),
        ('<a href="https://service.example/wohnsitz" rel="noreferrer noopener">Wohnsitz an- und abmelden</a>',
         "Freie Hansestadt Hamburg – ein Dienst „Einer für Alle“, den ein Bundesland für alle entwickelt hat",
         "Sie melden sich mit der BundID an, dem Nutzerkonto des Bundes. Der Dienst ist kostenfrei."),
        ('<a href="https://wolmirstedt.example/hund" rel="noreferrer noopener">Hundesteuer</a>', "Stadt Wolmirstedt",
         "Teilweise online: einen Teil erledigen Sie hier, den Rest auf Papier oder in der Verwaltung. Sie brauchen "
         "kein Nutzerkonto. Was zu zahlen ist, bezahlen Sie nicht online, sondern auf anderem Weg."),
        ('<a href="https://termine.example/" rel="noreferrer noopener">Terminvergabe</a>', "Land Sachsen-Anhalt",
         "Näheres steht im Onlinedienst."),
    ]
    assert "Alter Hundesteuer" not in html  # retired
    # Reifegrad 2 (below the target stage 3) is not "online erledigen": the page says what is partly online.
    assert ("<p>Hier finden Sie die Onlinedienste der Verwaltung. Was nicht anders vermerkt ist, erledigen Sie ganz "
            "online, ohne ins Rathaus zu kommen; bei „teilweise online“ einen Teil, bei „nur Informationen online“ "
            "finden Sie online, was Sie wissen müssen. Die Dienste sind nach Lebensbereichen geordnet; zu jedem "
            "steht, wer ihn anbietet und was Sie dafür brauchen.</p>") in html
    assert '<a href="https://id.bund.de/" rel="noreferrer noopener">Mehr über die BundID</a>' in html
    # Self-contained: nothing to load, no scripts, a policy that forbids both; A4 print rules.
    assert not re.search(r"<script|<link|<img|<iframe|src=|@import|url\(", html)
    assert "default-src 'none'" in html and "@page { size: A4;" in html
    assert "DEMO" not in html


def test_markdown_has_the_same_sections(online_town):
    markdown = page(online_town, "markdown")
    assert re.findall(r"^#+ .*$", markdown, re.M) == [
        "# Onlinedienste – Stadt Wolmirstedt", "## Familie & Bildung", "## Wohnen & Bauen", "## Freizeit & Ehrenamt",
        "## Weitere Onlinedienste", "## Gut zu wissen"]
    assert "| [Hundesteuer](<https://wolmirstedt.example/hund>) | Stadt Wolmirstedt |" in markdown


@pytest.fixture
def hostile_town(town):
    """Names and addresses as an attacker would write them, past the validation of `online add` (straight into
    the tables)."""
    add_online(town, WOLMIRSTEDT, 11, HOSTILE, (ANMELDUNG,), url="javascript:alert(1)", provider='"><b>Firma</b>')
    add_online(town, WOLMIRSTEDT, 12, "=HYPERLINK(\"https://böse.example\")", (HUNDESTEUER,),
               url='https://ok.example/?q="><script>x</script>', delivery="anbieter", provider="@SUMME(A1)")
    add_online(town, WOLMIRSTEDT, 13, "Daten", (KITA,), url="data:text/html,<script>alert(1)</script>")
    return town


def test_hostile_names_and_addresses_are_escaped_once_and_never_links(hostile_town):
    html = page(hostile_town)
    body = html[html.index("<body>"):]

    assert "<script" not in body and "<b>" not in body
    assert re.findall(r'href="([^"]*)"', body) == ["https://ok.example/?q=&quot;&gt;&lt;script&gt;x&lt;/script&gt;"]
    assert "javascript:" not in body and "data:" not in body  # not even as text: the name stands alone
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co (noch ohne Link)" in body  # escaped once
    assert "&amp;lt;" not in body and "&amp;amp;" not in body
    assert "&quot;&gt;&lt;b&gt;Firma&lt;/b&gt; – Stadt Wolmirstedt" in body
    assert "Daten (noch ohne Link)" in body

    markdown = page(hostile_town, "markdown")
    assert "javascript" not in markdown and "](<data:" not in markdown
    assert "\\<script\\>alert(\"x\")\\</script\\> & Co (noch ohne Link)" in markdown

    data = json.loads(page(hostile_town, "json"))
    urls = {s["name"]: s["url"] for area in data["areas"] for s in area["services"]}
    assert urls == {HOSTILE: None, "=HYPERLINK(\"https://böse.example\")": 'https://ok.example/?q="><script>x</script>',
                    "Daten": None}
    csv_text = page(hostile_town, "csv")
    assert "javascript" not in csv_text and "data:" not in csv_text
    assert "'=HYPERLINK" in csv_text and ",'@SUMME(A1)," in csv_text


def test_json_for_the_cms(online_town):
    data = json.loads(page(online_town, "json"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", data.pop("data_date"))
    assert data["municipality"] == {"ars": WOLMIRSTEDT, "name": "Stadt Wolmirstedt"}
    assert (data["demo"], data["count"]) == (False, 4)
    assert [(a["lebensbereich"], [s["number"] for s in a["services"]]) for a in data["areas"]] == [
        ("Familie & Bildung", ["O-003"]), ("Wohnen & Bauen", ["O-001"]), ("Freizeit & Ehrenamt", ["O-002"]),
        ("Weitere Onlinedienste", ["O-004"])]
    assert data["areas"][1]["services"][0] == {
        "number": "O-001", "name": "Wohnsitz an- und abmelden", "url": "https://service.example/wohnsitz",
        "delivery": "efa", "provider": "Freie Hansestadt Hamburg",
        "offered_by": "Freie Hansestadt Hamburg – ein Dienst „Einer für Alle“, den ein Bundesland für alle entwickelt hat",
        "complete": True, "information_only": False, "account": "bundid",
        "account_text": "Sie melden sich mit der BundID an, dem Nutzerkonto des Bundes.",
        "payment": "nicht-noetig", "payment_text": "Der Dienst ist kostenfrei.",
        "needs": "Sie melden sich mit der BundID an, dem Nutzerkonto des Bundes. Der Dienst ist kostenfrei."}


def test_csv_for_the_cms(online_town, tmp_path):
    out = tmp_path / "onlinedienste.csv"
    page(online_town, "csv", "-o", str(out))
    assert out.read_bytes().decode("utf-8") == (
        "Lebensbereich,Nummer,Onlinedienst,Link,Wer ihn anbietet,Umfang,Nutzerkonto,Bezahlung\r\n"
        "Familie & Bildung,O-003,Kita-Platz suchen,https://kita.example/suche?ort=1&art=2,"
        "Kita-Portal GmbH,,"
        "Sie melden sich mit dem Servicekonto des Landes Sachsen-Anhalt an.,\"Was zu zahlen ist, bezahlen Sie online.\"\r\n"
        "Wohnen & Bauen,O-001,Wohnsitz an- und abmelden,https://service.example/wohnsitz,"
        "\"Freie Hansestadt Hamburg – ein Dienst „Einer für Alle“, den ein Bundesland für alle entwickelt hat\","
        "vollständig online,\"Sie melden sich mit der BundID an, dem Nutzerkonto des Bundes.\",Der Dienst ist kostenfrei.\r\n"
        "Freizeit & Ehrenamt,O-002,Hundesteuer,https://wolmirstedt.example/hund,Stadt Wolmirstedt,teilweise online,"
        "Sie brauchen kein Nutzerkonto.,\"Was zu zahlen ist, bezahlen Sie nicht online, sondern auf anderem Weg.\"\r\n"
        "Weitere Onlinedienste,O-004,Terminvergabe,https://termine.example/,Land Sachsen-Anhalt,,,\r\n")


def test_a_service_in_two_lebensbereiche_stands_in_both(town):
    add_online(town, WOLMIRSTEDT, 1, "Rathaus-Portal", (ANMELDUNG, KITA), url="https://portal.example/")
    data = json.loads(page(town, "json"))
    assert [(a["lebensbereich"], [s["number"] for s in a["services"]]) for a in data["areas"]] == [
        ("Familie & Bildung", ["O-001"]), ("Wohnen & Bauen", ["O-001"])]
    assert data["count"] == 1


def test_without_active_services_the_page_says_so(town, tmp_path):
    add_online(town, WOLMIRSTEDT, 1, "Alt", (ANMELDUNG,), url="https://alt.example/", retired_at=datetime(2026, 1, 1))
    html = page(town)
    assert headings(html) == [(1, "Onlinedienste – Stadt Wolmirstedt"), (2, "Noch keine Onlinedienste eingetragen")]
    assert ("<p>Für Stadt Wolmirstedt sind in dieser Übersicht noch keine Onlinedienste eingetragen. Ihre Anliegen "
            "erledigen Sie bis dahin wie gewohnt bei der Verwaltung.</p>") in html
    assert "<table>" not in html and "<a " not in html and "Alt" not in html
    assert json.loads(page(town, "json"))["areas"] == []
    assert page(town, "csv") == "Lebensbereich,Nummer,Onlinedienst,Link,Wer ihn anbietet,Umfang,Nutzerkonto,Bezahlung\n"
    out = tmp_path / "leer.html"
    page(town, "html", "-o", str(out))
    found = axe.violations(out, tmp_path / "axe")
    assert found == [], axe.report(found)


@pytest.fixture
def demo_page(tmp_path):
    """The demo town (three online services of its own) with two more: its page as HTML."""
    db = tmp_path / "demo.sqlite"
    ok("demo", "--path", str(db))
    add_online(db, WOLMIRSTEDT, 4, "Wohnsitz anmelden", (ANMELDUNG,), url="https://service.example/wohnsitz",
               delivery="efa", account="bundid", payment="nicht-noetig")
    add_online(db, WOLMIRSTEDT, 5, "Hundesteuer", (HUNDESTEUER,),
               url="https://wolmirstedt.example/buergerservice/steuern/hundesteuer/anmeldung-und-abmeldung-online",
               account="keins", payment="keins")
    return db


def test_a_demo_town_says_it_is_demo_data(demo_page):
    html = ok("--db", str(demo_page), "report", "online", "--ars", WOLMIRSTEDT).stdout
    note = ("DEMO – erfundene Daten: Diese Seite ist ein Beispiel aus mitgelieferten Beispieldaten. Die "
            "Onlinedienste und Links sind erfunden und nicht die der Kommune.")
    assert "<title>Onlinedienste – Stadt Wolmirstedt (DEMO – erfundene Daten)</title>" in html
    assert html.count(f'<p class="notice"><strong>{note}</strong></p>') == 2  # in the header and in the footer
    data = json.loads(ok("--db", str(demo_page), "report", "online", "--ars", WOLMIRSTEDT, "--format", "json").stdout)
    assert data["demo"] is True
    markdown = ok("--db", str(demo_page), "report", "online", "--ars", WOLMIRSTEDT, "--format", "markdown").stdout
    assert markdown.startswith("# Onlinedienste – Stadt Wolmirstedt (DEMO – erfundene Daten)\n\n> **DEMO")
    rows = ok("--db", str(demo_page), "report", "online", "--ars", WOLMIRSTEDT, "--format", "csv").stdout.splitlines()
    listed = sum(len(area["services"]) for area in data["areas"])
    assert rows[0].endswith(",Bezahlung,Hinweis") and len(rows) == 1 + listed and data["count"] == 5
    assert all(row.endswith(",DEMO – erfundene Daten") for row in rows[1:])


def test_the_page_has_no_accessibility_violations(online_town, hostile_town, tmp_path):
    # online_town and hostile_town are the same database: every kind of row on one page.
    out = tmp_path / "onlinedienste.html"
    ok("--db", str(online_town), "report", "online", "--format", "html", "-o", str(out))
    assert len(re.findall(r"<tr><td>", out.read_text(encoding="utf-8"))) >= 4
    found = axe.violations(out, tmp_path / "axe")
    assert found == [], axe.report(found)
    # Beyond WCAG's letter, axe's best practice: one <h1>, one <main>, all content inside landmarks; and on a phone,
    # where each row is a card (reflow, WCAG 1.4.10).
    for width in (1280, 360):
        found = axe.violations(out, tmp_path / f"axe-{width}", (*axe.TAGS, "best-practice"), width)
        assert found == [], f"{width} px: {axe.report(found)}"


def test_the_page_prints_on_a4_with_readable_links(demo_page, tmp_path):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs the Debian package chromium)")
    out, pdf = tmp_path / "onlinedienste.html", tmp_path / "onlinedienste.pdf"
    ok("--db", str(demo_page), "report", "online", "--ars", WOLMIRSTEDT, "-o", str(out))
    print_to_pdf(out, pdf, tmp_path / "profile")

    pages = page_words(pdf)
    assert media_boxes(pdf) == [A4] * len(pages)
    # The service column (the left third of the paper), line by line, words joined: a long address wraps in it.
    boxes = word_boxes(pdf)
    column = "".join(w for words in boxes for _, _, w in sorted(((y, x, w) for x, y, w in words if x < A4[0] / 2.5)))
    assert "Wohnsitzanmelden(https://service.example/wohnsitz)" in column
    assert "Hundesteuer(https://wolmirstedt.example/buergerservice/steuern/hundesteuer/anmeldung-und-abmeldung-online)" \
        in column
    text = " ".join(w for words in pages for _, w in words)
    assert "Seite 1 von" in text and "file:" not in text
    # Nothing runs off the paper: every word ends inside the right margin (15 mm).
    right = max(x for words in boxes for x, _, _ in words)
    assert right <= A4[0] - 15 / 25.4 * 72 + 1


@pytest.mark.parametrize("fmt", ["html", "markdown", "json", "csv"])
def test_no_control_character_reaches_the_page(town, fmt):
    controls = ("\x07", "\x1b", "\u202e", "\u202c", "\x9b")
    add_online(town, WOLMIRSTEDT, 1, "Wohnsitz\x07 \x1b[2J\u202egnudlemna\u202c\x9b31m", (ANMELDUNG,),
               url="https://service.example/\x1b[31m", provider="Firma\x07")
    text = page(town, fmt)
    assert "Wohnsitz" in text and [c for c in controls if c in text] == []


def test_a_service_with_information_only_says_so(town):
    """Reifegrad 1 is information online, not the matter: the page must not tell citizens they can do it online."""
    add_online(town, WOLMIRSTEDT, 1, "Grundsteuer", (HUNDESTEUER,), url="https://wolmirstedt.example/grundsteuer",
               stage=1, model="rgm2", payment="keins")
    html = page(town)
    assert ("Nur Informationen online: das Anliegen selbst erledigen Sie noch auf Papier oder in der Verwaltung. "
            "Was zu zahlen ist, bezahlen Sie nicht online, sondern auf anderem Weg.") in html
    assert json.loads(page(town, "json"))["areas"][0]["services"][0]["information_only"] is True
    assert ",nur Informationen online," in page(town, "csv")
