"""The one clock: the moment (UTC, stored without a zone) and the town's date; every "now" of the code asks here."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current moment in UTC, without a zone: how the database stores every timestamp."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """The local date: "verified today", staleness, the current year of a report."""
    return date.today()


def local_now() -> datetime:
    """The local wall-clock moment, for names a person reads (a backup file's time stamp)."""
    return datetime.now()
