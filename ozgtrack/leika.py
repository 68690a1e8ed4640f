"""LeiKa domain values: service keys, their parts and kinds, Typisierung (search folding: ``ozgtrack.text``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from ozgtrack.numbers import lookalike_problem

KEY_LENGTH = 14
_KEY_RE = re.compile(r"[0-9]{14}")
# Excel shows long numbers in scientific notation and drops leading zeros.
_EXCEL_NUMBER_RE = re.compile(r"[0-9][,.][0-9]+E\+[0-9]+", re.IGNORECASE)


class ServiceKind(StrEnum):
    """LO: Leistungsobjekt only; LOV: with Verrichtung; LOVD: with Verrichtungsdetail."""

    LO = "LO"
    LOV = "LOV"
    LOVD = "LOVD"


@dataclass(frozen=True, slots=True)
class LeikaKey:
    """A 14-digit LeiKa key ``99 GGG KKK VVV DDD``; always a string, never a number."""

    value: str

    @property
    def gruppierung(self) -> str:
        return self.value[2:5]

    @property
    def kennung(self) -> str:
        return self.value[5:8]

    @property
    def verrichtung(self) -> str:
        return self.value[8:11]

    @property
    def detail(self) -> str:
        return self.value[11:14]

    @property
    def leistungsobjekt_id(self) -> str:
        """Positions 1-8: the service object all its Verrichtungen share."""
        return self.value[:8]

    @property
    def kind(self) -> ServiceKind:
        if self.value[8:] == "000000":
            return ServiceKind.LO
        return ServiceKind.LOV if self.detail == "000" else ServiceKind.LOVD


def normalize_key(text: str) -> str:
    """Strip the white space people put into keys (``99 050 012 104 000``)."""
    return "".join(text.split()) if text else ""


def key_problem(text: str) -> str | None:
    """Why ``text`` is not a LeiKa key, or None when it is one."""
    key = normalize_key(text)
    if len(key) == KEY_LENGTH and _KEY_RE.fullmatch(key):
        return None
    if not key:
        return "der Schlüssel ist leer"
    if problem := lookalike_problem(f"der Schlüssel {text!r}", key):
        return problem
    if _EXCEL_NUMBER_RE.fullmatch(key):
        return f"der Schlüssel {text!r} wurde (von Excel?) in eine Zahl verwandelt; Schlüssel sind 14-stelliger Text"
    return f"der Schlüssel {text!r} hat nicht 14 Ziffern"


# Code list urn:de:fim:leika:typisierung, in its own order (used to sort combined values).
TYPISIERUNG_CODES = (
    "1", "2", "2a", "2b", "3", "3a", "3b", "2/3", "2/3a", "2/3b",
    "4", "4a", "4b", "5", "6", "7", "8", "9", "10", "11", "12",
)
_TYP_ORDER = {code: i for i, code in enumerate(TYPISIERUNG_CODES)}
_TYP_SPLIT_RE = re.compile(r"[;,|\s]+")


@dataclass(frozen=True, slots=True)
class Typisierung:
    """A Typisierung as given (``"1, 2/3"``) and parsed into known codes."""

    raw: str
    codes: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def canonical(self) -> str | None:
        """The known codes joined by ``;`` in code-list order, e.g. ``1;2/3``."""
        return ";".join(self.codes) or None


@lru_cache(maxsize=256)  # a catalogue has only a few dozen distinct values
def parse_typisierung(raw: str | None) -> Typisierung:
    """Parse combined values such as ``1;2/3``, ``1, 2/3`` or ``2/3 A``."""
    text = (raw or "").strip()
    tokens = [t.lower() for t in _TYP_SPLIT_RE.split(text) if t]
    tokens = _join_detached_letters(tokens)
    known = sorted({t for t in tokens if t in _TYP_ORDER}, key=_TYP_ORDER.__getitem__)
    unknown = tuple(dict.fromkeys(t for t in tokens if t not in _TYP_ORDER))
    return Typisierung(text, tuple(known), unknown)


def _join_detached_letters(tokens: list[str]) -> list[str]:
    # "2/3 a" is sometimes written with a space; glue the letter back on.
    out: list[str] = []
    for token in tokens:
        if token in ("a", "b") and out:
            out[-1] += token
        else:
            out.append(token)
    return out


