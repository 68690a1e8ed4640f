"""Measures (Maßnahmen) of the plan: add, change, note progress; every change kept in the measure's history."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgtrack import fields
from ozgtrack.errors import InputError, NotFoundError
from ozgtrack.text import resolve
from ozgtrack.numbers import EURO, PERCENT, whole
from ozgtrack.plan.proposals import Places, known_refs
from ozgtrack.plan.values import (
    DEFAULT_STATE, FUNDING, ORIGINS, STATES, choose, measure_number, measure_ref, period, period_bounds,
)
from ozgtrack.store.models import Measure, MeasureEntry, OzgLeistung, Service
from ozgtrack.town.blocker_list import blocker_list
from ozgtrack.town.context import Context
from ozgtrack.views.online import BlockerCode
from ozgtrack.views.plan import EntryView, MeasureChange, MeasureView

FIELDS = ("title", "lebensbereich", "services", "owner", "origin", "proposals", "ortschaft", "start", "end", "state",
          "progress", "weight", "cost", "funding")
# German names of the fields, for messages, tables and the worksheet's headers.
LABELS = {"title": "Titel", "lebensbereich": "Lebensbereich", "services": "Leistungen", "owner": "Fachbereich",
          "origin": "Herkunft", "proposals": "Ideen", "ortschaft": "Ortschaft", "start": "Beginn", "end": "Ende",
          "state": "Stand", "progress": "Fortschritt (%)", "weight": "Gewicht", "cost": "Kosten (€)",
          "funding": "Finanzierung", "blocker": "beseitigt Grund"}
_REQUIRED = frozenset({"title", "state", "progress", "weight"})
_SPLIT_RE = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Checks:
    """What a measure's fields are checked against: Lebensbereiche, places, services, OZG-Leistungen, proposals."""

    places: Places
    service_keys: frozenset[str]
    ozg_ids: frozenset[str]
    proposals: frozenset[str]


def checks(session: Session, context: Context, places: Places) -> Checks:
    return Checks(places, frozenset(session.scalars(select(Service.key))),
                  frozenset(session.scalars(select(OzgLeistung.ozg_id))),
                  frozenset(known_refs(session, context.municipality.id)))


def clean(field: str, text: str, known: Checks) -> Any:
    """A field's value from what a person typed; an empty text clears an optional field. InputError names the problem."""
    # NFC and no control characters (ozgtrack.fields); the free texts also within their length.
    text = (fields.text(field, text, LABELS[field]) or "") if field in fields.LIMITS else fields.checked(text, LABELS[field])
    text = " ".join(text.split()) if field not in ("services", "proposals") else text.strip()
    if not text:
        if field in _REQUIRED:
            raise InputError(f"{LABELS[field]} darf nicht leer sein")
        return None
    cleaners: dict[str, Callable[[str], Any]] = {
        "lebensbereich": lambda t: choose(t, known.places.lebensbereiche, "Lebensbereich"),
        "ortschaft": known.places.ortschaft,
        "origin": lambda t: choose(t, ORIGINS, "Herkunft"),
        "state": lambda t: choose(t.replace("_", " "), STATES, "Stand"),
        "funding": lambda t: choose(t, FUNDING, "Finanzierung"),
        "start": lambda t: period(t, "Beginn"), "end": lambda t: period(t, "Ende"),
        "progress": lambda t: whole(t, "Fortschritt", 0, 100, PERCENT),
        "weight": lambda t: whole(t, "Gewicht", 1, 100), "cost": lambda t: whole(t, "Kosten", units=EURO),
        "services": lambda t: _services(t, known), "proposals": lambda t: _proposals(t, known),
        "blocker": _blocker,
    }
    return cleaners.get(field, lambda t: t)(text)


def _blocker(text: str) -> str:
    """A code of catalog/blockers.toml (`report blockers`): the reason the measure removes."""
    try:
        return BlockerCode(text.lower()).value
    except ValueError:
        raise InputError(f"„{text}“ ist kein Grund; erlaubt: {', '.join(BlockerCode)}") from None


def _services(text: str, known: Checks) -> list[str]:
    found = []
    for item in filter(None, _SPLIT_RE.split(text)):
        if item not in known.service_keys and item not in known.ozg_ids:
            raise InputError(f"Leistung „{item}“ ist weder ein LeiKa-Schlüssel noch eine OZG-ID des Katalogs")
        found.append(item)
    return sorted(set(found))


def _proposals(text: str, known: Checks) -> list[str]:
    found = [item for item in filter(None, _SPLIT_RE.split(text))]
    unknown = [item for item in found if item not in known.proposals]
    if unknown:
        raise InputError(f"Idee {', '.join(unknown)} ist nicht eingelesen (siehe `ozgtrack plan proposals list`)")
    return sorted(set(found))


def check_period(values: dict[str, Any]) -> None:
    """The end must not lie before the start."""
    start, end = values.get("start"), values.get("end")
    if start and end and period_bounds(end)[1] < period_bounds(start)[0]:
        raise InputError(f"Ende {end} liegt vor dem Beginn {start}")


def find(session: Session, context: Context, text: str) -> Measure:
    """The municipality's measure with this ID (M-007, M7 or 7)."""
    number = measure_number(text)
    found = session.scalar(select(Measure).where(Measure.municipality_id == context.municipality.id,
                                                 Measure.number == number))
    if found is None:
        raise NotFoundError(f"Maßnahme {measure_ref(number)} gibt es nicht (siehe `ozgtrack plan measure list`)")
    return found


def add(session: Session, context: Context, values: dict[str, Any], note: str | None = None) -> MeasureChange:
    """A new measure with the next number; its first history entry lists what it was created with."""
    if not values.get("title"):
        raise InputError("eine Maßnahme braucht einen Titel")
    number = (session.scalar(select(func.max(Measure.number)).where(
        Measure.municipality_id == context.municipality.id)) or 0) + 1
    measure = Measure(municipality_id=context.municipality.id, number=number, title="", state=DEFAULT_STATE, progress=0,
                      weight=1, created_at=context.now, updated_at=context.now, updated_by=context.by)
    session.add(measure)
    session.flush()
    values = {**values, "state": values.get("state", DEFAULT_STATE)}
    change = update(session, context, measure, values, note, created=True)
    return change or MeasureChange(measure_ref(number), measure.title, {}, note, added=True)


def update(session: Session, context: Context, measure: Measure, values: dict[str, Any], note: str | None = None,
           reason: str | None = None, *, created: bool = False) -> MeasureChange | None:
    """Set the given fields; what changed (and a note) is appended to the history. None: nothing changed."""
    check_period({"start": measure.start, "end": measure.end, **values})
    changes = {f: [None if created else getattr(measure, f), v] for f, v in values.items()
               if created or getattr(measure, f) != v}
    note = " ".join((fields.text("note", note) or "").split()) or None if note else None
    if not changes and not note:
        return None
    for field, (_, new) in changes.items():
        setattr(measure, field, new)
    measure.updated_at, measure.updated_by = context.now, context.by
    session.add(MeasureEntry(measure_id=measure.id, at=context.now, by=context.by, changes=changes, note=note,
                             reason=reason))
    session.flush()
    return MeasureChange(measure_ref(measure.number), measure.title, changes, note, added=created)


def versions(session: Session, municipality_id: int) -> dict[int, int]:
    """Each measure's version: the id of its newest history entry (by measure number)."""
    query = (select(Measure.number, func.max(MeasureEntry.id)).join(Measure, MeasureEntry.measure_id == Measure.id)
             .where(Measure.municipality_id == municipality_id).group_by(Measure.number))
    return dict(session.execute(query).all())


def measure_views(session: Session, context: Context, *, with_history: bool = False,
                  numbers: list[int] | None = None) -> list[MeasureView]:
    """The municipality's measures by number; ``with_history`` adds each one's history, oldest first."""
    query = select(Measure).where(Measure.municipality_id == context.municipality.id).order_by(Measure.number)
    if numbers is not None:
        query = query.where(Measure.number.in_(numbers))
    measures = list(session.scalars(query))
    entries: dict[int, list[MeasureEntry]] = {m.id: [] for m in measures}
    for entry in session.scalars(select(MeasureEntry).where(MeasureEntry.measure_id.in_(list(entries)))
                                 .order_by(MeasureEntry.id)):
        entries[entry.measure_id].append(entry)
    return [_view(m, entries[m.id], with_history) for m in measures]


def chosen_views(session: Session, context: Context, places: Places, lebensbereich: str | None = None,
                 state: str | None = None) -> list[MeasureView]:
    """The measures of one Lebensbereich and one state, each named as :func:`ozgtrack.text.resolve` finds it."""
    found = measure_views(session, context)
    if lebensbereich:
        chosen = resolve(lebensbereich, [*places.lebensbereiche, *(v.lebensbereich for v in found if v.lebensbereich)],
                         "Lebensbereich", "Lebensbereichen")
        found = [v for v in found if v.lebensbereich == chosen]
    if state:
        chosen = resolve(state.replace("_", " "), STATES, "Stand", "Ständen")
        found = [v for v in found if v.state == chosen]
    return found


def _view(m: Measure, entries: list[MeasureEntry], with_history: bool) -> MeasureView:
    notes = [e.at.date() for e in entries if e.note]
    history = tuple(EntryView(e.at, e.by, e.changes, e.note, e.reason) for e in entries) if with_history else ()
    return MeasureView(measure_ref(m.number), m.title, m.lebensbereich, tuple(m.services or ()), m.owner, m.origin,
                       tuple(m.proposals or ()), m.ortschaft, m.start, m.end, m.state, m.progress, m.weight, m.cost,
                       m.funding, m.updated_at, m.updated_by, notes[-1] if notes else None, history, m.blocker,
                       blocker_list().label(m.blocker) if m.blocker else None)
