"""Comparing with a past date replays the history: a decision taken back counts as what the rule said then."""

from sqlalchemy import text
from support.cli import ok

from ozgtrack.resources import catalog_file
from ozgtrack.store.database import db_url
from ozgtrack.store.db import open_database

ANMELDUNG = "99115005104000"


def test_a_decision_taken_back_to_an_information_only_rule_replays(town, tmp_path):
    # The rule makes every 99115… service "information only"; a decision overrides it and is taken back.
    rules = tmp_path / "regeln.toml"
    rules.write_text(catalog_file("triage_rules.toml").read_text(encoding="utf-8")
                     + '\n[key_prefix]\n"99115" = "info"\n', encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[triage]\nrules = "{rules.name}"\n', encoding="utf-8")
    base = ("--db", str(town), "--config", str(config))
    ok(*base, "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    ok(*base, "status", "set", ANMELDUNG, "--stage", "3")
    ok(*base, "triage", "reset", ANMELDUNG, "--yes")
    with open_database(db_url(str(town))).begin() as connection:
        connection.execute(text("UPDATE audit_entry SET at = '2026-01-10 09:00:00.000000'"))

    since = ok(*base, "report", "gaps", "--since", "2026-06-01", "--format", "json").stdout
    now = ok(*base, "report", "gaps", "--format", "json").stdout

    # Then as now the service is information only: it counts nowhere, so nothing changed since.
    assert ANMELDUNG not in now
    assert ANMELDUNG not in since
