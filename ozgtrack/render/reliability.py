"""How solid the figures are (Belastbarkeit), in German: said next to every headline, in every format.

One sentence per test of :mod:`ozgtrack.views.reliability` (assessed, responsibility), worded as
a doubt where the test fails; then how many assessments were ever verified and how old the data
is. The verdict comes first: "Vorläufig" (a notice the reader cannot miss) or "Belastbar".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ozgtrack.render import document as doc
from ozgtrack.render.common import to_jsonable
from ozgtrack.render.german import age, agree, day, local_day, number
from ozgtrack.town.regions import region_label
from ozgtrack.views.reliability import Dated, Doubt, Reliability
from ozgtrack.wording import SOURCE, honest_percent

PROVISIONAL, SOLID = "Vorläufig", "Belastbar"


def _whose(r: Reliability) -> str:
    """`` der 5 Kommunen`` in a roll-up; nothing for one town."""
    return "" if r.towns is None else f" der {number(r.towns)} {agree(r.towns, 'Kommune', 'Kommunen')}"


def _assessed(r: Reliability, doubted: bool) -> str:
    own = f"{number(r.applicable)} eigenen {agree(r.applicable, 'Leistung', 'Leistungen')}{_whose(r)}"
    share = honest_percent(r.assessed_share, r.thresholds.min_assessed)
    counted = f"{number(r.assessed)} von {own} ({share}) {agree(r.assessed, 'ist', 'sind')} bewertet."
    if not doubted:
        return _all(r.applicable, f"eigene Leistung{_whose(r)} ist", f"eigenen Leistungen{_whose(r)} sind",
                    "bewertet") if r.assessed == r.applicable else counted
    first = f"Noch keine der {own} ist bewertet." if not r.assessed else f"Erst {counted}"
    measured = "Die Anteile online beschreiben" if r.towns is not None else "Die Abdeckung beschreibt"
    who = "die Kommunen sind" if r.towns is not None else "die Stadt ist"
    return f"{first} {measured} daher vor allem, wie weit die Erhebung ist, nicht wie weit {who}."


def _unclear(r: Reliability, doubted: bool) -> str:
    counted = (f"{number(r.undecided)} von {number(r.in_scope)} {agree(r.in_scope, 'Leistung', 'Leistungen')}"
               f"{_whose(r)} ({honest_percent(r.unclear_share, 1 - r.thresholds.min_triage)})")
    if not doubted and not r.undecided:
        return _all(r.in_scope, f"Leistung{_whose(r)} hat", f"Leistungen{_whose(r)} haben", "eine geklärte Zuständigkeit")
    if not doubted:
        return f"Bei {counted} ist die Zuständigkeit ungeklärt."
    return (f"Bei {counted} ist noch ungeklärt, wer sie erbringt; die Zahl der eigenen Leistungen kann sich "
            "dadurch noch ändern.")


def _all(count: int, one: str, many: str, what: str) -> str:
    """``Alle 31 eigenen Leistungen sind bewertet.``, ``Die einzige eigene Leistung ist bewertet.``: no "31 von 31"."""
    return f"Die einzige {one} {what}." if count == 1 else f"Alle {number(count)} {many} {what}."


def _no_own(r: Reliability) -> str:
    whose = "einer der Kommunen" if r.towns is not None else "der Stadt"
    return f"Noch ist keine Leistung als eigene Leistung {whose} eingestuft; eine Abdeckung lässt sich nicht angeben."


def _sentence(r: Reliability, doubt: Doubt, doubted: bool) -> str:
    if doubt is Doubt.UNCLEAR:
        return _unclear(r, doubted)
    return _no_own(r) if doubt is Doubt.NO_OWN else _assessed(r, doubted)


def _tests(r: Reliability) -> tuple[Doubt, Doubt]:
    """The two tests as they apply, the one the headline rests on first: assessed (or "no own services"), then
    responsibility."""
    return (Doubt.NO_OWN if not r.applicable else Doubt.FEW_ASSESSED), Doubt.UNCLEAR


def reasons(r: Reliability) -> list[tuple[Doubt, str]]:
    """Why the figures are provisional, one sentence each (empty when they are solid)."""
    return [(d, _sentence(r, d, True)) for d in _tests(r) if d in r.doubts]


def _passed(r: Reliability) -> list[str]:
    """The tests the figures pass, as plain facts."""
    return [_sentence(r, d, False) for d in _tests(r) if d not in r.doubts]


def decided(r: Reliability) -> str:
    """Who settled the responsibilities: ``Die Zuständigkeiten folgen … den mitgelieferten Regeln …``; empty in a
    roll-up."""
    if r.decided is None or not r.in_scope:
        return ""
    if not r.decided:
        return "Alle Zuständigkeiten folgen den mitgelieferten Regeln; die Stadt hat noch keine selbst entschieden."
    if r.decided == r.in_scope:
        return "Alle Zuständigkeiten hat die Stadt selbst entschieden."
    return (f"{number(r.decided)} von {number(r.in_scope)} Zuständigkeiten hat die Stadt selbst entschieden, die "
            "übrigen folgen den mitgelieferten Regeln.")


def verified(r: Reliability) -> str:
    """``Von den 14 Bewertungen wurden 3 (21 %) schon einmal bestätigt.``; empty with no assessment."""
    if not r.assessed:
        return ""
    if r.verified == r.assessed:
        return _all(r.assessed, "Bewertung wurde", "Bewertungen wurden", "schon einmal bestätigt")
    if not r.verified:
        return ("Die einzige Bewertung wurde noch nie bestätigt." if r.assessed == 1 else
                f"Noch keine der {number(r.assessed)} Bewertungen wurde bestätigt.")
    assessments = f"{agree(r.assessed, 'der', 'den')} {number(r.assessed)} {agree(r.assessed, 'Bewertung', 'Bewertungen')}"
    return (f"Von {assessments} {agree(r.verified, 'wurde', 'wurden')} {number(r.verified)} "
            f"({honest_percent(r.verified_share)}) schon einmal bestätigt.")


def _dated(found: Dated, today: date) -> str:
    """``Datenstand 30.09.2026 (vor 2 Monaten)`` or ``Datenstand unbekannt, importiert am 07.12.2026``."""
    if found.stated is None:  # how long ago it was imported says nothing about how old it is
        return f"Datenstand unbekannt, importiert am {day(found.imported)}"
    when = age(found.stated, today)
    return f"Datenstand {day(found.stated)} ({when})" if when else f"Datenstand {day(found.stated)}"


def ages(r: Reliability) -> str:
    """``PVOG-Daten: Datenstand 30.09.2026 (vor 2 Monaten); Katalog: LeiKa, Datenstand 27.06.2024 (vor über 2
    Jahren).``: the newest of each, by the date it states, else the day it was imported."""
    if r.evidence is None:
        evidence = "PVOG-Daten: keine importiert" if r.towns is None else \
            f"PVOG-Daten: für keine der {number(r.towns)} Kommunen importiert"
    elif r.towns is None:
        evidence = f"PVOG-Daten: {_dated(r.evidence, r.today)}"
        if r.complete_evidence is not None and r.complete_evidence != r.evidence:
            evidence += (f"; die neueste vollständige Liste ({region_label(r.complete_evidence.name)}): "
                         f"{_dated(r.complete_evidence, r.today)}")
        if r.own_listing is False:
            evidence += "; keine vollständige Liste für den ARS der Stadt"
    else:
        own = r.towns_with_own_listing or 0
        listed = ("für keine davon eine vollständige Liste für ihren eigenen ARS" if not own else
                  f"eine vollständige Liste für den eigenen ARS für {number(own)} davon")
        evidence = (f"PVOG-Daten liegen für {number(r.towns_with_evidence or 0)} von {number(r.towns)} Kommunen vor "
                    f"(auch für Kreis, Land oder Bund eingespielte zählen; {listed}), die neuesten: "
                    f"{_dated(r.evidence, r.today)}")
    # Each source apart: an unknown Datenstand imported today is not newer than a LeiKa of 2024, only unknown.
    catalogue = "; ".join(f"{SOURCE.get(c.name, c.name)}, {_dated(c, r.today)}" for c in r.catalogues)
    return f"{evidence}; Katalog: {catalogue or 'noch nicht synchronisiert'}."


def _verdict(r: Reliability) -> tuple[str, str]:
    """("Vorläufig", the reasons) or ("Belastbar", the facts)."""
    if r.provisional:
        return PROVISIONAL, " ".join(text for _, text in reasons(r))
    return SOLID, " ".join(_passed(r))


def verdict(r: Reliability) -> str:
    """``Vorläufig: …`` with the reasons, or ``Belastbar: …`` with the facts: the sentence beside the headline."""
    label, text = _verdict(r)
    return f"{label}: {text}"


def details(r: Reliability) -> str:
    """What the verdict does not say yet: the tests passed (when provisional), verified assessments, the data's age."""
    passed = _passed(r) if r.provisional else []
    return " ".join(part for part in (*passed, decided(r), verified(r), ages(r)) if part)


def lines(r: Reliability) -> list[str]:
    """The verdict and the details, as two lines of text (terminal tables)."""
    return [verdict(r), details(r)]


def blocks(r: Reliability) -> list[doc.Block]:
    """A notice when provisional (it must not be missed), else a line beginning with "Belastbar"; then the details."""
    if r.provisional:
        return [doc.Notice(verdict(r)), doc.para(details(r))]
    label, text = _verdict(r)
    return [doc.para(doc.Strong(f"{label}:"), f" {text} {details(r)}")]


def to_json(r: Reliability) -> dict[str, Any]:
    """The figures for programs: counts, shares as fractions, dates ISO, the verdict and its reasons."""
    data = {
        "provisional": r.provisional, "reasons": [{"code": d.value, "text": text} for d, text in reasons(r)],
        "thresholds": to_jsonable(r.thresholds),
        "applicable": r.applicable, "assessed": r.assessed, "assessed_share": r.assessed_share,
        "verified": r.verified, "verified_share": r.verified_share,
        "in_scope": r.in_scope, "undecided": r.undecided, "unclear_share": r.unclear_share,
        "decided_by_town": r.decided, "pvog_own_listing": r.own_listing,
        "pvog_evidence": _dated_json(r.evidence, r.today, "ars"),
        "pvog_complete_listing": _dated_json(r.complete_evidence, r.today, "ars"),
        "catalogue": _dated_json(r.catalogue, r.today, "source"),
        "catalogues": [_dated_json(c, r.today, "source") for c in r.catalogues],
    }
    if r.towns is not None:
        data.update(towns=r.towns, towns_with_evidence=r.towns_with_evidence,
                    towns_with_own_listing=r.towns_with_own_listing)
    return data


def _dated_json(found: Dated | None, today: date, name: str) -> dict[str, Any] | None:
    if found is None:
        return None
    return {name: found.name, "stated": to_jsonable(found.stated), "imported": to_jsonable(found.imported),
            "date": local_day(found.at).isoformat(), "age_days": (today - local_day(found.at)).days}
