"""A bundle's record of a service must be what its own history says (no database).

Every change of a status or a decision writes a history entry, so the history, replayed
(:mod:`ozgtrack.town.replay`), ends where the record stands. A bundle whose status or decision says
something else would change this database without a trace (its version stays, no entry says who
changed what): such a bundle is refused, naming the service and what disagrees.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from ozgtrack import wording
from ozgtrack.errors import InputError
from ozgtrack.town.replay import step


class ServiceRecord(Protocol):
    """What the check reads of a bundle's record (``bundle.format.ServiceRecord``; not imported: format uses this)."""

    @property
    def key(self) -> str: ...
    @property
    def decision(self) -> Any: ...
    @property
    def status(self) -> Any: ...
    @property
    def history(self) -> tuple[Any, ...]: ...


_SHOWN = 3  # fields named in one message


def history_problem(record: ServiceRecord) -> str | None:
    """What the record's status or decision says that its history does not (German), or None."""
    levels: dict[str, str] = {}
    statuses: dict[str, dict[str, Any]] = {}
    for entry in sorted(record.history, key=lambda e: e.at):  # stable: entries of one moment keep their order
        step(levels, statuses, record.key, entry.action, entry.changes, entry.reason)
    return _status_problem(record, statuses.get(record.key)) or _decision_problem(record, levels.get(record.key))


def _status_problem(record: ServiceRecord, replayed: dict[str, Any] | None) -> str | None:
    said = {f: _plain(f, v) for f, v in record.status.values.items()} if record.status else {}
    told = {f: _plain(f, v) for f, v in (replayed or {}).items()}
    if record.status is not None and not replayed:
        return "das Bündel nennt einen Status, aber keinen Verlaufseintrag dazu (wer hat ihn wann gesetzt?)"
    if record.status is None:
        if shown := [(f, v) for f, v in told.items() if v is not None]:
            return f"das Bündel nennt keinen Status, laut Verlauf aber {_values(shown)}"
        return None
    differing = [f for f in said if said[f] != told.get(f)]
    if not differing:
        return None
    parts = [f"{wording.name_of(wording.FIELD, f)} {_value(said[f])}, laut Verlauf {_value(told.get(f))}"
             for f in differing[:_SHOWN]]
    rest = len(differing) - _SHOWN
    more = f" (und {wording.plural(rest, 'weiteres Feld', 'weitere Felder')})" if rest > 0 else ""
    return f"der Status stimmt nicht mit seinem Verlauf überein: {'; '.join(parts)}{more}"


def _decision_problem(record: ServiceRecord, level: str | None) -> str | None:
    decision = record.decision
    if decision is None:
        return (f"das Bündel nennt keine Zuständigkeitsentscheidung, laut Verlauf gilt aber "
                f"„{wording.name_of(wording.LEVEL, level)}“ (ohne Eintrag „zurück zur Regel“)") if level else None
    if level is None:
        return (f"das Bündel nennt die Zuständigkeitsentscheidung „{wording.name_of(wording.LEVEL, decision.level)}“, "
                "laut Verlauf gilt aber keine (nie getroffen oder zurückgenommen)")
    if level != decision.level.value:
        return (f"die Zuständigkeit ist „{wording.name_of(wording.LEVEL, decision.level)}“, laut Verlauf "
                f"„{wording.name_of(wording.LEVEL, level)}“")
    last = [e for e in sorted(record.history, key=lambda e: e.at) if e.action == "triage"][-1]
    reason = last.changes.get("reason", [None, decision.reason])[1]
    if reason != decision.reason:
        return f"die Begründung der Zuständigkeit ist {_value(decision.reason)}, laut Verlauf {_value(reason)}"
    return None


def _plain(field: str, value: Any) -> Any:
    """A value as `status set` stores it, in the shape the history holds it (a text, a number or None)."""
    from ozgtrack.fields import clean_value

    try:
        value = clean_value(field, value if field != "stage" or value is None else str(value))
    except InputError:
        return value
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


def _values(pairs: list[tuple[str, Any]]) -> str:
    return "; ".join(f"{wording.name_of(wording.FIELD, f)} {_value(v)}" for f, v in pairs[:_SHOWN])


def _value(value: Any) -> str:
    return "–" if value is None else repr(value) if isinstance(value, str) else str(value)
