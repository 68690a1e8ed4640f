"""Shared fixtures: an isolated environment, the real data folder, a real HTTP server, golden files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import postgres
from support.data import FLAT_CSV
from support.http import Server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files in tests/golden/.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): SQLite by nature (files, WAL, locks); "
                                       "skipped when OZGTRACK_TEST_DB=postgresql")


def pytest_report_header(config: pytest.Config) -> str:
    return f"OZGTRACK_TEST_DB: {'postgresql' if postgres.selected() else 'sqlite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not postgres.selected():
        return
    for item in items:
        if (marker := item.get_closest_marker("sqlite_only")) is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "SQLite by nature")
            item.add_marker(pytest.mark.skip(reason=f"sqlite_only: {reason}"))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads the user's configuration or writes to the user's directories."""
    home = tmp_path / "home"
    for name in ("OZGTRACK_DB", "OZGTRACK_CONFIG", "OZGTRACK_HTTP_TIMEOUT", "OZGTRACK_HTTP_RETRIES",
                 "OZGTRACK_HTTP_BACKOFF", "OZGTRACK_HTTP_MAX_BYTES", "OZGTRACK_HTTP_MAX_RETRY_AFTER",
                 "OZGTRACK_MATURITY_MODEL", "COLUMNS"):  # COLUMNS would wrap the tables
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("OZGTRACK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("OZGTRACK_CACHE_DIR", str(home / "cache"))
    # The demo town is in Sachsen-Anhalt: its figures must not move with the shipped Land presets
    # (tests/test_triage_preset_sachsen_anhalt.py checks those); tests that want presets say so.
    monkeypatch.setenv("OZGTRACK_TRIAGE_PRESETS", str(home / "no-presets"))
    return home


@pytest.fixture
def flat_csv() -> Path:
    """The real OZG-Umsetzungskatalog (flat, 5,249 rows) from ../shared/data."""
    if not FLAT_CSV.is_file():
        pytest.skip(f"real data not available: {FLAT_CSV} is missing (../shared/data sits beside the checkout)")
    return FLAT_CSV


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME; ``--update-golden`` rewrites the file instead."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = Path(__file__).parent / "golden" / name
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
            if not update:
                pytest.fail(f"golden file {name} did not exist and was written; check it and run again")
        assert text == path.read_bytes().decode("utf-8")

    return check


# --- CLI ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgres.Cluster]:
    """A throwaway PostgreSQL cluster for the whole session (skips where PostgreSQL cannot run)."""
    # Asked for with OZGTRACK_TEST_DB=postgresql, a missing PostgreSQL is an error, not a skip.
    give_up = pytest.fail if postgres.selected() else pytest.skip
    if (reason := postgres.unavailable()) is not None:
        give_up(reason)
    try:
        cluster = postgres.start()
    except RuntimeError as exc:
        give_up(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Path | str]]:
    """Makes test databases: ``new_db("town")`` is ``tmp_path/town.sqlite`` (created by the first command, through
    the real migrations), or with ``OZGTRACK_TEST_DB=postgresql`` the URL of a fresh PostgreSQL database, already
    migrated (a copy of the template), or with ``empty=True`` empty, so the first command runs the migrations.
    Pass it on as ``--db str(...)``; support.db reads both back.
    """
    if not postgres.selected():
        yield lambda name="ozgtrack", empty=False: tmp_path / f"{name}.sqlite"
        return
    cluster, made = request.getfixturevalue("pg_cluster"), []

    def make(name: str = "ozgtrack", empty: bool = False) -> str:
        made.append(cluster.create() if empty else cluster.migrated())
        return made[-1]

    yield make
    for url in made:
        cluster.drop(url)


@pytest.fixture
def db(new_db: Callable[..., Path | str]) -> Path | str:
    """A test database for ``--db str(db)``: a SQLite path, or a PostgreSQL URL (see ``new_db``)."""
    return new_db("ozgtrack")


@pytest.fixture
def empty_db(new_db: Callable[..., Path | str]) -> Path | str:
    """Like ``db``, but empty on PostgreSQL too: for tests of what the first command does (the migrations, the
    note "neue Datenbank angelegt"); ``support.db.created`` tells whether a command created it.
    """
    return new_db("ozgtrack", empty=True)


@pytest.fixture
def http_server() -> Iterator[Server]:
    """A real HTTP server on 127.0.0.1 (an ephemeral port), stopped after the test."""
    server = Server()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def fast_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short timeouts and backoff so fault tests take fractions of a second."""
    monkeypatch.setenv("OZGTRACK_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("OZGTRACK_HTTP_RETRIES", "2")
    monkeypatch.setenv("OZGTRACK_HTTP_BACKOFF", "0.01")


WOLMIRSTEDT = "150830565565"


@pytest.fixture
def town(new_db: Callable[..., Path | str], monkeypatch: pytest.MonkeyPatch) -> Path | str:
    """A database with the demo catalogue and municipalities, Wolmirstedt in use, no triage or status yet."""
    from support.cli import ok

    from ozgtrack.resources import catalog_file

    path = new_db("town")
    for name in ("leika_leistungen_de.csv", "ozg_umsetzungskatalog.csv"):
        ok("--db", str(path), "catalog", "sync", "--from", str(catalog_file(f"demo/{name}")))
    ok("--db", str(path), "municipality", "import", str(catalog_file("demo/gemeinden.csv")))
    monkeypatch.setenv("OZGTRACK_ARS", WOLMIRSTEDT)
    monkeypatch.setenv("OZGTRACK_USER", "it-officer")
    return path


# --- e-mail ---------------------------------------------------------------------------------------

ANMELDUNG, ABMELDUNG = "99115005104000", "99115005070000"


@pytest.fixture
def mail_town(town, monkeypatch):
    """The fixture town with decisions and statuses, and mail settings in the environment."""
    from support.cli import ok as _ok

    _ok("--db", str(town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes")
    rgm1 = ("--model", "rgm1")  # the mail tests count online by Reifegradmodell 1.1 (support.db.independent_totals)
    _ok("--db", str(town), "status", "set", ANMELDUNG, "--stage", "3", *rgm1, "--department", "FB 2", "--verified")
    _ok("--db", str(town), "status", "set", ABMELDUNG, "--stage", "1", *rgm1, "--department", "FB 2")
    _ok("--db", str(town), "status", "set", "99101001107000", "--stage", "0", *rgm1, "--department", "FB 4")
    monkeypatch.setenv("OZGTRACK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OZGTRACK_SMTP_SECURITY", "none")
    monkeypatch.setenv("OZGTRACK_MAIL_FROM", "ozgtrack@wolmirstedt.example")
    monkeypatch.setenv("OZGTRACK_MAIL_TO", "it@wolmirstedt.example, buergermeister@wolmirstedt.example")
    return town


@pytest.fixture
def smtp(monkeypatch):
    """Starts real SMTP servers on 127.0.0.1 (the newest one in OZGTRACK_SMTP_PORT), stopped after the test."""
    from support.mail import MailServer

    servers = []

    def start(**options) -> MailServer:
        server = MailServer(**options).start()
        servers.append(server)
        monkeypatch.setenv("OZGTRACK_SMTP_PORT", str(server.port))
        return server

    yield start
    for server in servers:
        server.stop()
