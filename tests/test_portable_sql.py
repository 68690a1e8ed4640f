"""What SQLite and PostgreSQL answer differently must not reach the user: searches, sorting, figures.

These run on both databases (``OZGTRACK_TEST_DB=postgresql`` for the second); each one is a defect
that running the suite on PostgreSQL brought to light.
"""

import json

import pytest
from support.cli import ok

# Three rows in the form of the Destatis ARS list (derived_ars_gemeinden.csv).
GEMEINDEN = ("ars,bezeichnung,hinweis,land,ags\n"
             "071325010087,Ölsen,,07,07132087\n"
             '053700028028,"Übach-Palenberg, Stadt",,05,05370028\n'
             "150830565565,\"Wolmirstedt, Stadt\",,15,15083565\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("ölsen", ["Ölsen"]),  # SQLite's lower() keeps "Ö": lower(name) LIKE '%ölsen%' found nothing there
    ("ÖLSEN", ["Ölsen"]),
    ("oelsen", ["Ölsen"]),  # spelt out, as `municipality use` already accepted
    ("übach", ["Übach-Palenberg, Stadt"]),
    ("_", []),  # no LIKE wildcard: it matched every town
    ("%", []),
    ("1508305", ["Wolmirstedt, Stadt"]),  # the start of an ARS
])
def test_municipality_search_folds_case_and_umlauts_alike_on_every_database(db, tmp_path, text, expected):
    (tmp_path / "gemeinden.csv").write_text(GEMEINDEN, encoding="utf-8")
    ok("--db", str(db), "municipality", "import", str(tmp_path / "gemeinden.csv"))
    found = json.loads(ok("--db", str(db), "municipality", "list", "--search", text, "--format", "json").stdout)
    assert [m["name"] for m in found] == expected
