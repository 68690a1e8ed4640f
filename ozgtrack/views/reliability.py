"""How solid the headline figures are (Belastbarkeit): shares of the data collection, ages of the data, a verdict.

Pure values, no database. A coverage of 4 % when 4 % of the own services are assessed measures the
data collection, not the town; the verdict says so. The thresholds are the roll-up's (one definition:
a town whose figures are "vorläufig" is the town a roll-up lists apart as not yet comparable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from ozgtrack.settings import MIN_ASSESSED, MIN_TRIAGE


@dataclass(frozen=True)
class Thresholds:
    """From when figures are solid: shares (0–1) of decided responsibilities and of assessed own services."""

    min_triage: float = MIN_TRIAGE / 100
    min_assessed: float = MIN_ASSESSED / 100

    @classmethod
    def percent(cls, min_triage: int, min_assessed: int) -> Thresholds:
        """From percents, as ``[report]`` and the roll-up's options give them."""
        return cls(min_triage / 100, min_assessed / 100)


def definition(thresholds: Thresholds) -> str:
    """What "belastbar" and "vorläufig" mean, in German: printed where the figures are defined."""
    assessed, unclear = round(thresholds.min_assessed * 100), round(100 - thresholds.min_triage * 100)
    return (f"Zahlen sind vorläufig, solange weniger als {assessed} % der eigenen Leistungen bewertet sind oder bei "
            f"mehr als {unclear} % der Leistungen noch ungeklärt ist, wer sie erbringt: dann beschreiben sie eher den "
            "Stand der Erhebung als den der Verwaltung. Sonst sind sie belastbar. Daneben stehen, wie viele Bewertungen "
            "schon einmal bestätigt (als geprüft vermerkt) wurden, und wie alt die Daten sind: die neuesten PVOG-Daten "
            "für die Kommune oder eine Ebene darüber (Gemeindeverband, Kreis, Land, Bund) und der neueste Katalog, je "
            "mit dem Datenstand, den sie selbst nennen, sonst dem Tag des Imports.")


class Doubt(StrEnum):
    """Why figures are provisional (``vorläufig``)."""

    UNCLEAR = "unclear_responsibility"  # too many services whose responsibility is undecided
    NO_OWN = "no_own_services"  # nothing to measure (yet)
    FEW_ASSESSED = "few_assessed"  # too few own services assessed


def doubts(applicable: int, assessed: int, in_scope: int, undecided: int, thresholds: Thresholds) -> tuple[Doubt, ...]:
    """What keeps figures from being solid, by the thresholds; empty when they are. The roll-up's comparability
    is the same test (``ozgtrack.analysis.rollup``)."""
    found, decided = [], (in_scope - undecided) / in_scope if in_scope else 0.0
    if decided < thresholds.min_triage:
        found.append(Doubt.UNCLEAR)
    if not applicable:
        found.append(Doubt.NO_OWN)
    elif assessed / applicable < thresholds.min_assessed:
        found.append(Doubt.FEW_ASSESSED)
    return tuple(found)


@dataclass(frozen=True)
class Dated:
    """A piece of data by the date it states itself (its Datenstand, None: unknown) and the time it was imported."""

    name: str  # the catalogue source ("ozg") or the ARS the PVOG evidence was imported for
    stated: datetime | None
    imported: datetime

    @property
    def at(self) -> datetime:
        """The date that counts: the stated one, else the import."""
        return self.stated or self.imported


def newest(candidates: list[Dated]) -> Dated | None:
    """The newest by the date that counts (a later import breaks a tie); None when there is none."""
    return max(candidates, key=lambda d: (d.at, d.imported), default=None)


@dataclass(frozen=True)
class Reliability:
    """How solid a town's headline figures are, or those of several towns summed (a roll-up).

    ``applicable``: own services; ``assessed``: of those, with a Reifegrad; ``verified``: of the assessed,
    confirmed at least once; ``in_scope``: own + not own + undecided; ``undecided``: responsibility
    still "unklar". ``evidence``: the newest PVOG release for the town's ARS or one above it;
    ``catalogues``: the newest release of each catalogue source. ``towns``: None for one town, else how many are
    summed.
    """

    applicable: int
    assessed: int
    verified: int
    in_scope: int
    undecided: int
    evidence: Dated | None
    catalogues: tuple[Dated, ...]
    today: date
    thresholds: Thresholds = Thresholds()
    towns: int | None = None
    towns_with_evidence: int | None = None  # a roll-up: towns the PVOG evidence applies to
    decided: int | None = None  # one town: in-scope services whose responsibility it decided itself (else: a rule)
    own_listing: bool | None = None  # one town: a complete PVOG listing for its own ARS (or its Verband's) exists
    complete_evidence: Dated | None = None  # one town: the newest complete listing that applies (Bund, Land … or own)
    towns_with_own_listing: int | None = None  # a roll-up: towns with such a listing

    @property
    def catalogue(self) -> Dated | None:
        """The newest catalogue release, by the date it states, else its import; None before the first sync."""
        return newest(list(self.catalogues))

    @property
    def assessed_share(self) -> float | None:
        return self.assessed / self.applicable if self.applicable else None

    @property
    def verified_share(self) -> float | None:
        return self.verified / self.assessed if self.assessed else None

    @property
    def unclear_share(self) -> float | None:
        return self.undecided / self.in_scope if self.in_scope else None

    @property
    def doubts(self) -> tuple[Doubt, ...]:
        return doubts(self.applicable, self.assessed, self.in_scope, self.undecided, self.thresholds)

    @property
    def provisional(self) -> bool:
        """True ("vorläufig") when the figures describe the data collection more than the town."""
        return bool(self.doubts)

