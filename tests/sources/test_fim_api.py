"""Reading FIM Portal API pages (leistung-steckbriefe)."""

import json

import pytest

from ozgtrack.errors import SourceError
from ozgtrack.sources.fim_api import parse_page, read_items

ITEM = {
    "leistungsschluessel": "99102013002000", "leistungsbezeichnung": "Hundesteuer Festsetzung",
    "leistungsbezeichnung_2": "Hund anmelden", "typisierung": ["4"], "geaendert_datum_zeit": "2025-03-01T12:00:00+01:00",
    "ozg": [{"leistungsschluessel": "99102013002000", "id": "10160", "leistung": "Hundehaltung",
             "themenfeld": "engagement_hobby", "themenfeld_label": "Engagement & Hobby", "vollzugsbehoerden": []}],
}


def test_page_and_items():
    page = parse_page(json.dumps({"items": [ITEM], "offset": 0, "limit": 200, "count": 1, "total_count": 1}).encode(), "p")
    catalogue = read_items(page.items)

    service = catalogue.services[0]
    assert (service.key, service.name, service.name2, service.typisierung) == (
        "99102013002000", "Hundesteuer Festsetzung", "Hund anmelden", "4")
    assert service.published_at.isoformat() == "2025-03-01T11:00:00"  # stored as UTC
    assert [(m.ozg_id, m.ozg_name, m.themenfeld, m.key) for m in catalogue.members] == [
        ("10160", "Hundehaltung", "engagement_hobby", "99102013002000")]
    assert catalogue.complete


def test_items_with_bad_keys_are_problems_numbered_by_item():
    catalogue = read_items([ITEM, {**ITEM, "leistungsschluessel": "x"}, ITEM], complete=False)
    assert [str(p) for p in catalogue.problems] == [
        "Eintrag 2: der Schlüssel 'x' hat nicht 14 Ziffern", "Eintrag 3: doppelter Schlüssel 99102013002000 (zuerst in Eintrag 1)"]
    assert not catalogue.complete


@pytest.mark.parametrize(("body", "message"), [
    (b"<!DOCTYPE html><html></html>", "antwortete mit einer HTML-Seite statt mit JSON"),
    (b"{not json", "antwortete nicht mit gültigem JSON"),
    (b'{"detail": "rate limited"}', "hat keine Liste 'items'"),
    (b'{"items": [], "total_count": "many"}', "kein gültiges 'total_count'/'offset'"),
    (b'{"items": [1, 2], "total_count": 2}', "'items' enthält etwas anderes als Objekte"),
])
def test_malformed_pages(body, message):
    with pytest.raises(SourceError, match=message):
        parse_page(body, "page")
