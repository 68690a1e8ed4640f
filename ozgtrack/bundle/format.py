"""The town bundle as JSON: written from plain values, read back with every field checked (no database).

Version 2 (written since online services were added; version 1 is still read)::

    {"format": "ozgtrack-town", "version": 2, "exported_at": "2026-11-25T10:00:00.000000Z", "exported_by": "…",
     "generator": "ozgtrack 0.1.0", "municipality": {"ars": "150830565565", "name": "Wolmirstedt, Stadt"},
     "catalogue": {"releases": [{"source": "ozg", "sha256": "…", "fetched_at": "…", "published_at": null}]},
     "services": [{"key": "99115005104000",
                   "decision": {"level": "gemeinde", "reason": "…", "by": "…", "at": "…"} | null,
                   "status": {"model": "rgm2", "stage": 3, …, "online_service": 3 | null,
                              "updated_at": "…", "updated_by": "…"} | null,
                   "history": [{"at": "…", "by": "…", "action": "status", "changes": {"stage": [1, 3]},
                                "reason": null}, …],
                   "blockers": [{"code": "epayment", "note": null, "set_at": "…", "set_by": "…",
                                 "cleared_at": null, "cleared_by": null}, …]}, …],
     "online_services": [{"number": 3, "name": "…", "url": "…", "delivery": "efa", …, "version": 2,
                          "created_at": "…", …, "retired_at": null, "retired_by": null,
                          "covers": ["99115005104000", …], "history": [{"at": "…", "action": "add", …}]}]}

Version 1 is the same without ``online_service``, ``blockers`` and ``online_services``. Times are UTC.
Services are named by their LeiKa key only, online services by their number, never by a database id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ozgtrack import wording
from ozgtrack.bundle import format_online
from ozgtrack.bundle.checks import (
    Bad, kind_of, listed, moment, one_of, optional_int, optional_text, section, shown, text,
)
from ozgtrack.bundle.history import history_problem
from ozgtrack.bundle.records import (  # noqa: F401 - the bundle's values, imported from here by collect and merge
    Bundle, DecisionRecord, Entry, ServiceRecord, StatusRecord, plain, stamp,
)
from ozgtrack.numbers import is_digits
from ozgtrack.errors import InputError, SourceError
from ozgtrack.fields import LIMITS, STATUS_FIELDS, clean_value, url_problem
from ozgtrack.town.rules import INFO
from ozgtrack.values import Level, MaturityModel, stage_problem

FORMAT, VERSION = "ozgtrack-town", 2
VERSIONS = (1, 2)  # the versions this ozgtrack reads
ACTIONS = ("triage", "status", "move")
DECISION_LEVELS = tuple(level.value for level in Level if level is not Level.UNKLAR)
STATUS_KEYS = STATUS_FIELDS
_NAME_LIMIT, _TEXT_LIMIT = LIMITS["by"], LIMITS["note"]


def _leika_key(side: Any) -> str | None:
    return None if isinstance(side, str) and len(side) == 14 and is_digits(side) else (
        f"{shown(side)} ist kein LeiKa-Schlüssel aus 14 Ziffern")


# The fields a history entry of each action may change, each with what its old and new values must be; what the
# history says is replayed (trend, open data, the check of the bundle's own record), so it must be readable.
_ENTRY_FIELDS: dict[str, dict[str, Any]] = {
    "status": {**{f: kind_of(str) for f in STATUS_KEYS}, "stage": kind_of(int),
               "model": one_of(tuple(m.value for m in MaturityModel))},
    "triage": {"level": one_of((*(level.value for level in Level), INFO)), "reason": kind_of(str)},
    "move": {"key": _leika_key},
}
_ENTRY_NEEDS = {"status": set(), "triage": {"level"}, "move": {"key"}}


def dumps(document: dict[str, Any]) -> str:
    """The bundle's JSON text: UTF-8 as it is (umlauts stay readable), indented, one trailing newline."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


# --- reading --------------------------------------------------------------------------------------


def read(data: bytes, name: str) -> Bundle:
    """The checked bundle in ``data``, or SourceError naming the first problem (file, field, what is wrong)."""
    try:
        document = _parse(data)
        bundle = _bundle(document)
    except Bad as exc:
        raise SourceError(f"{name} ist kein gültiges Bündel einer Gemeinde: {exc}; {wording.NOTHING_CHANGED}") from None
    return Bundle(**{**bundle.__dict__, "sha256": hashlib.sha256(data).hexdigest(), "origin": name})


def check_times(bundle: Bundle, now: datetime) -> None:
    """SourceError when the bundle states a time after ``now`` (the time of import, UTC).

    Nothing in a bundle can have happened after it is read in; a history entry dated in the future would
    stay the newest one both databases share, and so hide every later change made here from the conflict
    check. Its time identifies the entry, so it cannot be corrected: the bundle is refused.
    """
    for path, when in _times(bundle):
        if when > now:
            raise SourceError(f"{bundle.origin} ist kein gültiges Bündel einer Gemeinde: {path}: der Zeitpunkt "
                              f"{when:%Y-%m-%d %H:%M} UTC liegt nach dem Zeitpunkt der Einspielung "
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
        for j, blocker in enumerate(record.blockers):
            yield f"services[{i}].blockers[{j}].set_at", blocker.set_at
            if blocker.cleared_at is not None:
                yield f"services[{i}].blockers[{j}].cleared_at", blocker.cleared_at
    yield from format_online.times(bundle.online)


def _parse(data: bytes) -> Any:
    try:
        written = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Bad("", f"kein UTF-8-Text (Byte {exc.start + 1})") from None
    try:
        return json.loads(written, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        rest = written[exc.pos:]  # an unterminated string at the end is cut off as well
        if not rest.strip() or (exc.msg.startswith("Unterminated string") and '"' not in rest[1:]):
            raise Bad("", "die Datei endet mitten im JSON – ist sie abgeschnitten?") from None
        raise Bad("", f"kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno})") from None
    except RecursionError:
        raise Bad("", "das JSON ist zu tief verschachtelt") from None
    except ValueError as exc:  # a number of thousands of digits
        raise Bad("", f"kein gültiges JSON ({exc.args[0] if isinstance(exc.args[0], str) else 'Zahl'})") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise Bad("", f"das Feld {key!r} steht zweimal im selben Abschnitt")
        found[key] = value
    return found


def _no_constant(constant: str) -> None:
    raise Bad("", f"{constant} ist keine Zahl")


def _bundle(document: Any) -> Bundle:
    top = section(document, "", {"format", "version", "exported_at", "municipality", "services"},
                    {"exported_by", "generator", "catalogue", "online_services"})
    if top["format"] != FORMAT:
        raise Bad("format", f"{shown(top['format'])} statt {FORMAT!r} – ist das ein Bündel von "
                  "`ozgtrack town export`?")
    version = top["version"]
    if type(version) is not int or version not in VERSIONS:
        raise Bad("version", f"Version {shown(version)} kann dieses ozgtrack nicht lesen (es kennt die Versionen "
                  f"{wording.listing(map(str, VERSIONS))}); aktualisieren Sie ozgtrack")
    if version == 1 and "online_services" in top:
        raise Bad("", "unbekanntes Feld 'online_services' (Onlinedienste gibt es erst ab Version 2)")
    town = section(top["municipality"], "municipality", {"ars", "name"})
    ars = text(town["ars"], "municipality.ars", limit=12)
    if not (len(ars) == 12 and is_digits(ars)):
        raise Bad("municipality.ars", f"{ars!r} ist kein ARS aus 12 Ziffern")
    services = listed(top["services"], "services")
    records = tuple(_service(item, f"services[{i}]", version) for i, item in enumerate(services))
    _unique([r.key for r in records])
    online = format_online.online_services(top.get("online_services", []), "online_services")
    _known_online(records, {o.number for o in online})
    return Bundle(moment(top["exported_at"], "exported_at"), optional_text(top.get("exported_by"), "exported_by",
                  _NAME_LIMIT) or "", ars, text(town["name"], "municipality.name", limit=200),
                  _releases(top.get("catalogue")), records, version=version, online=online)


def _known_online(records: tuple[ServiceRecord, ...], numbers: set[int]) -> None:
    """Each status taken from an online service names one the bundle holds."""
    for i, record in enumerate(records):
        if record.status is not None and record.status.online is not None and record.status.online not in numbers:
            raise Bad(f"services[{i}].status.online_service", f"den Onlinedienst O-{record.status.online:03d} "
                      "gibt es im Bündel nicht")


def _releases(value: Any) -> tuple[dict[str, Any], ...]:
    if value is None:
        return ()
    catalogue = section(value, "catalogue", {"releases"})
    out = []
    for i, item in enumerate(listed(catalogue["releases"], "catalogue.releases")):
        path = f"catalogue.releases[{i}]"
        release = section(item, path, {"source", "sha256"}, {"fetched_at", "published_at"})
        out.append({"source": text(release["source"], f"{path}.source", limit=16),
                    "sha256": text(release["sha256"], f"{path}.sha256", limit=64)})
    return tuple(out)


def _service(value: Any, path: str, version: int) -> ServiceRecord:
    item = section(value, path, {"key", "history"}, {"decision", "status", *(("blockers",) if version > 1 else ())})
    key = text(item["key"], f"{path}.key", limit=14)
    if not (len(key) == 14 and is_digits(key)):
        raise Bad(f"{path}.key", f"{key!r} ist kein LeiKa-Schlüssel aus 14 Ziffern")
    history = tuple(_entry(e, f"{path}.history[{i}]") for i, e in enumerate(listed(item["history"], f"{path}.history")))
    record = ServiceRecord(key, _decision(item.get("decision"), f"{path}.decision"),
                           _status(item.get("status"), f"{path}.status", version), history,
                           format_online.blockers(item.get("blockers", []), f"{path}.blockers"))
    if problem := history_problem(record):
        raise Bad(path, f"Leistung {key}: {problem}")
    return record


def _decision(value: Any, path: str) -> DecisionRecord | None:
    if value is None:
        return None
    item = section(value, path, {"level", "reason", "by", "at"})
    level = text(item["level"], f"{path}.level", limit=16)
    if level not in DECISION_LEVELS:
        raise Bad(f"{path}.level", f"{level!r} ist keine von {wording.listing(DECISION_LEVELS, 'oder')}")
    return DecisionRecord(Level(level), text(item["reason"], f"{path}.reason", _TEXT_LIMIT, lines=True),
                          text(item["by"], f"{path}.by", _NAME_LIMIT), moment(item["at"], f"{path}.at"))


def _status(value: Any, path: str, version: int) -> StatusRecord | None:
    if value is None:
        return None
    item = section(value, path, {*STATUS_KEYS, "updated_at", "updated_by"},
                   {"online_service"} if version > 1 else set())
    values = {}
    for field in STATUS_KEYS:
        if field == "stage":
            values[field] = optional_int(item[field], f"{path}.stage")
        else:
            values[field] = optional_text(item[field], f"{path}.{field}", _TEXT_LIMIT, lines=field == "note")
    return StatusRecord(_checked_status(values, path), moment(item["updated_at"], f"{path}.updated_at"),
                        text(item["updated_by"], f"{path}.updated_by", _NAME_LIMIT),
                        format_online.number(item.get("online_service"), f"{path}.online_service", optional=True))


def _checked_status(values: dict[str, Any], path: str) -> dict[str, Any]:
    """The values as `status set` would store them (model, URL, dates checked); a stage needs its model."""
    out = {}
    for field, value in values.items():
        try:
            out[field] = clean_value(field, value if field != "stage" or value is None else str(value))
        except InputError as exc:
            raise Bad(f"{path}.{field}", str(exc)) from None
    if (out["stage"] is None) != (out["model"] is None):
        raise Bad(path, "ein Reifegrad braucht sein Reifegradmodell, und ein Modell gibt es nur mit Reifegrad")
    if out["stage"] is not None and (problem := stage_problem(out["model"], out["stage"])):
        raise Bad(f"{path}.stage", problem)
    return out


def _entry(value: Any, path: str) -> Entry:
    item = section(value, path, {"at", "by", "action", "changes", "reason"})
    action = text(item["action"], f"{path}.action", limit=16)
    if action not in ACTIONS:
        raise Bad(f"{path}.action", f"{action!r} ist keine von {wording.listing(ACTIONS, 'oder')}")
    changes = section(item["changes"], f"{path}.changes", _ENTRY_NEEDS[action], set(_ENTRY_FIELDS[action]))
    for field, pair in changes.items():
        where = f"{path}.changes.{field}"
        if not (isinstance(pair, list) and len(pair) == 2):
            raise Bad(where, "muss eine Liste aus altem und neuem Wert sein")
        for side in pair:
            if isinstance(side, str):
                text(side, where, _TEXT_LIMIT, lines=True)
                if field == "url" and (problem := url_problem(side)):  # the history is replayed into open data
                    raise Bad(where, problem)
            if problem := _ENTRY_FIELDS[action][field](side):
                raise Bad(where, problem)
    return Entry(moment(item["at"], f"{path}.at"), text(item["by"], f"{path}.by", _NAME_LIMIT), action, changes,
                 optional_text(item["reason"], f"{path}.reason", _TEXT_LIMIT, lines=True))


def _unique(keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise Bad("services", f"die Leistung {key} steht zweimal im Bündel")
        seen.add(key)
