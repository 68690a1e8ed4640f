"""A bundle's online services and blockers (version 2), read back with every field checked (no database).

An online service is checked as `online add` would store it: its delivery, account, payment, reply and intake
one of their values, its URL an http(s) address without credentials, its stage within its model, its texts
without control characters and within their lengths; its covers are LeiKa keys. Its history entries are
checked for the same values, so what is replayed or shown from them is as clean as the record, and the record
must be where its history, replayed, ends (a record without a trace is refused, as a status is).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from ozgtrack import wording
from ozgtrack.bundle.checks import (
    Bad, kind, listed, moment, optional_int, optional_moment, optional_text, section, shown, text,
)
from ozgtrack.bundle.records import ONLINE_KEYS, BlockerRecord, Entry, OnlineRecord
from ozgtrack.fields import LIMITS, url_problem
from ozgtrack.numbers import is_digits
from ozgtrack.town.online_values import LABEL
from ozgtrack.values import MaturityModel, stage_problem
from ozgtrack.views.online import Account, BlockerCode, Delivery, Intake, Payment, Reply, enum_values

ONLINE_ACTIONS = ("add", "set", "covers", "retire")
BLOCKER_CODES = enum_values(BlockerCode)
_NUMBER_LIMIT = 99_999
_NAME, _TEXT = LIMITS["by"], LIMITS["note"]
_CHOICES: dict[str, tuple[str, ...]] = {
    "delivery": tuple(d.value for d in Delivery), "account": tuple(a.value for a in Account),
    "payment": tuple(p.value for p in Payment), "reply": tuple(r.value for r in Reply),
    "intake": tuple(i.value for i in Intake), "model": tuple(m.value for m in MaturityModel),
}
_TEXTS = {"name": 200, "provider": 200, "department": LIMITS["department"], "system": 200,
          "note": _TEXT}
_RECORD_KEYS = {*ONLINE_KEYS, "number", "version", "created_at", "created_by", "updated_at", "updated_by",
                "retired_at", "retired_by", "covers", "history"}


def online_services(value: Any, path: str) -> tuple[OnlineRecord, ...]:
    """The bundle's online services, each checked; a number twice is refused."""
    records = tuple(_online(item, f"{path}[{i}]") for i, item in enumerate(listed(value, path)))
    seen: set[int] = set()
    for record in records:
        if record.number in seen:
            raise Bad(path, f"der Onlinedienst {record.label} steht zweimal im Bündel")
        seen.add(record.number)
    return records


def blockers(value: Any, path: str) -> tuple[BlockerRecord, ...]:
    """A service's blockers (active and cleared), each checked; the same blocker twice is refused."""
    records = tuple(_blocker(item, f"{path}[{i}]") for i, item in enumerate(listed(value, path)))
    if len({r.identity for r in records}) < len(records):
        raise Bad(path, "derselbe Grund (Code, gesetzt am, von) steht zweimal")
    return records


def number(value: Any, path: str, *, optional: bool = False) -> int | None:
    """An online service's number (1–99.999), or None where ``optional``."""
    if value is None and optional:
        return None
    if type(value) is not int or not 1 <= value <= _NUMBER_LIMIT:
        raise Bad(path, f"ist keine Nummer eines Onlinedienstes (eine ganze Zahl von 1 bis "
                  f"{wording.number(_NUMBER_LIMIT)})")
    return value


def times(records: tuple[OnlineRecord, ...]) -> Iterator[tuple[str, datetime]]:
    """Every time the online services state, with its path (for the check that none lies after the import)."""
    for i, record in enumerate(records):
        yield f"online_services[{i}].created_at", record.created_at
        yield f"online_services[{i}].updated_at", record.updated_at
        if record.retired_at is not None:
            yield f"online_services[{i}].retired_at", record.retired_at
        for j, entry in enumerate(record.history):
            yield f"online_services[{i}].history[{j}].at", entry.at


def _online(value: Any, path: str) -> OnlineRecord:
    item = section(value, path, _RECORD_KEYS)
    values = {field: _value(field, item[field], f"{path}.{field}") for field in ONLINE_KEYS}
    if values["name"] is None:
        raise Bad(f"{path}.name", "ein Onlinedienst braucht einen Namen")
    if values["delivery"] is None:
        raise Bad(f"{path}.delivery", "ein Onlinedienst braucht seinen Weg der Bereitstellung")
    if (values["stage"] is None) != (values["model"] is None):
        raise Bad(path, "ein Reifegrad braucht sein Reifegradmodell, und ein Modell gibt es nur mit Reifegrad")
    if values["stage"] is not None and (problem := stage_problem(MaturityModel(values["model"]), values["stage"])):
        raise Bad(f"{path}.stage", problem)
    version = item["version"]
    if type(version) is not int or not 1 <= version <= 1_000_000:
        raise Bad(f"{path}.version", f"{shown(version)} ist keine Version (eine ganze Zahl ab 1)")
    retired_at, retired_by = (optional_moment(item["retired_at"], f"{path}.retired_at"),
                              optional_text(item["retired_by"], f"{path}.retired_by", _NAME))
    if (retired_at is None) != (retired_by is None):
        raise Bad(path, "ein beendeter Onlinedienst braucht retired_at und retired_by, ein aktiver keins von beiden")
    covers = tuple(_key(k, f"{path}.covers[{i}]") for i, k in enumerate(listed(item["covers"], f"{path}.covers")))
    if len(set(covers)) < len(covers):
        raise Bad(f"{path}.covers", "eine Leistung steht zweimal in der Liste")
    history = tuple(_entry(e, f"{path}.history[{i}]") for i, e in enumerate(listed(item["history"], f"{path}.history")))
    if problem := _history_problem(values, covers, retired_at, history):
        raise Bad(path, problem)
    return OnlineRecord(number(item["number"], f"{path}.number"), values, version,
                        moment(item["created_at"], f"{path}.created_at"),
                        text(item["created_by"], f"{path}.created_by", _NAME),
                        moment(item["updated_at"], f"{path}.updated_at"),
                        text(item["updated_by"], f"{path}.updated_by", _NAME), retired_at, retired_by, covers, history)


def _value(field: str, value: Any, path: str) -> Any:
    """One field of an online service as stored (JSON-shaped: texts, numbers, ISO dates), or Bad."""
    if value is None:
        return None
    if field == "stage":
        return optional_int(value, path)
    written = text(value, path, _TEXTS.get(field, LIMITS["url"]), lines=field == "note")
    if field in _CHOICES and written not in _CHOICES[field]:
        raise Bad(path, f"{shown(written)} ist keine von {wording.listing(_CHOICES[field], 'oder')}")
    if field == "url" and (problem := url_problem(written)):
        raise Bad(path, problem)
    if field == "live_since":
        _date(written, path)
    if field == "contract" and written != "nein":
        _date(written, path, "ein Datum (2026-03-01) oder 'nein'")
    return written


def _date(value: str, path: str, what: str = "ein Datum (2026-03-01)") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Bad(path, f"{shown(value)} ist nicht {what}") from None


def _key(value: Any, path: str) -> str:
    if not (isinstance(value, str) and len(value) == 14 and is_digits(value)):
        raise Bad(path, f"{shown(value)} ist kein LeiKa-Schlüssel aus 14 Ziffern")
    return value


def _blocker(value: Any, path: str) -> BlockerRecord:
    item = section(value, path, {"code", "note", "set_at", "set_by", "cleared_at", "cleared_by"})
    code = text(item["code"], f"{path}.code", limit=16)
    if code not in BLOCKER_CODES:
        raise Bad(f"{path}.code", f"{code!r} ist keine von {wording.listing(BLOCKER_CODES, 'oder')}")
    cleared_at = optional_moment(item["cleared_at"], f"{path}.cleared_at")
    cleared_by = optional_text(item["cleared_by"], f"{path}.cleared_by", _NAME)
    if (cleared_at is None) != (cleared_by is None):
        raise Bad(path, "ein aufgehobener Grund braucht cleared_at und cleared_by, ein gültiger keins von beiden")
    return BlockerRecord(code, optional_text(item["note"], f"{path}.note", _TEXT, lines=True),
                         moment(item["set_at"], f"{path}.set_at"), text(item["set_by"], f"{path}.set_by", _NAME),
                         cleared_at, cleared_by)


def _entry(value: Any, path: str) -> Entry:
    item = section(value, path, {"at", "by", "action", "changes", "reason"})
    action = text(item["action"], f"{path}.action", limit=16)
    if action not in ONLINE_ACTIONS:
        raise Bad(f"{path}.action", f"{action!r} ist keine von {wording.listing(ONLINE_ACTIONS, 'oder')}")
    changes = section(item["changes"], f"{path}.changes", set(), {*ONLINE_KEYS, "covers", "retired_at"})
    for field, change in changes.items():
        where = f"{path}.changes.{field}"
        if field == "covers":
            _covers_change(change, where)
            continue
        if field == "retired_at":
            if not (isinstance(change, list) and len(change) == 2):
                raise Bad(where, "muss eine Liste aus altem und neuem Wert sein")
            for side in change:
                optional_moment(side, where)
            continue
        if not (isinstance(change, list) and len(change) == 2):
            raise Bad(where, "muss eine Liste aus altem und neuem Wert sein")
        for side in change:
            if side is not None and type(side) not in (str, int):
                raise Bad(where, f"ein Wert muss ein Text, eine ganze Zahl oder null sein, nicht {kind(side)}")
            _value(field, side, where)
    return Entry(moment(item["at"], f"{path}.at"), text(item["by"], f"{path}.by", _NAME), action, changes,
                 optional_text(item["reason"], f"{path}.reason", _TEXT, lines=True))


def _covers_change(change: Any, path: str) -> None:
    """The covers an entry added and removed: ``{"added": [keys], "removed": [keys]}`` or ``[old keys, new keys]``."""
    parts = (list(section(change, path, set(), {"added", "removed"}).items()) if isinstance(change, dict)
             else list(enumerate(listed(change, path))))
    if isinstance(change, list) and len(change) != 2:
        raise Bad(path, "muss eine Liste aus alten und neuen Leistungen sein")
    for name, keys in parts:
        if keys is None:
            continue
        for i, key in enumerate(listed(keys, f"{path}.{name}")):
            _key(key, f"{path}.{name}[{i}]")


def stored_value(field: str, value: Any) -> Any:
    """A checked JSON value as the online_service table takes it (dates as dates, enums by value)."""
    if value is None:
        return None
    if field == "live_since":
        return date.fromisoformat(value)
    kinds = {"delivery": Delivery, "account": Account, "payment": Payment, "reply": Reply, "intake": Intake,
             "model": MaturityModel}
    return kinds[field](value) if field in kinds else value


def _history_problem(values: dict[str, Any], covers: tuple[str, ...], retired_at: datetime | None,
                     history: tuple[Entry, ...]) -> str | None:
    """What the online service's record says that its history, replayed, does not (German), or None.

    Every change of an online service writes its entry (old → new per field, covers added and removed), so a record
    its history does not lead to would change this database without a trace: such a bundle is refused.
    """
    if not history:
        return "das Bündel nennt einen Onlinedienst, aber keinen Verlaufseintrag dazu (wer hat ihn wann angelegt?)"
    state: dict[str, Any] = {}
    covered: set[str] = set()
    retired = False
    for entry in sorted(history, key=lambda e: e.at):
        for field, change in entry.changes.items():
            if field == "covers":
                covered |= set(change.get("added") or []) if isinstance(change, dict) else set(change[1] or [])
                covered -= set(change.get("removed") or []) if isinstance(change, dict) else set()
            elif field == "retired_at":
                retired = change[1] is not None
            else:
                state[field] = change[1]
    differing = [f for f in ONLINE_KEYS if state.get(f) != values[f]]
    if differing:
        parts = [f"{LABEL[f]} {_said(values[f])}, laut Verlauf {_said(state.get(f))}" for f in differing[:3]]
        return f"der Onlinedienst stimmt nicht mit seinem Verlauf überein: {'; '.join(parts)}"
    if covered != set(covers):
        return "die abgedeckten Leistungen stimmen nicht mit dem Verlauf überein"
    if retired != (retired_at is not None):
        return "außer Betrieb oder nicht: der Onlinedienst sagt etwas anderes als sein Verlauf"
    return None


def _said(value: Any) -> str:
    return "–" if value is None else repr(value) if isinstance(value, str) else str(value)
