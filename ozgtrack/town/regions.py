"""Names of the regions above the Gemeinde — Länder, Kreise, Gemeindeverbände — by their ARS, from catalog/gebiete.toml.

Pure: the standard library and the shipped file only, usable from every floor. The names are facts
with a source (the file names it); where a code is not in the file, the labels fall back to the code
("Kreis 15083", "Land 15"), never to a guessed name.

ARS = Land (2) Regierungsbezirk (1) Kreis (2) Verband (4) Gemeinde (3): the Land is ``ars[:2]``, the
Kreis ``ars[:5]``, a Gemeindeverband ``ars[:9]`` (its Verband part starting with 5).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ozgtrack.ars import Ars
from ozgtrack.errors import ConfigError
from ozgtrack.resources import catalog_file

FILE = "gebiete.toml"
KREISFREI = frozenset({"Kreisfreie Stadt", "Stadtkreis"})  # the kinds of a Kreis that is a town


@dataclass(frozen=True)
class Region:
    """A Kreis or Gemeindeverband: its kind as Destatis names it, and its name as it stands in a sentence."""

    art: str  # "Landkreis", "Kreis", "Kreisfreie Stadt", "Stadtkreis", "Regionalverband", "Verbandsgemeinde"
    name: str  # "Landkreis Börde", "Burgenlandkreis", "Stadt Dessau-Roßlau"; a Verband's without its kind


@dataclass(frozen=True)
class Names:
    """The shipped names: Land code (2 digits), Kreis code (5) and Verband code (9) to name."""

    laender: Mapping[str, str]
    kreise: Mapping[str, Region]
    verbaende: Mapping[str, Region]


@cache
def names() -> Names:
    """The names in ``catalog/gebiete.toml``, read once per process."""
    path = catalog_file(FILE)
    try:
        with path.open("rb") as f:
            table = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Die Gebietsnamen {path} sind nicht lesbar ({exc}); ist ozgtrack vollständig installiert?"
                          ) from exc
    return Names(dict(table.get("laender", {})), _regions(table.get("kreise", {})),
                 _regions(table.get("verbaende", {})))


def _regions(table: Mapping[str, Any]) -> dict[str, Region]:
    return {code: Region(entry["art"], entry["name"]) for code, entry in table.items()}


def land_name(code: str) -> str | None:
    """The Land of a code or ARS ("15…" → "Sachsen-Anhalt"); None when unknown."""
    return names().laender.get(code[:2])


def kreis(ars: str) -> Region | None:
    """The Kreis of a Kreis code or ARS (``ars[:5]``); None when unknown or too short."""
    return names().kreise.get(ars[:5]) if len(ars) >= 5 else None


def kreis_name(ars: str) -> str | None:
    """The Kreis of a Kreis code or ARS: "Landkreis Börde", for a kreisfreie Stadt "Stadt Dessau-Roßlau"; None: unknown."""
    found = kreis(ars)
    return found.name if found is not None else None


def verband_name(ars: str) -> str | None:
    """The Gemeindeverband a Verband code or ARS belongs to ("Verbandsgemeinde Elbe-Heide"); None when it belongs to
    none (Verband part not starting with 5) or the Verband is not in the file."""
    if len(ars) < 9 or ars[5] != "5":
        return None
    found = names().verbaende.get(ars[:9])
    return f"{found.art} {found.name}" if found is not None else None


def region_label(ars: str) -> str:
    """What an ARS of a level above the Gemeinde names: "Bund", "Land Sachsen-Anhalt", "Landkreis Börde", a
    Gemeindeverband's name; the code where the name is unknown ("Kreis 15083"). A Gemeinde's ARS gives
    "Gemeinde <ARS>" (its name is in the database, not here). Raises ValueError for anything but 12 digits."""
    code = Ars(ars)
    if code.is_bund:
        return "Bund"
    if code.is_land:
        return f"Land {land_name(ars) or code.land}"
    if code.is_regierungsbezirk:
        return f"Regierungsbezirk {ars[:3]}"  # no names shipped: Sachsen-Anhalt has none
    if code.kreisfrei:
        return kreis_name(ars) or f"Kreis {code.kreis}"
    if code.is_verband:
        return verband_name(ars) or f"Gemeindeverband {code.verband}"
    return f"Gemeinde {ars}"


def town_name(name: str) -> str:
    """A municipality's name as it stands in a sentence: Destatis' "Wolmirstedt, Stadt" → "Stadt Wolmirstedt".

    A one-word kind after the comma goes in front ("Lutherstadt Eisleben", "Flecken Diesdorf"); anything
    longer or abbreviated ("Stadt der FernUniversität", "GKSt") is left off; a name without one stays.
    """
    base, _, kind = name.partition(", ")
    if not kind:
        return name
    return f"{kind} {base}" if " " not in kind and kind[1:].islower() else base
