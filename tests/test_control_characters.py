"""Control characters from outside (BEL, ESC, bidi overrides) never reach a terminal, a file or a mail."""

import pytest
from support.cli import ok, run
from support.db import connect, dump, execute, query

ANMELDUNG = "99115005104000"
HOSTILE = "Wohnsitz\x07 Anmeldung \x1b[2J\x1b]0;pwned\x07\u202egnudlemna\u202c\x9b31m"
CONTROLS = ("\x07", "\x1b", "\u202e", "\u202c", "\x9b")


@pytest.fixture
def hostile_town(town):
    """The fixture town whose catalogue names a service with control characters, and a status with them (as a
    database of an earlier version may hold them: no command stores them now)."""
    connection = connect(town)
    connection.execute("UPDATE leika_service SET name = ? WHERE key = ?", (HOSTILE, ANMELDUNG))
    connection.commit()
    connection.close()
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "1", "--department", "FB 2")
    execute(town, "UPDATE service_status SET department = ?, note = ?",
            ("FB 2\x1b[31m", "Zeile 1\nZeile 2\x07 \x1b[5m\x85\u200f"))
    return town


OUTPUTS = [
    ("catalog", "search", "Wohnsitz"),
    ("catalog", "show", ANMELDUNG),
    ("triage", "list"),
    ("status", "list"),
    ("status", "show", ANMELDUNG),
    ("status", "show", ANMELDUNG, "--format", "json"),
    ("catalog", "show", ANMELDUNG, "--format", "json"),
    ("status", "export"),
    ("report", "gaps", "--by", "service"),
    ("report", "gaps", "--by", "service", "--format", "markdown"),
    ("report", "gaps", "--by", "service", "--format", "csv"),
    ("report", "gaps", "--by", "service", "--format", "excel"),
    ("report", "gaps", "--by", "service", "--format", "html"),
    ("report", "chapter", "--format", "markdown"),
    ("report", "chapter", "--format", "html"),
]


@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_no_control_character_in_any_output(hostile_town, args):
    result = ok("--db", str(hostile_town), *args)
    assert "Anmeldung" in result.stdout or "Wohnsitz" in result.stdout or args[0] == "report"
    assert [c for c in CONTROLS if c in result.stdout + result.stderr] == []


@pytest.mark.parametrize(("option", "value", "where"), [
    ("--department", "FB 2\x1b[31m", "Fachbereich enthält an Stelle 5 ein Steuerzeichen (U+001B)"),
    ("--note", "Zeile 1\nZeile 2\x07", "Notiz enthält an Stelle 16 ein Steuerzeichen (U+0007)"),
    ("--portal", "Landesportal\x85", "Portal enthält an Stelle 13 ein Steuerzeichen (U+0085), oft der Rest einer "
                                      "falsch gelesenen Kodierung (Windows-1252?)"),
    ("--efa", "\u202eAfE", "EfA-Lösung enthält an Stelle 1 ein unsichtbares Zeichen, das die Schreibrichtung "
                           "umstellt (U+202E)"),
    ("--contact", "Anna\u200e", "Ansprechperson enthält an Stelle 5 ein unsichtbares Zeichen, das die "
                                "Schreibrichtung umstellt (U+200E)"),
    ("--reason", "geprüft\u2066", "Begründung enthält an Stelle 8 ein unsichtbares Zeichen, das die Schreibrichtung "
                                  "umstellt (U+2066)"),
    ("--user", "anna\x1b[2J", "geändert von enthält an Stelle 5 ein Steuerzeichen (U+001B)"),
])
def test_status_set_refuses_a_control_character_and_stores_nothing(town, option, value, where):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    before = dump(town)

    result = run("--db", str(town), "status", "set", ANMELDUNG, "--stage", "2", option, value)

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Fehler: {where}; so etwas wird nicht gespeichert – bitte entfernen\n"
    assert dump(town) == before


def test_a_note_keeps_its_line_breaks_and_tabs(town):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--note", " Zeile 1\r\nZeile 2\tSpalte ", "--department",
       " FB\t2\n Bürgerservice ")
    assert query(town, "SELECT note, department FROM service_status") == [
        ("Zeile 1\r\nZeile 2\tSpalte", "FB 2 Bürgerservice")]


def test_mail_text_part_has_no_control_character(hostile_town, monkeypatch):
    monkeypatch.setenv("OZGTRACK_MAIL_FROM", "ozgtrack@wolmirstedt.example")
    result = ok("--db", str(hostile_town), "report", "email", "--to", "it@wolmirstedt.example", "--dry-run")
    from email import message_from_string, policy

    message = message_from_string(result.stdout, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "Anmeldung" in text
    assert [c for c in CONTROLS if c in text + message.get_body(("html",)).get_content()] == []


HUNDESTEUER = "99102013000000"  # a Leistungsobjekt with Verrichtungen: a status on it is named in the counting line


@pytest.fixture
def hostile_grouping(town):
    """The fixture town with a status on a Leistungsobjekt whose catalogue name carries control characters."""
    connection = connect(town)
    connection.execute("UPDATE leika_service SET name = ? WHERE key = ?", (f"Hundesteuer {HOSTILE}", HUNDESTEUER))
    connection.commit()
    connection.close()
    ok("--db", str(town), "status", "set", HUNDESTEUER, "--stage", "1")
    return town


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "json", "csv", "excel"])
def test_a_name_with_control_characters_reaches_no_report_file(hostile_grouping, tmp_path, fmt):
    out = tmp_path / f"bericht.{fmt}"

    ok("--db", str(hostile_grouping), "report", "gaps", "--format", fmt, "-o", str(out))

    text = out.read_text(encoding="utf-8")
    assert f"{HUNDESTEUER} Hundesteuer" in text or fmt in ("csv", "excel", "json")
    assert [c for c in CONTROLS if c in text] == []


def test_the_counting_line_on_a_terminal_has_no_control_character(hostile_grouping):
    result = ok("--db", str(hostile_grouping), "report", "gaps", "--format", "table")

    line = next(line for line in result.stdout.splitlines() if "Status auf Leistungsobjekt-Ebene" in line)
    assert f"({HUNDESTEUER} Hundesteuer Wohnsitz Anmeldung [2J]0;pwned" in line
    assert [c for c in CONTROLS if c in result.stdout] == []
