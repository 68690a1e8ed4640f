"""The diff rules of a sync: several sources, ranks, deltas, withdrawal and reappearance."""

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.catalogue.importer import ReleaseInfo, sync
from ozgtrack.records import Catalogue, ChangeKind, MemberRecord, ServiceRecord, Source
from ozgtrack.store.database import db_url
from ozgtrack.store.db import open_database
from ozgtrack.store.models import OzgLeistung, Service

HUND = "99102013002000"
MELDE = "99115005104000"


@pytest.fixture
def engine(tmp_path):
    return open_database(db_url(str(tmp_path / "t.sqlite")))


def leika(*services: ServiceRecord) -> Catalogue:
    return Catalogue(Source.LEIKA, services, None, len(services))


def ozg(*members: MemberRecord, services: tuple[ServiceRecord, ...] = (), complete: bool = True) -> Catalogue:
    keyed = services or tuple({m.key: ServiceRecord(m.key, m.leika_name, m.line) for m in members if m.key}.values())
    return Catalogue(Source.OZG, keyed, members, len(members), complete=complete)


def service(key: str, name: str, **values) -> ServiceRecord:
    return ServiceRecord(key, name, 1, **values)


def member(ozg_id: str, key: str | None, name: str = "Hundesteuer Festsetzung", **values) -> MemberRecord:
    return MemberRecord(ozg_id, values.pop("ozg_name", "Hundehaltung"), name, 1, key, **values)


def apply(engine, catalogue: Catalogue, **options):
    with Session(engine) as session, session.begin():
        return sync(session, catalogue, ReleaseInfo("test", "x", datetime(2026, 11, 1)), **options)


def changes(result) -> list[tuple]:
    return [(c.subject, c.kind.value, c.fields) for c in result.services]


def test_leika_names_outrank_the_ozg_catalogue(engine):
    apply(engine, leika(service(HUND, "Hundesteuer Festsetzung", typisierung="4")))
    result = apply(engine, ozg(member("10160", HUND, "Hundesteuer (alt)")))

    assert changes(result) == [(HUND, "changed", {"sources": [["leika"], ["leika", "ozg"]], "ozg": [[], ["10160"]]})]
    with Session(engine) as session:
        assert session.scalars(select(Service.name)).all() == ["Hundesteuer Festsetzung"]


def test_ozg_sets_names_of_services_only_it_knows(engine):
    apply(engine, ozg(member("10160", HUND, "Hundesteuer Festsetzung")))
    result = apply(engine, ozg(member("10160", HUND, "Hundesteuer festsetzen")))
    assert changes(result) == [(HUND, "changed", {"name": ["Hundesteuer Festsetzung", "Hundesteuer festsetzen"]})]


def test_withdrawn_only_when_every_source_dropped_it(engine):
    apply(engine, leika(service(HUND, "Hundesteuer Festsetzung"), service(MELDE, "Wohnsitz Anmeldung")))
    apply(engine, ozg(member("10160", HUND)))

    dropped_by_leika = apply(engine, leika(service(MELDE, "Wohnsitz Anmeldung")))
    dropped_by_both = apply(engine, ozg(member("10124", MELDE, "Wohnsitz Anmeldung", ozg_name="Wohnsitzmeldungen")))

    assert changes(dropped_by_leika) == [(HUND, "changed", {"sources": [["leika", "ozg"], ["ozg"]]})]
    assert sorted(changes(dropped_by_both)) == [
        (HUND, "withdrawn", {"ozg": [["10160"], []]}),
        (MELDE, "changed", {"sources": [["leika"], ["leika", "ozg"]], "ozg": [[], ["10124"]]}),
    ]
    assert [(c.subject, c.kind) for c in dropped_by_both.ozg_leistungen] == [
        ("10124", ChangeKind.ADDED), ("10160", ChangeKind.WITHDRAWN)]
    back = apply(engine, leika(service(HUND, "Hundesteuer Festsetzung"), service(MELDE, "Wohnsitz Anmeldung")))
    assert changes(back) == [(HUND, "reappeared", None)]


def test_ozg_leistung_moves_lage_and_keyless_rows_are_tracked(engine):
    first = apply(engine, ozg(member("10136", None, "Mängelmelder", ozg_name="Mängel melden", themenfeld="Umwelt",
                                     lage="Abfall")))
    moved = apply(engine, ozg(member("10136", None, "Mängelmelder", ozg_name="Mängel melden",
                                     themenfeld="Engagement & Hobby", lage="Engagement & Beteiligung")))

    assert first.services == () and [c.kind for c in first.ozg_leistungen] == [ChangeKind.ADDED]
    assert [(c.subject, c.kind, c.fields) for c in moved.ozg_leistungen] == [
        ("10136", ChangeKind.CHANGED, {"themenfeld": ["Umwelt", "Engagement & Hobby"],
                                        "lage": ["Abfall", "Engagement & Beteiligung"]})]


def test_a_delta_withdraws_nothing_and_keeps_other_groupings(engine):
    fim = Source.FIM
    full = Catalogue(fim, (service(HUND, "Hundesteuer"), service(MELDE, "Wohnsitz Anmeldung")),
                     (member("10160", HUND), member("10124", MELDE, ozg_name="Wohnsitzmeldungen")), 2)
    delta = Catalogue(fim, (service(HUND, "Hundesteuer Festsetzung"),), (member("10160", HUND),), 1, complete=False)
    apply(engine, full)

    result = apply(engine, delta)

    assert changes(result) == [(HUND, "changed", {"name": ["Hundesteuer", "Hundesteuer Festsetzung"]})]
    with Session(engine) as session:
        assert session.scalars(select(OzgLeistung.ozg_id).where(OzgLeistung.withdrawn_release_id.is_(None))).all() == [
            "10160", "10124"]


def test_empty_values_clear_and_missing_columns_keep(engine):
    apply(engine, leika(service(HUND, "Hundesteuer", name2="Hund anmelden", synonyms=("Hundemarke",))))
    kept = apply(engine, leika(service(HUND, "Hundesteuer")))  # columns absent: nothing to compare
    cleared = apply(engine, leika(service(HUND, "Hundesteuer", name2="", synonyms=())))

    assert changes(kept) == []
    assert changes(cleared) == [(HUND, "changed", {"name2": ["Hund anmelden", None], "synonyms": [["Hundemarke"], None]})]


def test_dry_run_writes_nothing(engine):
    result = apply(engine, leika(service(HUND, "Hundesteuer")), dry_run=True)
    assert result.release_id is None and changes(result) == [(HUND, "added", None)]
    with Session(engine) as session:
        assert session.scalars(select(Service)).all() == []
