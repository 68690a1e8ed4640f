"""Lebensbereiche: Themenfelder and Lagen grouped into the life areas a town names in its strategy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ozgtrack.errors import ConfigError
from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.views.results import WITHOUT_OZG


@dataclass(frozen=True)
class Lebensbereiche:
    """Themenfeld slug → Lebensbereich, with Lage names that go elsewhere; ``order`` is the report's order."""

    order: tuple[str, ...]
    themenfelder: dict[str, str]
    lagen: dict[str, str]
    origin: str

    def of(self, themenfeld_slug: str | None, lage: str | None) -> str:
        if lage and lage in self.lagen:
            return self.lagen[lage]
        if themenfeld_slug and themenfeld_slug in self.themenfelder:
            return self.themenfelder[themenfeld_slug]
        return WITHOUT_OZG if themenfeld_slug is None else "Sonstiges"

    def rank(self, name: str) -> tuple[int, str]:
        """Sort key: the file's order, then unknown names, then services without OZG grouping."""
        if name in self.order:
            return self.order.index(name), name
        return (len(self.order) + (name == WITHOUT_OZG), name)


def load(path: Path | None = None) -> Lebensbereiche:
    """The mapping a town chose, else the one shipped in ``catalog/``."""
    path = path or catalog_file("lebensbereiche.toml")
    table = read_toml(path, "Lebensbereiche")
    themenfelder = {str(k): str(v) for k, v in table.get("themenfelder", {}).items()}
    lagen = {" ".join(str(k).split()): str(v) for k, v in table.get("lagen", {}).items()}
    order = tuple(table.get("order", ())) or tuple(dict.fromkeys([*themenfelder.values(), *lagen.values()]))
    unknown = sorted((set(themenfelder.values()) | set(lagen.values())) - set(order))
    if unknown:
        raise ConfigError(f"{path}: {'der Lebensbereich' if len(unknown) == 1 else 'die Lebensbereiche'} "
                          f"{', '.join(unknown)} {'wird' if len(unknown) == 1 else 'werden'} verwendet, "
                          f"{'fehlt' if len(unknown) == 1 else 'fehlen'} aber in order")
    return Lebensbereiche(order, themenfelder, lagen, str(path))
