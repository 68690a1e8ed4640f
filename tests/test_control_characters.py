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
