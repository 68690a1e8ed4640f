"""The ARS value: its parts and the levels above it."""

import pytest

from ozgtrack.ars import BUND, Ars

WOLMIRSTEDT = Ars("150830565565")  # verbandsfrei, Landkreis Börde
ANGERN = Ars("150835051030")  # member of the Verbandsgemeinde Elbe-Heide
DESSAU = Ars("150010000000")  # kreisfreie Stadt
BERLIN = Ars("110000000000")  # Stadtstaat


def test_the_parts_of_an_ars():
    assert (ANGERN.land, ANGERN.kreis, ANGERN.verband_part, ANGERN.verband, ANGERN.ags) == (
        "15", "15083", "5051", "150835051", "15083030")
    assert WOLMIRSTEDT.verband is None and WOLMIRSTEDT.verband_part == "0565"
    assert str(ANGERN) == "150835051030"


@pytest.mark.parametrize(("ars", "above"), [
    (ANGERN, ("150835051000", "150830000000", "150000000000", BUND)),
    (WOLMIRSTEDT, ("150830000000", "150000000000", BUND)),
    (DESSAU, ("150000000000", BUND)),
    (Ars("150835051000"), ("150830000000", "150000000000", BUND)),
    (BERLIN, (BUND,)),
    (Ars(BUND), ()),
])
def test_the_levels_above_nearest_first(ars, above):
    assert tuple(str(a) for a in ars.above()) == above


@pytest.mark.parametrize(("ars", "bund", "land", "bezirk", "kreisfrei", "verband", "gemeindefrei"), [
    (Ars(BUND), True, False, False, True, False, False),
    (BERLIN, False, True, False, True, False, False),
    (Ars("091000000000"), False, False, True, True, False, False),
    (DESSAU, False, False, False, True, False, False),
    (Ars("150835051000"), False, False, False, False, True, False),
    (ANGERN, False, False, False, False, False, False),
    (Ars("150839001000"), False, False, False, False, False, True),
])
def test_what_an_ars_is(ars, bund, land, bezirk, kreisfrei, verband, gemeindefrei):
    assert (ars.is_bund, ars.is_land, ars.is_regierungsbezirk, ars.kreisfrei, ars.is_verband, ars.gemeindefrei) == (
        bund, land, bezirk, kreisfrei, verband, gemeindefrei)


def test_land_and_kreis_from_their_codes():
    assert (Ars.of_land("15"), Ars.of_land("1"), Ars.of_kreis("15083")) == (
        Ars("150000000000"), Ars("010000000000"), Ars("150830000000"))
    assert (ANGERN.land_ars(), ANGERN.kreis_ars(), WOLMIRSTEDT.verband_ars()) == (
        Ars("150000000000"), Ars("150830000000"), None)


@pytest.mark.parametrize("text", ["15083056556", "1508305655650", "15083O565565", "", "１５０８３０５６５５６５"])
def test_anything_but_twelve_digits_is_refused(text):
    with pytest.raises(ValueError, match="kein ARS"):
        Ars(text)
