"""The town bundle as JSON: written from plain values, read back with every field checked (no database).

Version 1::

    {"format": "ozgtrack-town", "version": 1, "exported_at": "2026-11-25T10:00:00.000000Z", "exported_by": "…",
     "generator": "ozgtrack 0.1.0", "municipality": {"ars": "150830565565", "name": "Wolmirstedt, Stadt"},
     "catalogue": {"releases": [{"source": "ozg", "sha256": "…", "fetched_at": "…", "published_at": null}]},
     "services": [{"key": "99115005104000",
                   "decision": {"level": "gemeinde", "reason": "…", "by": "…", "at": "…"} | null,
                   "status": {"model": "rgm2", "stage": 3, …, "updated_at": "…", "updated_by": "…"} | null,
                   "history": [{"at": "…", "by": "…", "action": "status", "changes": {"stage": [1, 3]},
                                "reason": null}, …]}, …]}

Times are UTC. Services are named by their LeiKa key only, never by a database id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ozgtrack import wording
from ozgtrack.bundle.history import history_problem
from ozgtrack.numbers import is_digits
from ozgtrack.errors import InputError, SourceError
from ozgtrack.fields import LIMITS, STATUS_FIELDS, clean_value, control_problem, url_problem
from ozgtrack.town.rules import INFO
from ozgtrack.values import Level, MaturityModel, stage_problem

FORMAT, VERSION = "ozgtrack-town", 1
ACTIONS = ("triage", "status", "move")
DECISION_LEVELS = tuple(level.value for level in Level if level is not Level.UNKLAR)
STATUS_KEYS = STATUS_FIELDS
_NAME_LIMIT, _TEXT_LIMIT = LIMITS["by"], LIMITS["note"]


def _one_of(values: tuple[str, ...]) -> Any:
    return lambda side: None if side is None or side in values else (
        f"{_shown(side)} ist keine von {wording.listing(values, 'oder')}")


def _kind_of(*kinds: type) -> Any:
    words = {str: wording.KIND["str"], int: wording.KIND["int"]}
    return lambda side: None if side is None or type(side) in kinds else (
        f"ein Wert muss {' oder '.join(words[k] for k in kinds)} oder null sein")


def _leika_key(side: Any) -> str | None:
    return None if isinstance(side, str) and len(side) == 14 and is_digits(side) else (
        f"{_shown(side)} ist kein LeiKa-Schlüssel aus 14 Ziffern")


# The fields a history entry of each action may change, each with what its old and new values must be; what the
# history says is replayed (trend, open data, the check of the bundle's own record), so it must be readable.
_ENTRY_FIELDS: dict[str, dict[str, Any]] = {
    "status": {**{f: _kind_of(str) for f in STATUS_KEYS}, "stage": _kind_of(int),
               "model": _one_of(tuple(m.value for m in MaturityModel))},
    "triage": {"level": _one_of((*(level.value for level in Level), INFO)), "reason": _kind_of(str)},
    "move": {"key": _leika_key},
}
_ENTRY_NEEDS = {"status": set(), "triage": {"level"}, "move": {"key"}}


@dataclass(frozen=True)
class Entry:
    """One history entry as the bundle holds it."""

    at: datetime
    by: str
    action: str
    changes: dict[str, Any]
    reason: str | None

    def identity(self, key: str) -> str:
        """A stable hash of the entry: the same change of the same service is the same entry in every database."""
        text = json.dumps([key, stamp(self.at), self.by, self.action, self.changes, self.reason],
                          sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DecisionRecord:
    level: Level
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class StatusRecord:
    values: dict[str, Any]  # STATUS_KEYS, as the bundle states them (checked for type only)
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class ServiceRecord:
    key: str
    decision: DecisionRecord | None
    status: StatusRecord | None
    history: tuple[Entry, ...]


@dataclass(frozen=True)
class Bundle:
    """A town bundle, checked: who, when, which catalogue, and each service's record."""

    exported_at: datetime
    exported_by: str
    ars: str
    name: str
    releases: tuple[dict[str, Any], ...]
    services: tuple[ServiceRecord, ...]
    sha256: str = ""
    origin: str = ""  # the file it was read from, as messages name it


def stamp(moment: datetime) -> str:
    """A UTC time as the bundle writes it, to the microsecond (what the database stores)."""
    return moment.isoformat(timespec="microseconds") + "Z"


def dumps(document: dict[str, Any]) -> str:
    """The bundle's JSON text: UTF-8 as it is (umlauts stay readable), indented, one trailing newline."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


# --- reading --------------------------------------------------------------------------------------


class _Bad(Exception):
    """A field of the bundle is wrong: where (a path like services[3].status.stage) and what."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)


def read(data: bytes, name: str) -> Bundle:
    """The checked bundle in ``data``, or SourceError naming the first problem (file, field, what is wrong)."""
    try:
        document = _parse(data)
        bundle = _bundle(document)
    except _Bad as exc:
        raise SourceError(f"{name} ist kein gültiges Bündel einer Gemeinde: {exc}; {wording.NOTHING_CHANGED}") from None
    return Bundle(**{**bundle.__dict__, "sha256": hashlib.sha256(data).hexdigest(), "origin": name})


def check_times(bundle: Bundle, now: datetime) -> None:
    """SourceError when the bundle states a time after ``now`` (the time of import, UTC).

    Nothing in a bundle can have happened after it is read in; a history entry dated in the future would
    stay the newest one both databases share, and so hide every later change made here from the conflict
    check. Its time identifies the entry, so it cannot be corrected: the bundle is refused.
    """
    for path, moment in _times(bundle):
        if moment > now:
            raise SourceError(f"{bundle.origin} ist kein gültiges Bündel einer Gemeinde: {path}: der Zeitpunkt "
                              f"{moment:%Y-%m-%d %H:%M} UTC liegt nach dem Zeitpunkt der Einspielung "
                              f"({now:%Y-%m-%d %H:%M} UTC); geht die Uhr des Rechners vor, auf dem es geschrieben "
                              f"wurde? {wording.NOTHING_CHANGED.capitalize()}")


def _times(bundle: Bundle) -> Iterator[tuple[str, datetime]]:
    yield "exported_at", bundle.exported_at
    for i, record in enumerate(bundle.services):
        if record.decision is not None:
            yield f"services[{i}].decision.at", record.decision.at
        if record.status is not None:
            yield f"services[{i}].status.updated_at", record.status.updated_at
        for j, entry in enumerate(record.history):
            yield f"services[{i}].history[{j}].at", entry.at


def _parse(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Bad("", f"kein UTF-8-Text (Byte {exc.start + 1})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        if not text[exc.pos:].strip():
            raise _Bad("", "die Datei endet mitten im JSON – ist sie abgeschnitten?") from None
        raise _Bad("", f"kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno})") from None
    except RecursionError:
        raise _Bad("", "das JSON ist zu tief verschachtelt") from None
    except ValueError as exc:  # a number of thousands of digits
        raise _Bad("", f"kein gültiges JSON ({exc.args[0] if isinstance(exc.args[0], str) else 'Zahl'})") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Bad("", f"das Feld {key!r} steht zweimal im selben Abschnitt")
        found[key] = value
    return found


def _no_constant(text: str) -> None:
    raise _Bad("", f"{text} ist keine Zahl")


def _bundle(document: Any) -> Bundle:
    top = _object(document, "", {"format", "version", "exported_at", "municipality", "services"},
                  {"exported_by", "generator", "catalogue"})
    if top["format"] != FORMAT:
        raise _Bad("format", f"{_shown(top['format'])} statt {FORMAT!r} – ist das ein Bündel von "
                   "`ozgtrack town export`?")
    if type(top["version"]) is not int or top["version"] != VERSION:
        raise _Bad("version", f"Version {_shown(top['version'])} kann dieses ozgtrack nicht lesen (es kennt "
                   f"Version {VERSION}); aktualisieren Sie ozgtrack")
    town = _object(top["municipality"], "municipality", {"ars", "name"})
    ars = _text(town["ars"], "municipality.ars", limit=12)
    if not (len(ars) == 12 and is_digits(ars)):
        raise _Bad("municipality.ars", f"{ars!r} ist kein ARS aus 12 Ziffern")
    services = _list(top["services"], "services")
    records = tuple(_service(item, f"services[{i}]") for i, item in enumerate(services))
    _unique([r.key for r in records])
    return Bundle(_time(top["exported_at"], "exported_at"), _optional_text(top.get("exported_by"), "exported_by",
                  _NAME_LIMIT) or "", ars, _text(town["name"], "municipality.name", limit=200),
                  _releases(top.get("catalogue")), records)


def _releases(value: Any) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    catalogue = _object(value, "catalogue", {"releases"})
    out = []
    for i, item in enumerate(_list(catalogue["releases"], "catalogue.releases")):
        path = f"catalogue.releases[{i}]"
        release = _object(item, path, {"source", "sha256"}, {"fetched_at", "published_at"})
        out.append({"source": _text(release["source"], f"{path}.source", limit=16),
                    "sha256": _text(release["sha256"], f"{path}.sha256", limit=64)})
    return tuple(out)


def _service(value: Any, path: str) -> ServiceRecord:
    item = _object(value, path, {"key", "history"}, {"decision", "status"})
    key = _text(item["key"], f"{path}.key", limit=14)
    if not (len(key) == 14 and is_digits(key)):
        raise _Bad(f"{path}.key", f"{key!r} ist kein LeiKa-Schlüssel aus 14 Ziffern")
    history = tuple(_entry(e, f"{path}.history[{i}]") for i, e in enumerate(_list(item["history"], f"{path}.history")))
    record = ServiceRecord(key, _decision(item.get("decision"), f"{path}.decision"),
                           _status(item.get("status"), f"{path}.status"), history)
    if problem := history_problem(record):
        raise _Bad(path, f"Leistung {key}: {problem}")
    return record


def _decision(value: Any, path: str) -> DecisionRecord | None:
    if value is None:
        return None
    item = _object(value, path, {"level", "reason", "by", "at"})
    level = _text(item["level"], f"{path}.level", limit=16)
    if level not in DECISION_LEVELS:
        raise _Bad(f"{path}.level", f"{level!r} ist keine von {wording.listing(DECISION_LEVELS, 'oder')}")
    return DecisionRecord(Level(level), _text(item["reason"], f"{path}.reason", _TEXT_LIMIT, lines=True),
                          _text(item["by"], f"{path}.by", _NAME_LIMIT), _time(item["at"], f"{path}.at"))


def _status(value: Any, path: str) -> StatusRecord | None:
    if value is None:
        return None
    item = _object(value, path, {*STATUS_KEYS, "updated_at", "updated_by"})
    values = {}
    for field in STATUS_KEYS:
        if field == "stage":
            values[field] = _optional_int(item[field], f"{path}.stage")
        else:
            values[field] = _optional_text(item[field], f"{path}.{field}", _TEXT_LIMIT, lines=field == "note")
    return StatusRecord(_checked_status(values, path), _time(item["updated_at"], f"{path}.updated_at"),
                        _text(item["updated_by"], f"{path}.updated_by", _NAME_LIMIT))


def _checked_status(values: dict[str, Any], path: str) -> dict[str, Any]:
    """The values as `status set` would store them (model, URL, dates checked); a stage needs its model."""
    out = {}
    for field, value in values.items():
        try:
            out[field] = clean_value(field, value if field != "stage" or value is None else str(value))
        except InputError as exc:
            raise _Bad(f"{path}.{field}", str(exc)) from None
    if (out["stage"] is None) != (out["model"] is None):
        raise _Bad(path, "ein Reifegrad braucht sein Reifegradmodell, und ein Modell gibt es nur mit Reifegrad")
    if out["stage"] is not None and (problem := stage_problem(out["model"], out["stage"])):
        raise _Bad(f"{path}.stage", problem)
    return out


def _entry(value: Any, path: str) -> Entry:
    item = _object(value, path, {"at", "by", "action", "changes", "reason"})
    action = _text(item["action"], f"{path}.action", limit=16)
    if action not in ACTIONS:
        raise _Bad(f"{path}.action", f"{action!r} ist keine von {wording.listing(ACTIONS, 'oder')}")
    changes = _object(item["changes"], f"{path}.changes", _ENTRY_NEEDS[action], set(_ENTRY_FIELDS[action]))
    for field, pair in changes.items():
        where = f"{path}.changes.{field}"
        if not (isinstance(pair, list) and len(pair) == 2):
            raise _Bad(where, "muss eine Liste aus altem und neuem Wert sein")
        for side in pair:
            if isinstance(side, str):
                _text(side, where, _TEXT_LIMIT, lines=True)
                if field == "url" and (problem := url_problem(side)):  # the history is replayed into open data
                    raise _Bad(where, problem)
            if problem := _ENTRY_FIELDS[action][field](side):
                raise _Bad(where, problem)
    return Entry(_time(item["at"], f"{path}.at"), _text(item["by"], f"{path}.by", _NAME_LIMIT), action, changes,
                 _optional_text(item["reason"], f"{path}.reason", _TEXT_LIMIT, lines=True))


# --- field checks ---------------------------------------------------------------------------------


def _object(value: Any, path: str, required: set[str], optional: set[str] | None = frozenset()) -> dict[str, Any]:
    """A JSON object with the ``required`` fields; ``optional=None`` allows any other field."""
    if not isinstance(value, dict):
        raise _Bad(path, f"muss ein Abschnitt ({{…}}) sein, nicht {_kind(value)}")
    if missing := sorted(required - set(value)):
        raise _Bad(path, f"es fehlt das Feld {wording.listing(map(repr, missing))}")
    if optional is not None and (unknown := sorted(set(value) - required - optional)):
        raise _Bad(path, f"unbekanntes Feld {wording.listing(map(repr, unknown))}")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(path, f"muss eine Liste ([…]) sein, nicht {_kind(value)}")
    return value


def _text(value: Any, path: str, limit: int, *, lines: bool = False) -> str:
    if not isinstance(value, str):
        raise _Bad(path, f"muss ein Text sein, nicht {_kind(value)}")
    if problem := control_problem(value):
        raise _Bad(path, problem)
    if not lines and any(c in value for c in "\t\r\n"):
        raise _Bad(path, "enthält einen Zeilenumbruch oder Tabulator, ist aber einzeilig")
    if len(value) > limit:
        raise _Bad(path, f"ist länger als {wording.plural(limit, 'Zeichen', 'Zeichen')}")
    return value


def _optional_text(value: Any, path: str, limit: int, *, lines: bool = False) -> str | None:
    return None if value is None else _text(value, path, limit, lines=lines)


def _optional_int(value: Any, path: str) -> int | None:
    if value is not None and type(value) is not int:
        raise _Bad(path, f"muss eine ganze Zahl oder null sein, nicht {_kind(value)}")
    return value


def _time(value: Any, path: str) -> datetime:
    text = _text(value, path, limit=40)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(path, f"{text!r} ist kein Zeitpunkt (ISO 8601, z. B. 2026-11-25T10:00:00Z)") from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _unique(keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise _Bad("services", f"die Leistung {key} steht zweimal im Bündel")
        seen.add(key)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return wording.KIND["bool"]
    return wording.KIND.get(type(value).__name__, type(value).__name__)


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, (str, int)) and len(repr(value)) <= 40 else _kind(value)
