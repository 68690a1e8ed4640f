"""Settings that would misfire silently are errors: unknown keys, numbers out of range, a database folder that is not there."""

from __future__ import annotations

import pytest
from support.cli import run


def _config(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ('databse = "/srv/ozg.sqlite"\n', "unknown setting databse in {path}; did you mean db?"),
    ('[smtpp]\nhost = "mail.example.org"\n', "unknown section [smtpp] in {path}; did you mean [smtp]?"),
    ('[smtp]\npasword_file = "secret"\n', "unknown setting smtp.pasword_file in {path}; did you mean smtp.password_file?"),
    ('[sources.leikaa]\nurl = "https://example.org/l.zip"\n',
     "unknown section [sources.leikaa] in {path}; did you mean [sources.leika]?"),
    ('[sources.leika]\nurll = "https://example.org/l.zip"\n',
     "unknown setting sources.leika.urll in {path}; did you mean sources.leika.url?"),
    ("[report]\ntop_gap = 5\n", "unknown setting report.top_gap in {path}; did you mean report.top_gaps?"),
    ("colour = 1\n", "unknown setting colour in {path}; known here: db, municipality, http, sources, status, "
                     "triage, report, smtp, mail, pvog"),
    ("http = 5\n", "http in {path} must be a section: [http]"),
    ('[sources]\nleika = "https://example.org/l.zip"\n', "sources.leika in {path} must be a section: [sources.leika]"),
])
def test_unknown_keys_are_named_with_the_closest_valid_one(tmp_path, text, message):
    config, db = _config(tmp_path, text), tmp_path / "x.sqlite"

    result = run("--db", str(db), "--config", str(config), "catalog", "releases")

    assert (result.exit_code, result.stderr) == (1, f"Error: {message.format(path=config)}\n")
    assert not db.exists()


@pytest.mark.parametrize(("text", "env", "message"), [
    ("[smtp]\ntimeout = -5\n", {}, "smtp.timeout must be between 0.1 and 3600, not -5.0"),
    ("[smtp]\nport = 70000\n", {}, "smtp.port must be between 0 and 65535, not 70000"),
    ("[http]\ntimeout = 0\n", {}, "http.timeout must be between 0.1 and 3600, not 0.0"),
    ("[http]\nretries = 1000\n", {}, "http.retries must be between 0 and 20, not 1000"),
    ("[http]\nmax_bytes = 0\n", {}, "http.max_bytes must be at least 1, not 0"),
    ("[http]\nbackoff = nan\n", {}, "http.backoff must be between 0 and 600, not nan"),
    ("[report]\nstale_months = -1\n", {}, "report.stale_months must be between 0 and 1200, not -1"),
    ("", {"OZGTRACK_HTTP_TIMEOUT": "inf"}, "OZGTRACK_HTTP_TIMEOUT must be between 0.1 and 3600, not inf"),
    ("", {"OZGTRACK_HTTP_MAX_RETRY_AFTER": "-3"}, "OZGTRACK_HTTP_MAX_RETRY_AFTER must be between 0 and 86400, not -3.0"),
    ("", {"OZGTRACK_SMTP_PORT": "99999"}, "OZGTRACK_SMTP_PORT must be between 0 and 65535, not 99999"),
])
def test_numbers_out_of_range_are_refused(tmp_path, text, env, message):
    config, db = _config(tmp_path, text), tmp_path / "x.sqlite"

    result = run("--db", str(db), "--config", str(config), "catalog", "releases", env=env)

    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert not db.exists()


def test_a_database_folder_that_does_not_exist_is_an_error(tmp_path):
    result = run("--db", str(tmp_path / "typo" / "x.sqlite"), "catalog", "releases")

    assert (result.exit_code, result.stderr) == (
        1, f"Error: the folder {tmp_path / 'typo'} of the database x.sqlite does not exist; check --db (or the db "
           "setting), or create the folder first\n")
    assert not (tmp_path / "typo").exists()


def test_the_default_database_is_created_with_its_folder_and_says_so(isolated_env):
    first = run("catalog", "releases")
    again = run("catalog", "releases")

    path = isolated_env / "data" / "ozgtrack.sqlite"
    assert (first.exit_code, first.stdout, first.stderr) == (0, "(none)\n", f"warning: created new database {path}\n")
    assert (again.exit_code, again.stderr) == (0, "")


def test_a_symlink_loop_as_the_database_is_an_error(tmp_path):
    loop = tmp_path / "loop.sqlite"
    loop.symlink_to(loop)

    result = run("--db", str(loop), "catalog", "releases")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot use {loop} as the database: ")
    assert result.stderr.endswith("; check --db (or the db setting)\n")
