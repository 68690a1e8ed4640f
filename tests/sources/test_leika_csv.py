"""Reading the official LeiKa export: encodings, delimiters, zip, columns by name, invalid rows."""

import codecs

import pytest
from support.catalogue import leika_csv, leika_zip

from ozgtrack.errors import SourceError
from ozgtrack.sources import check_problem_share, leika_csv as reader

ROWS = [
    {"Schluessel": "99102013002000", "Bezeichnung": "Hundesteuer Festsetzung", "Bezeichnung2": "Hund anmelden",
     "Typ": "4", "Synonyme": "Hundemarke| Hund anmelden |", "Veröffentlichungsdatum": "02.11.2023 08:40",
     "Handlungsgrundlage": "KAG LSA", "Besondere Merkmale": "Gebühr"},
    {"Schluessel": "99115005104000", "Bezeichnung": "Wohnsitz Anmeldung", "Typ": "1, 2/3"},
]


@pytest.mark.parametrize(("encoding", "delimiter", "bom", "zipped"), [
    ("cp1252", ";", False, True),
    ("cp1252", ";", False, False),
    ("utf-8", ",", False, False),
    ("utf-8", ";", True, True),
])
def test_reads_every_export_form(encoding, delimiter, bom, zipped):
    data = (leika_zip if zipped else leika_csv)(ROWS, encoding=encoding, delimiter=delimiter)
    if bom:
        data = leika_zip(ROWS, encoding="utf-8-sig", delimiter=delimiter) if zipped else codecs.BOM_UTF8 + data

    catalogue = reader.read(data, "leika.csv")

    first = catalogue.services[0]
    assert (first.key, first.name, first.name2, first.typisierung) == (
        "99102013002000", "Hundesteuer Festsetzung", "Hund anmelden", "4")
    assert (first.synonyms, first.features, first.legal_basis) == (("Hundemarke", "Hund anmelden"), ("Gebühr",), "KAG LSA")
    assert first.published_at.isoformat() == "2023-11-02T07:40:00"  # 08:40 in Germany (CET) is 07:40 UTC
    assert catalogue.services[1].typisierung == "1, 2/3"
    assert (catalogue.rows, catalogue.problems, catalogue.members) == (2, (), None)


def test_columns_found_by_name_in_any_order_unknown_ignored():
    header = ["Neue Spalte", "Typ", "Bezeichnung", "Schlüssel"]
    data = leika_csv([{"Neue Spalte": "x", "Typ": "5", "Bezeichnung": "Grabstelle", "Schlüssel": "99101001107000"}],
                     header=header)

    service = reader.read(data, "leika.csv").services[0]

    assert (service.key, service.name, service.typisierung, service.synonyms) == ("99101001107000", "Grabstelle", "5", None)


def test_missing_key_column_is_a_clear_error():
    with pytest.raises(SourceError, match=r"in leika.csv fehlt die Spalte 'schluessel' \(die Kopfzeile hat: Bezeichnung, Typ\)"):
        reader.read(leika_csv([{"Bezeichnung": "x", "Typ": "1"}], header=["Bezeichnung", "Typ"]), "leika.csv")


def test_invalid_and_duplicate_keys_are_reported_with_line_numbers():
    rows = [{"Schluessel": "99102013002000", "Bezeichnung": "A"},
            {"Schluessel": "9,9102E+13", "Bezeichnung": "B"},
            {"Schluessel": "99102013002000", "Bezeichnung": "C\nzweizeilig"},
            {"Schluessel": "123", "Bezeichnung": "D"}]

    catalogue = reader.read(leika_csv(rows), "leika.csv")

    assert [s.key for s in catalogue.services] == ["99102013002000"]
    assert [str(p) for p in catalogue.problems] == [
        "Zeile 3: der Schlüssel '9,9102E+13' wurde (von Excel?) in eine Zahl verwandelt; Schlüssel sind 14-stelliger Text",
        "Zeile 4: doppelter Schlüssel 99102013002000 (zuerst in Zeile 2)",
        "Zeile 6: der Schlüssel '123' hat nicht 14 Ziffern",
    ]


def test_more_than_one_percent_invalid_rows_is_not_a_leika_export():
    rows = [{"Schluessel": f"99001001{i:03d}000", "Bezeichnung": f"L{i}"} for i in range(198)]
    rows += [{"Schluessel": "x", "Bezeichnung": "kaputt"}] * 2
    catalogue = reader.read(leika_csv(rows), "leika.csv")
    check_problem_share(catalogue, "leika.csv")  # 2 of 200 = 1 %: accepted

    rows.append({"Schluessel": "y", "Bezeichnung": "kaputt"})
    with pytest.raises(SourceError, match=r"3 von 201 Zeilen \(1,5 %\) sind ungültig, das ist also kein LeiKa-Export"):
        check_problem_share(reader.read(leika_csv(rows), "leika.csv"), "leika.csv")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "leika.csv ist leer"),
    (leika_csv(ROWS, encoding="utf-16"), "leika.csv ist in UTF-16 kodiert"),
    (b"Schluessel;Bezeichnung\r\n\x00\x01\x02", "enthält Binärdaten"),
    (b"PK\x03\x04broken", "ist kein vollständiges zip-Archiv"),
    (codecs.BOM_UTF8 + b"Schluessel;Bezeichnung\n99115005104000;\xfc", "beginnt mit einer UTF-8-Markierung, aber Zeile 2 ist kein UTF-8"),
])
def test_broken_files_are_refused_with_a_reason(data, message):
    with pytest.raises(SourceError, match=message):
        reader.read(data, "leika.csv")


def test_zip_without_the_export_names_its_members():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.csv", "x")
        archive.writestr("b.csv", "y")
    with pytest.raises(SourceError, match="im zip-Archiv wurde leika_leistungen_de.csv erwartet, gefunden: a.csv, b.csv"):
        reader.read(out.getvalue(), "leika.zip")
