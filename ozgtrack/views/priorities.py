"""What `plan cases import` and `plan priorities` show: an import's counts, ranked gaps with their score parts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseImport:
    """What a case-numbers file adds and changes (one value per service and year)."""

    added: int
    changed: int
    unchanged: int


@dataclass(frozen=True)
class ScorePart:
    """One part of a score: its value (0 to 1), its weight, the points (weight × value, negative for effort)."""

    part: str  # cases | votes | obligation | efa | effort
    value: float
    weight: float
    points: float
    basis: str  # what the value rests on, in German ("1.200 Fälle 2025")


@dataclass(frozen=True)
class Priority:
    """One open gap of the town, ranked; ``score`` is the sum of the parts' points."""

    rank: int
    key: str
    name: str
    score: float
    parts: tuple[ScorePart, ...]
