"""Everyday words for LeiKa words (``catalog/suchbegriffe.toml``): what a search word also finds, and how hits rank.

A search is a tuple of word groups, one per word typed: the word itself and the LeiKa words it stands
for ("kita" → "kindertagesstatte", …), each alternative a tuple of folded words that must all occur.
A text matches when every group has an alternative all of whose words are in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import islice, product
from pathlib import Path

from ozgtrack.errors import ConfigError
from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.text import fold

Alternative = tuple[str, ...]  # folded words that must all occur
Search = tuple[tuple[Alternative, ...], ...]  # one group of alternatives per word typed


@dataclass(frozen=True)
class Suchbegriffe:
    """Folded everyday word → the alternatives (folded LeiKa words) it stands for."""

    words: Mapping[str, tuple[Alternative, ...]]

    def search(self, text: str) -> Search:
        """Each folded word of ``text`` with the LeiKa words it stands for; () for a blank text."""
        return tuple(((word,), *self.words.get(word, ())) for word in fold(text).split())


@cache
def load(path: Path | None = None) -> Suchbegriffe:
    """The shipped list (or ``path``); a broken file is a ConfigError naming the entry."""
    path = path or catalog_file("suchbegriffe.toml")
    table = read_toml(path, "Suchbegriffdatei").get("begriffe", {})
    words: dict[str, tuple[Alternative, ...]] = {}
    for key, meant in table.items():
        if len(fold(key).split()) != 1 or not isinstance(meant, list) or not meant \
                or not all(isinstance(m, str) and m.strip() for m in meant):
            raise ConfigError(f"{path}: der Suchbegriff „{key}“ braucht ein Wort und eine Liste von LeiKa-Wörtern")
        words[fold(key)] = tuple(tuple(fold(m).split()) for m in meant)
    return Suchbegriffe(words)


def matches(text: str, search: Search) -> bool:
    """Whether the folded ``text`` holds, for every word typed, the word or one of the LeiKa words it stands for."""
    return all(any(all(w in text for w in alternative) for alternative in group) for group in search)


def rank(name: str, search: Search) -> tuple[int, int, int, int, int]:
    """Sort key of a hit by its name: the name itself searched first, then names whose words start with what
    was searched (the earlier in the name the better), then names containing it, then hits by synonym or
    further text only; alike ones as :func:`_order` says, shorter names first."""
    folded = fold(name)
    words = folded.split()
    exact = any(folded == " ".join(a) for a in _phrases(search))
    level = max((_level(words, folded, group) for group in search), default=0)
    first = search[0] if search else ()
    starts = [i for a in first for i, n in enumerate(words) if n.startswith(a[0])]
    return (0 if exact else 1, level, min(starts, default=len(words)), _order(words, first), len(words))


def _order(words: list[str], group: tuple[Alternative, ...]) -> int:
    """0: the word typed is a word of the name ("Führerschein Ausstellung"); then the LeiKa words in the order of
    the list ("Kfz": Kraftfahrzeug before Fahrzeug); last a name the word typed only begins ("Perso": Personen…)."""
    if group and group[0][0] in words:
        return 0
    found = (i for i, a in enumerate(group[1:], 1) if all(any(n.startswith(w) for n in words) for w in a))
    return next(found, len(group))


def _level(words: list[str], folded: str, group: tuple[Alternative, ...]) -> int:
    if any(all(any(n.startswith(w) for n in words) for w in alternative) for alternative in group):
        return 0
    return 1 if any(all(w in folded for w in alternative) for alternative in group) else 2


@cache
def _phrases(search: Search) -> list[Alternative]:
    """The whole search as phrases: each way to read it with one alternative per word ("kfz zulassung" is also
    "kraftfahrzeug zulassung"); at most some hundred, a search being a few words."""
    return [tuple(w for alternative in choice for w in alternative) for choice in islice(product(*search), 500)]
