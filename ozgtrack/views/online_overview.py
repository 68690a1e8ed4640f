"""The town's active online services as the chapter shows them: by delivery path, and how ready each building block is.

Pure values (no database): :mod:`ozgtrack.analysis.online_overview` fills them, :mod:`ozgtrack.render.online_section`
writes them. Which recorded value of a building block counts as "vorhanden", "fehlt" or "nicht nötig" is defined
once here (:data:`READINESS`), with the German words the chapter prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ozgtrack.views.online import Account, Delivery, Intake, Payment, Reply, number_text


@dataclass(frozen=True)
class RegisteredService:
    """One active online service of the town with what it covers."""

    number: int
    name: str
    url: str | None
    delivery: Delivery
    provider: str | None
    blocks: dict[str, str | None]  # building block ("account", …, "contract") -> its recorded value, None: not recorded
    covers: int  # LeiKa services it covers (counted services only: no Leistungsobjekt with Verrichtungen)
    own: int  # of those, the town's own services
    own_online: int  # of those, online
    ozg: tuple[tuple[str, str], ...]  # (OZG-ID, name) of the OZG-Leistungen its covered services belong to

    @property
    def label(self) -> str:
        return f"{number_text(self.number)} {self.name}"


class Ready(StrEnum):
    HAVE = "have"
    LACK = "lack"
    NOT_NEEDED = "not_needed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class BlockRule:
    """A building block: its title, what counts as present, missing or not needed, and which services it applies to."""

    key: str
    title: str  # German, with the values that count as present
    have: frozenset[str] | None  # None: any recorded value but the missing ones (a contract's date)
    lack: frozenset[str]
    not_needed: frozenset[str] = frozenset()
    only: Delivery | None = None  # the block applies only to services of this delivery path

    def ready(self, value: str | None) -> Ready:
        """How ready the block is for a service that recorded ``value``."""
        if value is None:
            return Ready.UNKNOWN
        if value in self.lack:
            return Ready.LACK
        if value in self.not_needed:
            return Ready.NOT_NEEDED
        return Ready.HAVE if self.have is None or value in self.have else Ready.UNKNOWN


READINESS: tuple[BlockRule, ...] = (
    BlockRule("account", "Nutzerkonto (BundID oder Servicekonto des Landes)",
              frozenset({Account.BUNDID, Account.SERVICEKONTO}), frozenset({Account.KEINS})),
    BlockRule("payment", "Online-Bezahlung (ePayBL oder anderer Bezahldienst)",
              frozenset({Payment.EPAYBL, Payment.ANDERES}), frozenset({Payment.KEINS}),
              frozenset({Payment.NICHT_NOETIG})),
    BlockRule("reply", "digitaler Rückkanal (Postfach, FIT-Connect oder E-Mail statt Brief)",
              frozenset({Reply.POSTFACH, Reply.FIT_CONNECT, Reply.EMAIL}), frozenset({Reply.BRIEF})),
    BlockRule("intake", "elektronischer Eingang (FIT-Connect, XTA/OSCI, E-Mail oder direkt ins Fachverfahren statt "
              "Ausdruck auf Papier)", frozenset({Intake.FIT_CONNECT, Intake.XTA, Intake.EMAIL, Intake.FACHVERFAHREN}),
              frozenset({Intake.PAPIER})),
    BlockRule("contract", "Nachnutzungsvertrag des Landes (nur EfA-Dienste)", None, frozenset({"nein"}),
              only=Delivery.EFA),
)


@dataclass(frozen=True)
class BlockReadiness:
    """How many of the online services a block applies to have it, lack it, do not need it, or did not record it."""

    rule: BlockRule
    have: int
    lack: int
    not_needed: int
    unknown: int

    @property
    def of(self) -> int:
        return self.have + self.lack + self.not_needed + self.unknown


def readiness(services: Iterable[RegisteredService]) -> tuple[BlockReadiness, ...]:
    """Each building block of :data:`READINESS` over ``services`` (those it applies to)."""
    services = list(services)
    out = []
    for rule in READINESS:
        found = [rule.ready(s.blocks.get(rule.key)) for s in services if rule.only in (None, s.delivery)]
        out.append(BlockReadiness(rule, *(found.count(r) for r in (Ready.HAVE, Ready.LACK, Ready.NOT_NEEDED,
                                                                   Ready.UNKNOWN))))
    return tuple(out)


@dataclass(frozen=True)
class OnlineOverview:
    """The town's active online services (by number) and the readiness of their building blocks."""

    services: tuple[RegisteredService, ...]

    @property
    def blocks(self) -> tuple[BlockReadiness, ...]:
        return readiness(self.services)

    def by_delivery(self) -> list[tuple[Delivery, tuple[RegisteredService, ...]]]:
        """The services grouped by delivery path, in the order of :class:`Delivery`; empty paths left out."""
        return [(d, found) for d in Delivery if (found := tuple(s for s in self.services if s.delivery is d))]
