"""What a roll-up over many municipalities returns: plain values for renderers and the open-data export.

The figures of one town are counted exactly as its own gap report counts them
(:mod:`ozgtrack.analysis.gaps`); :data:`DEFINITIONS` says what every figure means and is printed
with every roll-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ozgtrack.ars import Ars
from ozgtrack.views.online import Delivery
from ozgtrack.views.ozg import LEIKA_DEFINITION, OzgCounts, ozg_definition
from ozgtrack.views.results import Targets
from ozgtrack.views.reliability import Reliability, Thresholds, definition  # Thresholds: beside the verdict it decides


class RollupBy(StrEnum):
    MUNICIPALITY = "municipality"
    SERVICE = "service"
    OZG = "ozg"
    LEBENSBEREICH = "lebensbereich"


class TaskScope(StrEnum):
    """The task scope (Aufgabenumfang) of a municipality, read from its ARS and the ARS list: only equals are ranked."""

    STADTSTAAT = "stadtstaat"  # Berlin, Hamburg: Land, Kreis and Gemeinde at once
    KREISFREI = "kreisfreie_stadt"  # ARS ends in seven zeros: Gemeinde and Kreis at once
    GEMEINDE = "kreisangehoerige_gemeinde"  # verbandsfrei (Einheitsgemeinde): Verband part starts with 0
    MITGLIED = "mitgliedsgemeinde"  # member of a Gemeindeverband (Verbandsgemeinde, Amt …): Verband part starts with 5
    GEMEINDEFREI = "gemeindefreies_gebiet"  # Verband part starts with 9
    ORTSTEIL = "ortsteil"  # Stadt-/Ortsteil or Stadtbezirk of Berlin, Hamburg, Bremen (the list's Hinweis)


@dataclass(frozen=True)
class Scope:
    """Which municipalities a roll-up covers: a Kreis (5 digits), a Land (2 digits) or a list of ARS."""

    kreis: str | None = None
    land: str | None = None
    ars: tuple[str, ...] = ()


@dataclass(frozen=True)
class TownFigures:
    """One municipality, counted as its own gap report counts it.

    ``in_scope``: services that are services (not information only); ``undecided``: of those, level
    still "unklar"; ``applicable`` = online + in_progress + offline + unknown (its own services);
    ``assessed``: own services with a Reifegrad; ``verified``: of those, confirmed at least once. ``rank``
    (1 = best share online) only among the comparable towns of the same Land and task scope; None when not
    comparable.
    """

    ars: str
    name: str
    land: str
    scope: TaskScope
    scope_label: str
    in_scope: int
    undecided: int
    not_applicable: int
    applicable: int
    online: int
    in_progress: int
    offline: int
    unknown: int
    assessed: int
    verified: int
    comparable: bool
    why_not: str | None  # German, for people: what the town still has to do
    rank: int | None = None
    ranked: int | None = None  # how many towns its rank is among
    ozg: OzgCounts = OzgCounts()  # its OZG-Leistungen with own services: complete, partial, none online

    @property
    def share(self) -> float | None:
        """online / applicable (the gap report's Abdeckung); None without own services."""
        return self.online / self.applicable if self.applicable else None

    @property
    def triage_coverage(self) -> float | None:
        """Share of the services in scope whose level is decided (not "unklar")."""
        return (self.in_scope - self.undecided) / self.in_scope if self.in_scope else None

    @property
    def assessment_coverage(self) -> float | None:
        """Share of the own services that carry a Reifegrad."""
        return self.assessed / self.applicable if self.applicable else None

    @property
    def verified_share(self) -> float | None:
        """Share of the assessed own services whose assessment was confirmed at least once."""
        return self.verified / self.assessed if self.assessed else None


@dataclass(frozen=True)
class UnitFigures:
    """One service, OZG-Leistung or Lebensbereich over the compared towns.

    ``services``: LeiKa services of the unit that are the own task of at least one compared town;
    ``everywhere``: of those, online in every compared town where they apply ("flächendeckend");
    ``somewhere``: online in at least one ("in mindestens einer Kommune"). ``applicable`` /
    ``online``: pairs (town, service) where the service is the town's own task / online there.
    ``towns``: compared towns where at least one service of the unit is their own task;
    ``towns_complete``: of those, towns where all of them are online; ``towns_any``: where at
    least one is. For a single service the three town counts are applicable, online, online.
    """

    key: str
    label: str
    parent: str | None
    services: int
    everywhere: int
    somewhere: int
    applicable: int
    online: int
    towns: int
    towns_complete: int
    towns_any: int

    @property
    def share(self) -> float | None:
        return self.online / self.applicable if self.applicable else None


@dataclass(frozen=True)
class SharedService:
    """Online services of several towns taken as one: the same address (host and path), else the same name and
    delivery path; ``towns``: the towns that have it active."""

    name: str
    delivery: Delivery
    address: str | None  # host and path, ``efa.example/wohnsitz``; None: grouped by name and delivery path
    towns: tuple[str, ...]  # names, sorted


@dataclass(frozen=True)
class RollupResult:
    """A roll-up: every town (comparable ones ranked within their scope) and, unless by municipality, the units."""

    title: str  # "Landkreis 15083", "Land 15", "3 Kommunen"
    scope: Scope
    by: RollupBy
    data_date: datetime
    targets: Targets
    thresholds: Thresholds
    rules: tuple[str, ...]  # the Land presets in effect (their Land: "Sachsen-Anhalt")
    towns: tuple[TownFigures, ...]
    units: tuple[UnitFigures, ...]
    definitions: tuple[tuple[str, str], ...]
    reliability: Reliability  # over all towns of the roll-up, summed
    online: tuple[SharedService, ...] = ()  # the towns' active online services, the most used first

    @property
    def compared(self) -> tuple[TownFigures, ...]:
        return tuple(t for t in self.towns if t.comparable)

    @property
    def left_out(self) -> tuple[TownFigures, ...]:
        return tuple(t for t in self.towns if not t.comparable)


def definitions(targets: Targets, thresholds: Thresholds) -> tuple[tuple[str, str], ...]:
    """Every term of a roll-up as (term, German definition), printed with the figures."""
    triage, assessed = round(thresholds.min_triage * 100), round(thresholds.min_assessed * 100)
    return (
        ("OZG-Leistung: vollständig, teilweise, nicht online", f"{ozg_definition('die Kommune')} Je Kommune gezählt wie in ihrem eigenen Lückenbericht."),
        ("LeiKa-Leistung", LEIKA_DEFINITION),
        ("Zähleinheit", "die LeiKa-Leistung (Verrichtung), wie im Lückenbericht jeder Kommune; ein Leistungsobjekt "
         "mit Verrichtungen zählt nicht selbst."),
        ("eigene Leistung", "eine Leistung, die die Kommune nach den Zuständigkeitsregeln oder ihrer eigenen "
         "Entscheidung selbst ausführt "
         "(Ebene Gemeinde; bei einer kreisfreien Stadt auch Ebene Landkreis). Jede Kommune wird genau so gezählt "
         "wie in ihrem eigenen Lückenbericht."),
        ("online", f"eigene Leistung mit einem Reifegrad ab dem Zielwert ihres Modells (Reifegradmodell 1.1 ab Stufe "
         f"{targets.rgm1}, Reifegradmodell 2.0 ab Stufe {targets.rgm2})."),
        ("Anteil online", "online ÷ eigene Leistungen."),
        ("Zuständigkeit geklärt", "Anteil der Leistungen (ohne reine Informationen), deren Ebene nicht mehr "
         "„unklar“ ist – durch Regel oder Entscheidung."),
        ("bewertet", "Anteil der eigenen Leistungen, für die ein Reifegrad erfasst ist."),
        ("davon bestätigt", "Anteil der bewerteten eigenen Leistungen, deren Bewertung schon einmal als geprüft "
         "vermerkt wurde."),
        ("vergleichbar", f"eine Kommune mit mindestens {triage} % geklärter Zuständigkeit und mindestens "
         f"{assessed} % bewerteten eigenen Leistungen. Die anderen stehen gesondert unter „noch nicht "
         "vergleichbar“, ohne Rang, und zählen bei den Leistungen nicht mit."),
        ("belastbar, vorläufig", definition(thresholds) + " Im Vergleich über alle Kommunen summiert; dieselben "
         "Schwellen entscheiden, welche Kommune vergleichbar ist."),
        ("Aufgabenumfang", "aus dem ARS und dem Gemeindeverzeichnis: Stadtstaat, kreisfreie Stadt, kreisangehörige "
         "Gemeinde (verbandsfrei), Mitgliedsgemeinde eines Gemeindeverbands (in Sachsen-Anhalt und "
         "Rheinland-Pfalz: einer Verbandsgemeinde), gemeindefreies Gebiet, Stadt-/Ortsteil. Ränge gelten nur "
         "unter Kommunen desselben Landes und desselben Aufgabenumfangs."),
        ("flächendeckend", "eine Leistung ist online in jeder verglichenen Kommune, in der sie eigene Leistung ist – "
         "wie im Dashboard Digitale Verwaltung des Bundes, das eine Leistung in einem Land oder Kreis nur dann "
         "zählt, wenn sie in allen zugehörigen Kommunen online ist (auch 99 % reichen nicht)."),
        ("in mindestens einer Kommune", "eine Leistung ist online in wenigstens einer verglichenen Kommune, in der "
         "sie eigene Leistung ist – wie das Dashboard eine Leistung „online verfügbar“ nennt, sobald eine Kommune "
         "einen Onlinedienst dafür anbietet."),
        ("OZG-Leistung, Lebensbereich", "Summen über ihre LeiKa-Leistungen: wie viele flächendeckend, wie viele in "
         "mindestens einer Kommune online sind. Anders als das Dashboard gilt eine OZG-Leistung nicht schon als "
         "online, wenn eine ihrer Leistungen es ist."),
    )


_ORTSTEIL_NOTE = "Stadt-/Ortsteil"
# What the Gemeindeverbände of a Land are called where the Land has only one kind (as ozgtrack.town.municipalities).
_VERBAND_KIND = {"07": "einer Verbandsgemeinde", "15": "einer Verbandsgemeinde"}


def task_scope(ars: str, note: str | None) -> tuple[TaskScope, str]:
    """The task scope of a municipality and its German name, from the ARS and the list's Hinweis."""
    if note and note.startswith(_ORTSTEIL_NOTE):
        return TaskScope.ORTSTEIL, "Stadt-/Ortsteil"
    code = Ars(ars)
    if code.is_land:
        return TaskScope.STADTSTAAT, "Stadtstaat"
    if code.kreisfrei:
        return TaskScope.KREISFREI, "kreisfreie Stadt"
    if code.verband is not None:
        return TaskScope.MITGLIED, f"Mitgliedsgemeinde {_VERBAND_KIND.get(code.land, 'eines Gemeindeverbands')}"
    if code.gemeindefrei:
        return TaskScope.GEMEINDEFREI, "gemeindefreies Gebiet"
    return TaskScope.GEMEINDE, "kreisangehörige Gemeinde (verbandsfrei)"
