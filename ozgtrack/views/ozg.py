"""The headline unit OZG-Leistung: how many are complete, partial or not online; the online service a status names.

Among the OZG-Leistungen with at least one own service of the town: **complete** when all of its own services are
online, **partial** when at least one but not all are, **none** when not one is. Counted by
:func:`ozgtrack.views.results.ozg_counts` from the gap analysis's services, so "own" and "online" are the ones
of :mod:`ozgtrack.views.what_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ozgtrack.views.online import number_text


@dataclass(frozen=True)
class OnlineRef:
    """An online service as a status names it: ``O-003 Personalausweis Statusabfrage``."""

    number: int
    name: str

    @property
    def label(self) -> str:
        return f"{number_text(self.number)} {self.name}"


class OzgState(StrEnum):
    """How far an OZG-Leistung with own services is online: all of its own services, some of them, none."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    NONE = "none"


@dataclass(frozen=True)
class OzgCounts:
    """OZG-Leistungen among those with at least one own service: complete, partial, none online.

    ``unassessed``: of the ``none``, those where not one own service has a Reifegrad yet (nobody has looked).
    """

    complete: int = 0
    partial: int = 0
    none: int = 0
    unassessed: int = 0

    @property
    def total(self) -> int:
        return self.complete + self.partial + self.none


# The unit of the catalogue, said once where the figures are defined; the reports call it "Leistung".
LEIKA_DEFINITION = ("Eine LeiKa-Leistung ist eine einzelne Leistung des bundesweiten Leistungskatalogs (LeiKa), "
                    "etwa „Personalausweis Ausstellung“ oder „Wohnsitz Anmeldung“; in diesem Bericht heißt sie kurz "
                    "„Leistung“.")


def ozg_definition(who: str = "die Stadt") -> str:
    """What vollständig, teilweise and nicht online mean for an OZG-Leistung; ``who`` erbringt the own services."""
    return ("Eine OZG-Leistung (die Einheit, in der der OZG-Umsetzungskatalog und das Dashboard Digitale Verwaltung "
            "des Bundes zählen, etwa „Personalausweis“) bündelt mehrere LeiKa-Leistungen. Gezählt werden nur OZG-Leistungen, zu denen "
            f"mindestens eine Leistung gehört, die {who} selbst erbringt. Eine solche OZG-Leistung ist vollständig "
            f"online, wenn alle ihre Leistungen, die {who} selbst erbringt, online sind; teilweise online, wenn "
            "mindestens eine davon online ist, aber nicht alle; nicht online, wenn keine davon online ist.")
