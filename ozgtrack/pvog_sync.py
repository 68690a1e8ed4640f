"""``pvog sync``: fetch or read PVOG evidence for an ARS, diff it with the previous release, store it as a release.

Everything that can fail outside the database (download, reading, the quarter rule) happens before
the one write transaction, so a failure leaves the database exactly as it was.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ozgtrack.config import PvogSettings, Settings
from ozgtrack.db import write_session
from ozgtrack.errors import ConfigError, SourceError
from ozgtrack.fetch import Fetched, Request, fetch, make_session
from ozgtrack.files import read_local
from ozgtrack.models import PvogEntry, PvogRelease
from ozgtrack.sources import pvog
from ozgtrack.sources.pvog import Evidence, EvidenceEntry
from ozgtrack.views.pvog import EntryChange, EvidenceRef, SyncResult

if TYPE_CHECKING:
    import requests
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
CSV_PATH = "/v5/servicedescriptions/csv"
CLIENT_HEADER = "pvog-sud-api-client-id"
MAX_DROP = 0.25  # an import that removes more than this share of the previous evidence needs --force
_ARS_IN_NAME = re.compile(r"ars[_=-]?([0-9]{12})", re.IGNORECASE)
_COMPARED = ("service_name", "level", "title", "url", "provider", "active")


@dataclass(frozen=True)
class PvogSyncRequest:
    """What the user asked for; ``ars`` None: the ARS the file or URL names, else the municipality in use."""

    ars: str | None = None
    location: str | None = None  # file path or http(s) URL; None: the Suchdienst CSV for the ARS
    dry_run: bool = False
    force: bool = False


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
        session: requests.Session | None = None) -> SyncResult:
    """Import the evidence of ``request``; ``resolve_town(session)`` gives the ARS in use when nothing names one."""
    with Session(engine) as db:
        ars = request.ars or _ars_named_by(request.location) or resolve_town(db)
        location = request.location or csv_url(settings.pvog, ars)
        previous = _previous(db, ars, location)
        if previous is not None:
            db.expunge(previous)
    fetched, origin = _obtain(settings, location, previous, request, session)
    if fetched.data is None:  # 304 Not Modified
        return _unchanged(previous, request)
    fmt = pvog.detect(fetched.data, origin)
    prior = _previous_of_format(engine, ars, fmt.value)
    if prior is not None and prior.sha256 == fetched.sha256 and not request.force:
        return _unchanged(prior, request)
    evidence = pvog.read(fmt, fetched.data, origin, ars)
    return _store(engine, ars, origin, fetched, evidence, request)


def _ars_named_by(location: str | None) -> str | None:
    """The ARS a URL (``?ars=``) or a file name (``ars_150830565565.csv``) names."""
    if not location:
        return None
    if location.startswith(("http://", "https://")):
        found = parse_qs(urlsplit(location).query).get("ars", [""])[0]
        return found if pvog.is_ars(found) else None
    match = _ARS_IN_NAME.search(Path(location).name)
    return match.group(1) if match else None


def _previous(db: Session, ars: str, origin: str) -> PvogRelease | None:
    query = select(PvogRelease).where(PvogRelease.ars == ars, PvogRelease.origin == origin)
    return db.scalars(query.order_by(PvogRelease.id.desc()).limit(1)).first()


def _previous_of_format(engine: Engine, ars: str, fmt: str) -> PvogRelease | None:
    with Session(engine) as db:
        query = select(PvogRelease).where(PvogRelease.ars == ars, PvogRelease.format == fmt)
        found = db.scalars(query.order_by(PvogRelease.id.desc()).limit(1)).first()
        if found is not None:
            db.expunge(found)
        return found


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
    return SyncResult(_ref(prior), prior.id, 0, 0, 0, 0, 0, (), (), request.dry_run, unchanged_release=prior.id)


def _ref(release: PvogRelease, online: int = 0) -> EvidenceRef:
    return EvidenceRef(release.id, release.ars, release.format, release.origin, release.sha256, release.data_date,
                       release.imported_at, release.rows, release.entries, online)


# --- diff and store -----------------------------------------------------------------------------


def _store(engine: Engine, ars: str, origin: str, fetched: Fetched, evidence: Evidence,
           request: PvogSyncRequest) -> SyncResult:
    applicable, not_applicable = _applicable(evidence.entries, ars)
    now = datetime.now(UTC).replace(tzinfo=None)
    with (Session(engine) if request.dry_run else write_session(engine)) as db:
        prior = db.scalars(select(PvogRelease).where(PvogRelease.ars == ars, PvogRelease.format == evidence.format.value)
                           .order_by(PvogRelease.id.desc()).limit(1)).first()
        old = _entries_of(db, prior.id) if prior else {}
        changes = _diff(old, applicable)
        counts = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "removed", "changed")}
        if prior is not None and counts["removed"] > len(old) * MAX_DROP and not request.force:
            raise SourceError(
                f"{origin}: diese Einspielung würde {counts['removed']} von {len(old)} Einträgen der PVOG-Daten für "
                f"ARS {ars} entfernen (mehr als ein Viertel) – ein unvollständiger Download? Nichts wurde geändert; "
                "mit --force trotzdem einspielen")
        release = PvogRelease(ars=ars, format=evidence.format.value, origin=origin, sha256=fetched.sha256 or "",
                              etag=fetched.etag, last_modified=fetched.last_modified, data_date=evidence.data_date,
                              imported_at=now, rows=evidence.rows, entries=len(applicable),
                              invalid=len(evidence.problems), not_applicable=not_applicable, **counts)
        if not request.dry_run:
            db.add(release)
            db.flush()
            rows = [_row(release.id, e) for e in applicable.values()]
            if rows:
                db.execute(insert(PvogEntry), rows)
        ref = replace(_ref(release, sum(1 for e in applicable.values() if e.online)),
                      release_id=None if request.dry_run else release.id)
        prior_id = prior.id if prior else None
    return SyncResult(ref, prior_id, counts["added"], counts["removed"], counts["changed"],
                      len(evidence.problems), not_applicable, tuple(changes),
                      tuple(str(p) for p in evidence.problems), request.dry_run)


def _applicable(entries: tuple[EvidenceEntry, ...], ars: str) -> tuple[dict[tuple, EvidenceEntry], int]:
    """The entries that apply to ``ars`` (registered for it or an ARS above it), once each; and how many did not."""
    kept: dict[tuple, EvidenceEntry] = {}
    skipped = 0
    for entry in entries:
        if pvog.covers(entry.ars, ars):
            kept.setdefault(entry.identity, entry)
        else:
            skipped += 1
    return kept, skipped


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
            "od_id": entry.od_id, **_values(entry)}


def configured_town(settings: Settings) -> Any:
    """A resolver for the municipality in use (``municipality use`` / OZGTRACK_ARS)."""
    def resolve_town(db: Session) -> str:
        from ozgtrack.municipalities import resolve

        if not settings.municipality:
            raise ConfigError("kein ARS: geben Sie --ars ARS an oder wählen Sie mit `ozgtrack municipality use` eine "
                              "Kommune")
        return resolve(db, settings.municipality).ars
    return resolve_town
