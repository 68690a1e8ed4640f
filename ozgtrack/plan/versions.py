"""Plan versions: store a draft (replacing a draft of the same name), adopt it, read versions back with their history.

An adopted version never changes: building over it is refused and it cannot be adopted twice.
Every act (built, built again, adopted) is appended to the version's history.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ozgtrack import fields
from ozgtrack.errors import InputError, NotFoundError
from ozgtrack.plan.measures import update
from ozgtrack.plan.stages import snapshot
from ozgtrack.plan.values import DEFAULT_STATE, measure_ref
from ozgtrack.store.models import Measure, PlanVersion, PlanVersionEntry, PlanVersionItem
from ozgtrack.town.context import Context
from ozgtrack.views.stages import ADOPTED, DRAFT, MeasureSnapshot, PlanVersionView, Stage, VersionEntry

ADOPTED_STATE = "beschlossen"  # what a measure proposed in an adopted plan becomes
_YEARS_RE = re.compile(r"\s*(\d{4})\s*[-–/]\s*(\d{4})\s*")
YEARS = (2000, 2100)


def years(text: str) -> range:
    """The years of ``2027-2030`` (also 2027–2030); at most 15 years, none before 2000 or after 2100."""
    match = _YEARS_RE.fullmatch(text) or re.fullmatch(r"\s*(\d{4})\s*", text)
    if not match or not text.isascii():
        raise InputError(f"Jahre „{text}“: bitte als Zeitraum angeben, z. B. 2027-2030")
    first, last = int(match.group(1)), int(match.group(match.lastindex or 1))
    if last < first:
        raise InputError(f"Jahre {first}-{last}: das letzte Jahr liegt vor dem ersten")
    if first < YEARS[0] or last > YEARS[1] or last - first >= 15:
        raise InputError(f"Jahre {first}-{last}: ein Plan umfasst höchstens 15 Jahre zwischen {YEARS[0]} und {YEARS[1]}")
    return range(first, last + 1)


def default_name(span: range) -> str:
    return f"Entwurf {span[0]}-{span[-1]}"


def _find(session: Session, context: Context, name: str) -> PlanVersion | None:
    return session.scalar(select(PlanVersion).where(PlanVersion.municipality_id == context.municipality.id,
                                                    PlanVersion.name == " ".join(name.split())))


def store(session: Session, context: Context, name: str, span: range, capacity: int,
          stages: Sequence[Stage]) -> PlanVersion:
    """Store the stages as draft ``name``; a draft of that name is replaced, an adopted version never."""
    name = " ".join(name.split())
    if not name:
        raise InputError("eine Planversion braucht einen Namen, z. B. „Entwurf 2027-2030“")
    version = _find(session, context, name)
    if version is not None and version.state == ADOPTED:
        raise InputError(f"die Planversion „{name}“ ist beschlossen ({_adoption(version)}) und wird nicht "
                         "überschrieben; bitte mit --name einen anderen Namen wählen")
    before = None
    if version is None:
        version = PlanVersion(municipality_id=context.municipality.id, name=name, state=DRAFT,
                              created_at=context.now, created_by=context.by, year_from=span[0], year_to=span[-1],
                              capacity=capacity)
        session.add(version)
        session.flush()
    else:
        before = {"years": f"{version.year_from}-{version.year_to}", "capacity": version.capacity,
                  "items": _count(session, version)}
        session.execute(delete(PlanVersionItem).where(PlanVersionItem.version_id == version.id))
        version.year_from, version.year_to, version.capacity = span[0], span[-1], capacity
    ids = _measure_ids(session, context)
    session.add_all(PlanVersionItem(version_id=version.id, measure_id=ids[s.measure.number], year=s.year,
                                    quarter=s.quarter, rank=s.rank, fixed=s.fixed, reason=s.reason,
                                    snapshot=s.measure.as_json()) for s in stages)
    after = {"years": f"{span[0]}-{span[-1]}", "capacity": capacity, "items": len(stages)}
    changes = {k: [None if before is None else before[k], v] for k, v in after.items()
               if before is None or before[k] != v}
    session.add(PlanVersionEntry(version_id=version.id, at=context.now, by=context.by,
                                 action="build" if before is None else "rebuild", changes=changes, note=None))
    session.flush()
    return version


def adopt(session: Session, context: Context, name: str, on: date | None = None, text: str | None = None,
          new_name: str | None = None) -> tuple[PlanVersion, list[str]]:
    """Freeze draft ``name`` as adopted (as ``new_name``, the name the council uses, if given).

    Its staged measures still "vorgeschlagen" become "beschlossen" (each with a history entry; those under
    "später" stay as they are), then every item's
    snapshot is taken again; the version cannot change after. A date after today is refused.
    Returns the version and the IDs of the measures that became "beschlossen".
    """
    version = _find(session, context, name)
    if version is None:
        raise NotFoundError(f"eine Planversion „{name}“ gibt es nicht (siehe `ozgtrack plan versions`)")
    if version.state == ADOPTED:
        raise InputError(f"die Planversion „{version.name}“ ist schon beschlossen ({_adoption(version)}); ein "
                         "Beschluss wird nicht geändert")
    on = on or context.today
    if on > context.today:
        raise InputError(f"der Beschluss vom {on:%d.%m.%Y} liegt in der Zukunft (heute ist der "
                         f"{context.today:%d.%m.%Y}); einen Plan bitte erst nach dem Beschluss als beschlossen eintragen")
    old_name = version.name
    rename(session, context, version, new_name or version.name)
    text = " ".join(text.split()) if text and text.strip() else f"Beschluss des Stadtrats vom {on:%d.%m.%Y}"
    items = list(session.scalars(select(PlanVersionItem).where(PlanVersionItem.version_id == version.id)))
    measures = {m.id: m for m in session.scalars(select(Measure).where(
        Measure.municipality_id == context.municipality.id))}
    moved = []
    for item in sorted(items, key=lambda i: measures[i.measure_id].number):
        # Only what the plan stages: a measure under "später" is not part of what the council adopts.
        if item.year is not None and measures[item.measure_id].state == DEFAULT_STATE:
            moved.append(measure_ref(measures[item.measure_id].number))
            update(session, context, measures[item.measure_id], {"state": ADOPTED_STATE},
                   reason=f"Planversion „{version.name}“ beschlossen: {text}")
        item.snapshot = snapshot(measures[item.measure_id]).as_json()
    version.state, version.adopted_on, version.adopted_by, version.adopted_text = ADOPTED, on, context.by, text
    changes = {"state": [DRAFT, ADOPTED], "adopted_on": [None, on.isoformat()]}
    if version.name != old_name:
        changes["name"] = [old_name, version.name]
    session.add(PlanVersionEntry(version_id=version.id, at=context.now, by=context.by, action="adopt",
                                 changes=changes, note=text))
    session.flush()
    return version, moved


def rename(session: Session, context: Context, version: PlanVersion, name: str) -> None:
    """Give ``version`` the name ``name``; a name another version of the town has is refused."""
    name = " ".join(fields.checked(name, "Der Name der Planversion").split())
    if not name:
        raise InputError("eine Planversion braucht einen Namen, z. B. „Stufenplan 2027-2030“")
    if len(name) > 100:
        raise InputError(f"der Name der Planversion ist {len(name)} Zeichen lang; höchstens 100")
    other = _find(session, context, name)
    if other is not None and other.id != version.id:
        raise InputError(f"eine Planversion „{name}“ gibt es schon; bitte einen anderen Namen wählen")
    version.name = name


def rename_version(session: Session, context: Context, name: str, new_name: str) -> PlanVersion:
    """Give version ``name`` the name ``new_name`` (also an adopted one: only its name changes), with history."""
    version = _find(session, context, name)
    if version is None:
        raise NotFoundError(f"eine Planversion „{name}“ gibt es nicht (siehe `ozgtrack plan versions`)")
    old = version.name
    rename(session, context, version, new_name)
    if version.name != old:
        session.add(PlanVersionEntry(version_id=version.id, at=context.now, by=context.by, action="rename",
                                     changes={"name": [old, version.name]}, note=None))
        session.flush()
    return version


def _adoption(version: PlanVersion) -> str:
    return version.adopted_text or f"am {version.adopted_on:%d.%m.%Y}"


def _count(session: Session, version: PlanVersion) -> int:
    return len(list(session.scalars(select(PlanVersionItem.id).where(PlanVersionItem.version_id == version.id))))


def _measure_ids(session: Session, context: Context) -> dict[int, int]:
    return dict(session.execute(select(Measure.number, Measure.id).where(
        Measure.municipality_id == context.municipality.id)).all())


# --- reading versions back ------------------------------------------------------------------------------


def version_view(session: Session, version: PlanVersion, *, with_history: bool = False) -> PlanVersionView:
    """A stored version with its stages (by year, "später" last, then rank) and, if asked, its history."""
    items = session.scalars(select(PlanVersionItem).where(PlanVersionItem.version_id == version.id))
    stages = sorted((_stage(i) for i in items), key=lambda s: (s.year is None, s.year or 0, s.rank))
    history = ()
    if with_history:
        history = tuple(VersionEntry(e.at, e.by, e.action, e.changes, e.note) for e in session.scalars(
            select(PlanVersionEntry).where(PlanVersionEntry.version_id == version.id).order_by(PlanVersionEntry.id)))
    return PlanVersionView(version.name, version.year_from, version.year_to, version.capacity, version.state,
                           version.created_at, version.created_by, version.adopted_on, version.adopted_by,
                           version.adopted_text, tuple(stages), history)


def _stage(item: PlanVersionItem) -> Stage:
    s = item.snapshot
    measure = MeasureSnapshot(s["number"], measure_ref(s["number"]), s["title"], s.get("lebensbereich"), s["state"],
                              s["progress"], s["weight"], s.get("cost"), tuple(s.get("services") or ()),
                              s.get("start"), s.get("end"))
    return Stage(item.rank, item.year, item.quarter, item.fixed, item.reason or "", measure)


def find_view(session: Session, context: Context, name: str, *, with_history: bool = True) -> PlanVersionView:
    version = _find(session, context, name)
    if version is None:
        raise NotFoundError(f"eine Planversion „{name}“ gibt es nicht (siehe `ozgtrack plan versions`)")
    return version_view(session, version, with_history=with_history)


def find_adopted(session: Session, context: Context, name: str) -> PlanVersion:
    """The adopted version ``name``; a draft is refused (there is nothing to compare with yet)."""
    version = _find(session, context, name)
    if version is None:
        raise NotFoundError(f"eine Planversion „{name}“ gibt es nicht (siehe `ozgtrack plan versions`)")
    if version.state != ADOPTED:
        raise InputError(f"die Planversion „{version.name}“ ist ein Entwurf; verglichen wird mit einem Beschluss "
                         f"(`ozgtrack plan adopt \"{version.name}\"`)")
    return version


def all_views(session: Session, context: Context) -> list[PlanVersionView]:
    """The municipality's versions, oldest first."""
    query = select(PlanVersion).where(PlanVersion.municipality_id == context.municipality.id).order_by(
        PlanVersion.created_at, PlanVersion.id)
    return [version_view(session, v) for v in session.scalars(query)]


def adopted_for(session: Session, context: Context, year: int | None = None) -> PlanVersion | None:
    """The newest adopted version (covering ``year`` if given)."""
    query = select(PlanVersion).where(PlanVersion.municipality_id == context.municipality.id,
                                      PlanVersion.state == ADOPTED)
    if year is not None:
        query = query.where(PlanVersion.year_from <= year, PlanVersion.year_to >= year)
    return session.scalars(query.order_by(PlanVersion.adopted_on.desc(), PlanVersion.id.desc())).first()


def shown_version(session: Session, context: Context) -> PlanVersion | None:
    """The version the chapter shows: the newest adopted one, else the newest draft."""
    return adopted_for(session, context) or session.scalars(select(PlanVersion).where(
        PlanVersion.municipality_id == context.municipality.id).order_by(PlanVersion.created_at.desc(),
                                                                         PlanVersion.id.desc())).first()


def adopted_at(session: Session, version: PlanVersion) -> datetime:
    """When the adoption was recorded (UTC): the moment the plan's snapshots were taken."""
    return session.scalar(select(PlanVersionEntry.at).where(PlanVersionEntry.version_id == version.id,
                                                            PlanVersionEntry.action == "adopt"))
