"""Reading the OZG-Umsetzungskatalog as a flat CSV (German and snake_case headers)."""

import pytest
from support.catalogue import read_flat

from ozgtrack.errors import SourceError
from ozgtrack.records import Source
from ozgtrack.sources import detect, ozg_catalog, read_file

GERMAN = (
    "Themenfeld;Lebens-/Geschäftslage;OZG-ID;OZG-Leistung;LeiKa-Bezeichnung;LeiKa-Schlüssel;Typ;Rechtsgrundlage\r\n"
    "Bauen & Wohnen;Wohnen & Umzug;10124;Wohnsitzmeldungen;Wohnsitz Anmeldung;99115005104000;2/3;§ 17 BMG\r\n"
    "Querschnitt ;Querschnitt Bürger;10559;Meldebescheinigung und -registerauskunft;Wohnsitz Anmeldung;"
    "99115005104000;2/3;§ 17 BMG\r\n"
    "Engagement & Hobby;Engagement & Beteiligung;10136;Mängel melden;Mängelmelder;nicht im LeiKa;5;\r\n"
)


def test_german_headers_and_rows_without_key():
    catalogue = ozg_catalog.read(GERMAN.encode("cp1252"), "katalog.csv")

    assert [(m.ozg_id, m.key, m.leika_name, m.lage, m.themenfeld) for m in catalogue.members] == [
        ("10124", "99115005104000", "Wohnsitz Anmeldung", "Wohnen & Umzug", "Bauen & Wohnen"),
        ("10559", "99115005104000", "Wohnsitz Anmeldung", "Querschnitt Bürger", "Querschnitt"),
        ("10136", None, "Mängelmelder", "Engagement & Beteiligung", "Engagement & Hobby"),
    ]
    assert [(s.key, s.typisierung, s.legal_basis) for s in catalogue.services] == [("99115005104000", "2/3", "§ 17 BMG")]
    assert catalogue.problems == ()


def test_real_flat_file_with_snake_case_headers(flat_csv):
    flat = read_flat(flat_csv)
    catalogue = ozg_catalog.read(flat_csv.read_bytes(), flat_csv.name)

    assert catalogue.rows == len(flat)
    assert len(catalogue.services) == len({r["leika_schluessel"] for r in flat if r["leika_schluessel"].isdigit()})
    assert {m.ozg_id for m in catalogue.members} == {r["ozg_id"] for r in flat}
    # The one real duplicate: the same keyless row twice in OZG-Leistung 10280 (it differs only in its SDG flags).
    assert [p.line for p in catalogue.problems] == [4745]


@pytest.mark.parametrize(("row", "message"), [
    ("Umwelt;Abfall;abc;X;Name;99115005104000;1;", "die OZG-ID 'abc' ist keine Zahl"),
    ("Umwelt;Abfall;10001;X;;;1;", "die Zeile hat weder einen LeiKa-Schlüssel noch eine LeiKa-Bezeichnung"),
    ("Umwelt;Abfall;10001;X;Name;99-115;1;", "der Schlüssel '99-115' hat nicht 14 Ziffern"),
])
def test_invalid_rows(row, message):
    header = GERMAN.split("\r\n", 1)[0]
    catalogue = ozg_catalog.read(f"{header}\n{row}\n".encode(), "katalog.csv")
    assert [str(p) for p in catalogue.problems] == [f"Zeile 2: {message}"]


def test_source_is_detected_from_the_header(flat_csv):
    assert detect(GERMAN.encode("cp1252"), "a.csv") is Source.OZG
    assert detect(flat_csv.read_bytes(), "b.csv") is Source.OZG
    assert detect(b"Schluessel;Bezeichnung\n", "c.csv") is Source.LEIKA
    assert detect(b'{"items": []}', "d.json") is Source.FIM
    with pytest.raises(SourceError, match="ist eine HTML-Seite"):
        detect(b"<!doctype html><title>x</title>", "e.csv")


def test_html_page_is_not_read_as_data():
    with pytest.raises(SourceError, match="ist eine HTML-Seite"):
        read_file(Source.OZG, b"  <html><body>Fehler 500</body></html>", "katalog.csv")
