"""Reports by e-mail: compose them, keep them in the outbox, deliver them over SMTP, never lose one.

A report is stored in the outbox before it is sent and marked sent only when the server took
it, so a mail server that is down costs nothing: the next run sends what is waiting, oldest
first. The time of the last sent report is what "since last" compares with.

``compose`` is pure, ``outbox`` is the database, ``smtp`` the network; ``reports`` gathers
what a message says (the analysis once per run, however many Fachbereiche get a message).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from ozgtrack.delivery import outbox, reports, smtp
from ozgtrack.delivery.compose import DEPARTMENT, WEEKLY, Outgoing, departments, outgoing
from ozgtrack.delivery.outbox import Replaced, Waiting, waiting
from ozgtrack.delivery.smtp import MailError
from ozgtrack.settings import MailSettings, ReportSettings
from ozgtrack.town.context import Context

__all__ = ["Batch", "Delivery", "MailError", "MailRequest", "Outgoing", "Replaced", "Waiting", "deliver", "prepare",
           "queue", "waiting"]


@dataclass(frozen=True)
class MailRequest:
    """What one run of ``report email`` asked for."""

    recipients: tuple[str, ...]  # of the town's report; a Fachbereich's come from [mail.departments]
    since: str = reports.LAST  # "last", a baseline or a date
    per_department: bool = False
    dry_run: bool = False  # compose only; queue nothing


@dataclass(frozen=True)
class Batch:
    """The messages of one run, and the Fachbereiche left out for want of an address."""

    messages: tuple[Outgoing, ...]
    missing: tuple[str, ...] = ()
    replaced: tuple[Replaced, ...] = ()  # unsent older reports the new ones took the place of


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: tuple[tuple[int, str], ...]  # (outbox id, why)


def queue(session: Session, context: Context, report: ReportSettings, mail: MailSettings,
          request: MailRequest) -> Batch:
    """Compose the run's messages and, unless a dry run, put them in the outbox (the caller commits).

    Nothing is queued when the settings could not send it (no server, an unreadable password):
    that is an error now, not a message waiting for ever.
    """
    if not request.dry_run:
        smtp.check_ready(mail)
    batch = prepare(session, context, report, mail, request)
    if request.dry_run:
        return batch
    replaced = [old for message in batch.messages
                for old in outbox.enqueue(session, context.municipality.id, message, context.now)[1]]
    return replace(batch, replaced=tuple(replaced))


def prepare(session: Session, context: Context, report: ReportSettings, mail: MailSettings,
            request: MailRequest) -> Batch:
    """The town's message, or one per Fachbereich with an address in [mail.departments]."""
    full = reports.town_report(session, context, report, request.since)
    if not request.per_department:
        content = reports.content(session, context, full, request.since, WEEKLY, None)
        return Batch((outgoing(mail, WEEKLY, request.recipients, content, context.now),))
    addresses = {k.casefold(): v for k, v in mail.departments.items()}
    messages, missing = [], []
    for department in departments(full):
        to = addresses.get(department.casefold())
        if not to:
            missing.append(department)
            continue
        content = reports.content(session, context, full, request.since, DEPARTMENT, department)
        messages.append(outgoing(mail, DEPARTMENT, to, content, context.now))
    return Batch(tuple(messages), tuple(missing))


def deliver(session_factory: Callable[[], Session], settings: MailSettings, now: Callable[[], datetime]) -> Delivery:
    """Send every waiting message, oldest first; each outcome is committed at once."""
    pending = outbox.pending(session_factory)
    if not pending:
        return Delivery(0, ())
    password = smtp.password(settings)
    with smtp.Deadline(settings.deadline) as deadline:
        try:
            connection = smtp.connect(settings, password, deadline)
        except MailError as exc:
            outbox.record_failure(session_factory, pending, str(exc))
            return Delivery(0, tuple((i, str(exc)) for i in pending))
        with connection:
            transmit = partial(smtp.transmit, connection, settings=settings, password=password, deadline=deadline)
            errors = [(i, outbox.attempt(session_factory, i, transmit, now)) for i in pending]
    failed = tuple((i, why) for i, why in errors if why is not None)
    return Delivery(len(errors) - len(failed), failed)
