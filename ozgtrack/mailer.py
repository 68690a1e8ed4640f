"""Reports by e-mail: compose, keep in the outbox, deliver over SMTP, never lose one.

A report is stored in the outbox before it is sent and marked sent only when the server took
it, so a mail server that is down costs nothing: the next run sends what is waiting, oldest
first. The time of the last sent report is what "since last" compares with.

The SMTP password comes from OZGTRACK_SMTP_PASSWORD or a file only its owner can read; it is
read when sending and never written to a message, a log or the database.
"""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import socket
import ssl
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.analysis import trend
from ozgtrack.analysis.gaps import Applicability, GroupBy, ServiceGap, tally
from ozgtrack.analysis.report import GapReport, build
from ozgtrack.config import MailSettings, ReportSettings
from ozgtrack.db import rows
from ozgtrack.errors import ConfigError, OzgtrackError
from ozgtrack.models import MailMessage, Release, Service
from ozgtrack.render.mail import MailReport, compose
from ozgtrack.tracking import Context, Orphan, orphans

log = logging.getLogger(__name__)
WEEKLY, DEPARTMENT = "weekly", "department"


class MailError(OzgtrackError):
    """Sending failed; the message stays in the outbox."""


# --- what to send ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A composed message and where it goes."""

    kind: str
    department: str | None
    recipients: tuple[str, ...]
    message: EmailMessage
    since_label: str | None


def weekly(session: Session, context: Context, report_settings: ReportSettings, mail: MailSettings,
           recipients: tuple[str, ...], since: str = "last") -> Outgoing:
    """The town's report: figures, changes since ``since``, largest gaps, re-checks, the gap list."""
    report, label, since_at = _report(session, context, report_settings, WEEKLY, None, since)
    return _outgoing(session, context, mail, WEEKLY, None, recipients, report, label, since_at)


def per_department(session: Session, context: Context, report_settings: ReportSettings, mail: MailSettings,
                   since: str = "last") -> tuple[list[Outgoing], list[str]]:
    """One message per Fachbereich with an address in [mail.departments]; returns them and the departments without one."""
    full = build(session, context, report_settings, GroupBy.SERVICE)
    departments = sorted({s.department for s in full.analysis.applicable if s.department})
    addresses = {k.casefold(): v for k, v in mail.departments.items()}
    out, missing = [], []
    for department in departments:
        to = addresses.get(department.casefold())
        if not to:
            missing.append(department)
            continue
        report, label, since_at = _report(session, context, report_settings, DEPARTMENT, department, since)
        out.append(_outgoing(session, context, mail, DEPARTMENT, department, to,
                             _only(report, department), label, since_at))
    return out, missing


def _report(session: Session, context: Context, settings: ReportSettings, kind: str, department: str | None,
            since: str) -> tuple[GapReport, str | None, datetime | None]:
    if since != "last":
        report = build(session, context, settings, GroupBy.SERVICE, since)
        return report, report.trend.label if report.trend else None, report.trend.at if report.trend else None
    last = last_sent(session, context.municipality.id, kind, department)
    report = build(session, context, settings, GroupBy.SERVICE)
    if last is None:
        return report, None, None
    label = f"Bericht vom {last.strftime('%d.%m.%Y')}"
    reference = trend.reference_at(session, context, last, label, report.analysis.targets)
    return replace(report, trend=trend.compare(reference, report.analysis)), label, last


def _only(report: GapReport, department: str) -> GapReport:
    """The report restricted to one Fachbereich's services."""
    def mine(gaps: tuple[ServiceGap, ...]) -> tuple[ServiceGap, ...]:
        return tuple(g for g in gaps if (g.department or "").casefold() == department.casefold())

    a = report.analysis
    services = tuple(s for s in a.services if s.applicability is not Applicability.APPLICABLE) + mine(a.applicable)
    analysis = replace(a, services=services, totals=tally(mine(a.applicable)), stale=mine(a.stale), groups={})
    changes = report.trend and replace(report.trend, newly_online=mine(report.trend.newly_online),
                                       regressions=mine(report.trend.regressions),
                                       newly_applicable=mine(report.trend.newly_applicable),
                                       no_longer_applicable=(), still_open=mine(report.trend.still_open))
    return replace(report, analysis=analysis, trend=changes)


def _outgoing(session: Session, context: Context, mail: MailSettings, kind: str, department: str | None,
              recipients: tuple[str, ...], report: GapReport, label: str | None, since_at: datetime | None) -> Outgoing:
    if not mail.sender:
        raise ConfigError("no sender address: set [mail] from in config.toml or OZGTRACK_MAIL_FROM")
    if not recipients:
        raise ConfigError("no recipients: pass --to, or set [mail] to in config.toml or OZGTRACK_MAIL_TO")
    new, withdrawn = _catalogue_changes(session, context, report, since_at, department)
    content = MailReport(report, department, label, new, withdrawn)
    message = compose(content, mail.sender, list(recipients), mail.subject_prefix, context.now)
    return Outgoing(kind, department, recipients, message, label)


def _catalogue_changes(session: Session, context: Context, report: GapReport, since: datetime | None,
                       department: str | None) -> tuple[tuple[ServiceGap, ...], tuple[Orphan, ...]]:
    """Own services new in the catalogue since then, and withdrawn keys that carry a status."""
    if since is None:
        return (), ()
    newly = {g.service_id for g in (report.trend.newly_applicable if report.trend else ())}
    first_seen = select(Service.id).join(Release, Release.id == Service.first_release_id).where(Release.fetched_at >= since)
    recent = {service_id for (service_id,) in rows(session, first_seen)}
    new = tuple(g for g in report.analysis.applicable if g.service_id in newly and g.service_id in recent)
    withdrawn = tuple(o for o in orphans(session, context.municipality) if o.withdrawn_at and o.withdrawn_at >= since
                      and (department is None or (o.department or "").casefold() == department.casefold()))
    return new, withdrawn


def last_sent(session: Session, municipality_id: int, kind: str, department: str | None) -> datetime | None:
    query = select(MailMessage.sent_at).where(MailMessage.municipality_id == municipality_id, MailMessage.kind == kind,
                                              MailMessage.sent_at.is_not(None))
    query = query.where(MailMessage.department == department) if department else \
        query.where(MailMessage.department.is_(None))
    return session.scalar(query.order_by(MailMessage.sent_at.desc()).limit(1))


# --- the outbox ------------------------------------------------------------------------------------


def enqueue(session: Session, context: Context, outgoing: Outgoing) -> int:
    """Store a message in the outbox (to be committed before any attempt to send it)."""
    message = outgoing.message
    row = MailMessage(municipality_id=context.municipality.id, kind=outgoing.kind, department=outgoing.department,
                      recipients=list(outgoing.recipients), subject=str(message["Subject"]),
                      message_id=str(message["Message-ID"]), body=message.as_string(policy=policy.SMTP),
                      since_label=outgoing.since_label, created_at=context.now, attempts=0)
    session.add(row)
    session.flush()
    return row.id


@dataclass(frozen=True)
class Waiting:
    id: int
    created_at: datetime
    recipients: tuple[str, ...]
    subject: str
    attempts: int
    last_error: str | None


def waiting(session: Session) -> list[Waiting]:
    """Messages not sent yet, oldest first."""
    found = session.scalars(select(MailMessage).where(MailMessage.sent_at.is_(None)).order_by(MailMessage.id))
    return [Waiting(m.id, m.created_at, tuple(m.recipients), m.subject, m.attempts, m.last_error) for m in found]


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: tuple[tuple[int, str], ...]  # (outbox id, why)


def deliver(session_factory: Callable[[], Session], settings: MailSettings, now: Callable[[], datetime]) -> Delivery:
    """Send every waiting message, oldest first; each success is committed at once."""
    with session_factory() as session:
        pending = [m.id for m in waiting(session)]
    if not pending:
        return Delivery(0, ())
    password = smtp_password(settings)
    sent, failed = 0, []
    try:
        connection = connect(settings, password)
    except MailError as exc:
        _record_failure(session_factory, pending, str(exc))
        return Delivery(0, tuple((i, str(exc)) for i in pending))
    with connection:
        for message_id in pending:
            error = _send_one(session_factory, connection, message_id, settings, password, now)
            if error is None:
                sent += 1
            else:
                failed.append((message_id, error))
    return Delivery(sent, tuple(failed))


def _send_one(session_factory: Callable[[], Session], connection: smtplib.SMTP, message_id: int,
              settings: MailSettings, password: str | None, now: Callable[[], datetime]) -> str | None:
    with session_factory() as session, session.begin():
        row = session.get_one(MailMessage, message_id)
        try:
            refused = _transmit(connection, row, settings)
        except MailError as exc:
            row.attempts, row.last_error = row.attempts + 1, scrub(str(exc), password)
            return row.last_error
        row.sent_at, row.attempts = now(), row.attempts + 1
        if not refused:
            return None
        # The others have it; only the refused recipients wait in the outbox for another try.
        row.recipients = [r for r in row.recipients if r not in refused]
        why = scrub("recipient refused: " + "; ".join(f"{r} ({c} {_text(t)})" for r, (c, t) in refused.items()),
                    password)
        session.add(MailMessage(municipality_id=row.municipality_id, kind=row.kind, department=row.department,
                                recipients=sorted(refused), subject=row.subject,
                                message_id=f"{row.message_id.rstrip('>')}.retry{row.id}>", body=row.body,
                                since_label=row.since_label, created_at=row.created_at, attempts=1, last_error=why))
        return why


def _record_failure(session_factory: Callable[[], Session], ids: list[int], error: str) -> None:
    with session_factory() as session, session.begin():
        for row in session.scalars(select(MailMessage).where(MailMessage.id.in_(ids))):
            row.attempts, row.last_error = row.attempts + 1, error


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# --- SMTP ------------------------------------------------------------------------------------------


def smtp_password(settings: MailSettings, env: dict[str, str] | None = None) -> str | None:
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
            raise ConfigError(f"password file {path} can be read by others (mode {mode:o}); run: chmod 600 {path}")
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"cannot read the password file {path}: {exc.strerror}") from None


def connect(settings: MailSettings, password: str | None) -> smtplib.SMTP:
    """An authenticated connection; every failure becomes a MailError that names it (never the password)."""
    where = f"{settings.host}:{settings.effective_port}"
    if not settings.host:
        raise ConfigError("no SMTP server: set [smtp] host in config.toml or OZGTRACK_SMTP_HOST")
    if settings.user and not password:
        raise ConfigError("smtp.user is set but no password: set OZGTRACK_SMTP_PASSWORD or [smtp] password_file")
    try:
        connection = _open(settings, where)
        if settings.user:
            _login(connection, settings.user, password or "", where)
        return connection
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(scrub(f"SMTP server {where} rejected the login of {settings.user!r} "
                              f"({exc.smtp_code} {_text(exc.smtp_error)})", password)) from None
    except MailError:
        raise
    except Exception as exc:  # noqa: BLE001 - every network failure gets the same treatment
        raise MailError(scrub(describe(exc, where, settings.timeout), password)) from None


def _login(connection: smtplib.SMTP, user: str, password: str, where: str) -> None:
    """One login attempt with the best mechanism the server offers (smtplib would try them all)."""
    connection.ehlo_or_helo_if_needed()
    if not connection.has_extn("auth"):
        raise MailError(f"SMTP server {where} offers no login (AUTH); remove smtp.user or check smtp.security")
    offered = connection.esmtp_features["auth"].upper().split()
    mechanism = next((m for m in ("PLAIN", "LOGIN", "CRAM-MD5") if m in offered), None)
    if mechanism is None:
        raise MailError(f"SMTP server {where} offers no login mechanism ozgtrack knows ({' '.join(offered)})")
    connection.user, connection.password = user, password
    connection.auth(mechanism, getattr(connection, "auth_" + mechanism.lower().replace("-", "_")))


def _open(settings: MailSettings, where: str) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    port, timeout = settings.effective_port, settings.timeout
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, port, timeout=timeout, context=context)
    connection = smtplib.SMTP(settings.host, port, timeout=timeout)
    try:
        connection.ehlo()
        if settings.security == "starttls":
            if not connection.has_extn("starttls"):
                raise MailError(f"SMTP server {where} does not offer STARTTLS; check smtp.security")
            connection.starttls(context=context)
            connection.ehlo()
    except Exception:
        connection.close()
        raise
    return connection


def describe(exc: BaseException, where: str, timeout: float) -> str:
    """A sentence for a network failure."""
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot connect to SMTP server {where}: connection refused (is it running, is the port right?)"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"SMTP server {where} did not answer within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return f"cannot find the SMTP server {where.rsplit(':', 1)[0]} (name not resolved)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"TLS with SMTP server {where} failed: its certificate is not trusted ({exc.verify_message or exc.reason});"
                " for a server with an own CA set smtp.ca_file")
    if isinstance(exc, ssl.SSLError):
        return f"TLS with SMTP server {where} failed: {exc.reason or exc}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        # smtplib reports a read timeout as a lost connection
        if "timed out" in str(exc):
            return f"SMTP server {where} did not answer within {timeout:g} s"
        return f"SMTP server {where} closed the connection"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP server {where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
    return f"sending through {where} failed: {type(exc).__name__}: {exc}"


def _transmit(connection: smtplib.SMTP, row: MailMessage, settings: MailSettings) -> dict:
    """Send one stored message; returns the recipients the server refused (when it took others)."""
    message = message_from_string(row.body, policy=policy.SMTP)
    where = f"{settings.host}:{settings.effective_port}"
    try:
        return connection.send_message(message, from_addr=settings.sender or None, to_addrs=list(row.recipients))
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(f"{r} ({c} {_text(t)})" for r, (c, t) in exc.recipients.items())
        raise MailError(f"SMTP server {where} refused every recipient: {refused}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(f"SMTP server {where} refused the sender {settings.sender!r} ({exc.smtp_code} "
                        f"{_text(exc.smtp_error)})") from None
    except Exception as exc:  # noqa: BLE001
        raise MailError(describe(exc, where, settings.timeout)) from None


def scrub(text: str, password: str | None) -> str:
    """Remove the password (and its base64 forms, as SMTP AUTH sends it) from a text, should a server echo it."""
    if not password:
        return text
    forms = {password, base64.b64encode(password.encode()).decode()}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text
