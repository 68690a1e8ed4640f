"""The PVOG readers: each format recognised by its content and read as the data says (real samples where present)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from support.data import SHARED_DATA

from ozgtrack.errors import SourceError
from ozgtrack.sources import pvog
from ozgtrack.sources.pvog import REGISTRY, EvidenceFormat

WOLMIRSTEDT = "150830565565"
KEY = "99115005104000"
SAMPLES = {
    EvidenceFormat.SUCHDIENST_CSV: (
        "ID-LB|Leikaschlüssel|Name|Name2|Updatedatum|ID-OD|Bezeichnung OD|Links\n"
        f"L100042.LB.1|{KEY}|Wohnsitz Anmeldung|Wohnsitz anmelden|20.01.2025 00:48|L100042.OD.1|Anmeldung|"
        "https://wohnsitzanmeldung.gov.de/\n").encode(),
    EvidenceFormat.SUCHDIENST_JSON: json.dumps({"content": [{
        "id": "S100001.LB.1", "name": "Wohnsitz anmelden", "leikakeys": [KEY], "ars": [WOLMIRSTEDT],
        "lastUpdate": "2026-03-01T10:00:00.123Z",
        "onlineServiceLinks": [{"uri": "https://wohnsitzanmeldung.gov.de/", "title": "Anmeldung", "id": "S.OD.1"}]}]
    }).encode(),
    EvidenceFormat.UEBERSICHT: (
        "ars;kommune;bundesland;leistung;leika;gefunden;ebene;pvogName;onlineDienst;freigabeStelle;pvogStand\n"
        f"{WOLMIRSTEDT};Wolmirstedt;Sachsen-Anhalt;anmeldung;{KEY};true;landesweit;Wohnsitz anmelden;"
        "https://wohnsitzanmeldung.gov.de/;Freie und Hansestadt Hamburg;2026-09-22T08:39:33Z\n").encode(),
    EvidenceFormat.DASHBOARD: (
        "leika_key,leika_name,ars,ozgid,url,online_status,aktiv,art_flaechendeckung,datenstand_pvog_import\n"
        f"{KEY},Wohnsitz Anmeldung,150000000000,10124,https://wohnsitzanmeldung.gov.de/,ok,ja,EfA,2026-05-01\n"
    ).encode(),
}
# What each sample says, by format: (ARS of the entry, its level, its URL, whether it counts as online).
EXPECTED = {
    EvidenceFormat.SUCHDIENST_CSV: ("150000000000", "land", "https://wohnsitzanmeldung.gov.de/", True),
    EvidenceFormat.SUCHDIENST_JSON: (WOLMIRSTEDT, "gemeinde", "https://wohnsitzanmeldung.gov.de/", True),
    EvidenceFormat.UEBERSICHT: ("150000000000", "land", "https://wohnsitzanmeldung.gov.de/", True),
    EvidenceFormat.DASHBOARD: ("150000000000", "land", "https://wohnsitzanmeldung.gov.de/", True),
}


# The ARS each sample is stored for (from its rows; the CSV names none, so the ARS it was asked for) and whether it
# is a complete listing (a per-ARS export) or a sample. The overview's row was asked for Wolmirstedt; its entry is
# the Land's (landesweit).
LISTING = {
    EvidenceFormat.SUCHDIENST_CSV: ((WOLMIRSTEDT,), True),
    EvidenceFormat.SUCHDIENST_JSON: ((WOLMIRSTEDT,), False),
    EvidenceFormat.UEBERSICHT: (("150000000000", WOLMIRSTEDT), False),
    EvidenceFormat.DASHBOARD: (("150000000000",), True),
}


def test_every_format_has_one_entry_and_a_sample():
    assert list(REGISTRY) == list(EvidenceFormat) == list(SAMPLES)


@pytest.mark.parametrize("fmt", list(EvidenceFormat))
def test_each_format_is_detected_and_read(fmt):
    assert pvog.detect(SAMPLES[fmt], "sample") is fmt
    evidence = pvog.read(fmt, SAMPLES[fmt], "sample", WOLMIRSTEDT)
    [entry] = evidence.entries
    assert (entry.leika_key, entry.ars, entry.level.value, entry.url, entry.online) == (KEY, *EXPECTED[fmt])
    assert (evidence.subjects, evidence.complete) == LISTING[fmt]


@pytest.mark.parametrize("fmt", [f for f in EvidenceFormat if f is not EvidenceFormat.SUCHDIENST_CSV])
def test_the_rows_name_the_ars_not_the_caller(fmt):
    """Whatever ARS the caller asked for, a file whose rows name their ARS is that ARS' evidence."""
    evidence = pvog.read(fmt, SAMPLES[fmt], "ars_150010000000.csv", "150010000000")
    assert evidence.subjects == LISTING[fmt][0]


def test_a_suchdienst_csv_needs_the_ars_it_was_asked_for_unless_all_rows_are_the_bunds():
    data = SAMPLES[EvidenceFormat.SUCHDIENST_CSV]
    with pytest.raises(SourceError, match="nennt nicht, für welchen ARS sie abgefragt wurde"):
        pvog.read(EvidenceFormat.SUCHDIENST_CSV, data, f"ars_{WOLMIRSTEDT}.csv", None)
    federal = data.replace(b"L100042.", b"B100019.")
    assert pvog.read(EvidenceFormat.SUCHDIENST_CSV, federal, "x.csv", None).subjects == ("000000000000",)
    with pytest.raises(SourceError, match="nur Einträge der Bundesredaktion.*nicht für ARS 150830565565"):
        pvog.read(EvidenceFormat.SUCHDIENST_CSV, federal, "x.csv", WOLMIRSTEDT)


def test_each_row_of_a_sample_is_stored_under_its_own_ars():
    data = SAMPLES[EvidenceFormat.UEBERSICHT] + (
        f"150010000000;Dessau-Roßlau;Sachsen-Anhalt;anmeldung;{KEY};true;kommunal;Wohnsitz anmelden;"
        "https://dessau.example/anmelden;Stadt Dessau-Roßlau;2026-09-22T08:39:33Z\n"
        f"150010000000;Dessau-Roßlau;Sachsen-Anhalt;bauantrag;99012070006001;true;landesweit;Bauantrag;"
        "https://st.digitalebaugenehmigung.example/dessau-rosslau/de/bauantrag.html;Ministerium;2026-09-22\n").encode()
    evidence = pvog.read(EvidenceFormat.UEBERSICHT, data, "u.csv", None)
    assert evidence.subjects == ("150000000000", "150010000000", WOLMIRSTEDT)
    assert [e.url for e in evidence.of("150000000000")] == ["https://wohnsitzanmeldung.gov.de/"]  # for every Gemeinde
    # A landesweit service, but its address was made for Dessau-Roßlau: Dessau-Roßlau's alone.
    assert sorted(e.url for e in evidence.of("150010000000")) == [
        "https://dessau.example/anmelden", "https://st.digitalebaugenehmigung.example/dessau-rosslau/de/bauantrag.html"]
    assert evidence.of(WOLMIRSTEDT) == ()


def test_html_and_unknown_files_are_refused():
    with pytest.raises(SourceError, match="HTML-Seite"):
        pvog.detect(b"<!DOCTYPE html><html></html>", "x.csv")
    with pytest.raises(SourceError, match="keinem bekannten PVOG-Format"):
        pvog.detect(b"a;b\n1;2\n", "x.csv")


def test_an_inactive_dashboard_service_is_not_online():
    data = SAMPLES[EvidenceFormat.DASHBOARD].replace(b",ok,ja,", b",ok,nein,")
    [entry] = pvog.read(EvidenceFormat.DASHBOARD, data, "x.csv", WOLMIRSTEDT).entries
    assert (entry.url, entry.online) == ("https://wohnsitzanmeldung.gov.de/", False)


def shared(*parts: str):
    path = SHARED_DATA.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"real data not available: {path} is missing (../shared/data sits beside the checkout)")
    return path.read_bytes()


def test_the_real_federal_csv():
    data = shared("pvog-suchdienst-samples-2025-01", "ars_000000000000.csv")
    rows = list(csv.reader(io.StringIO(data.decode()), delimiter="|", quoting=csv.QUOTE_NONE))[1:]

    evidence = pvog.read(pvog.detect(data, "ars.csv"), data, "ars.csv", None)

    assert evidence.rows == len(rows) and not evidence.problems
    assert (evidence.subjects, evidence.complete) == (("000000000000",), True)
    assert sorted((e.leika_key, e.url or "") for e in evidence.entries) == sorted((r[1], r[7]) for r in rows)
    assert {e.level.value for e in evidence.entries} == {"bund"}
    assert all('""' not in e.service_name for e in evidence.entries)  # doubled quotes read as one
    assert evidence.data_date.strftime("%d.%m.%Y") == "20.01.2025"


def test_the_real_detail_json():
    data = shared("pvog-suchdienst-samples-2025-01", "B100019_LB_574711.json")
    item = json.loads(data)

    evidence = pvog.read(pvog.detect(data, "d.json"), data, "d.json", WOLMIRSTEDT)

    assert (evidence.subjects, evidence.complete) == (tuple(item["ars"]), False)
    assert [(e.leika_key, e.ars, e.url) for e in evidence.entries] == [
        (k, a, link["uri"]) for k in item["leikakeys"] for a in item["ars"] for link in item["onlineServiceLinks"]]


def test_the_real_overview_of_dessau_rosslau():
    data = shared("pvog-uebersicht-sachsen-anhalt-2026", "uebersicht_dessau-rosslau.csv")
    rows = list(csv.DictReader(io.StringIO(data.decode()), delimiter=";"))

    evidence = pvog.read(pvog.detect(data, "u.csv"), data, "u.csv", WOLMIRSTEDT)

    found = [r for r in rows if r["gefunden"] == "true"]
    assert len(evidence.entries) == len(found)
    levels = {"bundesweit": "bund", "landesweit": "land"}
    # The digital Baugenehmigung is landesweit, but its address carries Dessau-Roßlau's name: the city's entry.
    for_dessau = {r["leika"] for r in found if "/dessau-rosslau/" in r["onlineDienst"]}
    assert len(for_dessau) == 2
    assert sorted((e.leika_key, e.level.value, e.url or "") for e in evidence.entries) == sorted(
        (r["leika"], "kreis" if r["leika"] in for_dessau else levels.get(r["ebene"], "gemeinde"), r["onlineDienst"])
        for r in found)
    assert (evidence.subjects, evidence.complete) == (("000000000000", "150000000000", "150010000000"), False)
    assert evidence.data_date.date().isoformat() == max(r["pvogStand"] for r in found)[:10]
