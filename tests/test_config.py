"""Settings precedence: CLI flag > OZGTRACK_* environment > config.toml > defaults."""

import pytest

from ozgtrack.config import load_settings
from ozgtrack.errors import ConfigError
from ozgtrack.store.database import db_url


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(isolated_env):
    settings = load_settings(env={"OZGTRACK_DATA_DIR": str(isolated_env / "data")})
    assert settings.db_url == f"sqlite:///{isolated_env / 'data' / 'ozgtrack.sqlite'}"
    assert settings.sources["fim"].url == "https://fimportal.de/api/v0/leistung-steckbriefe"
    assert settings.sources["leika"].page == "https://fimportal.de/kataloge"
    assert (settings.http.timeout, settings.http.retries) == (30.0, 4)


def test_precedence(tmp_path):
    config = write(tmp_path / "c.toml", 'db = "/from/config.sqlite"\n[http]\ntimeout = 5\nretries = 1\n'
                                        '[sources.leika]\nurl = "https://example.org/leika.zip"\n')
    env = {"OZGTRACK_CONFIG": str(config), "OZGTRACK_HTTP_TIMEOUT": "7"}

    from_config = load_settings(env={"OZGTRACK_CONFIG": str(config)})
    from_env = load_settings(env={**env, "OZGTRACK_DB": "postgresql://u@h/ozg"})
    from_flag = load_settings(db=str(tmp_path / "flag.sqlite"), env=env)

    assert (from_config.db_url, from_config.http.timeout) == ("sqlite:////from/config.sqlite", 5.0)
    assert (from_env.db_url, from_env.http.timeout, from_env.http.retries) == ("postgresql://u@h/ozg", 7.0, 1)
    assert from_flag.db_url == f"sqlite:///{tmp_path / 'flag.sqlite'}"
    assert from_flag.sources["leika"].url == "https://example.org/leika.zip"
    assert from_flag.sources["leika"].page == "https://fimportal.de/kataloge"  # defaults stay for what is not set


def test_user_config_file_is_found(isolated_env):
    folder = isolated_env / "config" / "ozgtrack"
    folder.mkdir(parents=True)
    write(folder / "config.toml", "[http]\nretries = 9\n")
    assert load_settings().http.retries == 9


@pytest.mark.parametrize(("text", "message"), [
    ("[http]\ntimeout = 'slow'\n", "der Wert http.timeout in der Konfiguration muss eine Zahl sein"),
    ("[http]\nretries = -1\n", "http.retries muss zwischen 0 und 20 liegen, nicht -1"),
    ("db = 3\n", "der Wert db in der Konfiguration muss ein Text sein"),
    ("[http\n", "Konfigurationsdatei .* ist nicht lesbar"),
])
def test_bad_configuration_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(config=str(write(tmp_path / "c.toml", text)))


def test_bad_environment_number():
    with pytest.raises(ConfigError, match="die Umgebungsvariable OZGTRACK_HTTP_RETRIES muss eine ganze Zahl sein, nicht 'many'"):
        load_settings(env={"OZGTRACK_HTTP_RETRIES": "many"})


def test_missing_config_file_named_on_the_command_line(tmp_path):
    with pytest.raises(ConfigError, match="gibt es nicht; prüfen Sie --config"):
        load_settings(config=str(tmp_path / "nope.toml"))


def test_db_url_keeps_urls_and_resolves_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert db_url("postgresql+psycopg://u@localhost/ozg") == "postgresql+psycopg://u@localhost/ozg"
    assert db_url("rel.sqlite") == f"sqlite:///{tmp_path / 'rel.sqlite'}"


def test_a_configuration_nested_100000_deep_is_a_clear_error(tmp_path, db):
    from support.cli import run

    config = write(tmp_path / "c.toml", "[http]\nretries = " + "[" * 100_000 + "]" * 100_000 + "\n")

    result = run("--config", str(config), "--db", str(db), "catalog", "releases")

    assert (result.exit_code, result.stderr) == (
        1, f"Fehler: Konfigurationsdatei {config} ist nicht lesbar: sie ist zu tief verschachtelt\n")
