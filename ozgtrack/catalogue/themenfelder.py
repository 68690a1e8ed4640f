"""The 14 OZG Themenfelder: resolve the names and slugs catalogues use to one slug and label."""

from __future__ import annotations

import re
from functools import cache

from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.text import fold, spelled_out




@cache
def _known() -> dict[str, tuple[str, str]]:
    table = read_toml(catalog_file("themenfelder.toml"), "Themenfelder")
    index: dict[str, tuple[str, str]] = {}
    for slug, entry in table.items():
        for spelling in (slug, entry["name"], *entry.get("aliases", ())):
            index[_match_key(spelling)] = (slug, entry["name"])
    return index


def _match_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text).replace("&", "und"))


def resolve(text: str) -> tuple[str, str]:
    """(slug, label) for a Themenfeld name, label or slug; unknown names get a slug of their own."""
    text = " ".join(text.split())
    known = _known().get(_match_key(text))
    if known:
        return known
    spelled = spelled_out(text)
    return re.sub(r"[^a-z0-9]+", "_", spelled).strip("_") or "unbekannt", text
