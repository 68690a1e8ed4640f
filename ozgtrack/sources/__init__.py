"""Outside data in: the readers (bytes in, :class:`~ozgtrack.records.Catalogue` out; no network, no database),
downloads with an injected session (``fetch``) and local input files (``files``); nothing here touches the database.

The registry below is the one list of catalogue sources. A new source is a reader module, a
member of :class:`~ozgtrack.records.Source`, one line in ``REGISTRY`` and a section in
``catalog/sources.toml``; ``tests/test_sources_registry.py`` checks that nothing is missing. The
database stores the name as plain text (migration 0005), so no migration is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ozgtrack import wording
from ozgtrack.errors import SourceError
from ozgtrack.records import Catalogue, Source
from ozgtrack.sources import fim_api, leika_csv, ozg_catalog
from ozgtrack.sources._text import first_line, header_key, looks_like_html, sniff_delimiter

__all__ = ["REGISTRY", "Sample", "SourceEntry", "check_problem_share", "detect", "looks_like_html", "read_file",
           "source_of_url"]

# More than this share of invalid rows means the file is not what it claims to be.
MAX_PROBLEM_SHARE = 0.01


class Sample:
    """The start of a file as the detectors see it; the CSV header is read only when a detector asks."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name

    @property
    def is_json(self) -> bool:
        return self.data.lstrip()[:1] in (b"{", b"[")

    @cached_property
    def headers(self) -> frozenset[str]:
        """The first line's column names after :func:`header_key` (a zip is opened first); none for JSON."""
        if self.is_json:
            return frozenset()
        header = first_line(self.data, self.name, leika_csv.MEMBER_NAME)
        return frozenset(header_key(h) for h in header.split(sniff_delimiter(header)))


@dataclass(frozen=True)
class SourceEntry:
    """Everything the program knows about one catalogue source; its [sources.NAME] settings hold the URLs."""

    source: Source
    label: str  # the source in --help (German, as everything a person reads)
    label_de: str  # German, for what a person reads
    kind: str  # "das ist kein {kind}" when too many rows are invalid (German, with its article)
    detect: Callable[[Sample], bool]  # does a file look like this source?
    read: Callable[[bytes, str], Catalogue]
    rank: int  # when several sources list a service, the highest rank owns its values
    api_path: str | None = None  # an API, known by the end of its URL path (catalogue.sync pages through it)

    @property
    def name(self) -> str:
        return self.source.value


_OZG_MARKERS = {"ozgid", "ozgleistung"}
_LEIKA_KEYS = {"schluessel", "leistungsschluessel"}  # the export's key column, without an OZG-ID beside it

# One line per source. Detection asks them in this order, the fallback last: a file no detector
# claims is read as LeiKa, whose reader then names the columns it misses.
REGISTRY: dict[Source, SourceEntry] = {e.source: e for e in (
    SourceEntry(Source.LEIKA, "der LeiKa-Export als CSV (Standard-Download: von fimportal.de/kataloge)",
                "LeiKa-Export (Leistungskatalog)", "LeiKa-Export", lambda s: bool(_LEIKA_KEYS & s.headers),
                leika_csv.read, rank=2),
    SourceEntry(Source.OZG, "der OZG-Umsetzungskatalog als flache CSV", "OZG-Umsetzungskatalog", "OZG-Umsetzungskatalog",
                lambda s: _OZG_MARKERS <= s.headers, ozg_catalog.read, rank=1),
    SourceEntry(Source.FIM, "die Schnittstelle des FIM-Portals", "FIM-Portal (Schnittstelle)", "FIM-Katalog",
                lambda s: s.is_json, fim_api.read, rank=2, api_path="/leistung-steckbriefe"),
)}
FALLBACK = Source.LEIKA


def detect(data: bytes, name: str) -> Source:
    """Guess the source of a file: the first registered detector that claims it, else LeiKa."""
    if looks_like_html(data):
        raise SourceError(f"{name} ist eine HTML-Seite, keine Katalogdatei")
    sample = Sample(data, name)
    order = sorted(REGISTRY.values(), key=lambda e: e.source is FALLBACK)
    return next((e.source for e in order if e.detect(sample)), FALLBACK)


def source_of_url(url: str) -> Source | None:
    """The API source whose path ``url`` ends with; None when only the content can tell."""
    path = url.split("?", 1)[0].rstrip("/")
    return next((e.source for e in REGISTRY.values() if e.api_path and path.endswith(e.api_path)), None)


def read_file(source: Source, data: bytes, name: str) -> Catalogue:
    """Read a downloaded or local file of ``source`` and refuse it when too many rows are invalid."""
    if looks_like_html(data):
        raise SourceError(f"{name} ist eine HTML-Seite (eine Fehler- oder Anmeldeseite?), keine Katalogdatei "
                          f"({wording.SOURCE[source.value]})")
    catalogue = REGISTRY[source].read(data, name)
    check_problem_share(catalogue, name)
    return catalogue


def check_problem_share(catalogue: Catalogue, name: str) -> None:
    """Refuse a release with no valid rows or with more than 1 % invalid rows."""
    bad, rows = len(catalogue.problems), catalogue.rows
    if rows == 0:
        raise SourceError(f"{name} enthält keine Datenzeilen")
    if bad > rows * MAX_PROBLEM_SHARE or bad == rows:
        shown = "; ".join(str(p) for p in catalogue.problems[:5])
        share = wording.decimal(round(bad / rows * 100, 1), 1)
        raise SourceError(
            f"{name}: {wording.number(bad)} von {wording.plural(rows, 'Zeile', 'Zeilen')} ({share} %) "
            f"{'ist' if bad == 1 else 'sind'} ungültig, das ist also kein {REGISTRY[catalogue.source].kind}; "
            f"{wording.NOTHING_CHANGED}. Die ersten Probleme: {shown}"
        )
