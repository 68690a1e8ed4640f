"""The plan's closed lists (states, origins, funding), periods like 2027-Q2, and names matched as people type them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ozgtrack.numbers import lookalike_problem
from ozgtrack.errors import InputError
from ozgtrack.text import choose as names_choose, spelled_out

STATES = ("vorgeschlagen", "beschlossen", "in Umsetzung", "umgesetzt", "zurückgestellt", "verworfen")
ORIGINS = ("IST-Analyse", "Zukunftswerkstatt", "Verwaltung", "Stadtrat", "Ortschaftsrat", "Bürgerbeteiligung")
FUNDING = ("Eigenmittel", "Land (EfA-Nachnutzung)", "Fördermittel")
DEFAULT_STATE = "vorgeschlagen"

_PERIOD_RE = re.compile(r"(\d{4})(?:-?Q([1-4]))?")
_MEASURE_RE = re.compile(r"(?:M-?)?0*([0-9]{1,6})")  # 0-9 only: no look-alikes


def fold(text: str) -> str:
    """Compare names as people write them: case, spacing, "und" for "&", umlauts spelt out."""
    return spelled_out(" ".join(text.replace("&", " und ").split())).replace("-", " ")


def choose(value: str, names: Iterable[str], what: str, aliases: Mapping[str, str] | None = None) -> str:
    """The one of ``names`` that ``value`` means (case and spelling aside); else InputError naming the closest."""
    return names_choose(value, names, what, aliases)


def period(text: str, what: str) -> str:
    """A year (2027) or a quarter (2027-Q2, 2027Q2, 2027-q2) in the form 2027 or 2027-Q2."""
    match = _PERIOD_RE.fullmatch(text.strip().upper().replace(" ", ""))
    if not match or not text.isascii():
        raise InputError(f"{what} „{text}“ ist kein Jahr (2027) und kein Quartal (2027-Q2)")
    year, quarter = match.groups()
    return f"{year}-Q{quarter}" if quarter else year


def period_bounds(value: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The first and last quarter a period covers, as (year, quarter)."""
    year, _, quarter = value.partition("-Q")
    return ((int(year), int(quarter or 1)), (int(year), int(quarter or 4)))


def measure_number(text: str) -> int:
    """The number of a measure ID as people write it: M-007, M7, 7."""
    match = _MEASURE_RE.fullmatch(text.strip().upper())
    if not match:
        raise InputError(lookalike_problem(f"die Maßnahmen-ID „{text}“", text)
                         or f"„{text}“ ist keine Maßnahmen-ID (z. B. M-007)")
    return int(match.group(1))


def measure_ref(number: int) -> str:
    return f"M-{number:03d}"
