"""Test helpers: the CLI runner, database dumps, a real HTTP server, builders of catalogue files."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from click.testing import CliRunner, Result

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FLAT_CSV = SHARED_DATA / "kdn-nrw-ozg-katalog-2019" / "derived_ozg_umsetzungskatalog_flat.csv"


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run ``ozgtrack ARGS`` in-process; stdout and stderr stay apart."""
    from ozgtrack.cli import cli

    return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)


def dump(path: Path) -> str:
    """The full SQL dump of a SQLite file: compares databases for "exactly as before"."""
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


# --- a real HTTP server on 127.0.0.1 ---------------------------------------------------------------


@dataclass
class Reply:
    """One canned answer. ``cut_after`` sends only that many body bytes (with the full Content-Length)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    cut_after: int | None = None


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class Server:
    """Routes: path -> list of replies (served in turn, the last one repeats) or a function of the request."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply] | Callable[[Seen], Reply]] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def add(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        return self.url(path)

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def _reply(self, seen: Seen) -> Reply:
        with self.lock:
            self.seen.append(seen)
            route = self.routes.get(seen.path)
            if route is None:
                return Reply(404, b"not found")
            if callable(route):
                return route(seen)
            return route.pop(0) if len(route) > 1 else route[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                reply = server._reply(Seen(parts.path, parse_qs(parts.query), dict(self.headers)))
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body[: reply.cut_after] if reply.cut_after is not None else reply.body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if reply.cut_after is not None:
                    self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        return Handler




# --- catalogue files built from the real flat catalogue ------------------------------------------

LEIKA_HEADER = ["Schluessel", "Bezeichnung", "Bezeichnung2", "Typ", "Leistungsgruppierung", "Leistungskennung",
                "Verrichtung", "Verrichtungsdetail", "Besondere Merkmale", "Synonyme", "Veröffentlichungsdatum",
                "Handlungsgrundlage"]


def read_flat(path: Path) -> list[dict[str, str]]:
    """The rows of the flat OZG catalogue."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def leika_rows(flat: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """One LeiKa row per distinct 14-digit key of the flat catalogue, in the export's column names."""
    rows, seen = [], set()
    for row in flat:
        key = row["leika_schluessel"]
        if not key.isdigit() or key in seen:
            continue
        seen.add(key)
        rows.append({"Schluessel": key, "Bezeichnung": row["leika_bezeichnung"], "Bezeichnung2": "",
                     "Typ": row["leika_typ"], "Leistungsgruppierung": key[2:5], "Leistungskennung": key[5:8],
                     "Verrichtung": key[8:11], "Verrichtungsdetail": key[11:14], "Besondere Merkmale": "",
                     "Synonyme": "", "Veröffentlichungsdatum": "01.08.2021 10:00",
                     "Handlungsgrundlage": row["rechtsgrundlage"]})
    return rows


def leika_csv(rows: list[dict[str, str]], encoding: str = "cp1252", delimiter: str = ";",
              header: list[str] | None = None) -> bytes:
    """A LeiKa export as the official download has it: cp1252, ``;``, CRLF."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or LEIKA_HEADER, delimiter=delimiter, lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def leika_zip(rows: list[dict[str, str]], **options: Any) -> bytes:
    """``leika_leistungen_de.csv.zip`` holding :func:`leika_csv`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("leika_leistungen_de.csv", leika_csv(rows, **options))
    return out.getvalue()


FIM_THEMENFELDER = {"Arbeit & Ruhestand": "arbeit_ruhestand", "Bauen & Wohnen": "bauen_wohnen", "Bildung": "bildung",
                    "Ein- & Auswanderung": "ein_auswanderung", "Engagement & Hobby": "engagement_hobby",
                    "Familie & Kind": "familie_kind", "Forschung & Förderung": "forschung_foerderung",
                    "Gesundheit": "gesundheit", "Mobilität & Reisen": "mobilitaet_reisen",
                    "Querschnitt": "querschnittsleistungen", "Recht & Ordnung": "recht_ordnung",
                    "Steuern & Zoll": "steuern_zoll", "Umwelt": "umwelt",
                    "Unternehmensführung & -entwicklung": "unternehmensfuehrung_entwicklung"}


def fim_items(flat: Iterable[dict[str, str]], changed: str = "2021-08-01T10:00:00Z") -> list[dict[str, Any]]:
    """Leistungssteckbriefe as the FIM Portal API returns them, one per key, with its ``ozg[]`` mapping."""
    items: dict[str, dict[str, Any]] = {}
    for row in flat:
        key = row["leika_schluessel"]
        if not key.isdigit():
            continue
        item = items.setdefault(key, {
            "leistungsschluessel": key, "leistungsbezeichnung": row["leika_bezeichnung"],
            "leistungsbezeichnung_2": None, "typisierung": [t.strip() for t in row["leika_typ"].split(",") if t.strip()],
            "title": row["leika_bezeichnung"], "geaendert_datum_zeit": changed, "klassifizierung": [], "ozg": [],
        })
        item["ozg"].append({"leistungsschluessel": key, "id": row["ozg_id"], "leistung": row["ozg_leistung"],
                            "themenfeld": FIM_THEMENFELDER[row["themenfeld"].strip()],
                            "themenfeld_label": row["themenfeld"].strip(), "vollzugsbehoerden": []})
    return list(items.values())


def fim_route(items: list[dict[str, Any]], since_items: list[dict[str, Any]] | None = None) -> Callable[[Seen], Reply]:
    """Serve items in pages of ``limit`` at ``offset``; with ``updated_since`` serve ``since_items``."""

    def reply(seen: Seen) -> Reply:
        offset = int(seen.query.get("offset", ["0"])[0])
        limit = int(seen.query.get("limit", ["200"])[0])
        chosen = since_items if "updated_since" in seen.query and since_items is not None else items
        page = chosen[offset: offset + limit]
        body = {"items": page, "offset": offset, "limit": limit, "count": len(page), "total_count": len(chosen)}
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    return reply


# --- a real SMTP server on 127.0.0.1 (aiosmtpd) ----------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self):  # noqa: ANN201 - email.message.EmailMessage
        from email import message_from_bytes, policy

        return message_from_bytes(self.data, policy=policy.default)


class MailServer:
    """An aiosmtpd server that keeps what it receives; it can refuse recipients and demand STARTTLS and login."""

    def __init__(self, *, tls_context: Any = None, credentials: tuple[str, str] | None = None) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.received: list[Received] = []
        self.refuse: set[str] = set()
        self.logins: list[str] = []
        self.port = free_port()
        server = self

        class Handler:
            async def handle_RCPT(self, smtp, session, envelope, address, options):  # noqa: N802, ANN001, ANN201
                if address in server.refuse:
                    return "550 5.1.1 mailbox unavailable"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp, session, envelope):  # noqa: N802, ANN001, ANN201
                server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
                return "250 Message accepted for delivery"

        def authenticate(smtp, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
            server.logins.append(auth_data.login.decode())
            # handled=False: aiosmtpd itself answers 535 on failure
            return AuthResult(success=(auth_data.login.decode(), auth_data.password.decode()) == credentials,
                              handled=False)

        options: dict[str, Any] = {}
        if tls_context is not None:
            options.update(tls_context=tls_context, require_starttls=True)
        if credentials is not None:
            options.update(authenticator=authenticate, auth_required=True, auth_require_tls=tls_context is not None)
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class StallingServer:
    """Accepts connections and never says a word: what a hung mail server looks like."""

    def __init__(self) -> None:
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.accepted: list[Any] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            while True:
                self.accepted.append(self.socket.accept()[0])
        except OSError:
            pass

    def stop(self) -> None:
        for connection in self.accepted:
            connection.close()
        self.socket.close()
