"""Settings that would misfire silently are errors: unknown keys, numbers out of range, a database folder that is not there."""

from __future__ import annotations

import pytest
from support.cli import run


def _config(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ('databse = "/srv/ozg.sqlite"\n', "unbekannte Einstellung databse in {path}; meinten Sie db?"),
    ('[smtpp]\nhost = "mail.example.org"\n', "unbekannter Abschnitt [smtpp] in {path}; meinten Sie [smtp]?"),
    ('[smtp]\npasword_file = "secret"\n', "unbekannte Einstellung smtp.pasword_file in {path}; meinten Sie smtp.password_file?"),
    ('[sources.leikaa]\nurl = "https://example.org/l.zip"\n',
     "unbekannter Abschnitt [sources.leikaa] in {path}; meinten Sie [sources.leika]?"),
    ('[sources.leika]\nurll = "https://example.org/l.zip"\n',
     "unbekannte Einstellung sources.leika.urll in {path}; meinten Sie sources.leika.url?"),
    ("[report]\ntop_gap = 5\n", "unbekannte Einstellung report.top_gap in {path}; meinten Sie report.top_gaps?"),
    ("colour = 1\n", "unbekannte Einstellung colour in {path}; bekannt sind hier: db, municipality, http, sources, status, "
                     "triage, report, smtp, mail, pvog, town, plan"),
    ("http = 5\n", "http in {path} muss ein Abschnitt sein: [http]"),
    ('[sources]\nleika = "https://example.org/l.zip"\n', "sources.leika in {path} muss ein Abschnitt sein: [sources.leika]"),
])
def test_unknown_keys_are_named_with_the_closest_valid_one(tmp_path, text, message):
    config, db = _config(tmp_path, text), tmp_path / "x.sqlite"

    result = run("--db", str(db), "--config", str(config), "catalog", "releases")

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {message.format(path=config)}\n")
    assert not db.exists()


@pytest.mark.parametrize(("text", "env", "message"), [
    ("[smtp]\ntimeout = -5\n", {}, "smtp.timeout muss zwischen 0.1 und 3600 liegen, nicht -5.0"),
    ("[smtp]\nport = 70000\n", {}, "smtp.port muss zwischen 0 und 65535 liegen, nicht 70000"),
    ("[http]\ntimeout = 0\n", {}, "http.timeout muss zwischen 0.1 und 3600 liegen, nicht 0.0"),
    ("[http]\nretries = 1000\n", {}, "http.retries muss zwischen 0 und 20 liegen, nicht 1000"),
    ("[http]\nmax_bytes = 0\n", {}, "http.max_bytes muss mindestens 1 sein, nicht 0"),
    ("[http]\nbackoff = nan\n", {}, "http.backoff muss zwischen 0 und 600 liegen, nicht nan"),
    ("[report]\nstale_months = -1\n", {}, "report.stale_months muss zwischen 0 und 1200 liegen, nicht -1"),
    ("", {"OZGTRACK_HTTP_TIMEOUT": "inf"}, "OZGTRACK_HTTP_TIMEOUT muss zwischen 0.1 und 3600 liegen, nicht inf"),
    ("", {"OZGTRACK_HTTP_MAX_RETRY_AFTER": "-3"}, "OZGTRACK_HTTP_MAX_RETRY_AFTER muss zwischen 0 und 86400 liegen, nicht -3.0"),
    ("", {"OZGTRACK_SMTP_PORT": "99999"}, "OZGTRACK_SMTP_PORT muss zwischen 0 und 65535 liegen, nicht 99999"),
])
def test_numbers_out_of_range_are_refused(tmp_path, text, env, message):
    config, db = _config(tmp_path, text), tmp_path / "x.sqlite"

    result = run("--db", str(db), "--config", str(config), "catalog", "releases", env=env)

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {message}\n")
    assert not db.exists()


def test_a_database_folder_that_does_not_exist_is_an_error(tmp_path):
    result = run("--db", str(tmp_path / "typo" / "x.sqlite"), "catalog", "releases")

    assert (result.exit_code, result.stderr) == (
        1, f"Fehler: den Ordner {tmp_path / 'typo'} der Datenbank x.sqlite gibt es nicht; prüfen Sie --db (oder die "
           "Einstellung db) oder legen Sie den Ordner zuerst an\n")
    assert not (tmp_path / "typo").exists()


def test_the_default_database_is_created_with_its_folder_and_says_so(isolated_env):
    first = run("catalog", "releases")
    again = run("catalog", "releases")

    path = isolated_env / "data" / "ozgtrack.sqlite"
    assert (first.exit_code, first.stdout, first.stderr) == (0, "(keine)\n", f"Warnung: neue Datenbank angelegt: {path}\n")
    assert (again.exit_code, again.stderr) == (0, "")


def test_a_symlink_loop_as_the_database_is_an_error(tmp_path):
    loop = tmp_path / "loop.sqlite"
    loop.symlink_to(loop)

    result = run("--db", str(loop), "catalog", "releases")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fehler: {loop} ist als Datenbank nicht verwendbar: ")
    assert result.stderr.endswith("; prüfen Sie --db (oder die Einstellung db)\n")


@pytest.mark.parametrize(("text", "message"), [
    ("[plan]\ntargets = { 1999 = 40 }\n", "plan.targets: „1999“ ist kein Jahr zwischen 2000 und 2100"),
    ("[plan]\ntargets = { zwanzig = 40 }\n", "plan.targets: „zwanzig“ ist kein Jahr zwischen 2000 und 2100"),
    ("[plan]\ntargets = { 2027 = 140 }\n", "plan.targets.2027 muss eine ganze Zahl von 0 bis 100 (Prozent) sein, nicht 140"),
    ("[plan]\ntargets = { 2027 = 40.5 }\n", "plan.targets.2027 muss eine ganze Zahl von 0 bis 100 (Prozent) sein, nicht 40.5"),
    ("[plan]\ntargets = 80\n", "plan.targets muss eine Tabelle aus Jahr und Prozent sein, z. B. {{ 2027 = 40, 2030 = 80 }}"),
    ('[plan.targets_by_lebensbereich]\n"Familie & Kind" = { 2027 = 60 }\n',
     "plan.targets_by_lebensbereich: der Lebensbereich „Familie & Kind“ ist unbekannt; meinten Sie „Familie & Bildung“?"),
    ('[plan.targets_by_lebensbereich]\n"Mobilität" = { 2027 = -1 }\n',
     "plan.targets_by_lebensbereich.Mobilität.2027 muss eine ganze Zahl von 0 bis 100 (Prozent) sein, nicht -1"),
    ("[plan]\ntarget = { 2027 = 40 }\n", "unbekannter Abschnitt [plan.target] in {path}; meinten Sie [plan.targets]?"),
])
def test_plan_targets_are_checked(tmp_path, text, message):
    config, db = _config(tmp_path, text), tmp_path / "x.sqlite"

    result = run("--db", str(db), "--config", str(config), "catalog", "releases")

    assert (result.exit_code, result.stderr) == (1, f"Fehler: {message.format(path=config)}\n")
    assert not db.exists()


def test_plan_targets_are_read_with_the_lebensbereich_as_the_report_names_it(tmp_path):
    from ozgtrack.config import load_settings
    from ozgtrack.views.targets import Target

    config = _config(tmp_path, '[plan]\ntargets = { 2030 = 80, 2027 = 40 }\n'
                               '[plan.targets_by_lebensbereich]\n"familie und bildung" = { 2027 = 60 }\n')

    settings = load_settings(db=str(tmp_path / "x.sqlite"), config=str(config), env={})

    assert settings.plan.targets == (Target(2027, 40, None), Target(2030, 80, None),
                                     Target(2027, 60, "Familie & Bildung"))
