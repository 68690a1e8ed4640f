"""Values of the town's view: responsibility levels, maturity models, planned dates, ARS."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from ozgtrack.ars import Ars
from ozgtrack.numbers import is_digits, lookalike_problem


class Level(StrEnum):
    """Who executes a service for a municipality."""

    GEMEINDE = "gemeinde"
    LANDKREIS = "landkreis"
    LAND = "land"
    BUND = "bund"
    UNKLAR = "unklar"  # not decided yet


class MaturityModel(StrEnum):
    """Reifegradmodell: 1.1 (2020) has stages 0-4, 2.0 (2025) stages 0-7."""

    RGM1 = "rgm1"
    RGM2 = "rgm2"

    @property
    def max_stage(self) -> int:
        return 4 if self is MaturityModel.RGM1 else 7

    @property
    def label(self) -> str:
        return "Reifegradmodell 1.1" if self is MaturityModel.RGM1 else "Reifegradmodell 2.0"


def stage_problem(model: MaturityModel, stage: int) -> str | None:
    """Why ``stage`` is not a stage of ``model``, or None."""
    if 0 <= stage <= model.max_stage:
        return None
    return f"Reifegrad {stage} gibt es im {model.label} nicht (0–{model.max_stage})"


_QUARTER_RE = re.compile(r"([0-9]{4})\s*-?\s*Q([1-4])|Q([1-4])\s*[/ -]\s*([0-9]{4})", re.IGNORECASE)
_YEAR_RE = re.compile(r"[0-9]{4}")  # 0-9 only: other digits are look-alikes
_GERMAN_DATE_RE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def parse_planned(text: str) -> str:
    """A planned date as stored: ``2027-06-30``, a quarter ``2027-Q2`` or a year ``2027`` (as measures take it).

    Accepts ISO dates, German dates (``30.06.2027``), quarters (``2027-Q2``, ``Q2/2027``) and years;
    raises ValueError with a readable message otherwise.
    """
    text = typed = text.strip()
    if _YEAR_RE.fullmatch(text):
        return text
    if match := _QUARTER_RE.fullmatch(text):
        year, quarter = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        return f"{year}-Q{quarter}"
    if match := _GERMAN_DATE_RE.fullmatch(text):
        day, month, year = map(int, match.groups())
        text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"{typed!r} ist weder ein Datum (30.06.2027, 2027-06-30) , ein Quartal (2027-Q2) noch ein Jahr (2027)") from None


def ars_problem(ars: str) -> str | None:
    """Why ``ars`` is not an Amtlicher Regionalschlüssel (12 digits), or None."""
    if len(ars) == 12 and is_digits(ars):
        return None
    if problem := lookalike_problem(f"der ARS {ars!r}", ars):
        return problem
    return f"der ARS {ars!r} hat nicht 12 Ziffern"


def ags_of(ars: str) -> str:
    """The 8-digit Gemeindeschlüssel: Land, Regierungsbezirk, Kreis and Gemeinde, without the Verband."""
    return Ars(ars).ags


def kreis_of(ars: str) -> str:
    """The ARS of the Kreis (or kreisfreie Stadt) a municipality belongs to."""
    return str(Ars(ars).kreis_ars())
