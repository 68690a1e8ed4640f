"""``pvog sync``: fetch or read PVOG evidence for an ARS, diff it with the previous release, store it as a release.

Everything that can fail outside the database (download, reading, the quarter rule) happens before
the one write transaction, so a failure leaves the database exactly as it was.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ozgtrack import clock, wording
from ozgtrack.errors import ConfigError, SourceError
from ozgtrack.fields import without_credentials
from ozgtrack.settings import PvogSettings, Settings
from ozgtrack.sources import pvog
from ozgtrack.sources.fetch import Fetched, Request, fetch, make_session
from ozgtrack.sources.files import read_local
from ozgtrack.sources.pvog import Evidence, EvidenceEntry
from ozgtrack.store.db import write_session
from ozgtrack.store.models import PvogEntry, PvogRelease
from ozgtrack.town.municipalities import ars_name
from ozgtrack.views.pvog import EntryChange, EvidenceRef, SyncResult

if TYPE_CHECKING:
    import requests
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
CSV_PATH = "/v5/servicedescriptions/csv"
CLIENT_HEADER = "pvog-sud-api-client-id"
MAX_DROP = 0.25
SKEW = timedelta(days=1)  # a date at most this far after the import is a clock running ahead, set to the import  # an import that removes more than this share of the previous evidence needs --force
_COMPARED = ("service_name", "level", "title", "url", "provider", "active")


@dataclass(frozen=True)
class PvogSyncRequest:
    """What the user asked for.

    ``ars`` is a check, not an override: the evidence belongs to the ARS its rows name. Only a
    Suchdienst CSV names none, so there it says which ARS the file was asked for. None with no
    ``location``: the Suchdienst CSV for the municipality in use.
    """

    ars: str | None = None
    location: str | None = None  # file path or http(s) URL; None: the Suchdienst CSV for the ARS
    dry_run: bool = False
    force: bool = False
    by: str = ""  # who imports it (kept on the release)


class PoliteSession:
    """A requests session that waits between requests so that at most ``rate`` go out per second."""

    def __init__(self, session: requests.Session, rate: float, sleep: Any = time.sleep,
                 clock: Any = time.monotonic) -> None:
        self._session, self._interval, self._sleep, self._clock = session, 1 / rate, sleep, clock
        self._last: float | None = None
        self.headers = session.headers

    def get(self, url: str, **kwargs: Any) -> Any:
        if self._last is not None and (wait := self._last + self._interval - self._clock()) > 0:
            self._sleep(wait)
        self._last = self._clock()
        return self._session.get(url, **kwargs)


def polite_session(settings: PvogSettings, session: requests.Session | None = None) -> PoliteSession:
    """The session for the Suchdienst: rate-limited, with the client id header when one is configured."""
    session = session or make_session()
    if settings.client_id:
        session.headers[CLIENT_HEADER] = settings.client_id
    return PoliteSession(session, settings.rate)


def csv_url(settings: PvogSettings, ars: str) -> str:
    return f"{settings.url}{CSV_PATH}?ars={ars}"


def run(engine: Engine, settings: Settings, request: PvogSyncRequest, resolve_town: Any,
        session: requests.Session | None = None) -> list[SyncResult]:
    """Import the evidence of ``request``, one release per ARS its rows name; ``resolve_town(session)`` gives the ARS
    in use, asked for only when there is no file or URL."""
    asked = _asked(engine, request, resolve_town)
    location = request.location or csv_url(settings.pvog, asked or "")
    previous = (_previous_download(engine, without_credentials(location))
                if location.startswith(("http://", "https://")) else None)
    fetched, origin = _obtain(settings, location, previous, request, session)
    origin = without_credentials(origin)  # kept and shown as the release's origin: never with user:password@
    if fetched.data is None:  # 304 Not Modified
        return [_unchanged(previous, request)]
    fmt = pvog.detect(fetched.data, origin)
    now = clock.now()
    evidence, late = not_after(pvog.read(fmt, fetched.data, origin, asked), now, origin)
    with Session(engine) as db:
        subjects = chosen_subjects(evidence, request.ars, origin, partial(ars_name, db))
    results = _store(engine, origin, fetched, evidence, subjects, request, now)
    return [replace(r, late=late) for r in results]


def not_after(evidence: Evidence, now: datetime, name: str = "") -> tuple[Evidence, tuple[str, ...]]:
    """The evidence with every date after ``now`` (the import) set to ``now``, and a warning naming those rows.

    A date after the import cannot be true. A little after it (``SKEW``: a clock that runs ahead, a time zone
    read as UTC) is set to the import, with a warning. Further ahead (01.01.2099) the row's real date is
    unknown: set to the import it would look newer than a change the town made the same day, and `pvog accept`
    would overwrite it; the file is refused (SourceError naming the rows), the database unchanged.
    """
    far = [e for e in evidence.entries if e.stated and e.stated > now + SKEW]
    if far or (evidence.data_date and evidence.data_date > now + SKEW):
        raise SourceError(f"{name}: {_late_rows(evidence, far, now)}; ein solches Datum kann nicht stimmen, und mit "
                          f"ihm sähen die Daten neuer aus als Änderungen der Stadt; {wording.NOTHING_CHANGED}. "
                          "Prüfen Sie die Datei (Uhr des Systems, das sie geschrieben hat?)")
    late = [e for e in evidence.entries if e.stated and e.stated > now]
    if not late and not (evidence.data_date and evidence.data_date > now):
        return evidence, ()
    entries = tuple(replace(e, stated=now) if e.stated and e.stated > now else e for e in evidence.entries)
    bounded = replace(evidence, entries=entries, data_date=min(evidence.data_date, now) if evidence.data_date else None)
    return bounded, (_late_warning(evidence, late, now),)


def _late_warning(evidence: Evidence, late: list[EvidenceEntry], now: datetime) -> str:
    """``3 Zeilen nennen einen Datenstand nach der Einspielung …: Zeile 2 (99115005104000: 07.12.2026 23:00), …``"""
    return (f"{_late_rows(evidence, late, now)}. Als ihr Datenstand gilt der Zeitpunkt der Einspielung, damit ein "
            "falsches Datum keine spätere Änderung der Stadt überholt")


def _late_rows(evidence: Evidence, late: list[EvidenceEntry], now: datetime) -> str:
    unit = ("Eintrag", "Einträge") if evidence.format is pvog.EvidenceFormat.SUCHDIENST_JSON else ("Zeile", "Zeilen")
    rows = sorted({(e.line, e.leika_key, e.stated) for e in late if e.stated})
    if not rows:  # only the file's own date
        return f"die Datei nennt einen Datenstand nach dem Zeitpunkt der Einspielung ({now:%d.%m.%Y %H:%M} UTC)"
    named = ", ".join(f"{unit[0]} {line} ({key}: {stated:%d.%m.%Y %H:%M})" for line, key, stated in rows[:10])
    more = f" und {wording.number(len(rows) - 10)} weitere" if len(rows) > 10 else ""
    return (f"{wording.plural(len(rows), unit[0], unit[1])} {'nennt' if len(rows) == 1 else 'nennen'} einen "
            f"Datenstand nach dem Zeitpunkt der Einspielung ({now:%d.%m.%Y %H:%M} UTC): {named}{more}")


def _asked(engine: Engine, request: PvogSyncRequest, resolve_town: Any) -> str | None:
    """The ARS the file or URL was asked for, where anything says so: ``--ars``, the URL's ``ars=``, the town in use."""
    in_url = _ars_of_url(request.location)
    if request.ars and in_url and request.ars != in_url:
        raise SourceError(f"--ars {request.ars}, aber die URL fragt nach ars={in_url}; {wording.NOTHING_CHANGED}")
    if request.ars or in_url or request.location is not None:
        return request.ars or in_url
    with Session(engine) as db:
        return resolve_town(db)


def _ars_of_url(location: str | None) -> str | None:
    """The ARS a URL asks for (``?ars=``); a file's name says nothing (only its rows do)."""
    if not location or not location.startswith(("http://", "https://")):
        return None
    found = parse_qs(urlsplit(location).query).get("ars", [""])[0]
    return found if pvog.is_ars(found) else None


def chosen_subjects(evidence: Evidence, checked: str | None, origin: str,
                    name: Callable[[str], str] = str) -> tuple[str, ...]:
    """The ARS to store the evidence for: every ARS its rows name, or ``checked`` alone when it is one of them.

    A file whose rows name other ARS than ``checked`` is refused, naming both: evidence belongs to the ARS its
    rows name, never to the town in use.
    """
    subjects = evidence.subjects
    if not subjects:
        raise SourceError(f"{origin} nennt keinen ARS, für den die Einträge gelten; {wording.NOTHING_CHANGED}")
    if checked is None or checked in subjects:
        return (checked,) if checked else subjects
    named = ", ".join(_named(a, name) for a in subjects[:5]) + (" …" if len(subjects) > 5 else "")
    raise SourceError(f"{origin} enthält PVOG-Daten für ARS {named}, nicht für ARS {_named(checked, name)}; "
                      f"{wording.NOTHING_CHANGED}. Ohne --ars einspielen, dann gelten sie für den ARS, den ihre "
                      "Zeilen nennen")


def _named(ars: str, name: Callable[[str], str]) -> str:
    label = name(ars)
    return f"{ars} ({label})" if label and label != ars else ars


def _previous_download(engine: Engine, location: str) -> PvogRelease | None:
    """The newest release fetched from this URL (for a conditional request)."""
    with Session(engine) as db:
        query = select(PvogRelease).where(PvogRelease.origin == location, PvogRelease.withdrawn_at.is_(None))
        found = db.scalars(query.order_by(PvogRelease.id.desc()).limit(1)).first()
        if found is not None:
            db.expunge(found)
        return found


def lineage(ars: str, fmt: str, origin: str, complete: bool) -> Any:
    """The releases a new one follows (its diff, the quarter rule, "unchanged"): a complete listing follows the
    complete listings of its ARS and format; a sample follows the samples from the same origin."""
    query = select(PvogRelease).where(PvogRelease.ars == ars, PvogRelease.format == fmt,
                                      PvogRelease.complete.is_(complete), PvogRelease.withdrawn_at.is_(None))
    if not complete:
        query = query.where(PvogRelease.origin == origin)
    return query.order_by(PvogRelease.id.desc()).limit(1)


def _obtain(settings: Settings, location: str, previous: PvogRelease | None, request: PvogSyncRequest,
            session: requests.Session | None) -> tuple[Fetched, str]:
    """(the bytes, the origin as stored and shown): a URL as it is, a local file by its name only."""
    if not location.startswith(("http://", "https://")):
        data = read_local(Path(location), settings.http.max_bytes)
        return Fetched(location, data, hashlib.sha256(data).hexdigest()), Path(location).name
    conditional = previous if previous and not request.force else None
    fetched = fetch(polite_session(settings.pvog, session), Request(  # type: ignore[arg-type]
        location, etag=conditional and conditional.etag, last_modified=conditional and conditional.last_modified,
        cache_dir=settings.cache_dir / "pvog"), settings.http)
    return fetched, location


def _unchanged(prior: PvogRelease | None, request: PvogSyncRequest) -> SyncResult:
    if prior is None:
        raise SourceError("der Server meldet „nicht geändert“, aber es gibt keine frühere Einspielung; mit --force "
                          "neu laden")
    return SyncResult(ref_of(prior), prior.id, 0, 0, 0, 0, 0, (), (), request.dry_run, unchanged_release=prior.id)


def ref_of(release: PvogRelease, online: int = 0, name: str = "", services: tuple[int, int] = (0, 0)) -> EvidenceRef:
    """The release as reports name it; ``services``: (LeiKa services its entries name, of those with an online
    service)."""
    return EvidenceRef(release.id, release.ars, release.format, release.origin, release.sha256, release.data_date,
                       release.imported_at, release.rows, release.entries, online, release.complete, name, *services)


# --- diff and store -----------------------------------------------------------------------------


def _store(engine: Engine, origin: str, fetched: Fetched, evidence: Evidence, subjects: tuple[str, ...],
           request: PvogSyncRequest, now: datetime) -> list[SyncResult]:
    """One release per subject, all in one transaction (all or nothing); a subject whose content is unchanged is
    left alone. "Unchanged" is decided here, under the write lock: a second sync of the same file started at the
    same time sees the first one's release."""
    stored = {id(e) for subject in subjects for e in evidence.of(subject)}
    left_out = len(evidence.entries) - len(stored)  # entries of ARS that --ars did not choose
    results = []
    with (Session(engine) if request.dry_run else write_session(engine)) as db:
        for subject in subjects:
            prior = db.scalars(lineage(subject, evidence.format.value, origin, evidence.complete)).first()
            if prior is not None and prior.sha256 == fetched.sha256 and not request.force:
                results.append(replace(_unchanged(prior, request), release=ref_of(prior, 0, ars_name(db, subject))))
                continue
            results.append(_store_one(db, subject, prior, origin, fetched, evidence, request, now, left_out))
        if request.dry_run:
            db.rollback()
    return results


def _store_one(db: Session, subject: str, prior: PvogRelease | None, origin: str, fetched: Fetched,
               evidence: Evidence, request: PvogSyncRequest, now: datetime, not_applicable: int) -> SyncResult:
    applicable: dict[tuple, EvidenceEntry] = {}
    for entry in evidence.of(subject):
        applicable.setdefault(entry.identity, entry)
    old = _entries_of(db, prior.id) if prior else {}
    changes = _diff(old, applicable)
    counts = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "removed", "changed")}
    if prior is not None and counts["removed"] > len(old) * MAX_DROP and not request.force:
        raise SourceError(
            f"{origin}: diese Einspielung würde {counts['removed']} von {len(old)} Einträgen der PVOG-Daten für "
            f"ARS {subject} entfernen (mehr als ein Viertel) – ein unvollständiger Download? Nichts wurde geändert; "
            "mit --force trotzdem einspielen")
    release = PvogRelease(ars=subject, format=evidence.format.value, origin=origin, sha256=fetched.sha256 or "",
                          etag=fetched.etag, last_modified=fetched.last_modified, data_date=evidence.date_of(subject),
                          imported_at=now, rows=evidence.rows, entries=len(applicable),
                          invalid=len(evidence.problems), not_applicable=not_applicable, complete=evidence.complete,
                          imported_by=request.by or None, **counts)
    db.add(release)
    db.flush()
    rows = [_row(release.id, e) for e in applicable.values()]
    if rows:
        db.execute(insert(PvogEntry), rows)
    online = [e for e in applicable.values() if e.online]
    services = (len({e.leika_key for e in applicable.values()}), len({e.leika_key for e in online}))
    ref = replace(ref_of(release, len(online), ars_name(db, subject), services),
                  release_id=None if request.dry_run else release.id)
    return SyncResult(ref, prior.id if prior else None, counts["added"], counts["removed"], counts["changed"],
                      len(evidence.problems), not_applicable, tuple(changes),
                      tuple(str(p) for p in evidence.problems), request.dry_run)


def _entries_of(db: Session, release_id: int) -> dict[tuple, dict[str, Any]]:
    found = db.execute(select(PvogEntry).where(PvogEntry.release_id == release_id)).scalars()
    out = {}
    for e in found:
        values = {f: getattr(e, f) for f in ("leika_key", "ars", "lb_id", "od_id", *_COMPARED)}
        out[(e.leika_key, e.ars, e.lb_id or "", e.od_id or e.url or "")] = values
    return out


def _diff(old: dict[tuple, dict[str, Any]], new: dict[tuple, EvidenceEntry]) -> list[EntryChange]:
    changes = []
    for identity, entry in new.items():
        values = _values(entry)
        if identity not in old:
            changes.append(EntryChange("added", entry.leika_key, entry.ars, entry.service_name, entry.url, {}))
        elif fields := {f: [old[identity][f], values[f]] for f in _COMPARED if old[identity][f] != values[f]}:
            changes.append(EntryChange("changed", entry.leika_key, entry.ars, entry.service_name, entry.url, fields))
    for identity, values in old.items():
        if identity not in new:
            changes.append(EntryChange("removed", values["leika_key"], values["ars"], values["service_name"],
                                       values["url"], {}))
    return sorted(changes, key=lambda c: (c.kind, c.leika_key, c.ars, c.url or ""))


def _values(entry: EvidenceEntry) -> dict[str, Any]:
    return {"service_name": entry.service_name, "level": entry.level.value, "title": entry.title, "url": entry.url,
            "provider": entry.provider, "active": entry.active}


def _row(release_id: int, entry: EvidenceEntry) -> dict[str, Any]:
    return {"release_id": release_id, "leika_key": entry.leika_key, "ars": entry.ars, "lb_id": entry.lb_id,
            "od_id": entry.od_id, "stated": entry.stated, **_values(entry)}


def configured_town(settings: Settings) -> Any:
    """A resolver for the municipality in use (``municipality use`` / OZGTRACK_ARS)."""
    def resolve_town(db: Session) -> str:
        from ozgtrack.town.municipalities import resolve

        if not settings.municipality:
            raise ConfigError("kein ARS: geben Sie --ars ARS an oder wählen Sie mit `ozgtrack municipality use` eine "
                              "Kommune")
        return resolve(db, settings.municipality).ars
    return resolve_town
