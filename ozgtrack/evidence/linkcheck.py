"""Link checks over HTTP: is each URL still there? Concurrent, polite per host, bounded by a deadline; no database.

Rules (README, "Die Links prüfen"):
- HEAD first; any answer but 2xx or 429 is asked again with GET (body not read): servers refuse HEAD
  with 405 or 501, and some answer it with 403 or 404 while GET works. What GET says counts.
- 2xx after redirects is ok; 404 and 410 are broken; every other answer (401, 403, 429, 5xx, …)
  is unverifiable, since a page that blocks robots is not offline.
- A name that does not exist, an invalid TLS certificate and a refused connection are broken;
  timeouts, resets and a resolver that answers nothing are unverifiable. When every name looked
  up failed (at least two), the resolver is the problem, not the links: unverifiable.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from ipaddress import ip_address
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ozgtrack import __version__
from ozgtrack.sources.fetch import _causes
from ozgtrack.views.links import LinkResult, LinkState

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)
USER_AGENT = f"ozgtrack/{__version__} (link check; +https://pypi.org/project/ozgtrack/)"
BROKEN_STATUSES = {404: "nicht gefunden", 410: "entfernt"}
MAX_REDIRECTS = 10


@dataclass(frozen=True)
class CheckOptions:
    """How politely and how long to check."""

    timeout: float = 10.0  # seconds to wait for an answer (connect and each read)
    concurrency: int = 8  # checks at once, over all hosts
    per_host: int = 2  # checks at once against one host
    delay: float = 0.5  # seconds between the starts of two requests to one host
    deadline: float = 600.0  # the whole run; what has not started by then is unverifiable


def make_session() -> requests.Session:
    """A session with ozgtrack's link-check User-Agent; one per thread (requests' sessions are not thread-safe)."""
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = MAX_REDIRECTS
    return session


def check_links(urls: Iterable[str], options: CheckOptions,
                session_factory: Callable[[], requests.Session] = make_session) -> dict[str, LinkResult]:
    """Check each URL once; the result of every URL, also of those the deadline left unchecked."""
    wanted = list(dict.fromkeys(urls))
    deadline = time.monotonic() + options.deadline
    scheduler = _Scheduler(wanted, options, deadline)
    results: dict[str, LinkResult] = {}
    all_done = threading.Event()
    lock = threading.Lock()

    def work() -> None:
        with session_factory() as session:
            while (url := scheduler.take()) is not None:
                try:
                    result = probe(session, url, min(options.timeout, max(0.1, deadline - time.monotonic())))
                except Exception as exc:  # a bug in one check must not cost the others
                    log.exception("die Prüfung von %s ist gescheitert", url)
                    result = LinkResult(url, LinkState.UNVERIFIABLE, error=f"interner Fehler: {exc}")
                finally:
                    scheduler.done(url)
                with lock:
                    results[url] = result
                    if len(results) == len(wanted):
                        all_done.set()

    if not wanted:
        return {}
    # Daemon threads: a server that drips its headers cannot keep the command past the deadline.
    for _ in range(min(options.concurrency, len(wanted))):
        threading.Thread(target=work, daemon=True).start()
    all_done.wait(max(0.0, deadline - time.monotonic()))
    scheduler.stop()
    with lock:
        found = dict(results)
    late = f"nicht geprüft: die Gesamtfrist von {options.deadline:g} s war erreicht"
    return _resolver_down({url: found.get(url) or LinkResult(url, LinkState.UNVERIFIABLE, error=late)
                           for url in wanted})


class _Scheduler:
    """Hands out URLs so that no host gets more than ``per_host`` at once, nor two starts within ``delay``."""

    def __init__(self, urls: list[str], options: CheckOptions, deadline: float) -> None:
        self.todo: dict[str, deque[str]] = defaultdict(deque)
        for url in urls:
            self.todo[_host(url)].append(url)
        self.options, self.deadline = options, deadline
        self.active: Counter[str] = Counter()
        self.next_start: dict[str, float] = {}
        self.stopped = False
        self.condition = threading.Condition()

    def take(self) -> str | None:
        """The next URL whose host may be asked now, waiting if need be; None when nothing is left."""
        with self.condition:
            while not self.stopped and time.monotonic() < self.deadline and any(self.todo.values()):
                now, wait = time.monotonic(), self.deadline - time.monotonic()
                for host, queue in self.todo.items():
                    if not queue or self.active[host] >= self.options.per_host:
                        continue
                    ready = self.next_start.get(host, now)
                    if ready <= now:
                        self.active[host] += 1
                        self.next_start[host] = now + self.options.delay
                        return queue.popleft()
                    wait = min(wait, ready - now)
                self.condition.wait(max(wait, 0.001))
            return None

    def done(self, url: str) -> None:
        with self.condition:
            self.active[_host(url)] -= 1
            self.condition.notify_all()

    def stop(self) -> None:
        with self.condition:
            self.stopped = True
            self.condition.notify_all()


def probe(session: requests.Session, url: str, timeout: float) -> LinkResult:
    """Check one URL: HEAD, then GET unless HEAD said ok or asked to slow down (429)."""
    import requests

    try:
        response = _ask(session, "HEAD", url, timeout)
        if not response.ok and response.status_code != 429:
            response = _ask(session, "GET", url, timeout)
    except requests.exceptions.SSLError as exc:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "certificate verify failed" in str(exc):
            return LinkResult(url, LinkState.BROKEN, error="TLS-Zertifikat ungültig")
        return LinkResult(url, LinkState.UNVERIFIABLE, error="TLS-Verbindung gescheitert")
    except requests.Timeout:
        return LinkResult(url, LinkState.UNVERIFIABLE, error=f"keine Antwort innerhalb von {round(timeout, 1):g} s")
    except requests.TooManyRedirects:
        return LinkResult(url, LinkState.UNVERIFIABLE, error=f"mehr als {MAX_REDIRECTS} Weiterleitungen")
    except requests.ConnectionError as exc:
        return _connection_failed(url, exc)
    except requests.RequestException as exc:
        return LinkResult(url, LinkState.UNVERIFIABLE, error=f"Anfrage gescheitert: {type(exc).__name__}")
    return judge(url, response.status_code, response.url, len(response.history))


def _ask(session: requests.Session, method: str, url: str, timeout: float) -> requests.Response:
    # stream=True: GET reads the headers only; closing the response drops the body unread.
    response = session.request(method, url, allow_redirects=True, timeout=timeout, stream=True)
    response.close()
    return response


def judge(url: str, status: int, final_url: str, redirects: int) -> LinkResult:
    """The state an HTTP answer stands for (see the module's rules)."""
    moved = final_url if final_url != url else None
    if 200 <= status < 300:
        return LinkResult(url, LinkState.OK, status, moved, redirects)
    if status in BROKEN_STATUSES:
        return LinkResult(url, LinkState.BROKEN, status, moved, redirects, f"{BROKEN_STATUSES[status]} (HTTP {status})")
    return LinkResult(url, LinkState.UNVERIFIABLE, status, moved, redirects, _unverifiable_reason(status))


def _unverifiable_reason(status: int) -> str:
    if status in (401, 403):
        return f"Zugriff verweigert (HTTP {status}), vermutlich eine Sperre für automatische Abrufe"
    if status == 429:
        return "zu viele Anfragen (HTTP 429); später erneut prüfen"
    if status >= 500:
        return f"Serverfehler (HTTP {status})"
    return f"unerwartete Antwort (HTTP {status})"


def _connection_failed(url: str, exc: BaseException) -> LinkResult:
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            if cause.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                return LinkResult(url, LinkState.BROKEN, error="der Servername existiert nicht (DNS)")
            return LinkResult(url, LinkState.UNVERIFIABLE, error="der Servername ließ sich nicht auflösen (DNS)")
        if isinstance(cause, ConnectionRefusedError):
            return LinkResult(url, LinkState.BROKEN, error="Verbindung abgelehnt")
    return LinkResult(url, LinkState.UNVERIFIABLE, error="Verbindung gescheitert")


def _resolver_down(results: dict[str, LinkResult]) -> dict[str, LinkResult]:
    """No name resolved at all (two or more tried): the machine's DNS is down, not every link broken."""
    named = {_host(url) for url in results if not _is_address(_host(url))}
    failed = {_host(url) for url, r in results.items() if r.error == "der Servername existiert nicht (DNS)"}
    if len(named) < 2 or failed != named:
        return results
    note = "kein Servername ließ sich auflösen; ist die Namensauflösung (DNS) dieses Rechners gestört?"
    return {url: replace(r, state=LinkState.UNVERIFIABLE, error=note) if _host(url) in failed else r
            for url, r in results.items()}


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _is_address(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True
