"""The catalogue sync: find the source, fetch or read it, skip it when unchanged, import it in one transaction."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ozgtrack import clock, sources, wording
from ozgtrack.catalogue import ledger
from ozgtrack.catalogue.ledger import Ledger, LedgerEntry
from ozgtrack.errors import ConfigError, SourceError
from ozgtrack.records import Catalogue, ChangeKind, Source
from ozgtrack.settings import Settings
from ozgtrack.sources import fim_api, html_index
from ozgtrack.sources.fetch import Fetched, Progress, Request, fetch, make_session
from ozgtrack.sources.files import read_local
from ozgtrack.store.database import Database
from ozgtrack.store.db import writer
from ozgtrack.store.perf import cyclic_gc_paused

if TYPE_CHECKING:
    import requests
    from sqlalchemy import Engine

    from ozgtrack.catalogue.importer import SyncResult

log = logging.getLogger(__name__)
# A delta sync asks for changes since the previous sync minus this overlap (clock skew, slow indexing).
DELTA_OVERLAP = timedelta(hours=1)


@dataclass(frozen=True)
class SyncRequest:
    """What the user asked for; None means "the configured default"."""

    source: Source | None = None
    location: str | None = None  # file path or http(s) URL
    dry_run: bool = False
    force: bool = False  # import even when the content is unchanged
    full: bool = False  # FIM API: fetch everything, not only what changed


@dataclass(frozen=True)
class SyncOutcome:
    """The result of a sync: a diff, or the release the content is identical to."""

    source: Source
    origin: str
    result: SyncResult | None
    unchanged_release: int | None = None
    delta_since: datetime | None = None
    cache_path: Path | None = None


@dataclass(frozen=True)
class _Obtained:
    source: Source
    origin: str
    fetched: Fetched
    catalogue: Catalogue | None = None  # already read (FIM pages)
    delta_since: datetime | None = None


def run(database: Database, settings: Settings, request: SyncRequest, *, session: requests.Session | None = None,
        progress: Progress | None = None) -> SyncOutcome:
    """Sync one source into ``database`` (opened, and migrated, only when needed).

    Everything that can fail outside the database happens before the one write transaction.
    """
    previous = ledger.newest_releases(database)
    obtained = _obtain(settings, request, previous, session, progress)
    prior = previous[obtained.source]
    if obtained.fetched.not_modified or (
        not request.force and prior and prior.sha256 == obtained.fetched.sha256 and obtained.delta_since is None
    ):
        return SyncOutcome(obtained.source, obtained.origin, None, prior.id if prior else None)
    with cyclic_gc_paused():
        catalogue = obtained.catalogue or sources.read_file(obtained.source, obtained.fetched.data or b"",
                                                            obtained.origin)
        if not catalogue.complete and not catalogue.services:
            return SyncOutcome(obtained.source, obtained.origin, None, prior.id if prior else None,
                               obtained.delta_since)
        result, same = _import(database.engine(), obtained, catalogue, request)
    if result is None:  # another sync imported the same content meanwhile
        return SyncOutcome(obtained.source, obtained.origin, None, same)
    return SyncOutcome(obtained.source, obtained.origin, result, delta_since=obtained.delta_since,
                       cache_path=obtained.fetched.cache_path)


def summary(outcome: SyncOutcome, dry_run: bool = False) -> str:
    """The one-line report of a sync, for stderr: what it added, changed, withdrew (German, with plurals)."""
    what = f"{wording.SOURCE_CATALOGUE[outcome.source.value]} aus {outcome.origin}"
    result = outcome.result
    if result is None:
        since = f" seit Release {outcome.unchanged_release}" if outcome.unchanged_release else ""
        if outcome.delta_since:
            return f"{what}: keine Änderungen{since}."
        return f"{what}: unverändert{since}; nichts importiert (mit --force erneut importieren)."
    counts = ", ".join(f"{wording.number(result.count(k))} {wording.CHANGE[k.value]}" for k in ChangeKind)
    counts += f", {wording.number(result.unchanged)} unverändert"
    skipped = ""
    if result.problems:
        skipped = f"; {wording.plural(len(result.problems), 'ungültige Zeile', 'ungültige Zeilen')} übersprungen"
    if dry_run:
        return f"Probelauf, nichts geschrieben: {what} ergäbe {counts}{skipped}."
    delta = " (nur Änderungen)" if outcome.delta_since else ""
    return f"{what}{delta} als Release {result.release_id} übernommen: {counts}{skipped}."


def _import(engine: Engine, obtained: _Obtained, catalogue: Catalogue,
            request: SyncRequest) -> tuple[SyncResult | None, int | None]:
    """(what the sync did, None) or, when the newest release of the source has the same content, (None, its id).

    "The same content" was checked before, without the lock; it is checked again under the write lock, so
    that of two syncs of one file started together the second sees the first one's release.
    """
    from sqlalchemy.orm import Session

    from ozgtrack.catalogue.importer import ReleaseInfo, sync

    fetched = obtained.fetched
    info = ReleaseInfo(obtained.origin, fetched.sha256 or "", clock.now(), fetched.etag, fetched.last_modified,
                       obtained.delta_since)
    # A dry run only reads; a real sync takes the write lock before it reads what it diffs against.
    with Session(engine if request.dry_run else writer(engine)) as db, db.begin():
        if (same := _same_content(db, obtained, request)) is not None:
            return None, same
        return sync(db, catalogue, info, dry_run=request.dry_run, force=request.force), None


def _same_content(db: Any, obtained: _Obtained, request: SyncRequest) -> int | None:
    """The id of the newest release of the source when its checksum is this content's (the check of :func:`run`)."""
    from ozgtrack.catalogue.query import newest_release

    if request.force or obtained.delta_since is not None:
        return None
    newest = newest_release(db, obtained.source)
    return newest.id if newest is not None and newest.sha256 == obtained.fetched.sha256 else None




# --- obtaining the bytes ------------------------------------------------------------------------


def _obtain(settings: Settings, request: SyncRequest, previous: Ledger,
            session: requests.Session | None, progress: Progress | None) -> _Obtained:
    location = request.location
    if location and not _is_url(location):
        return _read_local(Path(location), request.source, settings)
    session = session or make_session()  # requests loads only when something is downloaded
    source = request.source or _source_of_url(location)
    if source is Source.FIM:
        return _fetch_fim(session, settings, location or _configured_url(settings, source), request,
                          previous[Source.FIM], progress)
    if location is None:
        location = _default_url(session, settings, source)
    prior = _same_origin(previous, location, source)
    conditional = prior if prior and not request.force else None
    fetched = fetch(session, Request(location, etag=conditional and conditional.etag,
                                     last_modified=conditional and conditional.last_modified,
                                     cache_dir=settings.cache_dir / "downloads"), settings.http, progress=progress)
    if fetched.data is None:  # 304: the source is the one of the release it matched
        return _Obtained(conditional.source if conditional else source or Source.LEIKA, location, fetched)
    return _Obtained(source or sources.detect(fetched.data, location), location, fetched)


def _same_origin(previous: Ledger, location: str, source: Source | None) -> LedgerEntry | None:
    """The newest release fetched from ``location`` (of ``source`` when known): its ETag makes the request conditional."""
    candidates = [p for s, p in previous.items() if p and p.origin == location and source in (None, s)]
    return max(candidates, key=lambda p: p.id, default=None)


def _read_local(path: Path, source: Source | None, settings: Settings) -> _Obtained:
    data = read_local(path, settings.http.max_bytes)
    origin = str(path.resolve())
    fetched = Fetched(origin, data, hashlib.sha256(data).hexdigest())
    return _Obtained(source or sources.detect(data, str(path)), origin, fetched)


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def _source_of_url(location: str | None) -> Source | None:
    """Without --source: no location means the LeiKa download; an API is known by its path."""
    if location is None:
        return Source.LEIKA
    return sources.source_of_url(location)  # None: decided from the downloaded content


def _configured_url(settings: Settings, source: Source) -> str:
    config = settings.sources.get(source.value)
    if not config or not config.url:
        raise ConfigError(f"für die Quelle '{source.value}' ist keine URL eingestellt; geben Sie --from an oder "
                          f"setzen Sie [sources.{source.value}] url")
    return config.url


def _default_url(session: requests.Session, settings: Settings, source: Source) -> str:
    config = settings.sources.get(source.value)
    if config and config.url:
        return config.url
    if config and config.page:
        page = fetch(session, Request(config.page, expect_file=False), settings.http)
        return html_index.find_link(page.data or b"", page.url, config.link_pattern or html_index.DEFAULT_PATTERN)
    raise ConfigError(f"für die Quelle '{source.value}' gibt es keinen Standard-Download; geben Sie --from "
                      f"DATEI_ODER_URL an oder setzen Sie [sources.{source.value}] url in der Konfiguration")


def _fetch_fim(session: requests.Session, settings: Settings, url: str, request: SyncRequest,
               prior: LedgerEntry | None, progress: Progress | None) -> _Obtained:
    """Page through the FIM API; after a first full sync, ask only for what changed since."""
    since = None
    if prior and prior.origin == url and not request.full and not request.force:
        since = prior.fetched_at - DELTA_OVERLAP
    params: dict[str, Any] = {"limit": fim_api.PAGE_SIZE, "order_by": "leistungsschluessel_asc"}
    if since:
        params["updated_since"] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    items, digest = [], hashlib.sha256()
    offset, max_pages = 0, None
    while True:
        page_name = f"{url} (offset {offset})"
        fetched = fetch(session, Request(url, params={**params, "offset": offset}, expect_file=False), settings.http)
        page = fim_api.parse_page(fetched.data or b"", page_name)
        digest.update(fetched.data or b"")
        items.extend(page.items)
        offset += len(page.items)
        max_pages = max_pages or page.total_count // fim_api.PAGE_SIZE + 3
        if progress:
            progress(offset, page.total_count)
        if not page.items or offset >= page.total_count:
            break
        max_pages -= 1
        if max_pages <= 0:
            raise SourceError(f"{url} liefert immer weiter Seiten über seine total_count von "
                              f"{wording.number(page.total_count)} hinaus; {wording.NOTHING_CHANGED}")
    catalogue = fim_api.read_items(items, complete=since is None)
    if items or since is None:  # an empty delta just means "nothing changed"
        sources.check_problem_share(catalogue, url)
    return _Obtained(Source.FIM, url, Fetched(url, b"", digest.hexdigest()), catalogue, since)
