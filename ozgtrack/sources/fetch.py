"""HTTP downloads with an injected ``requests.Session``: timeouts, retries, conditional requests, limits."""

from __future__ import annotations

import email.utils
import hashlib
import logging
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ozgtrack import __version__, wording
from ozgtrack.errors import FetchError
from ozgtrack.settings import HttpSettings
from ozgtrack.sources import looks_like_html

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = f"ozgtrack/{__version__} (catalogue sync; +https://pypi.org/project/ozgtrack/)"
Progress = Callable[[int, int | None], None]  # (bytes so far, total or None)


@dataclass(frozen=True)
class Fetched:
    """A download; ``data`` is None when the server said 304 Not Modified."""

    url: str
    data: bytes | None
    sha256: str | None
    etag: str | None = None
    last_modified: str | None = None
    cache_path: Path | None = None

    @property
    def not_modified(self) -> bool:
        return self.data is None


def make_session() -> requests.Session:
    """A session with ozgtrack's User-Agent; callers may add headers (API client ids)."""
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


@dataclass(frozen=True)
class Request:
    """What to download and how to judge the answer."""

    url: str
    params: Mapping[str, Any] | None = None
    etag: str | None = None  # conditional request: If-None-Match
    last_modified: str | None = None  # conditional request: If-Modified-Since
    expect_file: bool = True  # an HTML answer is an error page, not the file
    cache_dir: Path | None = None  # keep a complete copy here


def fetch(session: requests.Session, request: Request, options: HttpSettings, *,
          progress: Progress | None = None, sleep: Callable[[float], None] = time.sleep) -> Fetched:
    """Download ``request.url``; retry 5xx, 429 and network failures with backoff (honouring Retry-After).

    A name that does not resolve fails at once; the whole download, retries included, ends at
    the deadline (``http.deadline``).
    """
    import requests

    headers = _conditional_headers(request)
    deadline = Deadline.start(options)
    for attempt in range(options.retries + 1):
        try:
            response = session.get(request.url, params=request.params, headers=headers, stream=True,
                                   timeout=deadline.timeout(options.timeout))
            with response:
                if response.status_code not in RETRY_STATUSES:
                    return _answer(response, request, options, progress, deadline)
                failure, wait = f"HTTP {response.status_code} {response.reason}", _retry_after(response, options)
        except requests.Timeout:
            waited = wording.decimal(deadline.waited)
            failure, wait = f"{_host(request.url)} hat nicht innerhalb von {waited} s geantwortet", None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if _no_dns_answer(exc):
                raise FetchError(f"{_host(request.url)} ist nicht erreichbar: keine DNS-Antwort für diesen Namen; "
                                 "prüfen Sie die Netzverbindung und die Adresse") from None
            failure, wait = f"Verbindung gescheitert ({_reason(exc, request.url)})", None
        delay = wait if wait is not None else options.backoff * 2**attempt
        if attempt == options.retries or not deadline.allows(delay, options.timeout):
            raise FetchError(f"{_shown(request.url)} ließ sich nicht herunterladen: {failure} "
                             f"(nach {wording.plural(attempt + 1, 'Versuch', 'Versuchen')}"
                             f"{deadline.note(attempt == options.retries)})")
        log.warning("%s: %s; neuer Versuch in %s s (%d von %d)", _shown(request.url), failure,
                    wording.decimal(delay, 1), attempt + 1, options.retries)
        sleep(delay)
    raise AssertionError("unreachable")


@dataclass
class Deadline:
    """The end of one download, retries included: ``http.deadline``, else 2 × timeout + the backoff waits."""

    seconds: float
    at: float
    waited: float = 0.0  # the read timeout of the current attempt

    @classmethod
    def start(cls, options: HttpSettings) -> Deadline:
        seconds = options.deadline or 2 * options.timeout + options.backoff * (2**options.retries - 1)
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def timeout(self, timeout: float) -> float:
        """The timeout of the next attempt: never past the deadline."""
        self.waited = max(0.1, min(timeout, self.remaining()))
        return self.waited

    def allows(self, delay: float, timeout: float) -> bool:
        """Whether another attempt, after ``delay``, can still wait its full timeout."""
        return self.remaining() - delay >= timeout

    def note(self, last: bool) -> str:
        return "" if last else f", dann war die Frist http.deadline = {wording.decimal(self.seconds)} s erreicht"

    def check(self, url: str) -> None:
        if self.remaining() <= 0:
            raise FetchError(f"{_shown(url)} ließ sich nicht herunterladen: der Download war nach "
                             f"{wording.decimal(self.seconds)} s (http.deadline) nicht fertig; bei einer langsamen "
                             "Verbindung erhöhen Sie http.deadline")


def _conditional_headers(request: Request) -> dict[str, str]:
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


def _answer(response: requests.Response, request: Request, options: HttpSettings, progress: Progress | None,
            deadline: Deadline) -> Fetched:
    if response.status_code == 304:
        return Fetched(response.url, None, None, request.etag, request.last_modified)
    if response.status_code >= 400:
        raise FetchError(f"{_shown(request.url)} antwortete mit HTTP {response.status_code} {response.reason}")
    content_type = response.headers.get("Content-Type", "")
    if request.expect_file and content_type.split(";")[0].strip().lower() == "text/html":
        raise FetchError(f"{_shown(request.url)} antwortete mit einer HTML-Seite (einer Fehler- oder Anmeldeseite?) "
                         "statt mit der Katalogdatei")
    data, digest, cache_path = _read_body(response, request, options, progress, deadline)
    if request.expect_file and looks_like_html(data):
        raise FetchError(f"{_shown(request.url)} antwortete mit einer HTML-Seite statt mit der Katalogdatei")
    return Fetched(response.url, data, digest, response.headers.get("ETag"), response.headers.get("Last-Modified"),
                   cache_path)


def _read_body(response: requests.Response, request: Request, options: HttpSettings,
               progress: Progress | None, deadline: Deadline) -> tuple[bytes, str, Path | None]:
    total = _content_length(response)
    if total is not None and total > options.max_bytes:
        raise FetchError(f"{_shown(request.url)} hat {wording.number(total)} Bytes, mehr als die Grenze von "
                         f"{wording.number(options.max_bytes)} (erhöhen Sie http.max_bytes, wenn das stimmt)")
    chunks, digest, size = [], hashlib.sha256(), 0
    for chunk in _chunks(response, request.url, deadline):
        size += len(chunk)
        if size > options.max_bytes:
            raise FetchError(f"{_shown(request.url)} ist größer als die Grenze von "
                             f"{wording.number(options.max_bytes)} Bytes (erhöhen Sie http.max_bytes, wenn das stimmt)")
        chunks.append(chunk)
        digest.update(chunk)
        if progress:
            progress(size, total)
    if total is not None and size != total:
        import requests

        raise requests.exceptions.ChunkedEncodingError(f"got {size} of {total} bytes")
    data = b"".join(chunks)
    chunks.clear()  # the pieces go before the copy is kept: one copy of the file in memory, not two
    cache_path = _keep(data, request) if request.cache_dir else None
    return data, digest.hexdigest(), cache_path


def _chunks(response: requests.Response, url: str, deadline: Deadline) -> Iterator[bytes]:
    """The body as it arrives; ``read1`` returns what is there, so a server dripping bytes meets the deadline."""
    import requests
    from urllib3.exceptions import ProtocolError, ReadTimeoutError

    try:
        while chunk := response.raw.read1(1 << 16, decode_content=True):
            yield chunk
            deadline.check(url)
    except ReadTimeoutError as exc:
        raise requests.Timeout(str(exc)) from exc
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc


def _content_length(response: requests.Response) -> int | None:
    # With Content-Encoding the header counts compressed bytes, not what iter_content yields.
    if response.headers.get("Content-Encoding", "identity") != "identity":
        return None
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _keep(data: bytes, request: Request) -> Path:
    """Write to a temporary file and move it into the cache only when complete."""
    assert request.cache_dir is not None
    request.cache_dir.mkdir(parents=True, exist_ok=True)
    name = Path(urlsplit(request.url).path).name or "download"
    target = request.cache_dir / f"{hashlib.sha256(request.url.encode()).hexdigest()[:12]}-{name}"
    fd, temp = tempfile.mkstemp(dir=request.cache_dir, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, target)
    except OSError:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _retry_after(response: requests.Response, options: HttpSettings) -> float | None:
    """Seconds the server asks to wait (delta or HTTP date); too long a wait is an error."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value) if _is_http_date(value) else None
        if when is None:
            return None
        seconds = when.timestamp() - time.time()
    seconds = max(0.0, seconds)
    if seconds > options.max_retry_after:
        raise FetchError(f"{_shown(response.url)} verlangt {seconds:.0f} s Wartezeit vor dem nächsten Versuch (HTTP "
                         f"{response.status_code}), mehr als http.max_retry_after={options.max_retry_after:g}; "
                         "versuchen Sie es später erneut")
    return seconds


def _is_http_date(value: str) -> bool:
    try:
        return email.utils.parsedate_to_datetime(value) is not None
    except (TypeError, ValueError):
        return False


def _no_dns_answer(exc: BaseException) -> bool:
    """True when the host name did not resolve (requests wraps socket.gaierror in urllib3's errors)."""
    from urllib3.exceptions import NameResolutionError

    return any(isinstance(e, (socket.gaierror, NameResolutionError)) for e in _causes(exc))


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args[:1]]


def _reason(exc: BaseException, url: str) -> str:
    """Plain words for a failed connection, not urllib3's text."""
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return f"{_host(url)} hat die Verbindung abgelehnt; läuft der Server, stimmt die Adresse?"
        if isinstance(cause, OSError) and cause.strerror:
            return f"{_host(url)} ist nicht erreichbar: {cause.strerror.lower()}"
    if "got" in str(exc) or "IncompleteRead" in str(exc) or "Connection broken" in str(exc):
        return "die Übertragung brach vor dem Ende ab"
    return f"{_host(url)} ist nicht erreichbar"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or url


def _shown(url: str) -> str:
    """A URL fit for messages: without user info or query string (which may carry tokens)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"
