"""Honest wording (issue 11): never verified apart from long unverified, unchanged trends, the catalogue's own
date, no local paths, the demo mark; and the compact cell of the largest gaps (issue 12)."""

import csv
import email
import io
import json
import re
from datetime import date
from email import policy

import pytest
from support.cli import ok

from ozgtrack.resources import catalog_file
from ozgtrack.views.results import Counts

ANMELDUNG, ABMELDUNG, PERSO = "99115005104000", "99115005070000", "99008001012000"
MAIL_ENV = {"OZGTRACK_MAIL_FROM": "ozgtrack@wolmirstedt.example", "OZGTRACK_MAIL_TO": "it@wolmirstedt.example"}


def sheet(path, rows):
    """A status worksheet as Excel saves it, to set a verification date in the past."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        [["LeiKa-Schlüssel", "Reifegradmodell", "Reifegrad", "Fachbereich", "Geprüft am"], *rows])
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


def mail_text(db, *options: str, ars: tuple[str, ...] = ()) -> tuple[str, str]:
    """Subject and text part of the weekly mail, written with --dry-run."""
    result = ok("--db", str(db), *options, "report", "email", "--dry-run", *ars, env=MAIL_ENV)
    message = email.message_from_string(result.stdout, policy=policy.default)
    return message["Subject"], message.get_body(("plain",)).get_content()


@pytest.fixture
def stale_town(town, tmp_path):
    """Anmeldung assessed and verified in 2024 (long ago), Personalausweis assessed today and never verified."""
    for target in ("10124", PERSO):
        ok("--db", str(town), "triage", "set", target, "--level", "gemeinde", "--reason", "Stadt", "--yes")
    # A hand-made sheet has no Version column: --force takes its rows as they are (issue 20).
    ok("--db", str(town), "status", "import", str(sheet(tmp_path / "sheet.csv", [
        [ANMELDUNG, "rgm1", "3", "FB 2", "2024-01-15"]])), "--force")
    ok("--db", str(town), "status", "set", PERSO, "--stage", "1", "--model", "rgm1", "--department", "FB 2")
    return town


def test_never_verified_is_not_called_long_unverified(stale_town):
    chapter = ok("--db", str(stale_town), "report", "chapter", "--format", "markdown").stdout
    section = chapter[chapter.index("### Zu überprüfende Einträge"):chapter.index("### Warum noch nicht online")]
    assert section == (
        "### Zu überprüfende Einträge\n\n"
        "Diese Bewertungen sollten mit den Fachbereichen geprüft werden.\n\n"
        "**Noch nie bestätigt (1 Leistung)**: bewertet, aber noch von niemandem als geprüft vermerkt.\n\n"
        "| LeiKa-Schlüssel | Leistung | Stand | Fachbereich |\n| --- | --- | --- | --- |\n"
        f"| {PERSO} | Personalausweis Ausstellung | Reifegrad 1 nach RGM 1.1 | FB 2 |\n\n"
        "**Seit mehr als 12 Monaten nicht bestätigt (1 Leistung)**\n\n"
        "| LeiKa-Schlüssel | Leistung | Stand | zuletzt bestätigt | Fachbereich |\n| --- | --- | --- | --- | --- |\n"
        f"| {ANMELDUNG} | Wohnsitz Anmeldung | Reifegrad 3 nach RGM 1.1 | 15.01.2024 | FB 2 |\n\n")

    _, text = mail_text(stale_town)
    assert ("Noch nie bestätigt (1 Leistung):\n\n"
            f"- Personalausweis Ausstellung ({PERSO}): Reifegrad 1 nach RGM 1.1, FB 2\n\n"
            "Seit mehr als 12 Monaten nicht bestätigt (1 Leistung):\n\n"
            f"- Wohnsitz Anmeldung ({ANMELDUNG}): Reifegrad 3 nach RGM 1.1, zuletzt bestätigt 15.01.2024, FB 2\n"
            ) in text.replace("\r\n", "\n")

    table = ok("--db", str(stale_town), "report", "gaps").stdout
    assert table.rstrip("\n").endswith("Zu überprüfen: 1 bewertete Leistung noch nie bestätigt, 1 Leistung seit mehr "
                                       "als 12 Monaten nicht bestätigt")


def test_trend_says_unchanged_and_fell(stale_town):
    ok("--db", str(stale_town), "report", "baseline", "IST-2026")
    unchanged = ok("--db", str(stale_town), "report", "chapter", "--format", "markdown").stdout
    assert f"Seit IST-2026 ({date.today():%d.%m.%Y}) ist die Abdeckung unverändert: 25 % (1 von 4).\n" in unchanged
    assert "Abdeckung unverändert 25 % (1 von 4);" in ok("--db", str(stale_town), "report", "gaps", "--since",
                                                         "IST-2026").stdout

    ok("--db", str(stale_town), "status", "set", ANMELDUNG, "--stage", "2", "--model", "rgm1")
    fell = ok("--db", str(stale_town), "report", "chapter", "--format", "markdown").stdout
    assert f"Seit IST-2026 ({date.today():%d.%m.%Y}) sank die Abdeckung von 25 % (1 von 4) auf 0 % (0 von 4).\n" in fell


@pytest.mark.parametrize(("then", "now", "sentence", "line"), [
    ((1, 3), (1, 3), "ist die Abdeckung unverändert: 33 % (1 von 3)", "Abdeckung unverändert 33 % (1 von 3)"),
    ((1, 3), (2, 6), "ist die Abdeckung unverändert 33 % (jetzt 2 von 6, vorher 1 von 3)",
     "Abdeckung unverändert 33 % (1 von 3 → 2 von 6)"),
    ((1, 4), (2, 6), "stieg die Abdeckung von 25 % (1 von 4) auf 33 % (2 von 6)",
     "Abdeckung 25 % (1 von 4) → 33 % (2 von 6)"),
    ((100, 300), (101, 302), "stieg die Abdeckung von 100 von 300 auf 101 von 302 Leistungen (gerundet weiterhin 33 %)",
     "Abdeckung 33 % (100 von 300) → 33 % (101 von 302)"),
    ((101, 302), (100, 300), "sank die Abdeckung von 101 von 302 auf 100 von 300 Leistungen (gerundet weiterhin 33 %)",
     "Abdeckung 33 % (101 von 302) → 33 % (100 von 300)"),
    ((0, 0), (1, 2), "gibt es erstmals eigene Leistungen; die Abdeckung beträgt 50 % (1 von 2)",
     "Abdeckung – (0 von 0) → 50 % (1 von 2)"),
])
def test_coverage_is_compared_exactly(then, now, sentence, line):
    from ozgtrack.render.german import coverage_change, coverage_short

    before, after = Counts(applicable=then[1], online=then[0]), Counts(applicable=now[1], online=now[0])
    assert (coverage_change(before, after), coverage_short(before, after)) == (sentence, line)


def test_catalogue_is_dated_by_its_own_date(town):
    imported = date.today().strftime("%d.%m.%Y")
    chapter = ok("--db", str(town), "report", "chapter", "--format", "markdown").stdout
    # The demo LeiKa states Veröffentlichungsdatum per row (newest 27.06.2024); the flat OZG catalogue states none.
    expected = (f"LeiKa, Datenstand 27.06.2024 (importiert am {imported}); "
                f"OZG-Umsetzungskatalog, Datenstand unbekannt, importiert am {imported}")
    assert f"Stand der Auswertung {imported} · Katalog: {expected}." in chapter
    assert " vom " not in chapter.splitlines()[2]


def test_no_local_paths_in_any_output(town, tmp_path):
    folder = tmp_path / "Rathaus intern"
    folder.mkdir()
    (folder / "meine_regeln.toml").write_text(catalog_file("triage_rules.toml").read_text(encoding="utf-8")
                                              + '\n[key_prefix]\n"99115" = "gemeinde"\n', encoding="utf-8")
    (folder / "meine_lebensbereiche.toml").write_bytes(catalog_file("lebensbereiche.toml").read_bytes())
    config = folder / "config.toml"
    config.write_text('[triage]\nrules = "meine_regeln.toml"\n[report]\nlebensbereiche = "meine_lebensbereiche.toml"\n',
                      encoding="utf-8")
    base = ("--db", str(town), "--config", str(config))
    outputs = [ok(*base, "report", "chapter", "--format", fmt).stdout for fmt in ("markdown", "html")]
    outputs += [ok(*base, "report", "gaps", "--by", by, "--format", fmt).stdout
                for by in ("lebensbereich", "service") for fmt in ("table", "csv", "excel", "json", "markdown", "html")]
    outputs.append(ok(*base, "report", "email", "--dry-run", env=MAIL_ENV).stdout)

    # The council reads whose rules they are, not a file's name (tests/test_council_texts.py: no file names at all).
    assert "(Regeln nach der Typisierung: von der Stadt festgelegt)" in outputs[0]
    assert "(Zuordnung: von der Stadt festgelegt)" in outputs[0]
    leaked = [text for text in outputs if "Rathaus intern" in text or str(tmp_path) in text or "meine_" in text]
    assert leaked == []


def test_demo_outputs_carry_the_mark(tmp_path):
    demo_db = tmp_path / "demo.sqlite"
    shown = ok("demo", "--path", str(demo_db)).stdout
    assert shown.startswith("Digitales Rathaus – Stand der Online-Leistungen (DEMO – erfundene Zahlen)\n")
    assert shown.endswith("DEMO – erfundene Zahlen: ein Beispiel aus einem mitgelieferten Beispielkatalog; "
                          "Zuständigkeiten und Reifegrade sind erfunden und nicht die der Kommune.\n")

    markdown = ok("--db", str(demo_db), "report", "chapter", "--ars", "150830565565", "--format", "markdown").stdout
    assert markdown.startswith("## Digitales Rathaus: Online-Verwaltungsleistungen – Wolmirstedt, Stadt "
                               "(DEMO – erfundene Zahlen)\n\n> **DEMO – erfundene Zahlen: ein Beispiel")
    assert markdown.rstrip("\n").endswith("nicht die der Kommune.**")
    html = ok("--db", str(demo_db), "report", "chapter", "--ars", "150830565565", "--format", "html").stdout
    assert "<title>Digitales Rathaus – Wolmirstedt, Stadt (DEMO – erfundene Zahlen)</title>" in html
    assert html.count('<p class="notice"><strong>DEMO – erfundene Zahlen') == 2  # at the top and at the foot
    data = json.loads(ok("--db", str(demo_db), "report", "gaps", "--ars", "150830565565", "--format", "json").stdout)
    assert data["demo"] is True
    subject, text = mail_text(demo_db, ars=("--ars", "150830565565"))
    assert subject.startswith("[ozgtrack] [DEMO – erfundene Zahlen] Digitales Rathaus Wolmirstedt, Stadt: ")
    assert text.startswith("Digitales Rathaus – Wochenbericht: Wolmirstedt, Stadt (DEMO – erfundene Zahlen)")


def test_a_real_town_carries_no_demo_mark(town):
    for args in (("report", "chapter", "--format", "markdown"), ("report", "gaps")):
        assert "DEMO" not in ok("--db", str(town), *args).stdout
    subject, text = mail_text(town)
    assert "DEMO" not in subject + text


def test_largest_gaps_show_a_compact_cell(flat_csv, tmp_path, monkeypatch):
    """The real 2019 catalogue, Wolmirstedt deciding every service its own: big OZG-Leistungen, five names each."""
    db = tmp_path / "real.sqlite"
    rules = tmp_path / "alle_eigen.toml"
    shipped = catalog_file("triage_rules.toml").read_text(encoding="utf-8")
    rules.write_text(re.sub(r'= "(bund|land|unklar)"', '= "gemeinde"', shipped), encoding="utf-8")
    (tmp_path / "config.toml").write_text('[triage]\nrules = "alle_eigen.toml"\n', encoding="utf-8")
    base = ("--db", str(db), "--config", str(tmp_path / "config.toml"))
    ok(*base, "catalog", "sync", "--from", str(flat_csv))
    ok(*base, "municipality", "import", str(flat_csv.parents[1] / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"))
    monkeypatch.setenv("OZGTRACK_ARS", "150830565565")
    groups = json.loads(ok(*base, "report", "gaps", "--by", "ozg", "--format", "json").stdout)["groups"]
    open_of = {g["key"]: g["applicable"] - g["online"] for g in groups}

    chapter = ok(*base, "report", "chapter", "--format", "markdown").stdout
    first = next(line for line in chapter.splitlines() if line.startswith("| 1 | "))
    ozg_id = first.split(" | ")[1].split()[0]
    cell = first.split(" | ")[5].removesuffix(" |")
    assert open_of[ozg_id] == max(open_of.values()) > 5
    assert f" | {open_of[ozg_id]} von " in first
    assert cell.count(" (nicht bewertet)") == 5 and cell.endswith(f" … und {open_of[ozg_id] - 5} weitere")
    # The 2019 catalogue states no date of its own.
    assert f"Katalog: OZG-Umsetzungskatalog, Datenstand unbekannt, importiert am {date.today():%d.%m.%Y}." in chapter

    _, text = mail_text(db, "--config", str(tmp_path / "config.toml"))
    item = next(line for line in text.splitlines() if line.startswith(f"- {ozg_id} "))
    assert re.fullmatch(rf"- {ozg_id} .+: (nicht|teilweise) online.*, {open_of[ozg_id]} von \d+ Leistungen offen"
                        rf"( \(\d+ nicht bewertet\))?: (.+ \(nicht bewertet\); ){{4}}"
                        rf".+ \(nicht bewertet\) … und {open_of[ozg_id] - 5} weitere", item), item
