"""German wording and number formats shared by the reports (the readers are a German council).

Numbers, plurals and the names of the sources come from :mod:`ozgtrack.wording` (one definition each).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ozgtrack.views.results import Category, Counts, GapAnalysis, GroupBy, ReleaseRef, ServiceGap
from ozgtrack.wording import local_time
from ozgtrack.wording import SOURCE, number, percent, plural  # percent: also used from here by the renderers

CATEGORY = {Category.ONLINE: "online", Category.IN_PROGRESS: "in Umsetzung", Category.OFFLINE: "offline",
            Category.UNKNOWN: "nicht bewertet"}
GROUP = {GroupBy.LEBENSBEREICH: "Lebensbereich", GroupBy.THEMENFELD: "Themenfeld", GroupBy.LAGE: "Lage",
         GroupBy.OZG: "OZG-Leistung", GroupBy.SERVICE: "Leistung"}
GROUPS = {GroupBy.LEBENSBEREICH: "Lebensbereiche", GroupBy.THEMENFELD: "Themenfelder", GroupBy.LAGE: "Lagen",
          GroupBy.OZG: "OZG-Leistungen", GroupBy.SERVICE: "Leistungen"}
# What everything made from `ozgtrack demo` says, in the title, at the foot and in the mail subject.
DEMO_MARK = "DEMO – erfundene Zahlen"
DEMO_NOTE = ("DEMO – erfundene Zahlen: ein Beispiel aus einem mitgelieferten Beispielkatalog; Zuständigkeiten und "
             "Reifegrade sind erfunden und nicht die der Kommune.")
SHOWN_PER_GAP = 5  # service names in a cell of the largest gaps before "… und 41 weitere"
COUNT_COLUMNS = ("eigene Leistungen", "online", "in Umsetzung", "offline", "nicht bewertet", "Abdeckung",
                 "nicht zuständig", "ungeklärt")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return local_day(value).strftime("%d.%m.%Y")


def local_day(value: date | datetime) -> date:
    """The day of a stored time (UTC) where the reader is; a date stays as it is."""
    if isinstance(value, datetime):
        return date.fromisoformat(local_time(value)[:10])
    return value


def age(value: date | datetime, today: date) -> str:
    """How long ago, as a council reads it: ``heute``, ``vor 3 Tagen``, ``vor 2 Monaten``, ``vor über einem Jahr``;
    empty for a day after ``today`` (a clock off, nothing to say)."""
    then = local_day(value)
    days = (today - then).days
    full = (today.year - then.year) * 12 + today.month - then.month - (today.day < then.day)
    if days < 0:
        return ""
    if days < 2:
        return ("heute", "gestern")[days]
    if full < 1:
        return f"vor {plural(days, 'Tag', 'Tagen')}" if days < 14 else f"vor {plural(days // 7, 'Woche', 'Wochen')}"
    if full < 12:
        return f"vor {plural(full, 'Monat', 'Monaten')}"
    years = "einem Jahr" if full < 24 else f"{number(full // 12)} Jahren"
    return f"vor {'über ' if full % 12 else ''}{years}"


def count_cells(counts: Counts) -> list[object]:
    """The cells of :data:`COUNT_COLUMNS`."""
    return [counts.applicable, counts.online, counts.in_progress, counts.offline, counts.unknown,
            percent(counts.coverage), counts.not_applicable, counts.undecided]


def stage(gap: ServiceGap) -> str:
    """``Reifegrad 2 nach RGM 1.1`` or ``nicht bewertet``."""
    if gap.stage is None:
        return "nicht bewertet"
    return f"Reifegrad {gap.stage} nach {'RGM 1.1' if gap.model == 'rgm1' else 'RGM 2.0'}"


def origin(path: str, shipped: str) -> str:
    """Whose rules or mapping a report followed, in words: ``mitgeliefert``, or ``von der Stadt festgelegt``.

    No file name and no folder: neither says anything to the council, and a path tells strangers how the computer
    is set up.
    """
    from ozgtrack.resources import catalog_file

    return "mitgeliefert" if path == str(catalog_file(shipped)) else "von der Stadt festgelegt"


def agree(count: int, one: str, many: str) -> str:
    """The verb or noun form that agrees with ``count``: ``agree(1, "ist", "sind")`` → ``ist``."""
    return one if count == 1 else many


def release(ref: ReleaseRef) -> str:
    """A catalogue release by its own date (the Datenstand it states), the import day apart."""
    name = SOURCE.get(ref.source, ref.source)
    if ref.published_at is None:
        return f"{name}, Datenstand unbekannt, importiert am {day(ref.fetched_at)}"
    return f"{name}, Datenstand {day(ref.published_at)} (importiert am {day(ref.fetched_at)})"


def share(counts: Counts) -> str:
    """``33 % (2 von 6)``."""
    return f"{percent(counts.coverage)} ({number(counts.online)} von {number(counts.applicable)})"


def _direction(then: Counts, now: Counts) -> int:
    """-1, 0 or 1: the exact coverage compared, not the rounded percents (1 of 3 and 2 of 6 are equal)."""
    before, after = then.online * now.applicable, now.online * then.applicable
    return (after > before) - (after < before)


def coverage_change(then: Counts, now: Counts) -> str:
    """The rest of "Seit IST-2026 (…) …": rose, fell or unchanged, with the counts where percents hide it."""
    if not then.applicable or not now.applicable:
        if not then.applicable and not now.applicable:
            return "gibt es weiterhin keine eigenen Leistungen"
        if not then.applicable:
            return f"gibt es erstmals eigene Leistungen; die Abdeckung beträgt {share(now)}"
        return f"gibt es keine eigenen Leistungen mehr (vorher {number(then.online)} von {number(then.applicable)} online)"
    direction = _direction(then, now)
    if direction == 0:
        if (then.online, then.applicable) == (now.online, now.applicable):
            return f"ist die Abdeckung unverändert: {share(now)}"
        return (f"ist die Abdeckung unverändert {percent(now.coverage)} (jetzt {number(now.online)} von "
                f"{number(now.applicable)}, vorher {number(then.online)} von {number(then.applicable)})")
    verb = "stieg" if direction > 0 else "sank"
    if percent(then.coverage) == percent(now.coverage):
        return (f"{verb} die Abdeckung von {number(then.online)} von {number(then.applicable)} auf "
                f"{number(now.online)} von {number(now.applicable)} Leistungen (gerundet weiterhin "
                f"{percent(now.coverage)})")
    return f"{verb} die Abdeckung von {share(then)} auf {share(now)}"


def coverage_short(then: Counts, now: Counts) -> str:
    """One line for the terminal: ``Abdeckung 25 % (1 von 4) → 33 % (2 von 6)`` or ``Abdeckung unverändert …``."""
    if then.applicable and now.applicable and _direction(then, now) == 0:
        if (then.online, then.applicable) == (now.online, now.applicable):
            return f"Abdeckung unverändert {share(now)}"
        return (f"Abdeckung unverändert {percent(now.coverage)} ({number(then.online)} von {number(then.applicable)} → "
                f"{number(now.online)} von {number(now.applicable)})")
    return f"Abdeckung {share(then)} → {share(now)}"


def some(names: Sequence[str], shown: int = SHOWN_PER_GAP) -> str:
    """``A; B; C; D; E … und 41 weitere``: a compact cell however many there are."""
    listed = "; ".join(names[:shown])
    return f"{listed} … und {number(len(names) - shown)} weitere" if len(names) > shown else listed


def open_service(gap: ServiceGap) -> str:
    """``Wohnsitz Abmeldung (in Umsetzung, geplant 2. Quartal 2027)``: short, for the compact gap cell."""
    plan = f", geplant {planned(gap.planned)}" if gap.planned else ""
    return f"{gap.name} ({CATEGORY[gap.category]}{plan})"


def stale_parts(analysis: GapAnalysis) -> tuple[tuple[ServiceGap, ...], tuple[ServiceGap, ...]]:
    """The entries to re-check, apart: never verified, and verified longer ago than the period."""
    never = tuple(s for s in analysis.stale if s.verified_at is None)
    return never, tuple(s for s in analysis.stale if s.verified_at is not None)


def stale_summary(analysis: GapAnalysis) -> str:
    """``1 bewertete Leistung noch nie bestätigt, 2 seit mehr als 12 Monaten nicht bestätigt``."""
    never, old = stale_parts(analysis)
    parts = [f"{plural(len(never), 'bewertete Leistung', 'bewertete Leistungen')} noch nie bestätigt"] if never else []
    if old:
        what = plural(len(old), "Leistung", "Leistungen") if never else plural(len(old), "bewertete Leistung",
                                                                               "bewertete Leistungen")
        parts.append(f"{what} seit mehr als {months(analysis.stale_months)} nicht bestätigt")
    return ", ".join(parts) or f"keine – alle Bewertungen in den letzten {months(analysis.stale_months)} bestätigt"


def months(count: int) -> str:
    """``1 Monat``, ``12 Monaten`` (dative, as in "seit mehr als 12 Monaten")."""
    return plural(count, "Monat", "Monaten")


def planned(value: str | None) -> str:
    """``2027-Q2`` → ``2. Quartal 2027``; ``2027-06-30`` → ``30.06.2027``; a year stays a year."""
    if not value or len(value) == 4:
        return value or ""
    if "-Q" in value:
        return f"{value[-1]}. Quartal {value[:4]}"
    return day(date.fromisoformat(value))
