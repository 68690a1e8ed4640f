"""Names of Länder, Kreise and Verbandsgemeinden: the shipped file checked strictly, and the regions named by ARS.

The file is checked as it lies on disk (tomllib, not ozgtrack.town.regions), and its Kreise and Verbandsgemeinden
against the real Destatis ARS list in ../shared/data where it is there.
"""

import csv
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from support.data import SHARED_DATA

from ozgtrack.town import regions

FILE = Path(__file__).resolve().parents[1] / "catalog" / "gebiete.toml"
ARS_LIST = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"
KREIS_KINDS = {"Landkreis", "Kreis", "Kreisfreie Stadt", "Stadtkreis", "Regionalverband"}
TOWN_PREFIXES = ("Stadt ", "Landeshauptstadt ", "Hansestadt ", "Freie und Hansestadt ")


@pytest.fixture(scope="module")
def table():
    with FILE.open("rb") as f:
        return tomllib.load(f)


def _clean(text):
    return isinstance(text, str) and text == text.strip() and "  " not in text and text != ""


def test_the_file_has_the_three_tables_and_every_land(table):
    assert set(table) == {"laender", "kreise", "verbaende"}
    assert list(table["laender"]) == [f"{n:02d}" for n in range(1, 17)]
    assert all(_clean(name) for name in table["laender"].values())
    assert table["laender"]["15"] == "Sachsen-Anhalt" and len(set(table["laender"].values())) == 16


def test_every_kreis_is_valid_belongs_to_its_land_and_names_its_kind(table):
    problems = []
    for code, entry in table["kreise"].items():
        if len(code) != 5 or not code.isdigit() or code[:2] not in table["laender"]:
            problems.append(f"{code}: kein Kreisschlüssel eines Landes")
        if set(entry) != {"art", "name"} or entry["art"] not in KREIS_KINDS or not _clean(entry["name"]):
            problems.append(f"{code}: {entry}")
        elif entry["art"] in regions.KREISFREI and not entry["name"].startswith(TOWN_PREFIXES):
            problems.append(f"{code}: eine kreisfreie Stadt heißt „Stadt …“: {entry['name']}")
        elif entry["art"] not in regions.KREISFREI and not (
                "kreis" in entry["name"].lower() or entry["name"].startswith(("Region ", "Städteregion ",
                                                                              "Regionalverband "))):
            problems.append(f"{code}: der Name sagt nicht, was für ein Kreis es ist: {entry['name']}")
    duplicates = [name for name, n in Counter(e["name"] for e in table["kreise"].values()).items() if n > 1]
    assert problems == [] and duplicates == []
    assert len(table["kreise"]) == 400  # 294 Landkreise and 106 kreisfreie Städte (Destatis, 2024)


def test_every_verband_is_valid_and_belongs_to_a_landkreis(table):
    problems = []
    for code, entry in table["verbaende"].items():
        kreis = table["kreise"].get(code[:5])
        if len(code) != 9 or not code.isdigit() or code[5] != "5" or kreis is None \
                or kreis["art"] in regions.KREISFREI:
            problems.append(f"{code}: kein Verband (Land, Kreis, 5…) eines Landkreises")
        if set(entry) != {"art", "name"} or entry["art"] != "Verbandsgemeinde" or not _clean(entry["name"]):
            problems.append(f"{code}: {entry}")
    names = Counter(e["name"] for e in table["verbaende"].values())
    assert problems == [] and [n for n, count in names.items() if count > 1] == []
    assert len(table["verbaende"]) == 18  # Sachsen-Anhalt's Verbandsgemeinden


@pytest.fixture(scope="module")
def ars_list():
    if not ARS_LIST.is_file():
        pytest.skip(f"real data not available: {ARS_LIST} is missing (../shared/data sits beside the checkout)")
    with ARS_LIST.open(encoding="utf-8") as f:
        # Hamburg's and Berlin's Stadtteile and the gemeindefreie Gebiete (Verband 9…) lie in no Kreis of their own.
        return [row["ars"] for row in csv.DictReader(f) if not row["hinweis"] and row["ars"][5] != "9"]


def test_the_kreise_are_those_of_the_destatis_list(table, ars_list):
    assert set(table["kreise"]) == {ars[:5] for ars in ars_list}


def test_the_verbandsgemeinden_of_sachsen_anhalt_are_those_of_the_destatis_list(table, ars_list):
    assert set(table["verbaende"]) == {ars[:9] for ars in ars_list if ars.startswith("15") and ars[5] == "5"}


@pytest.mark.parametrize(("ars", "label"), [
    ("000000000000", "Bund"),
    ("150000000000", "Land Sachsen-Anhalt"),
    ("110000000000", "Land Berlin"),  # a Stadtstaat's ARS is its Land's
    ("150830000000", "Landkreis Börde"),
    ("150840000000", "Burgenlandkreis"),
    ("150010000000", "Stadt Dessau-Roßlau"),
    ("150030000000", "Landeshauptstadt Magdeburg"),
    ("051540000000", "Kreis Kleve"),
    ("150835051000", "Verbandsgemeinde Elbe-Heide"),
    ("091000000000", "Regierungsbezirk 091"),
    ("160990000000", "Kreis 16099"),  # unknown: the code, never a guess
    ("990000000000", "Land 99"),
    ("150835099000", "Gemeindeverband 150835099"),
    ("150830565565", "Gemeinde 150830565565"),
])
def test_region_label(ars, label):
    assert regions.region_label(ars) == label


def test_the_names_of_a_municipalitys_places():
    wolmirstedt, angern, wernigerode = "150830565565", "150835051030", "150850370370"
    assert [regions.land_name(wolmirstedt), regions.kreis_name(wolmirstedt), regions.verband_name(wolmirstedt)] == [
        "Sachsen-Anhalt", "Landkreis Börde", None]
    assert regions.verband_name(angern) == "Verbandsgemeinde Elbe-Heide"
    assert regions.kreis_name(wernigerode) == "Landkreis Harz" and regions.kreis_name("15085") == "Landkreis Harz"
    assert [regions.kreis_name("16099"), regions.land_name("99"), regions.verband_name("150835099001")] == [
        None, None, None]
    with pytest.raises(ValueError):
        regions.region_label("15083")


@pytest.mark.parametrize(("destatis", "shown"), [
    ("Wolmirstedt, Stadt", "Stadt Wolmirstedt"), ("Eisleben, Lutherstadt", "Lutherstadt Eisleben"),
    ("Diesdorf, Flecken", "Flecken Diesdorf"), ("Barleben", "Barleben"),
    ("Hagen, Stadt der FernUniversität", "Hagen"), ("Kassel, documenta-Stadt", "Kassel"),
])
def test_town_name(destatis, shown):
    assert regions.town_name(destatis) == shown
