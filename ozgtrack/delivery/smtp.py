"""SMTP transport: the password, an authenticated connection, one message sent, every failure in plain words.

The SMTP password comes from OZGTRACK_SMTP_PASSWORD or a file only its owner can read; it is
read when sending and never written to a message, a log or the database: every text that
leaves this module has it scrubbed.
"""

from __future__ import annotations

import base64
import os
import smtplib
import socket
import ssl
import stat
import threading
from email import message_from_string, policy
from pathlib import Path

from ozgtrack import wording
from ozgtrack.errors import ConfigError, OzgtrackError
from ozgtrack.settings import MailSettings


class MailError(OzgtrackError):
    """Sending failed; the message stays in the outbox."""


def password(settings: MailSettings, env: dict[str, str] | None = None) -> str | None:
    """OZGTRACK_SMTP_PASSWORD, else the password file (which must be readable by its owner only)."""
    env = os.environ if env is None else env
    if env.get("OZGTRACK_SMTP_PASSWORD"):
        return env["OZGTRACK_SMTP_PASSWORD"]
    if settings.password_file is None:
        return None
    path = Path(settings.password_file)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigError(f"die Passwortdatei {path} können auch andere lesen (Modus {mode:o}); "
                              f"führen Sie aus: chmod 600 {path}")
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"die Passwortdatei {path} ist nicht lesbar: {exc.strerror}") from None


def check_ready(settings: MailSettings) -> None:
    """ConfigError unless the settings name a server and, with a login, a readable password."""
    if not settings.host:
        raise ConfigError("kein SMTP-Server: setzen Sie [smtp] host in config.toml oder OZGTRACK_SMTP_HOST")
    if settings.user and not password(settings):
        raise ConfigError("smtp.user ist gesetzt, aber kein Passwort: setzen Sie OZGTRACK_SMTP_PASSWORD oder "
                          "[smtp] password_file")


class Deadline:
    """An overall limit for one SMTP session: a server that drips its answers a byte at a time
    never trips the per-read timeout, so a watchdog closes the connection when the time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._connection: smtplib.SMTP | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()

    def watch(self, connection: smtplib.SMTP) -> None:
        """Close this connection's socket when the time is up (smtplib opens it inside connect())."""
        self._connection = connection

    def _expire(self) -> None:
        self.expired = True
        sock = getattr(self._connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked read; smtplib then fails
            except OSError:
                pass

    def message(self, where: str) -> str:
        seconds = wording.decimal(self.seconds)
        return f"der SMTP-Server {where} war nicht innerhalb von {seconds} s fertig (smtp.deadline)"


def connect(settings: MailSettings, password: str | None, deadline: Deadline) -> smtplib.SMTP:
    """An authenticated connection; every failure becomes a MailError that names it (never the password)."""
    check_ready(settings)
    where = _where(settings)
    try:
        connection = _open(settings, where, deadline)
        if settings.user:
            _login(connection, settings.user, password or "", where)
        return connection
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(scrub(f"der SMTP-Server {where} hat die Anmeldung von {settings.user!r} abgelehnt "
                              f"({exc.smtp_code} {_text(exc.smtp_error)})", password, settings.user)) from None
    except MailError:
        raise
    except Exception as exc:  # noqa: BLE001 - every network failure gets the same treatment
        text = deadline.message(where) if deadline.expired else describe(exc, where, settings.timeout)
        raise MailError(scrub(text, password, settings.user)) from None


def _where(settings: MailSettings) -> str:
    return f"{settings.host}:{settings.effective_port}"


def _login(connection: smtplib.SMTP, user: str, password: str, where: str) -> None:
    """One login attempt with the best mechanism the server offers (smtplib would try them all)."""
    connection.ehlo_or_helo_if_needed()
    if not connection.has_extn("auth"):
        raise MailError(f"der SMTP-Server {where} bietet keine Anmeldung (AUTH) an; entfernen Sie smtp.user "
                        "oder prüfen Sie smtp.security")
    offered = connection.esmtp_features["auth"].upper().split()
    mechanism = next((m for m in ("PLAIN", "LOGIN", "CRAM-MD5") if m in offered), None)
    if mechanism is None:
        raise MailError(f"der SMTP-Server {where} bietet kein Anmeldeverfahren an, das ozgtrack kennt "
                        f"({' '.join(offered)})")
    connection.user, connection.password = user, password
    connection.auth(mechanism, getattr(connection, "auth_" + mechanism.lower().replace("-", "_")))


def _open(settings: MailSettings, where: str, deadline: Deadline) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    port, timeout = settings.effective_port, settings.timeout
    # Made without a host, so the deadline watches the socket before the banner is read.
    if settings.security == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(timeout=timeout)
    connection._host = settings.host  # what __init__ would have set: TLS checks the certificate against it
    deadline.watch(connection)
    try:
        connection.connect(settings.host, port)
        if settings.security == "ssl":
            return connection
        connection.ehlo()
        if settings.security == "starttls":
            if not connection.has_extn("starttls"):
                raise MailError(f"der SMTP-Server {where} bietet kein STARTTLS an; prüfen Sie smtp.security")
            connection.starttls(context=context)
            connection.ehlo()
    except Exception:
        connection.close()
        raise
    return connection


def describe(exc: BaseException, where: str, timeout: float) -> str:
    """A sentence for a network failure."""
    if isinstance(exc, ConnectionRefusedError):
        return (f"keine Verbindung zum SMTP-Server {where}: Verbindung abgelehnt (läuft er, stimmt der Port?)")
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"der SMTP-Server {where} hat nicht innerhalb von {wording.decimal(timeout)} s geantwortet"
    if isinstance(exc, socket.gaierror):
        return f"den SMTP-Server {where.rsplit(':', 1)[0]} gibt es nicht (der Name löst sich nicht auf)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"TLS mit dem SMTP-Server {where} gescheitert: seinem Zertifikat wird nicht vertraut "
                f"({exc.verify_message or exc.reason}); für einen Server mit eigener CA setzen Sie smtp.ca_file")
    if isinstance(exc, ssl.SSLError):
        return f"TLS mit dem SMTP-Server {where} gescheitert: {exc.reason or exc}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        # smtplib reports a read timeout as a lost connection
        if "timed out" in str(exc):
            return f"der SMTP-Server {where} hat nicht innerhalb von {wording.decimal(timeout)} s geantwortet"
        return f"der SMTP-Server {where} hat die Verbindung geschlossen"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"der SMTP-Server {where} antwortete {exc.smtp_code} {_text(exc.smtp_error)}"
    return f"das Senden über {where} ist gescheitert: {type(exc).__name__}: {exc}"


def transmit(connection: smtplib.SMTP, body: str, recipients: list[str], settings: MailSettings,
             password: str | None, deadline: Deadline) -> dict[str, str]:
    """Send one stored message; returns the recipients the server refused (when it took others) and why.

    Raises MailError when the server took it for nobody; every text is scrubbed of the password.
    """
    if deadline.expired:
        raise MailError(deadline.message(_where(settings)))
    try:
        refused = _send(connection, body, recipients, settings)
    except MailError as exc:
        text = deadline.message(_where(settings)) if deadline.expired else str(exc)
        raise MailError(scrub(text, password, settings.user)) from None
    return {r: scrub(f"{c} {_text(t)}", password, settings.user) for r, (c, t) in refused.items()}


def _send(connection: smtplib.SMTP, body: str, recipients: list[str], settings: MailSettings) -> dict:
    message = message_from_string(body, policy=policy.SMTP)
    where = _where(settings)
    try:
        return connection.send_message(message, from_addr=settings.sender or None, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(f"{r} ({c} {_text(t)})" for r, (c, t) in exc.recipients.items())
        raise MailError(f"der SMTP-Server {where} hat alle Empfänger abgelehnt: {refused}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(f"der SMTP-Server {where} hat den Absender {settings.sender!r} abgelehnt ({exc.smtp_code} "
                        f"{_text(exc.smtp_error)})") from None
    except Exception as exc:  # noqa: BLE001
        raise MailError(describe(exc, where, settings.timeout)) from None


def scrub(text: str, password: str | None, user: str | None = None) -> str:
    """Remove the password in every form SMTP AUTH sends it from a text, should a server echo it.

    The forms: the password itself, its base64 (AUTH LOGIN) and the base64 of the AUTH PLAIN
    blobs ``\\0user\\0password`` and ``user\\0user\\0password``.
    """
    if not password:
        return text
    blobs = [password, f"\0{user or ''}\0{password}", f"{user or ''}\0{user or ''}\0{password}"]
    forms = {password, *(base64.b64encode(b.encode()).decode() for b in blobs)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
