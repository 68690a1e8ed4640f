"""`catalog sync` when the network fails: a name that does not resolve, a silent server, a dripping server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support.catalogue import leika_csv
from support.cli import run
from support.db import dump
from support.mail import StallingServer


@pytest.fixture
def dripping() -> Iterator[str]:
    """A server that sends its headers at once and then one body byte every 0.2 s (of a promised 10,000)."""

    class Drip(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "10000")
            self.end_headers()
            try:
                for _ in range(10000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/leika.csv.zip"
    server.shutdown()
    server.server_close()


def sync(db, url: str, **env: str):
    return run("--db", str(db), "catalog", "sync", "--from", url, env={f"OZGTRACK_HTTP_{k.upper()}": v
                                                                      for k, v in env.items()})


def test_a_name_that_does_not_resolve_fails_at_once(db):
    # .invalid never resolves (RFC 2606); with the default 4 retries this took 15 s and printed urllib3's text.
    result = sync(db, "http://does-not-exist.invalid/leika.csv.zip")

    assert result.exit_code == 1
    assert result.stderr == ("Fehler: does-not-exist.invalid ist nicht erreichbar: keine DNS-Antwort für diesen Namen; "
                             "prüfen Sie die Netzverbindung und die Adresse\n")


def test_a_server_that_never_answers_meets_the_deadline(db):
    silent = StallingServer()
    try:
        result = sync(db, f"http://127.0.0.1:{silent.port}/leika.csv.zip", timeout="1", backoff="0.01")
    finally:
        silent.stop()

    assert result.exit_code == 1
    # Default deadline: 2 × timeout + the backoff waits (0.01 × (2⁴ - 1)); five attempts would not fit.
    assert result.stderr.splitlines()[-1] == (
        f"Fehler: http://127.0.0.1:{silent.port}/leika.csv.zip ließ sich nicht herunterladen: 127.0.0.1:{silent.port} "
        "hat nicht innerhalb von 1 s geantwortet (nach 2 Versuchen, dann war die Frist http.deadline = 2,15 s erreicht)")


def test_a_dripping_server_meets_the_deadline(db, dripping, tmp_path):
    first = tmp_path / "first.csv"
    first.write_bytes(leika_csv([{"Schluessel": "99115005104000", "Bezeichnung": "Wohnsitz Anmeldung"}]))
    assert run("--db", str(db), "catalog", "sync", "--from", str(first)).exit_code == 0
    before = dump(db)

    result = sync(db, dripping, timeout="5", deadline="1.5")

    assert result.exit_code == 1
    assert result.stderr == (f"Fehler: {dripping} ließ sich nicht herunterladen: der Download war nach 1,5 s "
                             "(http.deadline) nicht fertig; bei einer langsamen Verbindung erhöhen Sie http.deadline\n")
    assert dump(db) == before
