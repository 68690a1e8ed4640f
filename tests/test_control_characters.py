"""Control characters from outside (BEL, ESC, bidi overrides) never reach a terminal, a file or a mail."""

import pytest
from support.cli import ok
from support.db import connect

ANMELDUNG = "99115005104000"
HOSTILE = "Wohnsitz\x07 Anmeldung \x1b[2J\x1b]0;pwned\x07\u202egnudlemna\u202c\x9b31m"
CONTROLS = ("\x07", "\x1b", "\u202e", "\u202c", "\x9b")


@pytest.fixture
def hostile_town(town):
    """The fixture town whose catalogue names a service with control characters, and a note with them."""
    connection = connect(town)
    connection.execute("UPDATE leika_service SET name = ? WHERE key = ?", (HOSTILE, ANMELDUNG))
    connection.commit()
    connection.close()
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "1", "--department", "FB 2\x1b[31m",
       "--note", "Zeile 1\nZeile 2\x07 \x1b[5m")
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


def test_the_stored_note_keeps_its_line_break_but_no_controls(hostile_town):
    shown = ok("--db", str(hostile_town), "status", "show", ANMELDUNG, "--format", "json").stdout
    assert '"note": "Zeile 1\\nZeile 2 [5m"' in shown and '"department": "FB 2[31m"' in shown


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
