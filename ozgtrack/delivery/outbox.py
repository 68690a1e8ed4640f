"""The outbox table: messages wait here until a server took them; each attempt is committed at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.delivery.compose import Outgoing
from ozgtrack.delivery.smtp import MailError
from ozgtrack.store.models import MailMessage
from ozgtrack.views.tracking import Waiting

SessionFactory = Callable[[], Session]
# Sends a stored body to recipients; returns the refused recipients and why, raises MailError when none took it.
Transmit = Callable[[str, list[str]], dict[str, str]]


@dataclass(frozen=True)
class Replaced:
    """An unsent report that a newer one took the place of."""

    id: int
    created_at: datetime
    recipients: tuple[str, ...]


def enqueue(session: Session, municipality_id: int, outgoing: Outgoing,
            now: datetime) -> tuple[int, list[Replaced]]:
    """Store a message in the outbox (to be committed before any attempt to send it).

    It replaces the unsent reports of the same kind, Fachbereich and period whose recipients it
    reaches too: a newer report says all they said, and a server that was down for three runs
    must not deliver four reports at once.
    """
    message = outgoing.message
    row = MailMessage(municipality_id=municipality_id, kind=outgoing.kind, department=outgoing.department,
                      recipients=list(outgoing.recipients), subject=str(message["Subject"]),
                      message_id=str(message["Message-ID"]), body=message.as_string(policy=policy.SMTP),
                      since_label=outgoing.since_label, created_at=now, attempts=0)
    session.add(row)
    session.flush()
    return row.id, _replace_older(session, row)


def _replace_older(session: Session, new: MailMessage) -> list[Replaced]:
    same = (MailMessage.municipality_id == new.municipality_id, MailMessage.kind == new.kind,
            MailMessage.sent_at.is_(None), MailMessage.replaced_by_id.is_(None), MailMessage.id != new.id)
    same += (MailMessage.department == new.department if new.department else MailMessage.department.is_(None),
             MailMessage.since_label == new.since_label if new.since_label else MailMessage.since_label.is_(None))
    replaced = []
    for old in session.scalars(select(MailMessage).where(*same).order_by(MailMessage.id)):
        if set(old.recipients) <= set(new.recipients):
            old.replaced_by_id = new.id
            replaced.append(Replaced(old.id, old.created_at, tuple(old.recipients)))
    return replaced


def waiting(session: Session) -> list[Waiting]:
    """Messages not sent yet, oldest first."""
    found = session.scalars(select(MailMessage).where(MailMessage.sent_at.is_(None), MailMessage.replaced_by_id.is_(None))
                            .order_by(MailMessage.id))
    return [Waiting(m.id, m.created_at, tuple(m.recipients), m.subject, m.attempts, m.last_error) for m in found]


def last_sent(session: Session, municipality_id: int, kind: str, department: str | None) -> datetime | None:
    """When the last report of this kind (for this Fachbereich) went out; None before the first."""
    query = select(MailMessage.sent_at).where(MailMessage.municipality_id == municipality_id, MailMessage.kind == kind,
                                              MailMessage.sent_at.is_not(None))
    query = query.where(MailMessage.department == department) if department else \
        query.where(MailMessage.department.is_(None))
    return session.scalar(query.order_by(MailMessage.sent_at.desc()).limit(1))


def pending(session_factory: SessionFactory) -> list[int]:
    """The ids of the waiting messages, oldest first."""
    with session_factory() as session:
        return [m.id for m in waiting(session)]


def attempt(session_factory: SessionFactory, message_id: int, transmit: Transmit,
            now: Callable[[], datetime]) -> str | None:
    """Send one waiting message and commit the outcome; returns why it (or part of it) was not sent.

    No transaction is open while the server talks: other writers must not wait for a slow mail server.
    """
    with session_factory() as session:
        row = session.get_one(MailMessage, message_id)
        body, recipients = row.body, list(row.recipients)
    try:
        refused, error = transmit(body, recipients), None
    except MailError as exc:
        refused, error = {}, str(exc)
    with session_factory() as session, session.begin():
        row = session.get_one(MailMessage, message_id)
        row.attempts += 1
        if error is not None:
            row.last_error = error
            return error
        row.sent_at = now()
        return _keep_refused(session, row, refused) if refused else None


def _keep_refused(session: Session, row: MailMessage, refused: dict[str, str]) -> str:
    """The others have it; only the refused recipients wait in the outbox for another try."""
    row.recipients = [r for r in row.recipients if r not in refused]
    why = "Empfänger abgelehnt: " + "; ".join(f"{r} ({reason})" for r, reason in refused.items())
    session.add(MailMessage(municipality_id=row.municipality_id, kind=row.kind, department=row.department,
                            recipients=sorted(refused), subject=row.subject,
                            message_id=f"{row.message_id.rstrip('>')}.retry{row.id}>", body=row.body,
                            since_label=row.since_label, created_at=row.created_at, attempts=1, last_error=why))
    return why


def record_failure(session_factory: SessionFactory, ids: list[int], error: str) -> None:
    """Count a failed attempt (no connection) against every waiting message."""
    with session_factory() as session, session.begin():
        for row in session.scalars(select(MailMessage).where(MailMessage.id.in_(ids))):
            row.attempts, row.last_error = row.attempts + 1, error
