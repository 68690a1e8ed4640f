"""WCAG 2.1 AA (BITV 2.0) checked by axe-core in headless Chromium: the chapter "Digitales Rathaus" on demo and on
real data has no violations, and the checker does find them where they are (the page for citizens: test_report_online).
"""

import pytest
from support import axe
from support.cli import ok
from support.data import FLAT_CSV, SHARED_DATA
from test_print_plan import plan_chapter  # noqa: F401 (a fixture: the demo chapter with an adopted, staged plan)

from ozgtrack.resources import catalog_file

WOLMIRSTEDT = "150830565565"
ARS_LIST = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"


def assert_accessible(page, tmp_path) -> None:
    found = axe.violations(page, tmp_path / "axe")
    assert found == [], axe.report(found)


@pytest.mark.parametrize("fmt", ["chapter", "gaps"])
def test_the_demo_chapter_and_gap_report_have_no_violations(fmt, tmp_path):
    axe.require()
    db, page = tmp_path / "demo.sqlite", tmp_path / f"{fmt}.html"
    ok("demo", "--path", str(db))
    ok("--db", str(db), "report", fmt, "--ars", WOLMIRSTEDT, "--format", "html", "-o", str(page))
    assert_accessible(page, tmp_path)


def test_the_chapter_with_a_staged_plan_has_no_violations(plan_chapter, tmp_path):  # noqa: F811
    assert "<svg" in plan_chapter.read_text(encoding="utf-8")  # the drawings are checked too
    assert_accessible(plan_chapter, tmp_path)


def test_the_chapter_on_real_data_has_no_violations(tmp_path, monkeypatch):
    if not FLAT_CSV.is_file() or not ARS_LIST.is_file():
        pytest.skip(f"real data not available under {SHARED_DATA}")
    axe.require()
    monkeypatch.setenv("OZGTRACK_TRIAGE_PRESETS", str(catalog_file("triage")))  # as the town runs it: the Land's rules
    db, page = str(tmp_path / "town.sqlite"), tmp_path / "digitales-rathaus.html"
    ok("--db", db, "catalog", "sync", "--from", str(FLAT_CSV))
    ok("--db", db, "municipality", "import", str(ARS_LIST))
    ok("--db", db, "status", "set", "99115005104000", "--stage", "3", "--ars", WOLMIRSTEDT,
       "--url", "https://wolmirstedt.example/anmeldung")
    ok("--db", db, "report", "chapter", "--ars", WOLMIRSTEDT, "--format", "html", "-o", str(page))
    assert page.read_text(encoding="utf-8").count("<tr>") > 20  # the real catalogue: full tables
    assert_accessible(page, tmp_path)


BROKEN = {
    "image-alt": '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
    "color-contrast": '<p style="color: #aaa; background: #fff">kaum zu lesen</p>',
    "link-name": '<a href="https://example.org/"></a>',
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_the_checker_finds_a_violation(rule, tmp_path):
    page = tmp_path / "kaputt.html"
    page.write_text('<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8"><title>Kaputt</title></head>\n'
                    f"<body><main><h1>Eine Seite mit Fehler</h1>{BROKEN[rule]}</main></body></html>\n", encoding="utf-8")
    assert [v.id for v in axe.violations(page, tmp_path / "axe")] == [rule]


def test_axe_is_found_where_ci_installs_it(monkeypatch, tmp_path):
    fake = tmp_path / "node_modules" / "axe-core" / "axe.min.js"
    fake.parent.mkdir(parents=True)
    fake.write_text("/* axe */", encoding="utf-8")
    monkeypatch.setenv(axe.AXE_ENV, str(tmp_path))
    assert axe.axe_script() == fake
    monkeypatch.setenv(axe.AXE_ENV, str(fake))
    assert axe.axe_script() == fake
