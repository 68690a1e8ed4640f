"""The sources registry is the one list of catalogue sources: complete, detectable, configured, offered, storable."""

import json
import tomllib

import pytest
from support.catalogue import leika_csv
from support.cli import run
from support.db import is_postgres

from ozgtrack.records import Source
from ozgtrack.resources import catalog_file
from ozgtrack.sources import REGISTRY, Sample, detect, read_file

KEY = "99115005104000"
# A tiny sample of each source's own format.
SAMPLES = {
    Source.LEIKA: leika_csv([{"Schluessel": KEY, "Bezeichnung": "Wohnsitz Anmeldung", "Typ": "2/3"}]),
    Source.OZG: f"OZG-ID;OZG-Leistung;LeiKa-Bezeichnung;LeiKa-Schlüssel\n10124;Meldewesen;Wohnsitz Anmeldung;{KEY}\n"
                .encode(),
    Source.FIM: json.dumps({"items": [{"leistungsschluessel": KEY, "leistungsbezeichnung": "Wohnsitz Anmeldung"}],
                            "total_count": 1, "offset": 0}).encode(),
}


def test_every_source_has_one_entry_and_a_sample():
    assert list(REGISTRY) == list(Source) == list(SAMPLES)
    assert all(entry.source is source for source, entry in REGISTRY.items())


@pytest.mark.parametrize("source", list(Source))
def test_each_detector_recognises_its_own_format_and_detection_picks_it(source):
    sample = SAMPLES[source]

    assert REGISTRY[source].detect(Sample(sample, "sample")) is True
    assert detect(sample, "sample") is source
    catalogue = read_file(source, sample, "sample")
    assert (catalogue.source, [s.key for s in catalogue.services]) == (source, [KEY])


def test_every_source_has_a_section_in_the_shipped_sources_toml():
    with catalog_file("sources.toml").open("rb") as file:
        sections = tomllib.load(file)["sources"]
    assert sorted(sections) == sorted(e.name for e in REGISTRY.values())


def test_the_cli_offers_exactly_the_registered_sources():
    result = run("catalog", "sync", "--help")
    assert result.exit_code == 0
    assert f"[{'|'.join(e.name for e in REGISTRY.values())}]" in result.stdout
    text = " ".join(result.stdout.split()).replace("OZG- Umsetzungskatalog", "OZG-Umsetzungskatalog")  # wrapped
    assert all(f"{e.name}: {e.label}" in text for e in REGISTRY.values())


def test_a_new_source_needs_no_migration(db):
    """The database leaves the list of sources to the registry: no CHECK constraint names them."""
    assert run("--db", str(db), "catalog", "releases").exit_code == 0
    import sqlalchemy

    engine = sqlalchemy.create_engine(db if is_postgres(db) else f"sqlite:///{db}")
    try:
        schema = sqlalchemy.inspect(engine)
        checks = [c["sqltext"] for t in schema.get_table_names() for c in schema.get_check_constraints(t)]
        enums = [e for e in schema.get_enums() if "leika" in e["labels"]] if is_postgres(db) else []
        types = {t: {c["name"]: str(c["type"]) for c in schema.get_columns(t)}["source"]
                 for t in ("catalogue_release", "service_presence", "ozg_member")}
    finally:
        engine.dispose()
    assert ([c for c in checks if "'leika'" in c], enums) == ([], [])
    assert set(types.values()) == {"VARCHAR(16)"}
