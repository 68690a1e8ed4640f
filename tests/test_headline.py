"""The headline in the units people use (issue 22, part 4): OZG-Leistungen complete / partial / none beside the
LeiKa count, the largest gaps by OZG-Leistung with the online service, and the section "Unsere Onlinedienste".

A hand-made town where every figure is known beforehand: all OZG-Leistungen of the demo catalogue are
decided for the Landkreis, then four are the town's own again:

- 10160 Hundehaltung (Festsetzung, Befreiung): both online through O-001, its own form  -> complete
- 10124 Wohnsitzmeldungen: Anmeldung online through O-002 (EfA), Abmeldung at stage 1     -> partial
- 10119 Personalausweis: Ausstellung at stage 1 through O-003 (below the target)         -> none (assessed)
- 10294 Gewerbe Anmeldung and Abmeldung, never assessed                                   -> none (unassessed)
"""

import csv
import email
import json
from email import policy
from pathlib import Path

import pytest
from support.cli import ok
from support.db import query
from support.online import Registered, register, set_status

from ozgtrack.resources import catalog_file
from ozgtrack.views.online import Delivery

ARS = "150830565565"
HUND_FEST, HUND_BEFREIUNG = "99102013002000", "99102013010000"
ANMELDUNG, ABMELDUNG, PERSO = "99115005104000", "99115005070000", "99008001012000"
GEWERBE_AN, GEWERBE_AB = "99050012104000", "99050012070000"
MAIL_ENV = {"OZGTRACK_MAIL_FROM": "ozgtrack@wolmirstedt.example", "OZGTRACK_MAIL_TO": "it@wolmirstedt.example"}


def demo_ozg_ids() -> list[str]:
    with catalog_file("demo/ozg_umsetzungskatalog.csv").open(encoding="utf-8") as handle:
        return sorted({row["OZG-ID"] for row in csv.DictReader(handle, delimiter=";")
                       if row["LeiKa-Schlüssel"].isdigit()})  # 10136 Mängelmelder: no LeiKa service


@pytest.fixture
def known_town(town):
    """The hand-made town of the module docstring, its online services written as the register writes them."""
    ok("--db", str(town), "triage", "set", *demo_ozg_ids(), "--level", "landkreis", "--reason", "Test", "--yes")
    ok("--db", str(town), "triage", "set", HUND_FEST, HUND_BEFREIUNG, ANMELDUNG, ABMELDUNG, PERSO, GEWERBE_AN,
       GEWERBE_AB, "--level", "gemeinde", "--reason", "Stadt", "--yes")
    register(town, ARS,
             Registered(1, "Hundesteuer online", Delivery.EIGEN, (HUND_FEST, HUND_BEFREIUNG), 3,
                        "https://wolmirstedt.example/hund", (("account", "servicekonto"), ("payment", "nicht-noetig"),
                                                              ("reply", "email"), ("intake", "email"))),
             Registered(2, "Wohnsitz anmelden", Delivery.EFA, (ANMELDUNG,), 4, "https://efa.example/wohnsitz",
                        (("account", "bundid"), ("payment", "nicht-noetig"), ("reply", "postfach"),
                         ("intake", "fit-connect"), ("contract", "2025-03-01")), provider="Dataport"),
             Registered(3, "Personalausweis Statusabfrage", Delivery.ANBIETER, (PERSO,), 1,
                        blocks=(("payment", "keins"),)),
             Registered(4, "Alte Gewerbeanzeige", Delivery.EIGEN, (GEWERBE_AN,), 3, retired=True, derive=()))
    set_status(town, ARS, ABMELDUNG, 1)
    return town


def gaps_json(db) -> dict:
    return json.loads(ok("--db", str(db), "report", "gaps", "--format", "json").stdout)


def test_ozg_counts_are_the_hand_made_ones(known_town):
    data = gaps_json(known_town)

    assert data["totals"]["ozg"] == {"complete": 1, "partial": 1, "none": 2, "total": 4, "none_unassessed": 1}
    assert data["ozg_leistungen"] == {"with_own_services": 4, "completely_online": 1}  # kept as it was
    assert (data["totals"]["applicable"], data["totals"]["online"]) == (7, 3)


def test_ozg_counts_match_independent_sql(known_town):
    """Per OZG-Leistung of the town's own services: how many, how many online (stage >= 3, RGM 1.1), in plain SQL."""
    found = query(known_town, """
        SELECT o.ozg_id, count(*), sum(CASE WHEN st.stage >= 3 THEN 1 ELSE 0 END)
        FROM responsibility r JOIN municipality m ON m.id = r.municipality_id
        JOIN ozg_member om ON om.service_id = r.service_id JOIN ozg_leistung o ON o.id = om.ozg_leistung_id
        LEFT JOIN service_status st ON st.municipality_id = m.id AND st.service_id = r.service_id
        WHERE m.ars = ? AND r.level = 'gemeinde' GROUP BY o.ozg_id""", (ARS,))
    states = [("complete" if online == own else "partial" if online else "none") for _, own, online in found]
    expected = {state: states.count(state) for state in ("complete", "partial", "none")}

    assert {k: gaps_json(known_town)["totals"]["ozg"][k] for k in expected} == expected


def test_service_json_names_its_online_service_only_while_active(known_town):
    data = json.loads(ok("--db", str(known_town), "report", "gaps", "--by", "service", "--format", "json").stdout)
    via = {s["key"]: s["online_service"] for s in data["services"]}

    assert via[ANMELDUNG] == {"number": 2, "name": "Wohnsitz anmelden"}
    assert via[HUND_FEST] == {"number": 1, "name": "Hundesteuer online"}
    assert via[PERSO] == {"number": 3, "name": "Personalausweis Statusabfrage"}  # below the target stage
    assert via[ABMELDUNG] is None and via[GEWERBE_AN] is None  # set directly; derived from a retired one: not named


def test_gap_report_leads_with_ozg_and_defines_both_units(known_town):
    lines = ok("--db", str(known_town), "report", "gaps").stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("OZG-Leistungen:"))

    assert lines[start:start + 2] == [
        "OZG-Leistungen: 1 vollständig, 1 teilweise, 2 nicht online (bei 1 davon ist noch keine Leistung bewertet) – "
        "von 4 OZG-Leistungen mit eigenen Leistungen der Stadt.",
        "Eigene LeiKa-Leistungen: 7 · online: 3 (43 %) · in Umsetzung: 0 · offline: 2 · nicht bewertet: 2 · "
        "nicht zuständig: 33 · Zuständigkeit ungeklärt: 0"]
    assert any(line.startswith("Begriffe: Eine OZG-Leistung (die Einheit, in der") and "Eine LeiKa-Leistung ist" in line
               for line in lines)


def chapter_md(db, tmp_path: Path) -> str:
    out = tmp_path / "kapitel.md"
    ok("--db", str(db), "report", "chapter", "--format", "markdown", "-o", str(out))
    return out.read_text(encoding="utf-8")


def test_chapter_headline_largest_gaps_and_online_services(known_town, tmp_path):
    text = chapter_md(known_town, tmp_path)

    assert ("- OZG-Leistungen: **1** vollständig, **1** teilweise, **2** nicht online (bei 1 davon ist noch keine "
            "Leistung bewertet) – von **4** OZG-Leistungen mit eigenen Leistungen der Stadt") in text
    assert "- LeiKa-Leistungen: Die Stadt ist für **7** Leistungen selbst zuständig. Davon sind **3** online" in text
    assert ("| 3 | 10124 Wohnsitzmeldungen | Wohnen & Bauen | teilweise online über Onlinedienst O-002 Wohnsitz "
            "anmelden | 1 von 2 | Wohnsitz Abmeldung (offline) |") in text
    assert ("| 2 | 10119 Personalausweis | Bürgerservice & Dokumente | nicht online (Onlinedienst O-003 Personalausweis "
            "Statusabfrage noch unter der Zielstufe) | 1 von 1 | Personalausweis Ausstellung (offline) |") in text
    assert "| 1 | 10294 Unternehmensanmeldung und -genehmigung | Arbeit & Wirtschaft | nicht online | 2 von 2 (2 nicht" in text
    section = text[text.index("### Unsere Onlinedienste"):]
    section = section[:section.index("\n### ", 5)]
    assert section == EXPECTED_SECTION


EXPECTED_SECTION = """### Unsere Onlinedienste

Die Stadt hat 3 aktive Onlinedienste erfasst. Ein Onlinedienst ist das, was Bürgerinnen, Bürger und Unternehmen \
tatsächlich aufrufen – ein Formular der Stadt, ein EfA-Dienst eines anderen Landes, ein Dienst des Landes oder eines \
Anbieters; er deckt meist mehrere Leistungen ab. Zusammen decken sie 4 Leistungen ab (eine Leistung, die mehrere \
Onlinedienste abdecken, zählt bei jedem); 4 davon sind eigene Leistungen der Stadt, 3 davon online.

**Bausteine:** wie viele der Onlinedienste den Baustein haben, wie viele ohne ihn arbeiten, bei wie vielen er nicht \
nötig ist (ein gebührenfreier Dienst braucht keine Online-Bezahlung) und bei wie vielen er noch nicht erfasst ist. Ein \
Nutzerkonto brauchen nicht alle Dienste; wo ein nötiger Baustein fehlt, hält er oft mehrere Leistungen zurück.

| Baustein | vorhanden | ohne | nicht nötig | nicht erfasst |
| --- | ---: | ---: | ---: | ---: |
| Nutzerkonto (BundID oder Servicekonto des Landes) | 2 von 3 | 0 von 3 | – | 1 von 3 |
| Online-Bezahlung (ePayBL oder anderer Bezahldienst) | 0 von 3 | 1 von 3 | 2 von 3 | 0 von 3 |
| digitaler Rückkanal (Postfach, FIT-Connect oder E-Mail statt Brief) | 2 von 3 | 0 von 3 | – | 1 von 3 |
| elektronischer Eingang (FIT-Connect, XTA/OSCI, E-Mail oder direkt ins Fachverfahren statt Ausdruck auf Papier) \
| 2 von 3 | 0 von 3 | – | 1 von 3 |
| Nachnutzungsvertrag des Landes (nur EfA-Dienste) | 1 von 1 | 0 von 1 | – | 0 von 1 |

**eigene Lösung der Stadt (1)**

| Onlinedienst | Anbieter | abgedeckte Leistungen | davon eigene online | OZG-Leistungen |
| --- | --- | ---: | ---: | --- |
| [O-001 Hundesteuer online](<https://wolmirstedt.example/hund>) |  | 2 | 2 von 2 | 10160 Hundehaltung |

**EfA-Dienst (Einer für Alle) (1)**

| Onlinedienst | Anbieter | abgedeckte Leistungen | davon eigene online | OZG-Leistungen |
| --- | --- | ---: | ---: | --- |
| [O-002 Wohnsitz anmelden](<https://efa.example/wohnsitz>) | Dataport | 1 | 1 von 1 | 10124 Wohnsitzmeldungen |

**Produkt eines Anbieters (1)**

| Onlinedienst | Anbieter | abgedeckte Leistungen | davon eigene online | OZG-Leistungen |
| --- | --- | ---: | ---: | --- |
| O-003 Personalausweis Statusabfrage |  | 1 | 0 von 1 | 10119 Personalausweis |
"""


def test_chapter_without_online_services_says_so_and_tells_the_officer_how_to_register(town, tmp_path):
    text = chapter_md(town, tmp_path)

    assert ("### Unsere Onlinedienste\n\nFür die Stadt ist noch kein Onlinedienst erfasst. Ein Onlinedienst ist das, "
            in text)
    assert "Sobald die IT-Koordination die Onlinedienste mit Link" in text and "ozgtrack" not in text
    told = ok("--db", str(town), "report", "chapter").stderr
    assert ("Hinweis: noch kein Onlinedienst erfasst: mit „ozgtrack online add NAME --url … --delivery … --covers …“ "
            "oder „ozgtrack online from-statuses“ trägt die IT-Koordination sie ein.\n") in told


def mail_text(db, *options: str, after: tuple[str, ...] = ()) -> str:
    result = ok("--db", str(db), *options, "report", "email", "--dry-run", *after, env=MAIL_ENV)
    return email.message_from_string(result.stdout, policy=policy.default).get_body(("plain",)).get_content()


def test_mail_leads_with_ozg_and_names_the_online_service_of_a_gap(known_town):
    text = mail_text(known_town)
    lines = [line for line in text.splitlines() if line]

    assert lines[3] == ("OZG-Leistungen: 1 vollständig, 1 teilweise, 2 nicht online (bei 1 davon ist noch keine "
                        "Leistung bewertet) – von 4 OZG-Leistungen mit eigenen Leistungen der Stadt.")
    assert lines[4].startswith("LeiKa-Leistungen: 3 von 7 eigenen Leistungen sind online (43 %).")
    assert ("- 10124 Wohnsitzmeldungen: teilweise online über Onlinedienst O-002 Wohnsitz anmelden, 1 von 2 "
            "Leistungen offen: Wohnsitz Abmeldung (offline)") in text
    assert "Begriffe: Eine OZG-Leistung" in text


BARLEBEN = "150830040040"


@pytest.fixture
def two_towns(known_town):
    """Barleben beside Wolmirstedt: the same EfA service for the Wohnsitz (another query, with www.), both online."""
    ok("--db", str(known_town), "triage", "set", *demo_ozg_ids(), "--level", "landkreis", "--reason", "Test", "--yes",
       "--ars", BARLEBEN)
    ok("--db", str(known_town), "triage", "set", "10124", "--level", "gemeinde", "--reason", "Meldebehörde", "--yes",
       "--ars", BARLEBEN)
    register(known_town, BARLEBEN,
             Registered(1, "Wohnsitz an- und abmelden", Delivery.EFA, (ANMELDUNG, ABMELDUNG), 3,
                        "https://www.efa.example/wohnsitz/?ars=150830040040"),
             Registered(2, "Hundesteuer online", Delivery.EIGEN, (HUND_FEST,), None, derive=()))
    return known_town


@pytest.mark.parametrize("limit", [10**12, 0], ids=["cells", "overlay"])
def test_rollup_counts_each_towns_ozg_as_its_gap_report(two_towns, monkeypatch, limit):
    from ozgtrack.analysis import rollup_cells

    monkeypatch.setattr(rollup_cells, "LIMIT", limit)
    data = json.loads(ok("--db", str(two_towns), "report", "rollup", "--kreis", "15083", "--format", "json").stdout)
    found = {t["ars"]: t["ozg"] for t in data["towns"]}

    assert found[ARS] == {"complete": 1, "partial": 1, "none": 2, "total": 4, "none_unassessed": 1}
    assert found[BARLEBEN] == {"complete": 1, "partial": 0, "none": 0, "total": 1, "none_unassessed": 0}
    for ars, ozg in found.items():
        assert ozg == gaps_json_of(two_towns, ars)["totals"]["ozg"], ars


def gaps_json_of(db, ars: str) -> dict:
    return json.loads(ok("--db", str(db), "report", "gaps", "--ars", ars, "--format", "json").stdout)


def test_rollup_shows_which_online_services_serve_how_many_towns(two_towns):
    data = json.loads(ok("--db", str(two_towns), "report", "rollup", "--kreis", "15083", "--format", "json").stdout)
    shared = [(s["name"], s["delivery"], s["address"], s["towns"]) for s in data["online"]]
    markdown = ok("--db", str(two_towns), "report", "rollup", "--kreis", "15083", "--format", "markdown").stdout

    # The most used first; a tie of names goes to the first in alphabetical order; without an address: by name.
    assert shared == [
        ("Wohnsitz an- und abmelden", "efa", "efa.example/wohnsitz", ["Barleben", "Wolmirstedt, Stadt"]),
        ("Hundesteuer online", "eigen", None, ["Barleben"]),
        ("Hundesteuer online", "eigen", "wolmirstedt.example/hund", ["Wolmirstedt, Stadt"]),
        ("Personalausweis Statusabfrage", "anbieter", None, ["Wolmirstedt, Stadt"]),
    ]
    assert ("| Wohnsitz an- und abmelden | EfA-Dienst (Einer für Alle) | efa.example/wohnsitz | 2 | Barleben, "
            "Wolmirstedt, Stadt |") in markdown
    assert "**OZG-Leistung: vollständig, teilweise, nicht online**: Eine OZG-Leistung (die Einheit, in der" in markdown and "**LeiKa-Leistung**: " in markdown


def test_a_departments_mail_counts_its_own_services_only(known_town, tmp_path):
    for key in (ABMELDUNG, PERSO):
        ok("--db", str(known_town), "status", "set", key, "--department", "FB 2")
    config = tmp_path / "config.toml"
    config.write_text('[mail.departments]\n"FB 2" = "fb2@wolmirstedt.example"\n', encoding="utf-8")

    text = mail_text(known_town, "--config", str(config), after=("--per-department",))

    # Wohnsitzmeldungen is partly online for the town, through the Anmeldung of no Fachbereich; FB 2's part is not.
    assert ("OZG-Leistungen: 0 vollständig, 0 teilweise, 2 nicht online – von 2 OZG-Leistungen mit eigenen "
            "Leistungen der Stadt im Fachbereich FB 2.") in text
    assert "Gezählt sind hier nur die Leistungen des Fachbereichs FB 2." in text


HOSTILE = '<script>alert(1)</script> | *Müll* & "Öl"'


def test_online_services_from_outside_are_escaped_once(town, tmp_path):
    ok("--db", str(town), "triage", "set", ANMELDUNG, "--level", "gemeinde", "--reason", "Stadt", "--yes")
    register(town, ARS, Registered(1, HOSTILE, Delivery.EFA, (ANMELDUNG,), 2, "javascript:alert(1)",
                                   provider=HOSTILE))
    out = tmp_path / "kapitel.html"
    ok("--db", str(town), "report", "chapter", "--format", "html", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    rollup = ok("--db", str(town), "report", "rollup", "--kreis", "15083", "--format", "html").stdout

    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; | *Müll* &amp; &quot;Öl&quot;"
    assert f"<td>O-001 {escaped}</td><td>{escaped}</td>" in html  # a javascript: link stays text
    assert f"nicht online (Onlinedienst <span class=\"id\">O-001</span> {escaped} noch unter der Zielstufe)" in html
    assert f"<td>{escaped}</td>" in rollup
    assert "<script>" not in html and "<script>" not in rollup and "javascript:" not in html + rollup
    assert "1 davon ist eine eigene Leistung der Stadt, 0 davon online." in html  # the singular agrees
