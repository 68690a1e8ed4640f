"""What a link check found: the three states, one check's result, the stored view, the reports' summary; no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LinkState(StrEnum):
    """What a check says about a link; a page that blocks robots is never counted as offline."""

    OK = "ok"  # answered 2xx (after redirects)
    BROKEN = "broken"  # kaputt: 404, 410, the name is gone, the TLS certificate is invalid, the connection refused
    UNVERIFIABLE = "unverifiable"  # nicht prüfbar: 401, 403, 429, 5xx, timeouts, other answers


# German labels for tables, reports and messages.
STATE_LABEL = {LinkState.OK: "in Ordnung", LinkState.BROKEN: "kaputt", LinkState.UNVERIFIABLE: "nicht prüfbar"}


@dataclass(frozen=True)
class LinkResult:
    """One URL checked: its state, the answer, where redirects led, and why (German, for people)."""

    url: str
    state: LinkState
    http_status: int | None = None
    final_url: str | None = None
    redirects: int = 0
    error: str | None = None


@dataclass(frozen=True)
class LinkCheckView:
    """The newest check of a status's current URL, as `status show` and `status list` show it."""

    state: LinkState
    checked_at: datetime
    http_status: int | None
    final_url: str | None
    redirects: int
    error: str | None


@dataclass(frozen=True)
class CheckedLink:
    """One service's link in a run of `status check-links`."""

    key: str
    name: str
    department: str | None
    url: str
    result: LinkResult


@dataclass(frozen=True)
class LinkRun:
    """A run of `status check-links`: every service's link and its result."""

    ars: str
    municipality: str
    checked_at: datetime
    links: tuple[CheckedLink, ...]
    stored: bool

    def count(self, state: LinkState) -> int:
        return sum(1 for link in self.links if link.result.state is state)


@dataclass(frozen=True)
class BrokenLink:
    """A service whose current link the newest check found broken."""

    key: str
    name: str
    department: str | None
    url: str
    check: LinkCheckView


@dataclass(frozen=True)
class LinkReport:
    """What the chapter and the weekly mail say about links: the newest checks of the current URLs."""

    checked: int  # services whose current URL has been checked
    unverifiable: int
    last_checked_at: datetime
    broken: tuple[BrokenLink, ...]
