"""Why a gap is open: the shipped list, `status set --blocker`, derived reasons, `report blockers`, measures, chapter."""

import csv
import io
import json
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.catalogue import read_flat
from support.cli import ok, run
from support.db import dump, query

from ozgtrack.errors import ConfigError
from ozgtrack.store.database import db_url
from ozgtrack.store.db import open_database
from ozgtrack.store.models import Municipality, OnlineCover, OnlineService, Service
from ozgtrack.town.blocker_list import blocker_list
from ozgtrack.views.online import BlockerCode, Delivery, Payment

ANMELDUNG, ABMELDUNG = "99115005104000", "99115005070000"
FESTSETZUNG, BEFREIUNG = "99102013002000", "99102013010000"
PERSO, KFZ, GRABSTELLE = "99008001012000", "99036008007000", "99101001107000"
LABELS = {
    "landesloesung": "Warten auf Landes-/EfA-Lösung", "vertrag": "Nachnutzungsvertrag fehlt",
    "epayment": "ePayment fehlt", "postfach": "Rückkanal/Postfach fehlt",
    "fachverfahren": "Fachverfahren ohne Schnittstelle", "pvog": "nicht im PVOG/BUS LSA registriert",
    "personal": "Personal oder Budget fehlt", "rechtslage": "Rechtslage: persönliches Erscheinen oder Schriftform",
}


# --- the shipped list -----------------------------------------------------------------------------------------


def test_the_list_has_exactly_the_codes_with_label_explanation_and_measure():
    listing = blocker_list()

    assert [k.code for k in listing.kinds] == list(BlockerCode)
    assert {k.code.value: k.label for k in listing.kinds} == LABELS
    assert all(len(k.explanation) > 40 and len(k.measure) > 20 for k in listing.kinds)
    assert all(r.law and r.prefixes and r.explanation for r in listing.legal)


def test_a_list_that_misses_a_code_is_refused(tmp_path):
    path = tmp_path / "blockers.toml"
    path.write_text('[[blocker]]\ncode = "epayment"\nlabel = "x"\nexplanation = "y"\nmeasure = "z"\n', encoding="utf-8")

    with pytest.raises(ConfigError, match="genau diese Codes"):
        blocker_list(path)


def test_the_legal_list_names_real_services_of_the_catalogue(flat_csv):
    """Each prefix matches services of the real OZG-Umsetzungskatalog, and only the ones its title names."""
    names = {r["leika_schluessel"]: r["leika_bezeichnung"] for r in read_flat(flat_csv)
             if r["leika_schluessel"].isdigit()}
    words = {"Personalausweis: Ausstellung": "Personalausweis Ausstellung", "Eheschließung: Vollzug": "Eheschließung Vollzug",
             "Vaterschaftsanerkennung: Beurkundung": "Vaterschaftsanerkennung Beurkundung",
             "Kirchenaustritt (Sachsen-Anhalt)": "Kirchenaustritt", "Beglaubigung von Unterschriften": "Unterschriften"}
    for requirement in blocker_list().legal:
        matched = [name for key, name in names.items() if requirement.covers(key)]
        assert matched, requirement.title
        expected = words.get(requirement.title, "reisepass Ausstellung")
        assert all(expected.lower() in name.lower() for name in matched), (requirement.title, matched)
    assert blocker_list().legal_of("99008001015000") is None  # Personalausweis Statusabfrage can be online


# --- status set --blocker ----------------------------------------------------------------------------------------


@pytest.fixture
def decided(town):
    for target, reason in (("10124", "Meldebehörde"), ("99102013", "Hundesteuersatzung"), ("99008001", "Ausweis")):
        ok("--db", str(town), "triage", "set", target, "--level", "gemeinde", "--reason", reason, "--yes")
    ok("--db", str(town), "triage", "set", KFZ, "--level", "landkreis", "--reason", "Zulassung", "--yes")
    return town


def active(town):
    return query(town, "SELECT s.key, b.code, b.note, b.set_by, b.cleared_by FROM service_blocker b "
                       "JOIN leika_service s ON s.id = b.service_id ORDER BY b.id")


def test_set_show_and_clear_a_blocker(decided):
    result = run("--db", str(decided), "status", "set", BEFREIUNG, "--blocker", "epayment", "--note",
                 "Kasse ohne ePayBL-Anbindung")

    assert (result.exit_code, result.stderr) == (0, "Wolmirstedt, Stadt: 1 Leistung geändert.\n")
    assert active(decided) == [(BEFREIUNG, "epayment", "Kasse ohne ePayBL-Anbindung", "it-officer", None)]
    shown = run("--db", str(decided), "status", "show", BEFREIUNG).stdout
    assert "warum nicht online  ePayment fehlt (epayment), erfasst von it-officer am " in shown
    assert next(line for line in shown.split("\n") if "warum" in line).endswith(": Kasse ohne ePayBL-Anbindung")
    status = json.loads(run("--db", str(decided), "status", "show", BEFREIUNG, "--format", "json").stdout)[0]
    assert [(b["code"], b["origin"], b["note"]) for b in status["blockers"]] == [
        ("epayment", "set", "Kasse ohne ePayBL-Anbindung")]
    assert status["note"] is None  # with --blocker, --note is the reason's note, not the status's
    listed = json.loads(run("--db", str(decided), "status", "list", "--format", "json").stdout)
    assert [[b["code"] for b in s["blockers"]] for s in listed if s["key"] == BEFREIUNG] == [["epayment"]]

    cleared = run("--db", str(decided), "status", "set", BEFREIUNG, "--clear-blocker", "epayment")

    assert (cleared.exit_code, cleared.stderr) == (0, "Wolmirstedt, Stadt: 1 Leistung geändert.\n")
    assert active(decided) == [(BEFREIUNG, "epayment", "Kasse ohne ePayBL-Anbindung", "it-officer", "it-officer")]
    assert "warum nicht online" not in run("--db", str(decided), "status", "show", BEFREIUNG).stdout


def test_setting_the_same_reason_again_changes_nothing(decided):
    ok("--db", str(decided), "status", "set", BEFREIUNG, "--blocker", "personal")
    again = run("--db", str(decided), "status", "set", BEFREIUNG, "--blocker", "personal")

    assert (again.exit_code, again.stderr) == (0, f"{BEFREIUNG}: nichts geändert.\n")
    assert len(active(decided)) == 1


def test_a_dry_run_stores_nothing(decided):
    before = dump(decided)
    result = run("--db", str(decided), "status", "set", BEFREIUNG, "--blocker", "personal", "--dry-run")

    assert result.exit_code == 0
    assert result.stderr == "Wolmirstedt, Stadt: 1 Leistung würde geändert (Probelauf, nichts gespeichert).\n"
    assert f"{BEFREIUNG}  Grund erfasst  personal" in result.stdout
    assert dump(decided) == before


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--blocker", "budget"), 2, "Fehler: Ungültiger Wert für '--blocker': 'budget' ist keins von"),
    (("--blocker", "personal", "--clear-blocker", "personal"), 2, "--blocker und --clear-blocker schließen"),
])
def test_usage_errors_exit_2_and_change_nothing(decided, args, code, message):
    before = dump(decided)
    result = run("--db", str(decided), "status", "set", BEFREIUNG, *args)

    assert result.exit_code == code and message in result.stderr
    assert dump(decided) == before


@pytest.mark.parametrize(("key", "why"), [(KFZ, "ist keine eigene Leistung der Kommune"), (ANMELDUNG, "ist schon online")])
def test_only_own_services_that_are_not_online_carry_a_reason(decided, key, why):
    ok("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "3")
    before = dump(decided)
    result = run("--db", str(decided), "status", "set", key, "--blocker", "personal")

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {key} {why}; einen Grund, warum sie nicht online ist, "
                                                    "können nur eigene Leistungen tragen, die noch nicht online sind\n")
    assert dump(decided) == before


def test_an_ozg_leistung_is_a_bulk_change(decided):
    before = dump(decided)
    held = run("--db", str(decided), "status", "set", "10124", "--blocker", "landesloesung")

    assert held.exit_code == 1 and "2 Leistungen würden geändert; nichts wurde gespeichert" in held.stderr
    assert f"{ABMELDUNG}  Grund erfasst  landesloesung" in held.stdout
    assert dump(decided) == before

    done = run("--db", str(decided), "status", "set", "10124", "--blocker", "landesloesung", "--yes")

    assert (done.exit_code, done.stderr) == (0, "Wolmirstedt, Stadt: 2 Leistungen geändert.\n")
    assert [(k, c) for k, c, *_ in active(decided)] == [(ABMELDUNG, "landesloesung"), (ANMELDUNG, "landesloesung")]


def test_an_online_service_of_an_ozg_leistung_is_left_out(decided):
    ok("--db", str(decided), "status", "set", ANMELDUNG, "--stage", "3")
    result = run("--db", str(decided), "status", "set", "10124", "--blocker", "postfach")

    assert result.exit_code == 0
    assert result.stderr == (f"ohne Grund gelassen: 1 Leistung, schon online oder keine eigene der Kommune: {ANMELDUNG}\n"
                             "Wolmirstedt, Stadt: 1 Leistung geändert.\n")
    assert [(k, c) for k, c, *_ in active(decided)] == [(ABMELDUNG, "postfach")]


# --- derived reasons and the report -----------------------------------------------------------------------------


def register(town, number, name, delivery, keys, *, payment=None, contract=None, retired=False):
    """An online service of Wolmirstedt covering ``keys``, written with the ORM (the register's commands are elsewhere)."""
    now = datetime(2026, 11, 25, 9, 0)
    with Session(open_database(db_url(str(town)))) as session, session.begin():
        municipality = session.scalar(select(Municipality.id).where(Municipality.ars == "150830565565"))
        online = OnlineService(municipality_id=municipality, number=number, name=name, delivery=delivery,
                               payment=payment, contract=contract, created_at=now, created_by="Test", updated_at=now,
                               updated_by="Test", retired_at=now if retired else None)
        session.add(online)
        session.flush()
        for key in keys:
            session.add(OnlineCover(online_service_id=online.id,
                                    service_id=session.scalar(select(Service.id).where(Service.key == key))))


def report(town, fmt="json"):
    result = run("--db", str(town), "report", "blockers", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if fmt == "json" else result.stdout


def causes(data):
    return {c["code"]: [(s["key"], s["origin"], s["source"]) for s in c["services"]] for c in data["causes"]
            if c["services"]}


def test_reasons_are_derived_from_the_register(decided):
    register(decided, 1, "Hundesteuer online", Delivery.EIGEN, [FESTSETZUNG, BEFREIUNG], payment=Payment.KEINS)
    register(decided, 2, "Wohnsitz (EfA)", Delivery.EFA, [ANMELDUNG, ABMELDUNG], contract="nein")
    register(decided, 3, "Alter Dienst", Delivery.EFA, [PERSO], payment=Payment.KEINS, contract="nein", retired=True)
    ok("--db", str(decided), "status", "set", FESTSETZUNG, "--stage", "3")  # online: no reason is needed

    data = report(decided)

    assert causes(data) == {
        "vertrag": [(ABMELDUNG, "derived", "O-002 Wohnsitz (EfA)"), (ANMELDUNG, "derived", "O-002 Wohnsitz (EfA)")],
        "epayment": [(BEFREIUNG, "derived", "O-001 Hundesteuer online")]}
    assert [(g["title"], [s["key"] for s in g["services"]]) for g in data["legal"]] == [
        ("Personalausweis: Ausstellung", [PERSO])]
    assert data["legal"][0]["law"].startswith("§ 9 Abs. 1 PAuswG")
    shown = run("--db", str(decided), "status", "show", BEFREIUNG).stdout
    assert "ePayment fehlt (epayment), abgeleitet aus O-001 Hundesteuer online" in shown
    assert query(decided, "SELECT count(*) FROM service_blocker") == [(0,)]  # derived reasons are never stored


def test_report_by_cause_with_measures_in_every_format(decided, tmp_path):
    ok("--db", str(decided), "status", "set", BEFREIUNG, "--blocker", "epayment", "--note", "Kasse")
    ok("--db", str(decided), "status", "set", "10124", "--blocker", "personal", "--yes")
    ok("--db", str(decided), "plan", "measure", "add", "ePayBL anbinden", "--blocker", "epayment")
    ok("--db", str(decided), "plan", "measure", "add", "Meldewesen digital", "--services", "10124")
    ok("--db", str(decided), "plan", "measure", "add", "Verworfen", "--blocker", "personal", "--state", "verworfen")

    data = report(decided)

    assert (data["gaps"], data["with_reason"]) == (6, 4)
    assert {c["code"]: [m["ref"] for m in c["measures"]] for c in data["causes"] if c["services"]} == {
        "epayment": ["M-001"], "personal": ["M-002"]}
    personal = next(c for c in data["causes"] if c["code"] == "personal")
    assert [(s["key"], s["measures"]) for s in personal["services"]] == [(ABMELDUNG, ["M-002"]), (ANMELDUNG, ["M-002"])]
    assert [s["key"] for s in data["without_reason"]["services"]] == [GRABSTELLE, FESTSETZUNG]
    table = report(decided, "table")
    assert table.startswith("Wolmirstedt, Stadt: 6 eigene Leistungen nicht online; 4 mit Grund, 2 ohne erfassten "
                            "Grund.\n\nePayment fehlt (epayment): 1 Leistung\n")
    assert "Maßnahmen: M-001 ePayBL anbinden (vorgeschlagen)\n" in table
    assert "\nRechtslage – Personalausweis: Ausstellung: § 9 Abs. 1 PAuswG" in table
    rows = list(csv.reader(io.StringIO(report(decided, "csv"))))
    assert rows[0] == ["Grund", "Code", "LeiKa-Schlüssel", "Leistung", "Art", "Quelle", "Notiz", "Maßnahmen"]
    assert [r[1:5] for r in rows[1:]] == [
        ["epayment", BEFREIUNG, "Hundesteuer Befreiung", "erfasst"], ["personal", ABMELDUNG, "Wohnsitz Abmeldung", "erfasst"],
        ["personal", ANMELDUNG, "Wohnsitz Anmeldung", "erfasst"], ["rechtslage", PERSO, "Personalausweis Ausstellung",
                                                                   "Rechtslage"], ["", GRABSTELLE, "Nutzungsrecht für eine Grabstelle Vergabe", ""],
        ["", FESTSETZUNG, "Hundesteuer Festsetzung", ""]]
    ok("--db", str(decided), "report", "blockers", "--format", "xlsx", "-o", str(tmp_path / "g.xlsx"))
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "g.xlsx")
    assert [[c.value or "" for c in row] for row in book["Gründe"].iter_rows()] == rows
    assert [c.value for c in book["Maßnahmen"]["C"]] == ["Maßnahme", "M-001", "M-002"]


def test_xlsx_follows_the_one_format_rule(decided, tmp_path):
    """Like every table command: to a pipe the workbook's bytes, a contradicting name refused, with "Erläuterungen"."""
    from openpyxl import load_workbook

    piped = run("--db", str(decided), "report", "blockers", "--format", "xlsx")
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"PK")
    refused = run("--db", str(decided), "report", "blockers", "--format", "csv", "-o", str(tmp_path / "g.xlsx"))
    assert refused.exit_code == 2 and not (tmp_path / "g.xlsx").exists()
    ok("--db", str(decided), "report", "blockers", "-o", str(tmp_path / "g.xlsx"))
    notes = [[c.value for c in row] for row in load_workbook(tmp_path / "g.xlsx")["Erläuterungen"].iter_rows()]
    assert ["Kommune", "Wolmirstedt, Stadt (ARS 150830565565)"] in notes
    assert any(row[0] == "ePayment fehlt" and "Was hilft:" in row[1] for row in notes)


# --- measures and the chapter ------------------------------------------------------------------------------------


def test_a_measure_names_the_reason_it_removes(decided):
    ok("--db", str(decided), "plan", "measure", "add", "Zustellpunkt einrichten", "--blocker", "fachverfahren")
    shown = run("--db", str(decided), "plan", "measure", "show", "M-001").stdout
    assert "beseitigt Grund  Fachverfahren ohne Schnittstelle (fachverfahren)" in shown

    bad = run("--db", str(decided), "plan", "measure", "set", "M-001", "--blocker", "geld")
    assert (bad.exit_code, bad.stderr) == (1, "Fehler: „geld“ ist kein Grund; erlaubt: landesloesung, vertrag, "
                                              "epayment, postfach, fachverfahren, pvog, personal, rechtslage\n")
    ok("--db", str(decided), "plan", "measure", "set", "M-001", "--blocker", "")
    assert query(decided, "SELECT blocker FROM plan_measure") == [(None,)]
    assert "beseitigt Grund  Fachverfahren" not in run("--db", str(decided), "plan", "measure", "show", "M-001").stdout


def chapter_section(town):
    text = ok("--db", str(town), "report", "chapter", "--format", "markdown").stdout
    return text[text.index("### Warum noch nicht online"):text.index("### Methodik")]


def test_the_chapter_says_honestly_when_no_reason_is_recorded(decided):
    ok("--db", str(decided), "triage", "set", "99008001", "--level", "landkreis", "--reason", "Test", "--yes")

    assert chapter_section(decided) == ("### Warum noch nicht online\n\nFür keine der 5 eigenen Leistungen, die noch "
                                        "nicht online sind, ist bisher ein Grund erfasst.\n\n")


def test_the_chapter_lists_causes_with_measures_and_the_law_apart(decided):
    register(decided, 1, "Hundesteuer online", Delivery.EIGEN, [BEFREIUNG], payment=Payment.KEINS)
    ok("--db", str(decided), "plan", "measure", "add", "ePayBL anbinden", "--blocker", "epayment")

    section = chapter_section(decided)

    assert ("| ePayment fehlt | 1 | Hundesteuer Befreiung (abgeleitet) | M-001 ePayBL anbinden (vorgeschlagen) |"
            in section)
    assert "„Abgeleitet“ heißt" in section
    assert section.index("**Rechtslage: persönliches Erscheinen oder Schriftform**") > section.index("ePayment fehlt")
    assert "| Personalausweis: Ausstellung | § 9 Abs. 1 PAuswG" in section


def test_a_hostile_note_stays_text_in_csv_and_xlsx(decided, tmp_path):
    hostile = '=HYPERLINK("http://evil.example","Klick")'
    ok("--db", str(decided), "status", "set", BEFREIUNG, "--blocker", "epayment", "--note", hostile)

    rows = list(csv.reader(io.StringIO(report(decided, "csv"))))
    assert rows[1][6] == "'" + hostile
    ok("--db", str(decided), "report", "blockers", "--format", "xlsx", "-o", str(tmp_path / "g.xlsx"))
    from openpyxl import load_workbook

    cell = load_workbook(tmp_path / "g.xlsx")["Gründe"]["G2"]
    assert (cell.value, cell.data_type) == (hostile, "s")
