"""Text from outside made harmless for people's screens (no control characters), German text folded, names matched.

The German folds, one place for all of them: :func:`spelled_out` writes the umlauts out as German is
typed without them (``Börde`` → ``boerde``: slugs, column names, names compared as people write
them); :func:`fold` makes a search umlaut-insensitive whichever way either side was written.

Names as people type them: :func:`choose` takes a value to store from a closed list (exact, case and
spelling aside); :func:`resolve` takes a filter (exact, else the one name it starts, else the one name
containing it). Both refuse an unknown name with the closest names ("meinten Sie …"), never with the
whole of a long list.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

from ozgtrack.errors import InputError

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


# --- names as people type them ----------------------------------------------------------------------

_LISTED = 12  # a list this short is shown whole when nothing is close


def name_fold(text: str) -> str:
    """A name as it is compared: case, umlauts (ä = ae = a), spacing, "&" for "und" and hyphens aside."""
    return " ".join(fold(text.replace("&", " und ").replace("-", " ").replace("–", " ")).split())


def closest(wanted: str, names: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``names`` that look most like ``wanted``, best first: the whole folded name alike (difflib,
    0.6), or one of its words very alike (0.8: "Famile" → "Familie & Bildung"), and none much less alike
    than the best."""
    typed = name_fold(wanted)
    scored = []
    for name in dict.fromkeys(names):
        folded = name_fold(name)
        whole = difflib.SequenceMatcher(None, typed, folded).ratio()
        word = max((difflib.SequenceMatcher(None, typed, w).ratio() for w in folded.split()), default=0.0)
        if whole >= 0.6 or word >= 0.8:
            scored.append((-max(whole, word), name))
    scored.sort()
    # Only those nearly as alike as the best: "Ortschaftrat" means "Ortschaftsrat", not also "Stadtrat".
    return [name for score, name in scored[:n] if score <= scored[0][0] + 0.1]


def quoted(names: Iterable[str], last: str = "oder") -> str:
    """„A“, „B“ oder „C“."""
    shown = [f"„{name}“" for name in names]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} {last} {shown[-1]}"


def unknown(wanted: str, names: Iterable[str], what: str, none: str = "es sind keine eingetragen") -> InputError:
    """The error for a name that is none of ``names``: with the closest ones, or ``none`` when there are none."""
    names = list(dict.fromkeys(names))
    if not names:
        return InputError(f"{what} „{wanted}“ ist unbekannt; {none}")
    if near := closest(wanted, names):
        return InputError(f"{what} „{wanted}“ ist unbekannt; meinten Sie {quoted(near)}?")
    if len(names) <= _LISTED:
        return InputError(f"{what} „{wanted}“ ist unbekannt; möglich sind: {quoted(names)}")
    return InputError(f"{what} „{wanted}“ ist unbekannt und keinem der {len(names)} Namen ähnlich")


def choose(wanted: str, names: Iterable[str], what: str, aliases: Mapping[str, str] | None = None) -> str:
    """The one of ``names`` that ``wanted`` means (case and spelling aside), or an alias's name; else InputError."""
    names = list(names)
    folded = {name_fold(n): n for n in names} | {name_fold(a): n for a, n in (aliases or {}).items()}
    if (found := folded.get(name_fold(wanted))) is not None:
        return found
    raise unknown(wanted, names, what)


def resolve(wanted: str, names: Iterable[str], what: str, plural: str, *,
            aliases: Mapping[str, str] | None = None, none: str = "es sind keine eingetragen") -> str:
    """The one of ``names`` a filter means: equal (or an alias), else the only one it starts, else the only one
    containing it.

    Several at one step are an InputError listing them (``plural`` names them: "Fachbereichen"); no match
    is the error of :func:`unknown`.
    """
    typed = name_fold(wanted)
    if not typed:
        raise InputError(f"{what}: bitte einen Namen angeben")
    if (alias := {name_fold(a): n for a, n in (aliases or {}).items()}.get(typed)) is not None:
        return alias
    names = list(dict.fromkeys(names))
    # Spaced first, then without spaces: "fb2" finds "FB 2 Bürgerservice".
    for key in (name_fold, lambda text: name_fold(text).replace(" ", "")):
        for test in (str.__eq__, str.startswith, str.__contains__):
            matches = [n for n in names if test(key(n), key(wanted))]
            if len({name_fold(m) for m in matches}) == 1:
                return matches[0]
            if matches:
                raise InputError(f"{what} „{wanted}“ ist nicht eindeutig, es passt zu {len(matches)} {plural}: "
                                 f"{quoted(matches, 'und')}; bitte genauer angeben")
    raise unknown(wanted, names, what, none)
