"""Numbers from outside — list cells, workbook cells, options — read one way, as German lists write them.

A German list writes 1.240 for a thousand two hundred and forty and 7,5 for seven and a half. Dropping
every dot read "1.5" as 15 and "7.5" % as 75 %, silently. So a dot is read only where it can mean
thousands, between groups of three digits ("1.240", "12.345.678"); the comma is the decimal mark; and
anything else ("1.5", "1.24", "12.4000", "1,240.5", "1e3") is refused with what to write instead,
never guessed. Workbook cells become the text German Excel shows for them (1.5 → "1,5", a percent
cell holding 0.4 → "40 %"), so a workbook and the CSV saved from it read the same. Look-alike digits
are refused, as everywhere. Pure: the standard library only.

The digits themselves: keys, IDs, stages and dates from outside are read from 0-9 only, never from look-alikes.

``str.isdigit``, ``int()`` and the regex ``\\d`` also accept fullwidth ``９``, Arabic-Indic ``٩``,
Devanagari ``९`` or mathematical bold ``𝟗``; a key written with them would become a second,
phantom service beside the real one. Such text is refused, not mapped: whoever typed or
generated it should see where it came from.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from ozgtrack import wording
from ozgtrack.errors import InputError


def is_digits(text: str) -> bool:
    """True when ``text`` is one or more of the ASCII digits 0-9 and nothing else."""
    return text.isascii() and text.isdigit()


def to_int(text: str) -> int:
    """``int(text)`` for an optional sign and ASCII digits (white space around allowed); ValueError otherwise."""
    stripped = text.strip()
    if not is_digits(stripped.removeprefix("-").removeprefix("+")):
        raise ValueError(f"{text!r} ist keine ganze Zahl aus den Ziffern 0–9")
    return int(stripped)


def lookalike(text: str) -> str | None:
    """The first digit in ``text`` that is not 0-9, described for a message, or None."""
    for char in text:
        if char.isdigit() and not char.isascii():
            return f"{char!r} ({unicodedata.name(char, 'eine Ziffer außerhalb von ASCII')})"
    return None


def lookalike_problem(what: str, text: str) -> str | None:
    """A message for ``what`` (a German subject: "der Schlüssel '９９…'") holding a look-alike digit, or None."""
    if found := lookalike(text):
        return f"{what} enthält die Ziffer {found}, die nur wie 0–9 aussieht; verwenden Sie nur die Ziffern 0–9"
    return None


PERCENT = ("%", "prozent")
EURO = ("€", "eur", "euro")
# The largest whole number a column holds on every database (PostgreSQL's integer).
LARGEST = 2_147_483_647

# Thousands: a dot or a space (also the thin and non-breaking ones) between groups of three, the same throughout.
_NUMBER_RE = re.compile(r"(?P<sign>[-+\u2212]?)(?P<whole>[0-9]+|[0-9]{1,3}(?P<sep>[. \u00a0\u2009\u202f])[0-9]{3}"
                        r"(?:(?P=sep)[0-9]{3})*)(?:,(?P<fraction>[0-9]+))?")
_DOT_DECIMAL_RE = re.compile(r"[-+\u2212]?[0-9]+\.[0-9]+")
_HINT = "ein Punkt trennt nur Tausender (wie in 1.240), Dezimalstellen folgen dem Komma (wie in 7,5)"


def whole(text: str, what: str, low: int = 0, high: int | None = None, units: tuple[str, ...] = (), *,
          grouped: bool = True) -> int:
    """A whole number ("1.240", "1240", "420,0") from ``low`` to ``high``; "1,5" and "1.5" are refused, not read as 15."""
    value = _parse(text, what, units, grouped, "keine ganze Zahl")
    if value != value.to_integral_value():
        raise InputError(f"{what} „{_short(text)}“ ist keine ganze Zahl")
    if value > LARGEST:
        raise InputError(f"{what} „{_short(text)}“ ist größer als {wording.number(LARGEST)}, die größte Zahl, die "
                         "gespeichert werden kann")
    if value < min(low, -LARGEST):
        raise InputError(f"{what} „{_short(text)}“ ist kleiner als {low}")
    number = int(value)
    if high is not None and not low <= number <= high:
        raise InputError(f"{what} {number} liegt nicht zwischen {low} und {high}")
    if number < low:
        raise InputError(f"{what} {number} ist kleiner als {low}")
    return number


def decimal(text: str, what: str, units: tuple[str, ...] = ()) -> Decimal:
    """A decimal ("7,5", "1.240,50", "12.000 €" with ``units``), exactly as written (no binary rounding); "7.5" is
    refused like anywhere else. The caller checks its range."""
    return _parse(text, what, units, True, "keine Zahl")


def _parse(text: str, what: str, units: tuple[str, ...], grouped: bool, kind: str) -> Decimal:
    shown = text.strip()
    if problem := lookalike_problem(f"{what} „{_short(shown)}“", shown):
        raise InputError(problem)
    match = _NUMBER_RE.fullmatch(_without_unit(shown, units))
    if not match or (match["sep"] and not grouped):
        hint = f"; {_HINT}" if grouped and _DOT_DECIMAL_RE.fullmatch(_without_unit(shown, units)) else ""
        raise InputError(f"{what} „{_short(shown)}“ ist {kind}{hint}")
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    # Built from its text, not by arithmetic: a Decimal operation would round to 28 digits.
    return Decimal(sign + re.sub(r"[^0-9]", "", match["whole"]) + "." + (match["fraction"] or "0"))


def _short(text: str) -> str:
    """A cell as a message quotes it: at most 40 characters (a cell may hold thousands)."""
    text = text.strip()
    return text if len(text) <= 40 else text[:40] + "…"


def cell_text(value: int | float, number_format: str | None = None) -> str:
    """A workbook's number as German Excel shows it: 3.0 → "3", 1.5 → "1,5", 0.4 formatted as percent → "40 %".

    Excel keeps 15 significant digits, so a formula's 7.000000000000001 shows (and is read) as 7.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
    if is_percent_format(number_format):
        return f"{_german(number * 100)} %"
    return _german(number)


def is_percent_format(number_format: str | None) -> bool:
    """Whether a cell's number format shows its value as percent (a % outside quotes and escapes)."""
    if not number_format:
        return False
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def _german(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text.replace(".", ",")


def _without_unit(text: str, units: tuple[str, ...]) -> str:
    for unit in units:
        if text.casefold().endswith(unit):
            return text[: -len(unit)].rstrip()
    return text
