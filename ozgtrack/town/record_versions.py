"""Versions of a town's status and triage records, for the optimistic check against lost updates.

A service's status version (and its triage version) is how many changes of that kind it has had,
moves included. The row stores it (``version``); a service without a row (never assessed, or its
decision taken back with `triage reset`) has the number of its history entries of that kind, so a
version never repeats: a decision taken back and made again cannot pass for the old one.
Every change writes one history entry and sets the row to the version before it plus one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack.errors import ConflictError, UsageError
from ozgtrack.store.db import rows
from ozgtrack.store.models import AuditAction, AuditEntry, Responsibility, ServiceStatus
from ozgtrack.wording import local_time

Kind = Literal["status", "triage"]
_TABLE = {"status": ServiceStatus, "triage": Responsibility}
_ACTION = {"status": AuditAction.STATUS, "triage": AuditAction.TRIAGE}


def current(session: Session, municipality_id: int, service_ids: Iterable[int] | None, kind: Kind) -> dict[int, int]:
    """Each service's version of ``kind``: its row's, else the count of its history entries (none: 0).

    ``service_ids`` None: the services of the town that have a version above 0 (look the others up as 0).
    """
    table = _TABLE[kind]
    query = select(table.service_id, table.version).where(table.municipality_id == municipality_id)
    wanted = None if service_ids is None else list(service_ids)
    if wanted is not None:
        query = query.where(table.service_id.in_(wanted))
    found = dict(rows(session, query).all())
    missing = None if wanted is None else [i for i in wanted if i not in found]
    history = counts(session, municipality_id, missing, kind) if missing != [] else {}
    return {**dict.fromkeys(wanted or (), 0), **history, **found}


def counts(session: Session, municipality_id: int, service_ids: list[int] | None, kind: Kind) -> dict[int, int]:
    """How many history entries of ``kind`` (and moves) each service has; None: every service of the town."""
    query = (select(AuditEntry.service_id, func.count()).where(
        AuditEntry.municipality_id == municipality_id, AuditEntry.action.in_([_ACTION[kind], AuditAction.MOVE]))
        .group_by(AuditEntry.service_id))
    if service_ids is not None:
        query = query.where(AuditEntry.service_id.in_(service_ids))
    return dict(rows(session, query).all())


EXPECT_ONE = "--expect-version gilt für genau eine Leistung: geben Sie einen 14-stelligen LeiKa-Schlüssel an"


def expect(session: Session, municipality_id: int, services: list[tuple[int, str]], kind: Kind,
           expected: int | None, *, single: bool = True) -> None:
    """With ``--expect-version``: ``services`` must be one service named alone (``single``), still at ``expected``.

    A usage error (exit code 2) when it names more than one; see :func:`check`.
    """
    if expected is None:
        return
    if not single or len(services) != 1:
        raise UsageError(EXPECT_ONE)
    check(session, municipality_id, services[0], kind, expected)


def check(session: Session, municipality_id: int, service: tuple[int, str], kind: Kind, expected: int) -> None:
    """ConflictError, naming who changed the service when, unless its version of ``kind`` is ``expected``.

    Called inside the write transaction that makes the change, so nobody can change it in between.
    """
    service_id, key = service
    now = current(session, municipality_id, [service_id], kind)[service_id]
    if now == expected:
        return
    what = "der Status" if kind == "status" else "die Zuständigkeit"
    if expected > now:
        raise ConflictError(f"{key}: {what} hat die Version {expected} nicht (aktuell ist Version {now}); "
                            "nichts wurde gespeichert")
    last = session.scalars(select(AuditEntry).where(
        AuditEntry.municipality_id == municipality_id, AuditEntry.service_id == service_id,
        AuditEntry.action.in_([_ACTION[kind], AuditAction.MOVE])).order_by(AuditEntry.id.desc()).limit(1)).one()
    command = "status show" if kind == "status" else "triage show"
    raise ConflictError(f"{key}: {what} wurde inzwischen geändert, zuletzt am {local_time(last.at)} von {last.by} "
                        f"(jetzt Version {now}, Ihre Änderung beruht auf Version {expected}); nichts wurde "
                        f"gespeichert. Lesen Sie den neuen Stand (`ozgtrack {command} {key}`) und ändern Sie "
                        "dann erneut")

