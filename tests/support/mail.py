"""A real SMTP server on 127.0.0.1 (aiosmtpd), and one that hangs."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import Any

from support.net import free_port


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


class RudeServer:
    """A hand-written SMTP server that misbehaves: it drips its banner a byte at a time, or echoes logins.

    ``drip``: seconds between the banner's bytes (the banner never ends before the client gives up).
    ``echo_auth``: offer this mechanism (PLAIN or LOGIN) and answer the client's credentials with 535
    and the client's own words, as a careless server might.
    """

    def __init__(self, *, drip: float | None = None, echo_auth: str | None = None) -> None:
        self.drip, self.echo_auth = drip, echo_auth
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.heard: list[str] = []
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            while not self.stopped.is_set():
                connection, _ = self.socket.accept()
                threading.Thread(target=self._talk, args=(connection,), daemon=True).start()
        except OSError:
            pass

    def _talk(self, connection: socket.socket) -> None:
        with connection:
            try:
                if self.drip is not None:
                    for _ in range(600):  # bounded: ten minutes at most at 1 byte/s
                        if self.stopped.wait(self.drip):
                            return
                        connection.sendall(b"2")
                    return
                connection.sendall(b"220 rude.example ESMTP\r\n")
                for line in connection.makefile("rb"):
                    text = line.decode("utf-8", "replace").rstrip("\r\n")
                    self.heard.append(text)
                    connection.sendall(self._answer(text))
            except OSError:
                pass

    def _answer(self, line: str) -> bytes:
        verb = line.split(" ", 1)[0].upper()
        if verb in ("EHLO", "HELO"):
            return f"250-rude.example\r\n250 AUTH {self.echo_auth or 'PLAIN'}\r\n".encode()
        if line.upper().startswith("AUTH LOGIN"):
            return b"334 UGFzc3dvcmQ6\r\n"  # "Password:"; the next line is the password, echoed below
        if verb == "AUTH" or (len(self.heard) > 1 and self.heard[-2].upper().startswith("AUTH LOGIN")):
            return f"535 5.7.8 authentication failed for {line}\r\n".encode()
        if verb == "QUIT":
            return b"221 bye\r\n"
        return b"250 OK\r\n"

    def stop(self) -> None:
        self.stopped.set()
        self.socket.close()
