"""Text from outside made harmless for people's screens (no control characters), and German text folded.

The German folds, one place for all of them: :func:`spelled_out` writes the umlauts out as German is
typed without them (``Börde`` → ``boerde``: slugs, column names, names compared as people write
them); :func:`fold` makes a search umlaut-insensitive whichever way either side was written.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls (BEL, ESC: a terminal acts on them), the bidi embeddings, overrides and isolates that
# reorder what a reader sees, and the invisible direction marks (LRM, RLM, ALM); tab, line feed and carriage
# return are whitespace and handled where they matter. ``ozgtrack.fields`` refuses to store any of them.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """Text without control characters; line breaks and tabs stay."""
    return CONTROL.sub("", str(text))


_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_FOLD_PAIRS = (("ä", "a"), ("ae", "a"), ("ö", "o"), ("oe", "o"), ("ü", "u"), ("ue", "u"), ("ß", "ss"))


def spelled_out(text: str) -> str:
    """``text`` composed (NFC), case-folded, the umlauts written out: ``Dessau-Roßlau`` → ``dessau-rosslau``."""
    return unicodedata.normalize("NFC", text).casefold().translate(_SPELLED)


def fold(text: str) -> str:
    """Fold text for umlaut-insensitive search: ``Führerschein`` = ``Fuehrerschein`` = ``fuhrerschein``.

    The same fold is applied to the stored text and to the query, so folding
    ``ue`` to ``u`` (which also turns ``Steuer`` into ``steur``) still matches.
    """
    text = unicodedata.normalize("NFC", text).casefold()  # "u" + combining diaeresis is "ü" (and "ue")
    for old, new in _FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
