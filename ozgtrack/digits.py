"""ASCII digits: keys, IDs, stages and dates from outside are read from 0-9 only, never from look-alikes.

``str.isdigit``, ``int()`` and the regex ``\\d`` also accept fullwidth ``９``, Arabic-Indic ``٩``,
Devanagari ``९`` or mathematical bold ``𝟗``; a key written with them would become a second,
phantom service beside the real one. Such text is refused, not mapped: whoever typed or
generated it should see where it came from.
"""

from __future__ import annotations

import unicodedata


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
