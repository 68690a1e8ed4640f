"""The weekly mail under hostile conditions: a server that is down, drips, echoes secrets; bad addresses."""

import base64
import subprocess
import sys

import pytest
from support.cli import run
from support.db import connect, dump
from support.mail import RudeServer
from support.net import free_port

PASSWORD = "Geheim-7f3c!Wolmirstedt"


def outbox(path) -> list[tuple]:
    return connect(path).execute(
        "SELECT id, CAST(recipients AS TEXT), sent_at IS NOT NULL, "
        "replaced_by_id IS NOT NULL FROM mail_message ORDER BY id").fetchall()


def test_runs_while_the_server_is_down_queue_one_report_not_four(mail_town, smtp, monkeypatch):
    monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(free_port()))
    failed = [run("--db", str(mail_town), "report", "email") for _ in range(3)]
    assert [r.exit_code for r in failed] == [4, 4, 4]
    assert "ersetzt den ungesendeten Bericht" not in failed[0].stderr
    assert "ersetzt den ungesendeten Bericht 1 vom " in failed[1].stderr
    assert "ersetzt den ungesendeten Bericht 2 vom " in failed[2].stderr
    assert [(r[2], r[3]) for r in outbox(mail_town)] == [(0, 1), (0, 1), (0, 0)]

    server = smtp()
    sent = run("--db", str(mail_town), "report", "email")

    assert sent.exit_code == 0 and sent.stderr.endswith("1 Nachricht gesendet.\n")
    assert len(server.received) == 1
    assert [(r[2], r[3]) for r in outbox(mail_town)] == [(0, 1), (0, 1), (0, 1), (1, 0)]
    listed = run("--db", str(mail_town), "report", "outbox", "--list")
    assert (listed.exit_code, listed.stdout) == (0, "(keine)\n")  # the replaced reports do not wait any more


def test_a_report_for_other_recipients_is_not_replaced(mail_town, monkeypatch):
    monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(free_port()))
    assert run("--db", str(mail_town), "report", "email").exit_code == 4
    other = run("--db", str(mail_town), "report", "email", "--to", "stadtrat@wolmirstedt.example")
    assert other.exit_code == 4 and "replaces" not in other.stderr
    assert [(r[2], r[3]) for r in outbox(mail_town)] == [(0, 0), (0, 0)]


@pytest.mark.parametrize("broken", ["no server", "public password file", "no password"])
def test_incomplete_configuration_queues_nothing(broken, mail_town, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD, encoding="utf-8")
    secret.chmod(0o644)
    if broken == "no server":
        monkeypatch.delenv("OZGTRACK_SMTP_HOST")
        config.write_text("", encoding="utf-8")
    elif broken == "public password file":
        config.write_text(f'[smtp]\nuser = "ozgtrack"\npassword_file = "{secret}"\n', encoding="utf-8")
    else:
        config.write_text('[smtp]\nuser = "ozgtrack"\n', encoding="utf-8")
    before = dump(mail_town)

    result = run("--db", str(mail_town), "--config", str(config), "report", "email")

    assert result.exit_code == 1, result.stderr
    assert dump(mail_town) == before


def test_a_dripping_server_meets_the_deadline(mail_town, tmp_path, monkeypatch):
    server = RudeServer(drip=0.2)
    monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(server.port))
    config = tmp_path / "config.toml"
    config.write_text("[smtp]\ntimeout = 1\ndeadline = 2\n", encoding="utf-8")
    try:
        # In a process of its own, so that a hang fails this test instead of stopping the suite.
        result = subprocess.run([sys.executable, "-m", "ozgtrack", "--db", str(mail_town), "--config", str(config),
                                 "report", "email"], capture_output=True, text=True, timeout=60)
    finally:
        server.stop()
    assert result.returncode == 4, result.stderr
    assert f"der SMTP-Server 127.0.0.1:{server.port} war nicht innerhalb von 2 s fertig" in result.stderr


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_credentials_echoed_by_the_server_are_scrubbed(mechanism, mail_town, monkeypatch):
    server = RudeServer(echo_auth=mechanism)
    monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(server.port))
    monkeypatch.setenv("OZGTRACK_SMTP_USER", "ozgtrack")
    monkeypatch.setenv("OZGTRACK_SMTP_PASSWORD", PASSWORD)
    try:
        result = run("--db", str(mail_town), "-vv", "report", "email")
    finally:
        server.stop()
    echoed = [line for line in server.heard if line.upper().startswith("AUTH") or "==" in line or len(line) > 20]
    assert echoed, server.heard  # the server did get the credentials to echo
    forms = {PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
             base64.b64encode(f"\0ozgtrack\0{PASSWORD}".encode()).decode()}
    seen = result.stdout + result.stderr + dump(mail_town)
    assert result.exit_code == 4 and "hat die Anmeldung von 'ozgtrack' abgelehnt (535" in result.stderr
    assert [form for form in forms if form in seen] == []


@pytest.mark.parametrize(("where", "value"), [
    ("--to", "it@wolmirstedt.example\r\nBcc: everyone@example.org"),
    ("--to", ""),
    ("--to", "kein-at-zeichen"),
    ("--to", "a@b.example, c@d.example"),
    ("OZGTRACK_MAIL_TO", "it@wolmirstedt.example,\nBcc: x@example.org"),
    ("OZGTRACK_MAIL_FROM", "ozgtrack@wolmirstedt.example\r\nBcc: x@example.org"),
])
def test_bad_addresses_are_refused_and_nothing_is_queued(where, value, mail_town, smtp, monkeypatch):
    server = smtp()
    args = ["--db", str(mail_town), "report", "email"]
    if where == "--to":
        args += ["--to", value]
    else:
        monkeypatch.setenv(where, value)
    before = dump(mail_town)

    result = run(*args)

    assert result.exit_code == 1, result.stderr
    assert "ist keine gültige E-Mail-Adresse" in result.stderr and "Traceback" not in result.stderr
    assert dump(mail_town) == before and server.received == []


def test_a_town_name_with_line_breaks_cannot_inject_headers(mail_town, smtp):
    connect(mail_town).execute(
        "UPDATE municipality SET name = 'Wolmirstedt\r\nBcc: x@example.org' WHERE ars = '150830565565'").connection.commit()
    server = smtp()
    result = run("--db", str(mail_town), "report", "email")
    assert result.exit_code == 0, result.stderr
    [received] = server.received
    assert received.message["Bcc"] is None and received.recipients == [
        "it@wolmirstedt.example", "buergermeister@wolmirstedt.example"]
    assert "Wolmirstedt Bcc: x@example.org" in received.message["Subject"]


def test_outbox_list(mail_town, monkeypatch):
    monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(free_port()))
    assert run("--db", str(mail_town), "report", "email").exit_code == 4
    listed = run("--db", str(mail_town), "report", "outbox", "--list")
    plain = run("--db", str(mail_town), "report", "outbox")
    assert listed.exit_code == 4 and listed.stdout == plain.stdout
    assert "it@wolmirstedt.example, buergermeister@wolmirstedt.example" in listed.stdout
