"""Reader of the catalogue download page (``https://fimportal.de/kataloge``): find the LeiKa file link."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from ozgtrack.errors import SourceError

DEFAULT_PATTERN = r"leika_leistungen_de\.csv(\.zip)?$"


def find_link(html: bytes, page_url: str, pattern: str = DEFAULT_PATTERN) -> str:
    """The absolute URL of the first link whose path matches ``pattern`` (zip preferred over bare CSV)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    wanted = re.compile(pattern, re.IGNORECASE)
    links = []
    for anchor in soup.find_all("a", href=True):
        url = urljoin(page_url, anchor["href"].strip())
        if url.startswith(("http://", "https://")) and wanted.search(url.split("?", 1)[0].split("#", 1)[0]):
            links.append(url)
    if not links:
        raise SourceError(
            f"auf {page_url} steht kein Link, der zu {pattern!r} passt; "
            "setzen Sie [sources.leika] url in der Konfiguration oder geben Sie --from an"
        )
    return min(links, key=lambda url: (not url.split("?", 1)[0].lower().endswith(".zip"), links.index(url)))
