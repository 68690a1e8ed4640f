"""The shipped list of reasons a gap is open, and of services the law binds to personal appearance (catalog/blockers.toml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ozgtrack.errors import ConfigError
from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.views.blockers import BlockerKind, BlockerList, LegalRequirement
from ozgtrack.views.online import BlockerCode

FILE = "blockers.toml"
_KIND_FIELDS = ("code", "label", "explanation", "measure")
_LEGAL_FIELDS = ("title", "prefixes", "law", "explanation")


@cache
def blocker_list(path: Path | None = None) -> BlockerList:
    """The list in ``path`` (default: the shipped catalog/blockers.toml); ConfigError if it does not match BlockerCode."""
    path = path or catalog_file(FILE)
    data = read_toml(path, "Die Liste der Gründe")
    kinds = tuple(_kind(entry, path) for entry in data.get("blocker", []))
    codes = [k.code for k in kinds]
    if sorted(codes) != sorted(BlockerCode) or len(set(codes)) != len(codes):
        raise ConfigError(f"{path}: die Gründe müssen genau diese Codes haben, jeden einmal: "
                          f"{', '.join(BlockerCode)}")
    legal = tuple(_legal(entry, path) for entry in data.get("rechtslage", []))
    return BlockerList(kinds, legal, FILE if path == catalog_file(FILE) else path.name)


def _kind(entry: dict[str, Any], path: Path) -> BlockerKind:
    _require(entry, _KIND_FIELDS, path, "[[blocker]]")
    try:
        code = BlockerCode(entry["code"])
    except ValueError:
        raise ConfigError(f"{path}: unbekannter Code „{entry['code']}“ (erlaubt: {', '.join(BlockerCode)})") from None
    return BlockerKind(code, entry["label"], entry["explanation"], entry["measure"])


def _legal(entry: dict[str, Any], path: Path) -> LegalRequirement:
    _require(entry, _LEGAL_FIELDS, path, "[[rechtslage]]")
    prefixes = tuple(entry["prefixes"])
    if not prefixes or not all(isinstance(p, str) and p.isdigit() and len(p) <= 14 for p in prefixes):
        raise ConfigError(f"{path}: „{entry['title']}“: prefixes müssen Anfänge von LeiKa-Schlüsseln sein (Ziffern)")
    return LegalRequirement(entry["title"], prefixes, entry["law"], entry["explanation"])


def _require(entry: dict[str, Any], names: tuple[str, ...], path: Path, table: str) -> None:
    missing = [n for n in names if not entry.get(n)]
    if missing:
        raise ConfigError(f"{path}: ein Eintrag {table} hat kein {', '.join(missing)}")
