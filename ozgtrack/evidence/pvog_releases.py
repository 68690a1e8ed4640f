"""PVOG evidence releases as the town manages them: list them, withdraw one, record its verdict on a finding.

A withdrawn release is kept (who withdrew it, when) but is evidence no more: findings and reports
are computed without it, and the release before it of the same listing counts again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack import wording
from ozgtrack.errors import InputError, NotFoundError
from ozgtrack.evidence.pvog_sync import ref_of
from ozgtrack.fields import text
from ozgtrack.store.models import PvogEntry, PvogRelease, PvogReview, Service
from ozgtrack.town.municipalities import ars_name
from ozgtrack.views.pvog import Finding, FindingKind, PvogResult, ReleaseRow, Verdict


def release_rows(session: Session) -> list[ReleaseRow]:
    """Every release, newest first, withdrawn ones too."""
    is_online = PvogEntry.active.is_(True) & PvogEntry.url.is_not(None) & (PvogEntry.url != "")
    counts = {release_id: (online, services, services_online) for release_id, online, services, services_online in
              session.execute(select(PvogEntry.release_id, func.count().filter(is_online),
                                     func.count(PvogEntry.leika_key.distinct()),
                                     func.count(PvogEntry.leika_key.distinct()).filter(is_online))
                              .group_by(PvogEntry.release_id))}
    releases = session.scalars(select(PvogRelease).order_by(PvogRelease.id.desc())).all()
    names = {a: ars_name(session, a) for a in {r.ars for r in releases}}
    return [_row(r, counts.get(r.id, (0, 0, 0)), names[r.ars]) for r in releases]


def _row(release: PvogRelease, counts: tuple[int, int, int], name: str) -> ReleaseRow:
    online, services, services_online = counts
    return ReleaseRow(ref_of(release, online, name, (services, services_online)), release.invalid,
                      release.not_applicable, release.imported_by, release.withdrawn_at, release.withdrawn_by)


def withdraw(session: Session, release_id: int, by: str, now: datetime) -> ReleaseRow:
    """Mark a release withdrawn; NotFoundError for an unknown id, InputError for one withdrawn already."""
    release = session.get(PvogRelease, release_id)
    if release is None:
        raise NotFoundError(f"keine PVOG-Einspielung {release_id}; `ozgtrack pvog releases` listet sie")
    if release.withdrawn_at is not None:
        raise InputError(f"Einspielung {release_id} wurde bereits am {release.withdrawn_at:%d.%m.%Y} von "
                         f"{release.withdrawn_by or 'unbekannt'} zurückgezogen; {wording.NOTHING_CHANGED}")
    release.withdrawn_at, release.withdrawn_by = now, by or None
    session.flush()
    return _row(release, (0, 0, 0), ars_name(session, release.ars))


def review(session: Session, municipality_id: int, result: PvogResult | None, keys: Iterable[str],
           kind: FindingKind, verdict: Verdict, reason: str, by: str, now: datetime) -> list[Finding]:
    """Record the town's verdict on the current finding of ``kind`` for each key; every key must have one."""
    reason = " ".join((text("reason", reason) or "").split())  # one line, checked as every text (ozgtrack.fields)
    if not reason:
        raise InputError("eine Prüfung braucht eine Begründung (--reason \"…\")")
    current = {f.key: f for f in (result.findings + result.dismissed if result else ()) if f.kind is kind}
    missing = [k for k in keys if k not in current]
    if missing:
        raise NotFoundError(f"kein Befund „{kind.value}“ für {', '.join(missing[:5])}; `ozgtrack pvog diff` zeigt "
                            f"die Befunde; {wording.NOTHING_CHANGED}")
    chosen = [current[k] for k in keys]
    ids = dict(session.execute(select(Service.key, Service.id).where(Service.key.in_([f.key for f in chosen]))).all())
    for finding in chosen:
        session.add(PvogReview(municipality_id=municipality_id, service_id=ids[finding.key], kind=kind.value,
                               pvog_url=finding.pvog_url, verdict=verdict.value, reason=reason,
                               by=by, at=now))
    session.flush()
    return chosen
