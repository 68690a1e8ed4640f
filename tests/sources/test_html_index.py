"""Finding the LeiKa download on the catalogue page."""

import pytest

from ozgtrack.errors import SourceError
from ozgtrack.sources.html_index import find_link

PAGE = b"""<!DOCTYPE html><html><body>
<a href="/kataloge/leika_leistungen_de.csv">CSV</a>
<a href="/kataloge/leika_leistungen_de.csv.zip?v=2">Download (ZIP)</a>
<a href="mailto:leika@example.org">Kontakt</a>
<a href="javascript:void(0)">leika_leistungen_de.csv.zip</a>
</body></html>"""


def test_prefers_the_zip_and_resolves_relative_links():
    assert find_link(PAGE, "https://fimportal.de/kataloge") == "https://fimportal.de/kataloge/leika_leistungen_de.csv.zip?v=2"


def test_page_without_link_is_an_error():
    with pytest.raises(SourceError, match="auf https://fimportal.de/kataloge steht kein Link, der zu .* passt"):
        find_link(b"<html><a href='/impressum'>Impressum</a></html>", "https://fimportal.de/kataloge")
