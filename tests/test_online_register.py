"""The register of online services as a library (ozgtrack.town.online) and on the real catalogue for Wolmirstedt.

One truth: every covered own service's status takes stage, model, URL and department from the best active online
service covering it (online first, then the higher stage, then the lower number); the real-data test checks the
derived statuses against the same rule written independently in SQL.
"""

import json
from datetime import date, datetime

import pytest
from support.cli import ok
from support.data import FLAT_CSV, SHARED_DATA
from support.db import connect

from ozgtrack.config import load_settings
from ozgtrack.errors import ConflictError, InputError, NotFoundError
from ozgtrack.resources import catalog_file
from ozgtrack.store.database import Database
from ozgtrack.store.db import write_session
from ozgtrack.town.context import build_context
from ozgtrack.town.online import add_online, history, online_views, rederive, retire_online, set_online
from ozgtrack.town.tracking import set_target
from ozgtrack.views.online import Delivery, OnlineSpec, Payment, parse_number
from ozgtrack.views.what_counts import Targets

ANMELDUNG, ABMELDUNG, KFZ = "99115005104000", "99115005070000", "99036008007000"
NOW = datetime(2026, 11, 25, 9)


@pytest.fixture
def unit(town):
    """A write session on the demo town and its context; rolled back at the end (nothing is committed)."""
    settings = load_settings(db=str(town))
    with write_session(Database(settings.db_url).engine()) as session:
        yield session, build_context(session, settings, now=NOW, today=date(2026, 11, 25))
        session.rollback()


def spec(name, *covers, **fields):
    return OnlineSpec(name=name, delivery=fields.pop("delivery", Delivery.EIGEN), covers=covers,
                      url=fields.pop("url", "https://example.org/" + name.lower()), **fields)


def test_add_returns_what_it_changed(unit):
    session, context = unit
    done = add_online(session, context, spec("Wohnsitz", "10124", stage=3, payment=Payment.NICHT_NOETIG))

    assert (done.number, done.label, done.covers_added) == (1, "O-001 Wohnsitz", (ABMELDUNG, ANMELDUNG))
    assert done.fields["payment"] == [None, "nicht-noetig"] and done.fields["model"] == [None, "rgm2"]
    assert [c.key for c in done.statuses] == [ABMELDUNG, ANMELDUNG]
    assert add_online(session, context, spec("Zweiter", ANMELDUNG)).number == 2
    assert rederive(session, context) == []  # in step: nothing to do a second time


def test_the_best_is_online_first_then_the_higher_stage_then_the_lower_number(unit):
    session, context = unit
    targets = Targets(rgm1=3, rgm2=5)  # rgm2 stage 4 is not online under these targets, rgm1 stage 3 is
    add_online(session, context, spec("A", ANMELDUNG, stage=4, model="rgm2"), targets=targets)
    add_online(session, context, spec("B", ANMELDUNG, stage=3, model="rgm1"), targets=targets)
    add_online(session, context, spec("C", ABMELDUNG, stage=2), targets=targets)
    add_online(session, context, spec("D", ABMELDUNG, stage=2), targets=targets)

    shown = {c.key: c.stage for v in online_views(session, context) for c in v.covers}
    assert shown == {ANMELDUNG: 3, ABMELDUNG: 2}
    rows = dict(session.execute(_LINKED).all())
    assert rows == {ANMELDUNG: 2, ABMELDUNG: 3}  # B (online) over A; C over D (same stage, lower number)


_LINKED = __import__("sqlalchemy").text(
    "SELECT s.key, o.number FROM service_status st JOIN leika_service s ON s.id = st.service_id "
    "JOIN online_service o ON o.id = st.online_service_id")


def test_set_with_an_old_version_is_a_conflict_and_retire_clears(unit):
    session, context = unit
    add_online(session, context, spec("Wohnsitz", "10124", stage=3))
    with pytest.raises(ConflictError, match="jetzt Version 1, Ihre Änderung beruht auf Version 0"):
        set_online(session, context, 1, {"stage": 4}, expect_version=0)
    changed = set_online(session, context, 1, {"stage": 4, "note": "geprüft"}, expect_version=1, reason="Test")
    assert changed.fields == {"stage": [3, 4], "note": [None, "geprüft"]}
    assert set_online(session, context, 1, {"stage": 4}).fields == {}  # nothing changes, no entry

    retired = retire_online(session, context, 1, reason="abgeschaltet")
    assert [c.changes for c in retired.statuses] == [{"model": ["rgm2", None], "stage": [4, None],
                                                      "url": ["https://example.org/wohnsitz", None]}] * 2
    assert [e.action for e in history(session, context, 1)] == ["add", "set", "retire"]
    with pytest.raises(InputError, match="außer Betrieb"):
        set_online(session, context, 1, {"stage": 2})
    assert online_views(session, context) == [] and len(online_views(session, context, include_retired=True)) == 1


def test_a_direct_change_is_a_deviation_rederive_leaves_alone(unit):
    session, context = unit
    add_online(session, context, spec("Wohnsitz", "10124", stage=3))
    set_target(session, context, ANMELDUNG, {"url": "https://anders.example/a"}, verified=False,
               reason="eigenes Formular", expect_version=None)
    done = set_online(session, context, 1, {"stage": 4})
    assert [c.key for c in done.statuses] == [ABMELDUNG] and done.deviations == (ANMELDUNG,)
    assert rederive(session, context) == []


@pytest.mark.parametrize(("values", "message"), [
    ({"name": ""}, "Name eines Onlinedienstes darf nicht leer sein"),
    ({"delivery": "fax"}, "ist keiner der Werte eigen|efa"),
    ({"contract": "31.02.2025"}, "ist kein Datum"),
    ({"stage": 8}, "Reifegrad 8 gibt es im Reifegradmodell 2.0 nicht"),
    ({"url": "javascript:alert(1)"}, "keine http(s)-Adresse"),
])
def test_bad_values(unit, values, message):
    session, context = unit
    add_online(session, context, spec("Wohnsitz", ANMELDUNG))
    with pytest.raises(InputError, match=message.replace("|", r"\|").replace("(", r"\(").replace(")", r"\)")):
        set_online(session, context, 1, values)


def test_unknown_covers_and_numbers(unit):
    session, context = unit
    with pytest.raises(NotFoundError):
        add_online(session, context, spec("X", "99999999999999"))
    with pytest.raises(NotFoundError, match="keinen Onlinedienst O-007"):
        set_online(session, context, 7, {"stage": 1})
    assert [parse_number(t) for t in ("3", "O-003", "o-3", "O003", "drei", "0")] == [3, 3, 3, 3, None, None]


# --- the real catalogue, Wolmirstedt -------------------------------------------------------------------------------

ARS_LIST = SHARED_DATA / "destatis-ars-2024-10-31" / "derived_ars_gemeinden.csv"
WOLMIRSTEDT = "150830565565"
# name, delivery, covers, stage: the town's online services as its IT officer would register them
REGISTER = [
    ("Wohnsitz anmelden", "efa", "10124", "3"),
    ("Hundesteuer", "eigen", "99102013", "3"),
    ("Personalausweis Statusabfrage", "anbieter", "99008001015000,99085001015000", "4"),
    ("Gewerbe-Service", "efa", "99050012", "3"),
    ("Kita-Platz", "eigen", "99041004034000", "2"),
    ("Meldebescheinigung", "efa", "10559", "4"),
    ("Fundsachen", "anbieter", "10244", "3"),
    ("i-Kfz", "kreis", "99036008", "4"),
    ("Auskunftssperren", "land", "10111", "2"),
    ("Anmeldung Landesportal", "land", ANMELDUNG, "2"),
]
# The same rule as ozgtrack.town.online_derive, written apart: per covered service, the active online services
# ranked online (stage >= 3) first, then by stage, then by number.
BEST = """
SELECT service_id, online_id, stage, model, url FROM (
  SELECT c.service_id, o.id AS online_id, o.stage, o.model, o.url,
         ROW_NUMBER() OVER (PARTITION BY c.service_id ORDER BY CASE WHEN o.stage >= 3 THEN 0 ELSE 1 END,
                            o.stage DESC, o.number) AS place
  FROM online_cover c JOIN online_service o ON o.id = c.online_service_id
  WHERE o.retired_at IS NULL) AS ranked
WHERE place = 1
"""


@pytest.fixture(scope="module")
def wolmirstedt(tmp_path_factory):
    if not FLAT_CSV.is_file() or not ARS_LIST.is_file():
        pytest.skip(f"real data not available under {SHARED_DATA}")
    home = tmp_path_factory.mktemp("wolmirstedt-online")
    env = {"OZGTRACK_DATA_DIR": str(home / "data"), "OZGTRACK_CACHE_DIR": str(home / "cache"), "OZGTRACK_CONFIG": "",
           "OZGTRACK_ARS": WOLMIRSTEDT, "OZGTRACK_USER": "it-officer", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config"), "OZGTRACK_TRIAGE_PRESETS": str(catalog_file("triage"))}
    db = str(home / "town.sqlite")
    ok("--db", db, "catalog", "sync", "--from", str(FLAT_CSV), env=env)
    ok("--db", db, "municipality", "import", str(ARS_LIST), env=env)
    for name, delivery, covers, stage in REGISTER:
        ok("--db", db, "online", "add", name, "--url", f"https://{delivery}.example.de/{len(name)}", "--delivery",
           delivery, "--covers", covers, "--stage", stage, "--yes", env=env)
    return db, env


def test_real_covers_are_the_expanded_services_without_groupings(wolmirstedt):
    db, _ = wolmirstedt
    grouping = ("s.kind = 'LO' AND EXISTS (SELECT 1 FROM leika_service v WHERE v.leistungsobjekt_id = "
                "s.leistungsobjekt_id AND v.kind <> 'LO' AND v.withdrawn_release_id IS NULL)")
    with connect(db) as con:
        covered = dict(con.execute("SELECT o.name, COUNT(*) FROM online_cover c JOIN online_service o "
                                   "ON o.id = c.online_service_id GROUP BY o.name").fetchall())
        wohnsitz = con.execute(
            "SELECT COUNT(DISTINCT s.id) FROM ozg_member m JOIN ozg_leistung l ON l.id = m.ozg_leistung_id JOIN "
            f"leika_service s ON s.id = m.service_id WHERE l.ozg_id = '10124' AND m.withdrawn_release_id IS NULL "
            f"AND NOT ({grouping})").fetchone()[0]
        kfz = con.execute(f"SELECT COUNT(*) FROM leika_service s WHERE s.leistungsobjekt_id = '99036008' AND "
                          f"s.withdrawn_release_id IS NULL AND NOT ({grouping})").fetchone()[0]
    assert covered["Wohnsitz anmelden"] == wohnsitz and wohnsitz >= 5
    assert covered["i-Kfz"] == kfz and kfz >= 10
    assert covered["Hundesteuer"] == 2 and covered["Personalausweis Statusabfrage"] == 2


def test_real_statuses_are_those_of_the_best_online_service(wolmirstedt):
    db, env = wolmirstedt
    with connect(db) as con:
        best = {row[0]: row[1:] for row in con.execute(BEST).fetchall()}
        statuses = {row[0]: row[1:] for row in con.execute(
            "SELECT service_id, online_service_id, stage, model, url FROM service_status").fetchall()}
        keys = dict(con.execute("SELECT id, key FROM leika_service").fetchall())
        kfz = {row[0] for row in con.execute("SELECT s.key FROM online_cover c JOIN online_service o ON o.id = "
                                             "c.online_service_id JOIN leika_service s ON s.id = c.service_id "
                                             "WHERE o.name = 'i-Kfz'").fetchall()}
    assert len(best) > 50
    assert set(statuses) <= set(best)
    assert all(statuses[i] == best[i] for i in statuses), {keys[i]: (statuses[i], best[i]) for i in statuses
                                                         if statuses[i] != best[i]}
    # Every covered service without a status is not the town's own: the Landkreis' i-Kfz, for one
    without = sorted(keys[i] for i in set(best) - set(statuses))
    levels = {json.loads(ok("--db", db, "triage", "show", key, "--format", "json", env=env).stdout)["level"]
              for key in without}
    assert without and "gemeinde" not in levels and "unklar" not in levels
    assert {key for key in without if key.startswith("99036008")} == kfz and len(kfz) >= 10
    # The Landesportal (stage 2) loses to the EfA service (stage 3) for the Anmeldung
    shown = ok("--db", db, "status", "show", ANMELDUNG, env=env).stdout
    assert "über Onlinedienst O-001 Wohnsitz anmelden" in shown
