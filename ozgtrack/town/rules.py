"""Responsibility rules in layers: the shipped Typisierung rules < the Land's preset < the town's own file.

A rule file holds ``[[rule]]`` entries (a key prefix, a level, optionally the Typisierung codes it
is limited to, a German reason and its source); the shipped file and a town's file may also hold
``[typisierung]`` (code → level) and ``[key_prefix]`` (prefix → level). Within a file the longest
matching prefix wins, a rule limited to Typisierung codes before one that is not. The first layer
from the top with a matching rule decides; without one, the Typisierung does.

A town's ``[typisierung]`` entries replace the shipped ones code by code and stay the lowest layer:
a copy of the shipped file (all codes "unklar") must not cancel the Land's rules.

A rule's reason may name the places of the municipality it is shown for: ``{kreis}``, ``{land}``,
``{gemeinde}`` and ``{verband}`` are filled from :mod:`ozgtrack.town.regions` ("Wohngeldbehörde: {kreis}" →
"Wohngeldbehörde: Landkreis Harz"); an unknown name becomes a neutral phrase, never another place's
name. Write them without an article: the names differ in gender ("der Saalekreis", "die Stadt …").
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ozgtrack import wording
from ozgtrack.ars import Ars
from ozgtrack.numbers import is_digits
from ozgtrack.errors import ConfigError
from ozgtrack.leika import TYPISIERUNG_CODES, parse_typisierung
from ozgtrack.resources import catalog_file, read_toml
from ozgtrack.values import Level
from ozgtrack.views.tracking import RuleMatch

if TYPE_CHECKING:
    from ozgtrack.store.models import Municipality

INFO = "info"  # rule value: information only, no service
GENERIC, LAND, TOWN = "allgemein", "land", "stadt"
SHIPPED = "triage_rules.toml"
_RULE_KEYS = ("prefix", "level", "typ", "reason", "source")
_FILE_KEYS = {GENERIC: ("typisierung", "key_prefix", "rule"), TOWN: ("typisierung", "key_prefix", "rule"),
              LAND: ("land", "rule")}
PLACEHOLDERS = ("kreis", "land", "gemeinde", "verband")  # what a rule's reason may name, in braces
KREISFREI_NOTE = "als kreisfreie Stadt nimmt die Stadt die Aufgabe des Landkreises selbst wahr"


@dataclass(frozen=True)
class Rule:
    """One rule of a file: services whose key starts with ``prefix`` (and, if given, of a ``typ``) get ``level``."""

    prefix: str
    level: Level | None
    typ: frozenset[str]
    reason: str | None
    source: str | None


@dataclass(frozen=True)
class RuleFile:
    """The rules of one file, indexed by prefix."""

    layer: str
    name: str  # the file name, as users are shown it
    path: str
    label: str  # the Land's name for a preset
    rules: tuple[Rule, ...]
    typisierung: Mapping[str, Level | None] = field(default_factory=dict)

    by_prefix: dict[str, list[Rule]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexed once: assignments() asks for every service of the catalogue.
        by_prefix: dict[str, list[Rule]] = {}
        for rule in self.rules:
            by_prefix.setdefault(rule.prefix, []).append(rule)
        object.__setattr__(self, "by_prefix", by_prefix)
        object.__setattr__(self, "_lengths", sorted({len(p) for p in by_prefix}, reverse=True))

    def match(self, key: str, codes: tuple[str, ...]) -> list[Rule]:
        """The rules of the longest matching prefix that apply to ``codes`` (several only when ambiguous)."""
        for length in self._lengths:  # type: ignore[attr-defined]
            candidates = self.by_prefix.get(key[:length], ())
            if limited := [r for r in candidates if r.typ & set(codes)]:
                return limited
            if plain := [r for r in candidates if not r.typ]:
                return plain
        return []


@dataclass(frozen=True)
class Place:
    """Where the municipality stands: what changes who carries out a rule's level, and the names its reasons use."""

    kreisfrei: bool = False
    verband: str | None = None  # the Verband part of its ARS when it belongs to a Gemeindeverband
    verband_kind: str = "Gemeindeverband"
    gemeinde: str | None = None  # the names for the reasons' placeholders; None: unknown
    kreis: str | None = None  # a kreisfreie Stadt: the Stadt itself
    land: str | None = None
    verband_name: str | None = None  # "Verbandsgemeinde Elbe-Heide"

    @property
    def verband_label(self) -> str:
        """The Gemeindeverband by name, else by kind and number ("Verbandsgemeinde (Verband 5051)")."""
        return self.verband_name or f"{self.verband_kind} (Verband {self.verband})"

    def fill(self, reason: str) -> str:
        """A rule's reason with its placeholders replaced by this place's names (checked when the file was read)."""
        found = {"kreis": self.kreis, "land": self.land, "gemeinde": self.gemeinde, "verband": self.verband_name}
        return reason.format_map({key: name or wording.UNNAMED_PLACE[key] for key, name in found.items()})


@dataclass(frozen=True)
class Rules:
    """The layered rules for one municipality; ``files`` lowest layer first."""

    files: tuple[RuleFile, ...]
    typisierung: Mapping[str, tuple[Level | None, str]]  # code -> (level, file name)
    place: Place = Place()

    @property
    def land_preset(self) -> str | None:
        """The Land preset in effect, as the reports name it: the Land ("Sachsen-Anhalt", no file name); None without."""
        land = [f for f in self.files if f.layer == LAND]
        return land[0].label if land else None

    @property
    def origin(self) -> str:
        """The town's own rules file, else the shipped one (as the reports name it)."""
        town = [f for f in self.files if f.layer == TOWN]
        return (town or [self.files[0]])[0].path

    def default(self, key: str, typisierung: str | None) -> tuple[Level | None, str]:
        """(level, German reason); level None means out of scope (information only)."""
        found = self.match(key, typisierung)
        return found.level, found.reason

    def match(self, key: str, typisierung: str | None) -> RuleMatch:
        """The rule that sets the level of a service without a decision, with its German reason."""
        codes = parse_typisierung(typisierung).codes if typisierung else ()
        for rule_file in reversed(self.files):
            if found := rule_file.match(key, codes):
                return self._placed(_from_rules(rule_file, found, codes, self.place))
        return self._placed(self._by_typisierung(codes))

    def _by_typisierung(self, codes: tuple[str, ...]) -> RuleMatch:
        shown = ";".join(codes)
        if not codes:
            return RuleMatch(Level.UNKLAR, "Regel: keine Typisierung", self.files[0].name, GENERIC)
        found = [self.typisierung.get(code, (Level.UNKLAR, self.files[0].name)) for code in codes]
        files = ", ".join(dict.fromkeys(name for _, name in found))
        levels = {level for level, _ in found}
        services = levels - {None}
        if not services:
            return RuleMatch(None, f"Regel: Typisierung {shown} (nur Information)", files, GENERIC, typ=codes)
        if len(services) == 1:
            return RuleMatch(services.pop(), f"Regel: Typisierung {shown}", files, GENERIC, typ=codes)
        return RuleMatch(Level.UNKLAR, f"Regel: Typisierung {shown} (mehrere Ebenen)", files, GENERIC, typ=codes)

    def _placed(self, found: RuleMatch) -> RuleMatch:
        """Say who carries the level out where the municipality's standing changes it.

        A kreisfreie Stadt is its own Landkreis: a rule's level ``landkreis`` becomes ``gemeinde`` for it (both
        were its own already, so its figures stay). A Mitgliedsgemeinde keeps ``gemeinde``; the reason says
        that its Gemeindeverband does the work. Decisions never pass through here: they stay as decided.
        """
        place = self.place
        if found.level is Level.LANDKREIS and place.kreisfrei:
            return replace(found, level=Level.GEMEINDE, reason=f"{found.reason} – {KREISFREI_NOTE}")
        if found.level is Level.GEMEINDE and place.verband:
            note = (f"Mitgliedsgemeinde der {place.verband_label}: die Verbandsgemeinde nimmt die Aufgabe für die "
                    "Gemeinde wahr" if place.verband_kind == "Verbandsgemeinde" else
                    f"Mitglied eines Gemeindeverbands ({place.verband_name or f'Verband {place.verband}'}), der die "
                    "Aufgabe für die Gemeinde wahrnehmen kann")
            return replace(found, reason=f"{found.reason} – {note}")
        return found


def _from_rules(rule_file: RuleFile, found: list[Rule], codes: tuple[str, ...], place: Place) -> RuleMatch:
    """One file's answer; rules that disagree (a service of two Typisierung codes) leave it unklar."""
    first = found[0]
    typ = tuple(sorted(set().union(*(r.typ for r in found)), key=TYPISIERUNG_CODES.index))
    if len({r.level for r in found}) > 1:
        reason = (f"mehrere Regeln für {first.prefix} treffen zu (Typisierung {';'.join(codes)}), "
                  "die Zuständigkeit bleibt ungeklärt")
        return RuleMatch(Level.UNKLAR, _worded(rule_file, reason), rule_file.name, rule_file.layer, first.prefix, typ)
    sources = "; ".join(dict.fromkeys(r.source for r in found if r.source)) or None
    reason = (" / ".join(dict.fromkeys(place.fill(r.reason) for r in found if r.reason))
              or f"Schlüsselpräfix {first.prefix}")
    return RuleMatch(first.level, _worded(rule_file, reason), rule_file.name, rule_file.layer, first.prefix, typ,
                     sources)


def _worded(rule_file: RuleFile, reason: str) -> str:
    if rule_file.layer == LAND:
        return f"Regel für {rule_file.label}: {reason}"
    return f"Regel der Stadt: {reason}" if rule_file.layer == TOWN else f"Regel: {reason}"


# --- loading ------------------------------------------------------------------------------------


def load_rules(path: Path | None = None, municipality: Municipality | None = None,
               presets: Path | None = None) -> Rules:
    """The rules for ``municipality``: the shipped file, its Land's preset from ``presets`` and the town's ``path``.

    ``presets`` is the folder of Land presets (``NN-name.toml``, NN the Land's ARS code); None: ``catalog/triage/``.
    """
    files = [read_rule_file(catalog_file(SHIPPED), GENERIC)]
    if municipality is not None and (preset := find_preset(Ars(municipality.ars).land, presets)):
        files.append(read_rule_file(preset, LAND))
    if path is not None:
        files.append(read_rule_file(path, TOWN))
    typisierung = {code: (level, f.name) for f in files for code, level in f.typisierung.items()}
    return Rules(tuple(files), typisierung, place_of(municipality) if municipality is not None else Place())


def place_of(municipality: Municipality) -> Place:
    """The standing and the names of ``municipality`` (names from :mod:`ozgtrack.town.regions`; None where unknown)."""
    from ozgtrack.town import regions
    from ozgtrack.town.municipalities import VERBAND_KIND, is_kreisfrei, verband_of

    ars, kreisfrei, verband = municipality.ars, is_kreisfrei(municipality), verband_of(municipality.ars)
    gemeinde = regions.town_name(municipality.name)
    known = regions.names().verbaende.get(Ars(ars).verband or "") if verband else None
    kind = known.art if known else VERBAND_KIND.get(municipality.land, "Gemeindeverband")
    kreis = regions.kreis_name(ars) or (gemeinde if kreisfrei else None)  # a kreisfreie Stadt is its own Kreis
    return Place(kreisfrei, verband, kind, gemeinde, kreis, regions.land_name(ars), regions.verband_name(ars))


def find_preset(land: str, presets: Path | None = None) -> Path | None:
    """The preset file of a Land (``15-sachsen-anhalt.toml`` for 15), or None when there is none."""
    folder = presets if presets is not None else catalog_file("triage")
    found = sorted(folder.glob(f"{land}-*.toml")) if folder.is_dir() else []
    if len(found) > 1:
        raise ConfigError(f"{folder}: mehrere Landesregeln für Land {land} ({', '.join(p.name for p in found)}); "
                          "je Land ist nur eine Datei erlaubt")
    return found[0] if found else None


def read_rule_file(path: Path, layer: str) -> RuleFile:
    """One rules file, checked strictly: a mistyped key or level is an error naming the file and the rule."""
    table = read_toml(path, "Zuständigkeitsregeln")
    unknown = sorted(set(table) - set(_FILE_KEYS[layer]))
    if unknown:
        raise ConfigError(f"{path}: unbekannte Abschnitte {', '.join(unknown)}; erlaubt sind "
                          f"{', '.join(_FILE_KEYS[layer])}")
    label = _land_label(table, path) if layer == LAND else ""
    rules = [_rule(entry, i, path, layer) for i, entry in enumerate(_list(table.get("rule", []), path), 1)]
    rules += [Rule(_prefix(p, path, f"key_prefix {p}"), level, frozenset(), None, None)
              for p, level in _levels(_table(table.get("key_prefix", {}), path, "key_prefix"), path).items()]
    _check_duplicates(rules, path)
    typisierung = _levels(_table(table.get("typisierung", {}), path, "typisierung"), path)
    return RuleFile(layer, path.name, str(path), label, tuple(rules), typisierung)


def _land_label(table: Mapping[str, Any], path: Path) -> str:
    land = _table(table.get("land"), path, "land")
    code, name = land.get("code"), land.get("name")
    if not isinstance(code, str) or not isinstance(name, str) or not name.strip():
        raise ConfigError(f'{path}: [land] braucht code = "NN" und name = "…" (zum Beispiel code = "15", '
                          'name = "Sachsen-Anhalt")')
    if not path.name.startswith(f"{code}-"):
        raise ConfigError(f"{path}: [land] code = {code!r}, aber der Dateiname beginnt nicht mit {code}-")
    return name.strip()


def _rule(entry: Any, number: int, path: Path, layer: str) -> Rule:
    where = f"[[rule]] Nr. {number}"
    entry = _table(entry, path, where)
    if unknown := sorted(set(entry) - set(_RULE_KEYS)):
        raise ConfigError(f"{path}: {where} hat unbekannte Schlüssel {', '.join(unknown)}; erlaubt sind "
                          f"{', '.join(_RULE_KEYS)}")
    prefix = _prefix(entry.get("prefix"), path, where)
    level = _level(entry.get("level"), path, f"{where} ({prefix})")
    typ = entry.get("typ", [])
    if not isinstance(typ, list) or any(str(t).lower() not in TYPISIERUNG_CODES for t in typ):
        raise ConfigError(f"{path}: {where} ({prefix}): typ = {typ!r} ist keine Liste von Typisierungen "
                          f"({', '.join(TYPISIERUNG_CODES)})")
    reason, source = entry.get("reason"), entry.get("source")
    for name, value, needed in (("reason", reason, True), ("source", source, layer == LAND)):
        if (value is None and needed) or (value is not None and (not isinstance(value, str) or not value.strip())):
            raise ConfigError(f"{path}: {where} ({prefix}) braucht {name} = \"…\" (ein nicht leerer Text)")
    _check_placeholders(reason, path, f"{where} ({prefix})")
    return Rule(prefix, level, frozenset(str(t).lower() for t in typ), " ".join(reason.split()),
                source.strip() if source else None)


def _check_placeholders(reason: str, path: Path, where: str) -> None:
    """Refuse a reason whose braces are not one of the placeholders (a stray brace, ``{Kreis}``, ``{kreis:>9}``)."""
    allowed = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(reason)
                  if name is not None]
    except ValueError:
        raise ConfigError(f"{path}: {where}: reason enthält eine einzelne geschweifte Klammer; Platzhalter stehen "
                          f"in geschweiften Klammern ({allowed}), eine Klammer als Zeichen schreibt man doppelt "
                          "({{ oder }})") from None
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ConfigError(f"{path}: {where}: reason enthält den unbekannten Platzhalter {shown}; erlaubt sind "
                              f"{allowed}")


def _prefix(value: Any, path: Path, where: str) -> str:
    if not isinstance(value, str) or not is_digits(value) or not value.startswith("99") or not 5 <= len(value) <= 14:
        raise ConfigError(f"{path}: {where}: prefix = {value!r} ist kein Schlüsselpräfix (\"99\" und die "
                          "Leistungsgruppierung, 5 bis 14 Ziffern, als Text)")
    return value


def _level(value: Any, path: Path, where: str) -> Level | None:
    if value == INFO:
        return None
    try:
        return Level(str(value))
    except ValueError:
        raise ConfigError(f"{path}: {where}: level = {value!r} ist keine Ebene "
                          f"({', '.join([*Level, INFO])})") from None


def _levels(table: Mapping[str, Any], path: Path) -> dict[str, Level | None]:
    out: dict[str, Level | None] = {}
    for code, value in table.items():
        if value != INFO and value not in set(Level):
            raise ConfigError(f"{path}: {code} = {value!r} ist keine Ebene ({', '.join([*Level, INFO])})")
        out[str(code).lower()] = _level(value, path, str(code))
    return out


def _check_duplicates(rules: list[Rule], path: Path) -> None:
    seen: dict[str, list[Rule]] = {}
    for rule in rules:
        for other in seen.get(rule.prefix, []):
            if (not rule.typ and not other.typ) or rule.typ & other.typ:
                raise ConfigError(f"{path}: zwei Regeln für {rule.prefix} gelten für dieselben Leistungen; "
                                  "grenzen Sie sie mit typ = [...] ab oder löschen Sie eine")
        seen.setdefault(rule.prefix, []).append(rule)


def _table(value: Any, path: Path, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {where} muss eine Tabelle sein")
    return value


def _list(value: Any, path: Path) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"{path}: rule muss eine Liste von [[rule]]-Einträgen sein")
    return value
