"""LeiKa keys, Typisierung and the search fold."""

import pytest

from ozgtrack.leika import LeikaKey, ServiceKind, key_problem, normalize_key, parse_typisierung
from ozgtrack.text import fold


@pytest.mark.parametrize(("key", "kind", "objekt", "verrichtung", "detail"), [
    ("99050012000000", ServiceKind.LO, "99050012", "000", "000"),
    ("99050012104000", ServiceKind.LOV, "99050012", "104", "000"),
    ("99050012104001", ServiceKind.LOVD, "99050012", "104", "001"),
])
def test_key_parts_and_kind(key, kind, objekt, verrichtung, detail):
    parsed = LeikaKey(key)
    assert (parsed.kind, parsed.leistungsobjekt_id, parsed.verrichtung, parsed.detail) == (kind, objekt, verrichtung, detail)
    assert (parsed.gruppierung, parsed.kennung) == (key[2:5], key[5:8])


@pytest.mark.parametrize(("text", "problem"), [
    ("99050012104000", None),
    (" 99 050 012 104 000 ", None),
    ("9905001210400", "der Schlüssel '9905001210400' hat nicht 14 Ziffern"),
    ("9.9050012104E+13", "der Schlüssel '9.9050012104E+13' wurde (von Excel?) in eine Zahl verwandelt; Schlüssel sind 14-stelliger Text"),
    ("", "der Schlüssel ist leer"),
    ("99O50012104000", "der Schlüssel '99O50012104000' hat nicht 14 Ziffern"),
])
def test_key_problem(text, problem):
    assert key_problem(text) == problem


def test_normalize_key_keeps_leading_digits_as_text():
    assert normalize_key("99 008 001 012 000") == "99008001012000"


@pytest.mark.parametrize(("raw", "codes", "unknown", "canonical"), [
    ("2/3", ("2/3",), (), "2/3"),
    ("1, 2/3", ("1", "2/3"), (), "1;2/3"),
    ("2/3;1", ("1", "2/3"), (), "1;2/3"),
    ("1;2/3 ; 1", ("1", "2/3"), (), "1;2/3"),
    ("4B", ("4b",), (), "4b"),
    ("2/3 a", ("2/3a",), (), "2/3a"),
    ("", (), (), None),
    ("x, 5", ("5",), ("x",), "5"),
])
def test_parse_typisierung(raw, codes, unknown, canonical):
    parsed = parse_typisierung(raw)
    assert (parsed.codes, parsed.unknown, parsed.canonical) == (codes, unknown, canonical)


@pytest.mark.parametrize("spelling", ["Führerschein", "Fuehrerschein", "fuhrerschein", "FÜHRERSCHEIN"])
def test_fold_is_umlaut_insensitive(spelling):
    assert fold(spelling) == fold("Führerschein") == "fuhrerschein"


def test_fold_handles_sharp_s_and_accents():
    assert fold("Straße") == fold("Strasse") == "strasse"
    assert fold("Café") == "cafe"
