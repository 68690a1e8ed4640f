"""Bytes of an outside JSON document to Python values, within bounds a real answer keeps far from.

Python's parser recurses once per nesting level (a document 100,000 levels deep ends in a
RecursionError, and so would any code walking the values) and refuses integers of more than
4,300 digits with a ValueError. Both are checked here first, each with a sentence naming the file:
the nesting by a scan of the brackets outside strings, the numbers as the parser meets them.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from ozgtrack import wording
from ozgtrack.errors import SourceError
from ozgtrack.sources._text import is_utf16, utf16_message

# The real answers nest 8 (PVOG detail) to 11 levels (the FIM Portal's OpenAPI description).
MAX_DEPTH = 64
# A key (14 digits), an ARS (12), a count or a date fits many times over.
MAX_DIGITS = 100
_STRING_RE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def load(data: bytes, name: str) -> Any:
    """The values of a UTF-8 JSON document (a BOM is allowed).

    SourceError for a UTF-16 file, nesting deeper than :data:`MAX_DEPTH` or a number longer than
    :data:`MAX_DIGITS`; UnicodeDecodeError and json.JSONDecodeError for text that is no JSON, so that
    each reader says in its own words what it expected.
    """
    if is_utf16(data[:512]) or b"\x00" in data[:4]:
        raise SourceError(utf16_message(name, "als JSON in UTF-8"))
    if (deepest := depth(data)) > MAX_DEPTH:
        raise SourceError(f"{name} ist {wording.number(deepest)} Ebenen tief verschachtelt, mehr als die Grenze von "
                          f"{MAX_DEPTH} (echte Antworten haben weniger als 15); ist das die richtige Datei?")
    try:
        return json.loads(data.decode("utf-8-sig"), parse_int=_number(int, name), parse_float=_number(float, name))
    except RecursionError:  # the scan counts what the parser nests; kept for safety
        raise SourceError(f"{name} ist zu tief verschachtelt; ist das die richtige Datei?") from None


def depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects; brackets inside strings do not count."""
    brackets = _STRING_RE.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


def _number(kind: type, name: str) -> Any:
    def parse(text: str) -> Any:
        if len(text) > MAX_DIGITS:
            raise SourceError(f"{name} enthält eine Zahl mit {wording.number(len(text))} Zeichen, mehr als die Grenze "
                              f"von {MAX_DIGITS} (Schlüssel und Zählungen haben höchstens 14 Ziffern); ist das die "
                              "richtige Datei?")
        return kind(text)

    return parse
