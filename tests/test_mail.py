"""The weekly report by e-mail, sent to a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import base64
import csv
import io
import ssl

import pytest
from support.cli import ok, run
from support.db import connect, dump, independent_totals
from support.mail import StallingServer
from support.net import free_port

PASSWORD = "Geheim-7f3c!Wolmirstedt"
ANMELDUNG, ABMELDUNG = "99115005104000", "99115005070000"


def outbox(path) -> list[tuple]:
    return connect(path).execute(
        "SELECT id, CAST(recipients AS TEXT), sent_at IS NOT NULL, "
        "attempts, last_error FROM mail_message ORDER BY id").fetchall()


def test_weekly_report_arrives_with_both_parts_and_the_gap_list(mail_town, smtp):
    server = smtp()

    result = run("--db", str(mail_town), "report", "email")

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "1 Nachricht gesendet.\n")
    [received] = server.received
    message = received.message
    applicable, online = independent_totals(mail_town)
    assert received.recipients == ["it@wolmirstedt.example", "buergermeister@wolmirstedt.example"]
    assert message["To"] == "it@wolmirstedt.example, buergermeister@wolmirstedt.example"
    # Vorläufig: most responsibilities of the demo catalogue are still undecided.
    subject = " ".join(message["Subject"].split())  # a long header comes folded
    assert subject.startswith("[ozgtrack] Digitales Rathaus Wolmirstedt, Stadt: OZG-Leistungen 0 vollständig, 1 "
                              f"teilweise online (von 2); {online} von {applicable} Leistungen online "
                              f"({round(100 * online / applicable)} %, vorläufig)")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    verb = "ist" if online == 1 else "sind"
    assert f"{online} von {applicable} eigenen Leistungen {verb} online" in text
    assert f"<strong>LeiKa-Leistungen: {online} von {applicable} eigenen Leistungen {verb} online" in html
    assert "Erster Bericht" in text
    [attachment] = message.iter_attachments()
    assert attachment.get_filename().startswith("luecken-") and attachment.get_content_type() == "text/csv"
    rows = list(csv.reader(io.StringIO(attachment.get_content().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["LeiKa-Schlüssel", "Leistung"] and len(rows) - 1 == applicable
    assert [(r[1], r[2], r[3]) for r in outbox(mail_town)] == [
        ('["it@wolmirstedt.example", "buergermeister@wolmirstedt.example"]', 1, 1)]


def test_since_last_report_is_exact(mail_town, smtp):
    server = smtp()
    ok("--db", str(mail_town), "report", "email")
    ok("--db", str(mail_town), "status", "set", ABMELDUNG, "--stage", "3")

    assert run("--db", str(mail_town), "report", "email").exit_code == 0

    text = server.received[1].message.get_body(("plain",)).get_content()
    assert "Seit dem letzten Bericht (Bericht vom" in text
    assert f"Neu online: 1: Wohnsitz Abmeldung ({ABMELDUNG})" in text
    assert "Rückschritte (nicht mehr online): 0" in text


def test_dry_run_writes_the_message_and_sends_nothing(mail_town, smtp, tmp_path):
    server = smtp()
    before = dump(mail_town)
    result = run("--db", str(mail_town), "report", "email", "--dry-run")
    assert result.exit_code == 0 and result.stdout.startswith("Subject: [ozgtrack] Digitales Rathaus")
    assert "Content-Type: multipart/alternative" in result.stdout and "Content-Type: text/csv" in result.stdout
    assert server.received == [] and dump(mail_town) == before


def test_starttls_with_login(mail_town, smtp, tmp_path, monkeypatch):
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    server = smtp(tls_context=server_context, credentials=("ozgtrack", PASSWORD))
    config = tmp_path / "config.toml"
    config.write_text(f'[smtp]\nca_file = "{tmp_path / "ca.pem"}"\n', encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_SMTP_SECURITY", "starttls")
    monkeypatch.setenv("OZGTRACK_SMTP_USER", "ozgtrack")
    monkeypatch.setenv("OZGTRACK_SMTP_PASSWORD", PASSWORD)

    result = run("--db", str(mail_town), "--config", str(config), "-v", "report", "email")
    untrusted = run("--db", str(mail_town), "report", "email")

    assert result.exit_code == 0, result.stderr
    assert len(server.received) == 1 and server.logins == ["ozgtrack"]
    assert untrusted.exit_code == 4
    assert "TLS mit dem SMTP-Server 127.0.0.1:" in untrusted.stderr and "Zertifikat wird nicht vertraut" in untrusted.stderr
    assert PASSWORD not in result.stderr + untrusted.stderr


def stalled(monkeypatch, tmp_path) -> StallingServer:
    server = StallingServer()
    monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(server.port))
    return server


FAULTS = {
    "server down": ("keine Verbindung zum SMTP-Server 127.0.0.1:{port}: Verbindung abgelehnt", {}),
    "login rejected": ("hat die Anmeldung von 'ozgtrack' abgelehnt (535", {"credentials": ("ozgtrack", "the-real-one")}),
    "recipient refused": ("hat alle Empfänger abgelehnt: it@wolmirstedt.example (550 5.1.1 mailbox unavailable)",
                          {"credentials": ("ozgtrack", PASSWORD)}),
    "server stalls": ("der SMTP-Server 127.0.0.1:{port} hat nicht innerhalb von 1 s geantwortet", {}),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_faults_keep_the_report_in_the_outbox_and_the_next_run_sends_it_once(fault, mail_town, smtp, tmp_path,
                                                                               monkeypatch):
    message, options = FAULTS[fault]
    config = tmp_path / "config.toml"
    config.write_text("[smtp]\ntimeout = 1\n", encoding="utf-8")
    monkeypatch.setenv("OZGTRACK_SMTP_USER", "ozgtrack")
    monkeypatch.setenv("OZGTRACK_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("OZGTRACK_MAIL_TO", "it@wolmirstedt.example")
    stalling = None
    if fault == "server down":
        port = free_port()
        monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(port))
    elif fault == "server stalls":
        stalling = stalled(monkeypatch, tmp_path)
        port = stalling.port
    else:
        server = smtp(**options)
        port = server.port
        server.refuse = {"it@wolmirstedt.example"} if fault == "recipient refused" else set()

    failed = run("--db", str(mail_town), "--config", str(config), "-v", "report", "email")
    listed = run("--db", str(mail_town), "report", "outbox")

    if stalling:
        stalling.stop()
    assert failed.exit_code == 4
    assert message.format(port=port) in failed.stderr
    assert "1 Nachricht nicht gesendet; sie wartet im Postausgang" in failed.stderr
    assert PASSWORD not in failed.stdout + failed.stderr
    assert listed.exit_code == 4 and "it@wolmirstedt.example" in listed.stdout
    [waiting] = outbox(mail_town)
    assert waiting[2] == 0 and waiting[3] == 1 and PASSWORD not in (waiting[4] or "")

    good = smtp(credentials=("ozgtrack", PASSWORD))
    again = run("--db", str(mail_town), "--config", str(config), "report", "outbox", "--send")
    third = run("--db", str(mail_town), "--config", str(config), "report", "email")

    assert (again.exit_code, again.stderr) == (0, "1 Nachricht gesendet.\n")
    assert (third.exit_code, third.stderr) == (0, "1 Nachricht gesendet.\n")  # nothing waited, nothing was replaced
    ids = [r.message["Message-ID"].strip() for r in good.received]
    first_id = connect(mail_town).execute("SELECT message_id FROM mail_message WHERE id = 1").fetchone()[0]
    assert ids[0] == first_id and len(set(ids)) == 2  # the waiting one first, then this week's, each once
    assert [r[2] for r in outbox(mail_town)] == [1, 1]


def test_some_recipients_refused_keeps_only_them_waiting(mail_town, smtp):
    server = smtp()
    server.refuse = {"buergermeister@wolmirstedt.example"}

    failed = run("--db", str(mail_town), "report", "email")

    assert failed.exit_code == 4 and "Empfänger abgelehnt: buergermeister@wolmirstedt.example (550" in failed.stderr
    assert [r.recipients for r in server.received] == [["it@wolmirstedt.example"]]
    assert [(r[1], r[2]) for r in outbox(mail_town)] == [
        ('["it@wolmirstedt.example"]', 1), ('["buergermeister@wolmirstedt.example"]', 0)]
    server.refuse = set()
    assert run("--db", str(mail_town), "report", "outbox", "--send").exit_code == 0
    assert [r.recipients for r in server.received] == [["it@wolmirstedt.example"], ["buergermeister@wolmirstedt.example"]]


def test_the_password_never_appears(mail_town, smtp, tmp_path, monkeypatch):
    server = smtp(credentials=("ozgtrack", PASSWORD))
    monkeypatch.setenv("OZGTRACK_SMTP_USER", "ozgtrack")
    forms = {PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
             base64.b64encode(f"\0ozgtrack\0{PASSWORD}".encode()).decode()}
    outputs = []
    monkeypatch.setenv("OZGTRACK_SMTP_PASSWORD", "wrong-" + PASSWORD[:5])
    outputs.append(run("--db", str(mail_town), "-vv", "report", "email"))
    monkeypatch.setenv("OZGTRACK_SMTP_PASSWORD", PASSWORD)
    for args in (["-vv", "report", "email"], ["-vv", "report", "email", "--dry-run"], ["report", "outbox"]):
        outputs.append(run("--db", str(mail_town), *args))

    seen = "".join(r.stdout + r.stderr for r in outputs) + dump(mail_town)
    seen += "".join(r.data.decode("utf-8", "replace") for r in server.received)
    assert not [form for form in forms if form in seen]
    assert outputs[1].exit_code == 0 and len(server.received) >= 1


def test_password_file_must_be_private(mail_town, smtp, tmp_path, monkeypatch):
    server = smtp(credentials=("ozgtrack", PASSWORD))
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o644)
    config = tmp_path / "config.toml"
    config.write_text(f'[smtp]\nuser = "ozgtrack"\npassword_file = "{secret}"\n', encoding="utf-8")

    public = run("--db", str(mail_town), "--config", str(config), "report", "email")
    secret.chmod(0o600)
    private = run("--db", str(mail_town), "--config", str(config), "report", "email")

    assert public.exit_code == 1 and f"die Passwortdatei {secret} können auch andere lesen (Modus 644)" in public.stderr
    assert private.exit_code == 0 and len(server.received) == 1  # the refused run queued nothing


def test_per_department(mail_town, smtp, tmp_path):
    server = smtp()
    config = tmp_path / "config.toml"
    config.write_text('[mail.departments]\n"FB 2" = "fb2@wolmirstedt.example"\n', encoding="utf-8")

    result = run("--db", str(mail_town), "--config", str(config), "report", "email", "--per-department")

    assert result.exit_code == 0
    assert "Warnung: keine Adresse für den Fachbereich 'FB 4'; tragen Sie sie in [mail.departments] ein" in result.stderr
    [received] = server.received
    text = received.message.get_body(("plain",)).get_content()
    assert received.recipients == ["fb2@wolmirstedt.example"]
    assert " ".join(received.message["Subject"].split()).startswith(
        "[ozgtrack] Digitales Rathaus FB 2 (Wolmirstedt, Stadt): OZG-Leistungen 0 vollständig, 1 teilweise online "
        "(von 1); 1 von 2 ")
    assert "Wohnsitz Abmeldung" in text and "Grabstelle" not in text
    assert "Noch nie bestätigt (1 Leistung):\r\n\r\n- Wohnsitz Abmeldung (99115005070000): Reifegrad 1 nach RGM 1.1, FB 2" in text


def test_missing_mail_settings(mail_town, monkeypatch):
    monkeypatch.delenv("OZGTRACK_MAIL_FROM")
    result = run("--db", str(mail_town), "report", "email")
    assert result.exit_code == 1 and "keine Absenderadresse" in result.stderr
