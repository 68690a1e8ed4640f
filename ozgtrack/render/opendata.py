"""The open-data files: each table as CSV (RFC 4180, UTF-8, cells safe in Excel) and JSON, and DCAT-AP.de metadata.

Pure: the value in, the bytes of each file out. The metadata (JSON-LD) describes the other files
with their size and SHA-256, so it is made from their bytes, last.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from ozgtrack.cells import plain_csv
from ozgtrack.render.common import dumps, to_jsonable
from ozgtrack.views.opendata import OpenData, Table
from ozgtrack.views.opendata_terms import LABELS, YES_NO

METADATA = "metadaten.jsonld"
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
FILE_TYPES = {"csv": "CSV", "json": "JSON"}

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "dcatde": "http://dcat-ap.de/def/dcatde/",
    "dcatap": "http://data.europa.eu/r5r/", "foaf": "http://xmlns.com/foaf/0.1/", "spdx": "http://spdx.org/rdf/terms#",
    "adms": "http://www.w3.org/ns/adms#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"


def files(data: OpenData) -> dict[str, bytes]:
    """Every file of the set by name: ``NAME.csv`` and ``NAME.json`` per table, then the metadata."""
    out: dict[str, bytes] = {}
    for table in data.tables:
        out[f"{table.name}.csv"] = csv_text(table).encode("utf-8")
        out[f"{table.name}.json"] = json_text(table).encode("utf-8")
    out[METADATA] = metadata(data, out).encode("utf-8")
    return out


def csv_text(table: Table) -> str:
    """German headers, German words for coded values (ja/nein, Gemeinde …); every cell neutralised for Excel."""
    return plain_csv([c.header for c in table.columns], ([_cell(table.name, c.key, v) for c, v in zip(
        table.columns, row, strict=True)] for row in table.rows))


def _cell(table: str, key: str, value: Any) -> Any:
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, tuple):
        return " ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return LABELS.get((table, key), {}).get(value, value) if value is not None else None


def json_text(table: Table) -> str:
    """A list of objects with the English column keys and the values themselves (true/false, lists, null)."""
    keys = [c.key for c in table.columns]
    return dumps([dict(zip(keys, row, strict=True)) for row in table.rows])


# --- DCAT-AP.de -------------------------------------------------------------------------------------


def metadata(data: OpenData, written: dict[str, bytes]) -> str:
    """A dcat:Catalog with one dcat:Dataset and a dcat:Distribution per file, as JSON-LD (DCAT-AP.de 3.0)."""
    graph = [_catalog(data), _publisher(data), _dataset(data, written)]
    graph += [_distribution(data, name, content) for name, content in written.items()]
    return json.dumps({"@context": CONTEXT, "@graph": graph}, ensure_ascii=False, indent=2) + "\n"


def listed_files(metadata_text: bytes) -> list[str]:
    """The files an export's metadata names (its distributions, ``"@id": "#status.csv"``): what the export wrote,
    and so what a later export may replace. The inverse of :func:`metadata`; ValueError when it is none."""
    document = json.loads(metadata_text.decode("utf-8"))
    graph = document.get("@graph") if isinstance(document, dict) else None
    if not isinstance(graph, list):
        raise ValueError("keine DCAT-Metadaten")
    return [item["@id"][1:] for item in graph if isinstance(item, dict) and item.get("@type") == "dcat:Distribution"
            and isinstance(item.get("@id"), str) and item["@id"].startswith("#")]


def _title(data: OpenData) -> str:
    return f"Online-Stand der Verwaltungsleistungen {data.year}: {data.scope_label}"


def _de(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "de"}


def _typed(value: Any, kind: str) -> dict[str, str]:
    text = to_jsonable(value) if isinstance(value, (date, datetime)) else str(value)
    return {"@value": text, "@type": f"xsd:{kind}"}


def _ref(uri: str) -> dict[str, str]:
    return {"@id": uri}


def _catalog(data: OpenData) -> dict[str, Any]:
    return {"@id": "#katalog", "@type": "dcat:Catalog", "dct:title": _de(f"Offene Daten: {_title(data)}"),
            "dct:description": _de("Von ozgtrack erzeugter Katalog eines Jahresdatensatzes zum Online-Stand der "
                                   "Verwaltungsleistungen (OZG)."),
            "dct:publisher": _ref("#herausgeber"), "dct:language": _ref(f"{EU}language/DEU"),
            "dct:issued": _typed(data.generated_at, "dateTime"), "dct:license": _ref(data.license),
            "dcat:dataset": _ref("#datensatz")}


def _publisher(data: OpenData) -> dict[str, Any]:
    return {"@id": "#herausgeber", "@type": "foaf:Agent", "foaf:name": data.publisher}


def _dataset(data: OpenData, written: dict[str, bytes]) -> dict[str, Any]:
    how = ("nachvollzogen aus dem Verlauf aller Änderungen" if data.replayed else "wie am Tag der Ausgabe erfasst")
    description = (f"Welche Verwaltungsleistungen die Gemeinden ({data.scope_label}) selbst anbieten müssen, wer die "
                   f"übrigen vollzieht und wie weit sie online sind, Stichtag {data.as_of:%d.%m.%Y} ({how}). "
                   f"Katalog: {'; '.join(data.catalogue)}. Die Begriffe erklärt die Datei definitionen.csv.")
    if data.demo:
        description = f"BEISPIELDATEN: die Zahlen sind erfunden (ozgtrack demo). {description}"
    return {
        "@id": "#datensatz", "@type": "dcat:Dataset", "dct:title": _de(_title(data)), "dct:description": _de(description),
        "dct:identifier": f"ozgtrack-opendata-{data.year}-{'-'.join(p.ars for p in data.places)}"[:200],
        "dct:publisher": _ref("#herausgeber"), "dct:issued": _typed(data.generated_at, "dateTime"),
        "dct:modified": _typed(data.generated_at, "dateTime"), "dct:language": _ref(f"{EU}language/DEU"),
        "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": _typed(date(data.year, 1, 1), "date"),
                         "dcat:endDate": _typed(data.as_of, "date")},
        # DCAT-AP.de Konvention 11: the political geocoding is mirrored in dct:spatial.
        "dct:spatial": [_ref(uri) for uri in data.areas],
        "dcatde:politicalGeocodingURI": [_ref(uri) for uri in data.areas],
        "dcatde:politicalGeocodingLevelURI": _ref(f"http://dcat-ap.de/def/politicalGeocoding/Level/{data.level}"),
        "dcat:theme": _ref(f"{EU}data-theme/GOVE"), "dct:accrualPeriodicity": _ref(f"{EU}frequency/ANNUAL"),
        "dcat:keyword": [_de(word) for word in ("OZG", "Onlinezugangsgesetz", "Verwaltungsleistungen", "LeiKa",
                                                "Digitalisierung")],
        "dcat:distribution": [_ref(f"#{name}") for name in written],
    }


def _distribution(data: OpenData, name: str, content: bytes) -> dict[str, Any]:
    stem, suffix = name.rsplit(".", 1)
    table = next(t for t in data.tables if t.name == stem)
    location = _ref(data.base_url.rstrip("/") + "/" + name if data.base_url else name)
    return {
        "@id": f"#{name}", "@type": "dcat:Distribution", "dct:title": _de(f"{table.title} ({FILE_TYPES[suffix]})"),
        "dct:description": _de(table.description), "dcat:accessURL": location, "dcat:downloadURL": location,
        "dcat:mediaType": _ref(f"https://www.iana.org/assignments/media-types/{MEDIA_TYPES[suffix]}"),
        "dct:format": _ref(f"{EU}file-type/{FILE_TYPES[suffix]}"),
        "dcat:byteSize": _typed(len(content), "nonNegativeInteger"),
        "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": _ref("spdx:checksumAlgorithm_sha256"),
                          "spdx:checksumValue": _typed(hashlib.sha256(content).hexdigest(), "hexBinary")},
        "dct:license": _ref(data.license), "dcatde:licenseAttributionByText": data.publisher,
        "dct:issued": _typed(data.generated_at, "dateTime"), "adms:status": _ref("http://purl.org/adms/status/Completed"),
        "dcatap:availability": _ref(f"{EU}planned-availability/STABLE"),
    }
