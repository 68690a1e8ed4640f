"""What counts, defined once: a town's "own" services and "online" ones, in Python and as SQL from the same tables.

- own: the town executes the service itself; its level (after triage) is one the town executes.
  Every town executes the Gemeinde's services, a kreisfreie Stadt also the Landkreis's (:data:`EXECUTES`).
- online: assessed at or above the target stage of the maturity model it was assessed in (:class:`Targets`).

The Python predicates (:func:`executed_levels`, :func:`is_own`, :func:`is_online`) and the SQL expressions
(:func:`own_sql`, :func:`online_sql`) both read :data:`EXECUTES` and :class:`Targets`, so the gap report, the
trend, open data and both roll-up plans cannot drift apart. SQLAlchemy is imported inside the two SQL
builders only: the pure result types import this module, and renderers must never load SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ozgtrack.values import Level, MaturityModel

# Level -> the towns that execute its services themselves: (False,) every town, (True,) a kreisfreie Stadt only.
EXECUTES: dict[Level, tuple[bool, ...]] = {Level.GEMEINDE: (False, True), Level.LANDKREIS: (True,)}


@dataclass(frozen=True)
class Targets:
    """The stage from which a service counts as online, per maturity model."""

    rgm1: int = 3
    rgm2: int = 3

    def of(self, model: MaturityModel | str) -> int:
        return self.rgm1 if MaturityModel(model) is MaturityModel.RGM1 else self.rgm2

    @classmethod
    def of_settings(cls, report: Any) -> Targets:
        """The targets of ``[report] target_rgm1`` and ``target_rgm2``."""
        return cls(report.target_rgm1, report.target_rgm2)


def executed_levels(kreisfrei: bool) -> frozenset[Level]:
    """The levels whose services a town executes itself (a kreisfreie Stadt is Gemeinde and Kreis at once)."""
    return frozenset(level for level, towns in EXECUTES.items() if kreisfrei in towns)


_OWN = {kreisfrei: frozenset(level.value for level in executed_levels(kreisfrei)) for kreisfrei in (False, True)}


def is_own(level: Level | str | None, kreisfrei: bool) -> bool:
    """Whether a town (``kreisfrei`` or not) executes a service of ``level`` itself."""
    return level in _OWN[bool(kreisfrei)]


def is_online(stage: int | None, model: MaturityModel | str | None, targets: Targets) -> bool:
    """Whether a status counts as online: assessed at or above the target stage of its model."""
    return stage is not None and model is not None and stage >= targets.of(model)


def own_sql(level: Any, kreisfrei: Any) -> Any:
    """SQL condition, as :func:`is_own`: ``level`` a column of level values, ``kreisfrei`` a SQL condition."""
    from sqlalchemy import String, and_, not_, or_, type_coerce

    level = type_coerce(level, String)
    return or_(*(level == lvl.value if len(set(towns)) == 2
                 else and_(kreisfrei if towns[0] else not_(kreisfrei), level == lvl.value)
                 for lvl, towns in EXECUTES.items()))


def online_sql(stage: Any, model: Any, targets: Targets) -> Any:
    """SQL condition, as :func:`is_online`: ``stage`` and ``model`` columns of a status."""
    from sqlalchemy import String, and_, or_, type_coerce

    model = type_coerce(model, String)
    return or_(*(and_(model == m.value, stage >= targets.of(m)) for m in MaturityModel))
