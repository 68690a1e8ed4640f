"""Who acts for which municipality, when and by which rules: built in one place, passed whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ozgtrack import clock, wording
from ozgtrack.errors import ConfigError
from ozgtrack.fields import text
from ozgtrack.town.municipalities import resolve
from ozgtrack.town.rules import Rules, load_rules
from ozgtrack.values import MaturityModel
from ozgtrack.views.tracking import MunicipalityView

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ozgtrack.settings import Settings
    from ozgtrack.store.models import Municipality


@dataclass(frozen=True)
class Town(MunicipalityView):
    """The municipality a command acts for, as a plain value: it outlives the session that read it."""

    id: int
    demo: bool

    @classmethod
    def of(cls, row: Municipality) -> Town:
        """The value of a municipality row."""
        return cls(ars=row.ars, ags=row.ags, name=row.name, note=row.note, land=row.land, kreis_ars=row.kreis_ars,
                   id=row.id, demo=bool(row.demo))


@dataclass(frozen=True)
class Context:
    """Who acts for which municipality, when, with which rules and default maturity model."""

    municipality: Town
    rules: Rules
    by: str
    now: datetime  # UTC, for timestamps
    today: date  # the local date, for "verified today" and staleness
    default_model: MaturityModel


def build_context(session: Session, settings: Settings, *, ars: str | None = None, by: str | None = None,
                  now: datetime | None = None, today: date | None = None) -> Context:
    """The context of one command: ``ars`` > the configured town, ``by`` > the configured user, now (UTC) and today.

    Raises ConfigError when no municipality is chosen.
    """
    chosen = ars or settings.municipality
    if not chosen:
        raise ConfigError(f"keine Gemeinde gewählt; {wording.CHOOSE_MUNICIPALITY} oder geben Sie --ars an")
    # One line, as a worksheet writes it and reads it back: a tab in --by must not look like a change.
    who = text("by", by or settings.user) or ""
    municipality = Town.of(resolve(session, chosen))
    rules = load_rules(settings.triage_rules, municipality, settings.triage_presets)
    return Context(municipality, rules, who, now or clock.now(), today or clock.today(),
                   settings.maturity_model)
