"""Source readers: bytes in, :class:`~ozgtrack.records.Catalogue` out; no network, no database."""

from __future__ import annotations

from ozgtrack.errors import SourceError
from ozgtrack.records import Catalogue, Source
from ozgtrack.sources import fim_api, leika_csv, ozg_catalog
from ozgtrack.sources._text import first_line, header_key, looks_like_html, sniff_delimiter

# More than this share of invalid rows means the file is not what it claims to be.
MAX_PROBLEM_SHARE = 0.01
_OZG_MARKERS = {"ozgid", "ozgleistung"}


def detect(data: bytes, name: str) -> Source:
    """Guess the source of a file: JSON pages are FIM, a header with OZG-ID is the OZG catalogue, else LeiKa."""
    if looks_like_html(data):
        raise SourceError(f"{name} is an HTML page, not a catalogue file")
    if data.lstrip()[:1] in (b"{", b"["):
        return Source.FIM
    header = first_line(data, name, leika_csv.MEMBER_NAME)
    headers = {header_key(h) for h in header.split(sniff_delimiter(header))}
    return Source.OZG if _OZG_MARKERS <= headers else Source.LEIKA


def read_file(source: Source, data: bytes, name: str) -> Catalogue:
    """Read a downloaded or local file of ``source`` and refuse it when too many rows are invalid."""
    if looks_like_html(data):
        raise SourceError(f"{name} is an HTML page (an error or login page?), not a {source.value} catalogue file")
    if source is Source.FIM:
        page = fim_api.parse_page(data, name)
        catalogue = fim_api.read_items(page.items)
    else:
        catalogue = (leika_csv if source is Source.LEIKA else ozg_catalog).read(data, name)
    check_problem_share(catalogue, name)
    return catalogue


def check_problem_share(catalogue: Catalogue, name: str) -> None:
    """Refuse a release with no valid rows or with more than 1 % invalid rows."""
    bad, rows = len(catalogue.problems), catalogue.rows
    if rows == 0:
        raise SourceError(f"{name} has no data rows")
    if bad > rows * MAX_PROBLEM_SHARE or bad == rows:
        shown = "; ".join(str(p) for p in catalogue.problems[:5])
        kind = "a LeiKa export" if catalogue.source is Source.LEIKA else f"a {catalogue.source.value} catalogue"
        raise SourceError(
            f"{name}: {bad} of {rows} rows ({bad / rows:.1%}) are invalid, so this is not {kind}; "
            f"nothing was changed. First problems: {shown}"
        )
