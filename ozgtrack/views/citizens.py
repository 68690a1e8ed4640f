"""The page for citizens: the town's active online services by Lebensbereich, with what a citizen needs; no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ozgtrack.views.online import Account, Delivery, Payment

# The group of online services whose covered services no OZG-Leistung lists.
OTHER_AREA = "Weitere Onlinedienste"


@dataclass(frozen=True)
class CitizenService:
    """An active online service as a citizen sees it: its name, its link, who offers it, what it asks of them."""

    number: int
    name: str
    url: str | None  # as recorded; the renderers link only http(s) addresses
    delivery: Delivery
    provider: str | None
    account: Account | None  # None: not recorded
    payment: Payment | None
    # Whether the whole matter can be done online (its stage counts as online); False: only a part, such as the
    # form; None: no stage recorded.
    complete: bool | None = None
    information_only: bool = False  # stage 0 or 1: only information is online, not the matter itself


@dataclass(frozen=True)
class CitizenArea:
    """A Lebensbereich and its online services, by name."""

    name: str
    services: tuple[CitizenService, ...]


@dataclass(frozen=True)
class CitizensPage:
    """What `report online` shows: the town (its name as in a sentence), the regions that offer services, the areas.

    An online service covering services of several Lebensbereiche stands in each of them.
    """

    ars: str
    municipality: str  # "Stadt Wolmirstedt"
    land: str | None  # "Sachsen-Anhalt"
    kreis: str | None  # "Landkreis Börde"
    demo: bool
    data_date: datetime
    areas: tuple[CitizenArea, ...]

    @property
    def services(self) -> tuple[CitizenService, ...]:
        """Every online service once, by number."""
        found = {s.number: s for area in self.areas for s in area.services}
        return tuple(found[n] for n in sorted(found))
