"""Per-department report e-mails: the analysis runs once per run, each Fachbereich gets its own view."""

import pytest
from support.cli import run
from support.mail import MailServer

DEPARTMENTS = {"99115005104000": "FB 2", "99115005070000": "FB 3", "99101001107000": "FB 4"}


@pytest.fixture
def departments_town(town, tmp_path, monkeypatch):
    """Three services, each in its own Fachbereich with an address; mail settings in the environment."""
    assert run("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes"
               ).exit_code == 0
    for key, department in DEPARTMENTS.items():
        assert run("--db", str(town), "status", "set", key, "--stage", "1", "--department", department).exit_code == 0
    config = tmp_path / "config.toml"
    config.write_text("[mail.departments]\n" + "".join(f'"{d}" = "{d[-1]}@wolmirstedt.example"\n'
                                                       for d in DEPARTMENTS.values()), encoding="utf-8")
    for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_SECURITY": "none", "MAIL_FROM": "ozgtrack@wolmirstedt.example",
                        "CONFIG": str(config)}.items():
        monkeypatch.setenv(f"OZGTRACK_{name}", value)
    return town


@pytest.fixture
def smtp(monkeypatch):
    server = MailServer().start()
    monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(server.port))
    yield server
    server.stop()


def test_per_department_analyses_once_and_compares_each_with_its_own_last_report(departments_town, smtp,
                                                                                monkeypatch):
    from ozgtrack.report import assemble as report

    assert run("--db", str(departments_town), "report", "email", "--per-department").exit_code == 0
    assert run("--db", str(departments_town), "status", "set", "99115005070000", "--stage", "3").exit_code == 0
    calls = []
    analyse = report.analyse
    monkeypatch.setattr(report, "analyse", lambda *args: calls.append(args) or analyse(*args))

    result = run("--db", str(departments_town), "report", "email", "--per-department")

    assert (result.exit_code, result.stderr, len(calls)) == (0, "3 Nachrichten gesendet.\n", 1)
    texts = {r.recipients[0]: r.message.get_body(("plain",)).get_content() for r in smtp.received[3:]}
    assert sorted(texts) == ["2@wolmirstedt.example", "3@wolmirstedt.example", "4@wolmirstedt.example"]
    assert "Neu online: 1: Wohnsitz Abmeldung (99115005070000)" in texts["3@wolmirstedt.example"]
    assert [t for t in texts.values() if "Neu online: 0" in t and "Seit dem letzten Bericht (Bericht vom" in t] == [
        texts["2@wolmirstedt.example"], texts["4@wolmirstedt.example"]]
