"""The town's online services (Onlinedienste), their building blocks and the reasons a gap stays open; no database.

An online service is what a citizen uses (a form, an EfA service, a portal); it covers several LeiKa services
and is built from building blocks: a user account, ePayment, a reply channel, a receiving channel, a connected
Fachverfahren, and for an EfA service the Land's reuse contract. The German labels are what every report prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Delivery(StrEnum):
    """Weg der Bereitstellung: how the town gets the online service."""

    EIGEN = "eigen"  # its own form or portal
    EFA = "efa"  # an EfA service of another Land, reused under the Land's Nachnutzungsvertrag
    LAND = "land"  # a service of the Land
    ZSA = "zsa"  # the Land's shared service for Kommunen
    KREIS = "kreis"  # a service of the Landkreis
    ANBIETER = "anbieter"  # a vendor's product


class Account(StrEnum):
    """Nutzerkonto: how citizens identify themselves."""

    BUNDID = "bundid"
    SERVICEKONTO = "servicekonto"
    KEINS = "keins"


class Payment(StrEnum):
    """ePayment: how fees are paid online; ``keins``: fees are due but cannot be paid online."""

    EPAYBL = "epaybl"
    ANDERES = "anderes"
    KEINS = "keins"
    NICHT_NOETIG = "nicht-noetig"


class Reply(StrEnum):
    """Rückkanal: how the decision reaches the citizen."""

    POSTFACH = "postfach"
    FIT_CONNECT = "fit-connect"
    EMAIL = "email"
    BRIEF = "brief"


class Intake(StrEnum):
    """Eingangskanal: how the application reaches the town."""

    FIT_CONNECT = "fit-connect"
    XTA = "xta"
    EMAIL = "email"
    PAPIER = "papier"
    FACHVERFAHREN = "fachverfahren"


class BlockerCode(StrEnum):
    """Why a gap is still open; the labels and explanations are in ``catalog/blockers.toml``."""

    LANDESLOESUNG = "landesloesung"
    VERTRAG = "vertrag"
    EPAYMENT = "epayment"
    POSTFACH = "postfach"
    FACHVERFAHREN = "fachverfahren"
    PVOG = "pvog"
    PERSONAL = "personal"
    RECHTSLAGE = "rechtslage"


def enum_values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The stored values of a closed set, in its order (the choices of an option, the codes a file may hold)."""
    return tuple(member.value for member in enum)


DELIVERY_LABEL = {
    Delivery.EIGEN: "eigene Lösung der Stadt",
    Delivery.EFA: "EfA-Dienst (Einer für Alle)",
    Delivery.LAND: "Dienst des Landes",
    Delivery.ZSA: "gemeinsamer Dienst des Landes für Kommunen (ZSA)",
    Delivery.KREIS: "Dienst des Landkreises",
    Delivery.ANBIETER: "Produkt eines Anbieters",
}
ACCOUNT_LABEL = {Account.BUNDID: "BundID", Account.SERVICEKONTO: "Servicekonto des Landes",
                 Account.KEINS: "ohne Nutzerkonto"}
PAYMENT_LABEL = {Payment.EPAYBL: "ePayBL", Payment.ANDERES: "anderer Bezahldienst",
                 Payment.KEINS: "Gebühren, aber keine Online-Zahlung", Payment.NICHT_NOETIG: "gebührenfrei"}
REPLY_LABEL = {Reply.POSTFACH: "Postfach (BundID/Bürgerkonto)", Reply.FIT_CONNECT: "FIT-Connect",
               Reply.EMAIL: "E-Mail", Reply.BRIEF: "Brief"}
INTAKE_LABEL = {Intake.FIT_CONNECT: "FIT-Connect", Intake.XTA: "XTA/OSCI", Intake.EMAIL: "E-Mail",
                Intake.PAPIER: "Ausdruck auf Papier", Intake.FACHVERFAHREN: "direkt ins Fachverfahren"}

# The building blocks as `online add` names them: option, field, its values, the column title.
BLOCKS: tuple[tuple[str, type[StrEnum], dict, str], ...] = (
    ("account", Account, ACCOUNT_LABEL, "Nutzerkonto"),
    ("payment", Payment, PAYMENT_LABEL, "Bezahlung"),
    ("reply", Reply, REPLY_LABEL, "Rückkanal"),
    ("intake", Intake, INTAKE_LABEL, "Eingang"),
)


def number_text(number: int) -> str:
    """``O-003``: how an online service is named in every list and message."""
    return f"O-{number:03d}"


@dataclass(frozen=True)
class CoveredService:
    """A LeiKa service an online service covers, with its standing for the town."""

    key: str
    name: str
    own: bool  # the town executes it itself
    stage: int | None  # the status's stage now
    deviates: bool = False  # its status was set apart from the online service (with a reason)


@dataclass(frozen=True)
class OnlineServiceView:
    """An online service as `online show` and `online list` show it."""

    number: int
    name: str
    url: str | None
    delivery: Delivery
    provider: str | None
    model: str | None
    stage: int | None
    department: str | None
    live_since: date | None
    account: Account | None
    payment: Payment | None
    reply: Reply | None
    intake: Intake | None
    system: str | None
    contract: str | None  # an ISO date, "nein", or None (not recorded)
    note: str | None
    version: int
    updated_at: datetime
    updated_by: str
    retired_at: datetime | None
    covers: tuple[CoveredService, ...] = ()

    @property
    def label(self) -> str:
        return f"{number_text(self.number)} {self.name}"

    @property
    def active(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True)
class OnlineSpec:
    """What `online add` records: the name, how it is delivered, what it covers (keys as given) and its blocks."""

    name: str
    delivery: Delivery
    covers: tuple[str, ...]  # LeiKa keys, OZG-IDs, Leistungsobjekte, as the user gave them
    url: str | None = None
    provider: str | None = None
    stage: int | None = None
    model: str | None = None
    department: str | None = None
    live_since: date | None = None
    account: Account | None = None
    payment: Payment | None = None
    reply: Reply | None = None
    intake: Intake | None = None
    system: str | None = None
    contract: str | None = None  # ISO date or "nein"
    note: str | None = None


@dataclass(frozen=True)
class OnlineEntryView:
    """One entry of an online service's history: what changed (field -> [old, new], covers added/removed)."""

    at: datetime
    by: str
    action: str  # add | set | covers | retire
    changes: dict
    reason: str | None


@dataclass(frozen=True)
class OnlineChange:
    """What `online add|set|remove` changed: the online service's fields and covers, and the statuses derived.

    ``statuses``: the status changes of covered own services (each a ``KeyChange``); ``skipped``: covered
    services that are not the town's own (covered, but they get no status); ``deviations``: covered own services
    whose status was set apart from the online service and is left as it is.
    """

    number: int
    name: str
    fields: dict  # field -> [old, new]
    covers_added: tuple[str, ...] = ()
    covers_removed: tuple[str, ...] = ()
    statuses: tuple = ()  # KeyChange of ozgtrack.views.tracking
    skipped: tuple[str, ...] = ()
    deviations: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{number_text(self.number)} {self.name}"


@dataclass(frozen=True)
class OnlineDetail:
    """`online show`: an online service with its covered services and its history."""

    service: OnlineServiceView
    history: tuple[OnlineEntryView, ...] = ()


def parse_number(text: str) -> int | None:
    """``3``, ``O-003``, ``o-3``, ``O003`` → 3; None when ``text`` names no online service number."""
    cleaned = text.strip().upper().removeprefix("O").removeprefix("-").strip()
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() and int(cleaned) > 0 else None


@dataclass(frozen=True)
class OnlineLink:
    """The online service a status comes from (`status show`); ``deviates``: its status was set apart from it."""

    number: int
    name: str
    active: bool
    deviates: bool = False
    reason: str | None = None  # why it deviates: the reason of the direct change

    @property
    def label(self) -> str:
        return f"{number_text(self.number)} {self.name}"
