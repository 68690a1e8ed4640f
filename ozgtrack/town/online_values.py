"""What an online service's fields may hold: each value checked once, whichever command or sheet brings it.

Texts and the URL go through :mod:`ozgtrack.fields` (no control characters, lengths, a URL without
credentials); the building blocks are their closed sets (:mod:`ozgtrack.views.online`); dates are ISO or
German (``30.06.2026``) and stored as ISO; the reuse contract is a date or ``nein``. "" clears a field.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from ozgtrack.errors import InputError
from ozgtrack.fields import clean_value, text
from ozgtrack.values import MaturityModel, parse_planned, stage_problem
from ozgtrack.views.online import Account, Delivery, Intake, OnlineSpec, Payment, Reply

# The fields of an online service in the order `online show` lists them (the covers are apart).
ONLINE_FIELDS = ("name", "url", "delivery", "provider", "model", "stage", "department", "live_since", "account",
                 "payment", "reply", "intake", "system", "contract", "note")
REQUIRED = frozenset({"name", "delivery"})
LABEL = {"name": "Name", "url": "URL", "delivery": "Weg der Bereitstellung", "provider": "Anbieter",
         "model": "Reifegradmodell", "stage": "Reifegrad", "department": "Fachbereich", "live_since": "online seit",
         "account": "Nutzerkonto", "payment": "Bezahlung", "reply": "Rückkanal", "intake": "Eingang",
         "system": "Fachverfahren", "contract": "Nachnutzungsvertrag", "note": "Notiz"}
_CHOICES: dict[str, type[StrEnum]] = {"delivery": Delivery, "account": Account, "payment": Payment, "reply": Reply,
                                      "intake": Intake}


def clean_field(field: str, value: Any) -> Any:
    """``value`` as the online service stores ``field``; None for "" (cleared); InputError in German."""
    if value is None or value == "":
        if field in REQUIRED:
            raise InputError(f"der {LABEL[field]} eines Onlinedienstes darf nicht leer sein")
        return None
    if field in _CHOICES:
        return _choice(field, value)
    if field in ("model", "stage", "url"):
        return clean_value(field, value)
    if field == "live_since":
        return _date(value, LABEL[field])
    if field == "contract":
        return contract(value)
    if field == "note":
        return text("note", value)
    cleaned = text(field, value, LABEL[field])  # one line, at most 200 characters (ozgtrack.fields.LIMITS)
    if field in REQUIRED and cleaned is None:
        raise InputError(f"der {LABEL[field]} eines Onlinedienstes darf nicht leer sein")
    return cleaned


def clean_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Each value cleaned; an unknown field is a programming error (KeyError)."""
    unknown = set(values) - set(ONLINE_FIELDS)
    if unknown:
        raise KeyError(f"unknown online service fields: {sorted(unknown)}")
    return {field: clean_field(field, value) for field, value in values.items()}


def spec_values(spec: OnlineSpec) -> dict[str, Any]:
    """The fields of ``spec`` (its covers apart), as `online add` stores them."""
    return {field: getattr(spec, field) for field in ONLINE_FIELDS}


def with_model(old: dict[str, Any], new: dict[str, Any], default: MaturityModel) -> dict[str, Any]:
    """``new`` over ``old``, with a model for a stage (the old one, else ``default``), none without; checked."""
    merged = {**old, **new}
    if merged.get("stage") is None:
        merged["model"] = None
    elif merged.get("model") is None:
        merged["model"] = old.get("model") or default
    if merged.get("stage") is not None and (problem := stage_problem(MaturityModel(merged["model"]), merged["stage"])):
        raise InputError(problem)
    return merged


def contract(value: Any) -> str:
    """The reuse contract: ``nein`` or the day it was signed (ISO); InputError otherwise."""
    shown = str(value).strip()
    if shown.lower() == "nein":
        return "nein"
    return _date(shown, "der Nachnutzungsvertrag", also="oder „nein“").isoformat()


def _date(value: Any, what: str, also: str = "") -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(parse_planned(str(value)))
    except ValueError:
        shown = text("note", value) or ""
        raise InputError(f"{what}: {shown[:40]!r} ist kein Datum (2026-03-31 oder 31.03.2026){' ' + also if also else ''}"
                         ) from None


def _choice(field: str, value: Any) -> StrEnum:
    kind = _CHOICES[field]
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        allowed = "|".join(m.value for m in kind)
        raise InputError(f"{LABEL[field]}: {str(value)[:40]!r} ist keiner der Werte {allowed}") from None
