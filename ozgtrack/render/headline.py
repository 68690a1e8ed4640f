"""The headline in the units people use: OZG-Leistungen (vollständig, teilweise, nicht online), defined.

The federal dashboard and the Land count OZG-Leistungen; the town records LeiKa-Leistungen. Every headline
(chapter, gap report, mail, roll-up) says both, and defines both in plain German, from here.
"""

from __future__ import annotations

from ozgtrack.render.document import Inline, Strong
from ozgtrack.render.german import agree, number
from ozgtrack.views.ozg import LEIKA_DEFINITION, OnlineRef, OzgCounts, OzgState, ozg_definition
from ozgtrack.views.results import Category, OzgGap
from ozgtrack.wording import listing


def definitions(who: str = "die Stadt") -> str:
    """Both units defined, in one paragraph: OZG-Leistung, then LeiKa-Leistung."""
    return f"{ozg_definition(who)} {LEIKA_DEFINITION}"


def _unassessed(ozg: OzgCounts) -> str:
    """`` (bei 31 davon ist noch keine Leistung bewertet)``: "nicht online" may only mean nobody has looked yet."""
    if not ozg.unassessed:
        return ""
    if ozg.unassessed == ozg.none:
        return " (bei " + ("ihr" if ozg.none == 1 else "allen") + " ist noch keine Leistung bewertet)"
    return f" (bei {number(ozg.unassessed)} davon ist noch keine Leistung bewertet)"


def ozg_parts(ozg: OzgCounts, whose: str = "der Stadt") -> tuple[Inline, ...]:
    """``OZG-Leistungen: 12 vollständig, 9 teilweise, 40 nicht online (…) – von 61 OZG-Leistungen mit eigenen
    Leistungen der Stadt``; the figures strong."""
    if not ozg.total:
        return ("OZG-Leistungen: noch keine OZG-Leistung umfasst eigene Leistungen ", whose,)
    return ("OZG-Leistungen: ", Strong(number(ozg.complete)), " vollständig, ", Strong(number(ozg.partial)),
            " teilweise, ", Strong(number(ozg.none)), f" nicht online{_unassessed(ozg)} – von ",
            Strong(number(ozg.total)), f" {agree(ozg.total, 'OZG-Leistung', 'OZG-Leistungen')} mit eigenen "
            f"Leistungen {whose}")


def short(ozg: OzgCounts) -> str:
    """``1 vollständig, 2 teilweise, 77 nicht online (bei 70 davon ist noch keine Leistung bewertet), von 80``: a
    table cell; ``keine`` without OZG-Leistungen with own services."""
    if not ozg.total:
        return "keine"
    return (f"{number(ozg.complete)} vollständig, {number(ozg.partial)} teilweise, {number(ozg.none)} nicht online"
            f"{_unassessed(ozg)}, von {number(ozg.total)}")


def text(parts: tuple[Inline, ...]) -> str:
    """The parts as one line of plain text (terminal tables, subjects)."""
    return "".join(p.text if isinstance(p, Strong) else str(p) for p in parts)


def gap_state(gap: OzgGap) -> str:
    """``teilweise online über Onlinedienst O-003 Personalausweis Statusabfrage`` or ``nicht online``; then the
    online services its open services take their stage from, ``(Onlinedienst O-009 … noch unter der Zielstufe)``."""
    state = "teilweise online" if gap.state is OzgState.PARTIAL else "nicht online"
    if gap.via:
        state += f" über {_online_services(gap.via)}"
    if gap.below:
        state += f" ({_online_services(gap.below)} noch unter der Zielstufe)"
    return state


def _online_services(refs: tuple[OnlineRef, ...]) -> str:
    word = "Onlinedienst" if len(refs) == 1 else "Onlinedienste"
    return f"{word} {listing([ref.label for ref in refs])}"


def gap_open(gap: OzgGap, sentence: bool = True) -> str:
    """``39 von 41 Leistungen offen (38 nicht bewertet)``: its own LeiKa-Leistungen not online; ``sentence`` False:
    ``39 von 41 (38 nicht bewertet)`` for a column headed "offen"."""
    unknown = sum(1 for s in gap.open if s.category is Category.UNKNOWN)
    noun = f" {agree(gap.applicable, 'Leistung', 'Leistungen')} offen" if sentence else ""
    return (f"{number(len(gap.open))} von {number(gap.applicable)}{noun}"
            + (f" ({number(unknown)} nicht bewertet)" if unknown else ""))
