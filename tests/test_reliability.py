"""How solid the figures are (Belastbarkeit): said beside the headline of the chapter, the gap report, the mail and
the roll-up, through the real CLI on a generated catalogue whose shares are known by construction."""

from __future__ import annotations

import email
import json
from datetime import date, timedelta
from email import policy

import pytest
from support.catalogue import leika_csv
from support.cli import ok

ALPHA, BETA = "150830565565", "150830040040"
OWN = [f"9999{n:04d}000000" for n in range(1, 9)]  # eight services of the Gemeinde (Typ 5)
BUND, UNKLAR = "99990101000000", "99990102000000"  # one of the Bund, one still "unklar" (Typ 4): 1 of 10 = 10 %
TODAY = date.today()
IMPORTED = f"Katalog: LeiKa, Datenstand unbekannt, importiert am {TODAY:%d.%m.%Y}."  # no age: the import's is not the data's
FEW = ("Vorläufig: Erst 2 von 8 eigenen Leistungen (25 %) sind bewertet. Die Abdeckung beschreibt daher vor allem, "
       "wie weit die Erhebung ist, nicht wie weit die Stadt ist.")
RULES = "Alle Zuständigkeiten folgen den mitgelieferten Regeln; die Stadt hat noch keine selbst entschieden."
FEW_DETAILS = (f"Bei 1 von 10 Leistungen (10 %) ist die Zuständigkeit ungeklärt. {RULES} Von den 2 Bewertungen wurde 1 "
               f"(50 %) schon einmal bestätigt. PVOG-Daten: keine importiert; {IMPORTED}")


@pytest.fixture
def towns(tmp_path, db, monkeypatch):
    """Alpha (Wolmirstedt) with 2 of its 8 own services assessed, one of them verified; Beta with none."""
    monkeypatch.setenv("OZGTRACK_USER", "test")
    rows = [{"Schluessel": k, "Bezeichnung": f"Leistung {k[4:8]}", "Typ": "5"} for k in OWN]
    rows += [{"Schluessel": BUND, "Bezeichnung": "Leistung des Bundes", "Typ": "1"},
             {"Schluessel": UNKLAR, "Bezeichnung": "Leistung unklar", "Typ": "4"}]
    (tmp_path / "leika.csv").write_bytes(leika_csv(rows))
    (tmp_path / "ars.csv").write_text(f'ars,bezeichnung\n{ALPHA},"Wolmirstedt, Stadt"\n{BETA},"Beta"\n')
    ok("--db", str(db), "catalog", "sync", "--from", str(tmp_path / "leika.csv"))
    ok("--db", str(db), "municipality", "import", str(tmp_path / "ars.csv"))
    ok("--db", str(db), "status", "set", OWN[0], "--stage", "3", "--verified", "--department", "FB 1", "--ars", ALPHA)
    ok("--db", str(db), "status", "set", OWN[1], "--stage", "1", "--department", "FB 2", "--ars", ALPHA)
    return db


def chapter_head(db, fmt="markdown", *args):
    """The chapter up to its first table section: title, meta line, how solid, "Auf einen Blick"."""
    text = ok("--db", str(db), "report", "chapter", "--format", fmt, "--ars", ALPHA, *args).stdout
    return text.split("### Stand nach Lebensbereichen" if fmt == "markdown" else "<h3>Stand nach Lebensbereichen")[0]


def test_a_chapter_with_fewer_than_half_assessed_says_vorlaeufig_in_its_first_lines(towns):
    lines = chapter_head(towns).splitlines()
    assert lines[4:8] == [f"> **{FEW}**", "", FEW_DETAILS, ""]
    assert lines[11] == ("- LeiKa-Leistungen: Nach den Zuständigkeitsregeln ist die Stadt für **8** Leistungen selbst zuständig. Davon ist "
                         "**1** online – eine Abdeckung von **13 %** (vorläufig, siehe oben).")
    html = chapter_head(towns, "html").split("<body>")[1].splitlines()
    assert html[3:5] == [f'<p class="notice"><strong>{FEW}</strong></p>', f"<p>{FEW_DETAILS}</p>"]
    assert html[5] == "<h3>Auf einen Blick</h3>"


def test_a_chapter_with_enough_assessed_is_solid_and_says_so_briefly(towns):
    for key in OWN[2:5]:
        ok("--db", str(towns), "status", "set", key, "--stage", "2", "--ars", ALPHA)
    head = chapter_head(towns)
    assert "orläufig" not in head
    assert head.splitlines()[4] == (
        "**Belastbar:** 5 von 8 eigenen Leistungen (63 %) sind bewertet. Bei 1 von 10 Leistungen (10 %) ist die "
        f"Zuständigkeit ungeklärt. {RULES} Von den 5 Bewertungen wurde 1 (20 %) schon einmal bestätigt. PVOG-Daten: "
        f"keine importiert; {IMPORTED}")
    assert "<strong>Belastbar:</strong> 5 von 8" in chapter_head(towns, "html")


def test_the_thresholds_are_settings_of_the_report_and_of_the_rollup(towns, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[report]\nmin_assessed = 25\nmin_triage = 95\n", encoding="utf-8")
    head = ok("--db", str(towns), "--config", str(config), "report", "chapter", "--ars", ALPHA).stdout
    assert head.splitlines()[4] == (
        "> **Vorläufig: Bei 1 von 10 Leistungen (10 %) ist noch ungeklärt, wer sie erbringt; die Zahl der eigenen "
        "Leistungen kann sich dadurch noch ändern.**")
    rollup = json.loads(ok("--db", str(towns), "--config", str(config), "report", "rollup", "--ars", ALPHA,
                           "--format", "json").stdout)
    assert rollup["thresholds"] == rollup["reliability"]["thresholds"] == {"min_triage": 0.95, "min_assessed": 0.25}
    assert rollup["towns"][0]["why_not"] == "Zuständigkeit erst zu 90 % geklärt (nötig: 95 %)"


def test_the_gap_report_carries_the_figures_in_every_format(towns):
    data = json.loads(ok("--db", str(towns), "report", "gaps", "--format", "json", "--ars", ALPHA).stdout)
    catalogue = data["reliability"].pop("catalogue")
    assert data["reliability"].pop("catalogues") == [catalogue]
    assert data["reliability"] == {
        "provisional": True,
        "reasons": [{"code": "few_assessed", "text": FEW.removeprefix("Vorläufig: ")}],
        "thresholds": {"min_triage": 0.9, "min_assessed": 0.5},
        "applicable": 8, "assessed": 2, "assessed_share": 0.25, "verified": 1, "verified_share": 0.5,
        "in_scope": 10, "undecided": 1, "unclear_share": 0.1, "decided_by_town": 0, "pvog_own_listing": False,
        "pvog_evidence": None, "pvog_complete_listing": None,
    }
    assert (catalogue["source"], catalogue["stated"], catalogue["date"], catalogue["age_days"]) == (
        "leika", None, TODAY.isoformat(), 0)
    table = ok("--db", str(towns), "report", "gaps", "--ars", ALPHA).stdout.splitlines()
    assert table[6:9] == ["Eigene LeiKa-Leistungen: 8 · online: 1 (13 %) · in Umsetzung: 0 · offline: 1 · nicht bewertet: 6 · "
                          "nicht zuständig: 1 · Zuständigkeit ungeklärt: 1", FEW, FEW_DETAILS]
    markdown = ok("--db", str(towns), "report", "gaps", "--format", "markdown", "--ars", ALPHA).stdout
    assert f"ungeklärt: 1**\n\n> **{FEW}**\n\n{FEW_DETAILS}\n" in markdown
    html = ok("--db", str(towns), "report", "gaps", "--format", "html", "--ars", ALPHA).stdout
    assert f'ungeklärt: 1</strong></p>\n<p class="notice"><strong>{FEW}</strong></p>\n<p>{FEW_DETAILS}</p>' in html


def test_the_weekly_mail_carries_them_in_text_and_html(towns, monkeypatch):
    monkeypatch.setenv("OZGTRACK_MAIL_FROM", "ozgtrack@wolmirstedt.example")
    monkeypatch.setenv("OZGTRACK_MAIL_TO", "it@wolmirstedt.example")
    raw = ok("--db", str(towns), "report", "email", "--dry-run", "--ars", ALPHA).stdout
    message = email.message_from_string(raw, policy=policy.default)
    text, html = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
    assert message["Subject"].startswith("[ozgtrack] Digitales Rathaus Wolmirstedt, Stadt: 1 von 8 Leistungen online "
                                         "(13 %, vorläufig)")
    assert f"Zuständigkeit ungeklärt: 1.\n\n*** {FEW} ***\n\n{FEW_DETAILS}\n" in text
    assert f'ungeklärt: 1.</p>\n<p class="notice"><strong>{FEW}</strong></p>\n<p>{FEW_DETAILS}</p>' in html


def test_a_fachbereich_mail_counts_its_own_assessments(towns, monkeypatch, tmp_path):
    monkeypatch.setenv("OZGTRACK_MAIL_FROM", "ozgtrack@wolmirstedt.example")
    config = tmp_path / "config.toml"
    config.write_text('[mail.departments]\n"FB 1" = "fb1@wolmirstedt.example"\n"FB 2" = "fb2@wolmirstedt.example"\n',
                      encoding="utf-8")
    ok("--db", str(towns), "--config", str(config), "report", "email", "--dry-run", "--per-department", "--ars", ALPHA,
       "-o", str(tmp_path / "mails"))
    message = email.message_from_bytes((tmp_path / "mails" / "fb-1.eml").read_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    # FB 1's one service is assessed and verified; the responsibilities stay the town's.
    assert ("Belastbar: Die einzige eigene Leistung ist bewertet. Bei 1 von 10 Leistungen (10 %) ist die "
            f"Zuständigkeit ungeklärt. {RULES} Die einzige Bewertung wurde schon einmal bestätigt.") in text


def test_the_rollup_carries_the_figures_summed_over_its_towns(towns):
    data = json.loads(ok("--db", str(towns), "report", "rollup", "--ars", ALPHA, "--ars", BETA, "--format",
                         "json").stdout)
    figures = {k: data["reliability"][k] for k in ("provisional", "applicable", "assessed", "verified", "in_scope",
                                                   "undecided", "towns", "towns_with_evidence", "pvog_evidence")}
    assert figures == {"provisional": True, "applicable": 16, "assessed": 2, "verified": 1, "in_scope": 20,
                       "undecided": 2, "towns": 2, "towns_with_evidence": 0, "pvog_evidence": None}
    assert {t["ars"]: (t["verified"], t["verified_share"]) for t in data["towns"]} == {ALPHA: (1, 0.5),
                                                                                      BETA: (0, None)}
    solid = ("Vorläufig: Erst 2 von 16 eigenen Leistungen der 2 Kommunen (13 %) sind bewertet. Die Anteile online "
             "beschreiben daher vor allem, wie weit die Erhebung ist, nicht wie weit die Kommunen sind.")
    details = ("Bei 2 von 20 Leistungen der 2 Kommunen (10 %) ist die Zuständigkeit ungeklärt. Von den 2 Bewertungen "
               "wurde 1 (50 %) schon einmal bestätigt. PVOG-Daten: für keine der 2 Kommunen importiert; "
               f"{IMPORTED}")
    table = ok("--db", str(towns), "report", "rollup", "--ars", ALPHA, "--ars", BETA).stdout.splitlines()
    assert table[2:4] == [solid, details]
    markdown = ok("--db", str(towns), "report", "rollup", "--ars", ALPHA, "--ars", BETA, "--format", "markdown").stdout
    assert markdown.split("\n\n")[2:4] == [f"> **{solid}**", details]


def suchdienst(day: date) -> bytes:
    """A PVOG Suchdienst CSV with one registration of the Land, updated on ``day``."""
    return ("ID-LB|Leikaschlüssel|Name|Name2|Updatedatum|ID-OD|Bezeichnung OD|Links\n"
            f"L100042.LB.1|{OWN[0]}|Leistung|Leistung beantragen|{day:%d.%m.%Y} 00:00|L100042.OD.1|Dienst|"
            "https://land.example/dienst\n").encode()


def test_a_pvog_release_for_the_land_dates_the_evidence_and_another_lands_does_not(towns, tmp_path):
    land, other = tmp_path / "land.csv", tmp_path / "other.csv"
    land.write_bytes(suchdienst(TODAY - timedelta(days=3)))
    other.write_bytes(suchdienst(TODAY - timedelta(days=1)))
    ok("--db", str(towns), "pvog", "sync", "--from", str(land), "--ars", "150000000000")
    ok("--db", str(towns), "pvog", "sync", "--from", str(other), "--ars", "160000000000")

    details = chapter_head(towns).splitlines()[6]
    assert details.endswith(f"PVOG-Daten: Datenstand {TODAY - timedelta(days=3):%d.%m.%Y} (vor 3 Tagen); keine "
                            f"vollständige Liste für den ARS der Stadt; {IMPORTED}")
    evidence = json.loads(ok("--db", str(towns), "report", "gaps", "--format", "json", "--ars", ALPHA).stdout)[
        "reliability"]["pvog_evidence"]
    assert (evidence["ars"], evidence["date"], evidence["age_days"]) == ("150000000000",
                                                                         str(TODAY - timedelta(days=3)), 3)
    rollup = json.loads(ok("--db", str(towns), "report", "rollup", "--ars", ALPHA, "--ars", BETA, "--format",
                           "json").stdout)["reliability"]
    assert (rollup["towns_with_evidence"], rollup["pvog_evidence"]["ars"]) == (2, "150000000000")
    table = ok("--db", str(towns), "report", "rollup", "--ars", ALPHA, "--ars", BETA).stdout.splitlines()
    assert table[3].endswith("PVOG-Daten liegen für 2 von 2 Kommunen vor (auch für Kreis, Land oder Bund eingespielte "
                             "zählen; für keine davon eine vollständige Liste für ihren eigenen ARS), die neuesten: "
                             f"Datenstand {TODAY - timedelta(days=3):%d.%m.%Y} (vor 3 Tagen); {IMPORTED}")
    assert rollup["towns_with_own_listing"] == 0
    ok("--db", str(towns), "pvog", "sync", "--from", str(land), "--ars", ALPHA)  # a complete listing for Alpha itself
    again = json.loads(ok("--db", str(towns), "report", "rollup", "--ars", ALPHA, "--ars", BETA, "--format",
                          "json").stdout)["reliability"]
    assert again["towns_with_own_listing"] == 1


@pytest.mark.parametrize(("share", "limit", "shown"), [
    (14 / 12070, None, "unter 1 %"), (0.999, None, "über 99 %"), (0.0, None, "0 %"), (1.0, None, "100 %"),
    (0.896, 0.9, "89,6 %"), (0.4999, 0.5, "49,99 %"), (0.104, 1 - 0.9, "10,4 %"), (0.1, 1 - 0.9, "10 %"),
    (0.25, 0.5, "25 %"),
])
def test_a_share_is_never_rounded_onto_what_it_contradicts(share, limit, shown):
    from ozgtrack.wording import honest_percent

    assert honest_percent(share, limit) == shown


def test_the_wording_of_none_assessed_and_of_old_data():
    from datetime import datetime

    from ozgtrack.render.reliability import ages, verdict
    from ozgtrack.views.reliability import Dated, Reliability

    found = Reliability(355, 0, 0, 3195, 473, Dated("000000000000", datetime(2025, 1, 20), datetime(2026, 12, 7)),
                        (Dated("leika", datetime(2024, 6, 27, 10), datetime(2026, 11, 1)),
                         Dated("ozg", None, datetime(2026, 12, 7))), date(2026, 12, 7))
    assert verdict(found) == (
        "Vorläufig: Noch keine der 355 eigenen Leistungen ist bewertet. Die Abdeckung beschreibt daher vor allem, wie "
        "weit die Erhebung ist, nicht wie weit die Stadt ist. Bei 473 von 3.195 Leistungen (15 %) ist noch ungeklärt, "
        "wer sie erbringt; die Zahl der eigenen Leistungen kann sich dadurch noch ändern.")
    # The OZG catalogue, imported last, is not the newer for it: its Datenstand is unknown, the LeiKa's is not.
    assert ages(found) == ("PVOG-Daten: Datenstand 20.01.2025 (vor über einem Jahr); Katalog: LeiKa, Datenstand "
                           "27.06.2024 (vor über 2 Jahren); OZG-Umsetzungskatalog, Datenstand unbekannt, importiert am "
                           "07.12.2026.")
