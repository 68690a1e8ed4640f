"""German wording and number formats shared by the reports (the readers are a German council)."""

from __future__ import annotations

from datetime import date, datetime

from ozgtrack.analysis.results import Category, Counts, GroupBy, ServiceGap
from ozgtrack.render.common import local_time

CATEGORY = {Category.ONLINE: "online", Category.IN_PROGRESS: "in Umsetzung", Category.OFFLINE: "offline",
            Category.UNKNOWN: "nicht bewertet"}
GROUP = {GroupBy.LEBENSBEREICH: "Lebensbereich", GroupBy.THEMENFELD: "Themenfeld", GroupBy.LAGE: "Lage",
         GroupBy.OZG: "OZG-Leistung", GroupBy.SERVICE: "Leistung"}
GROUPS = {GroupBy.LEBENSBEREICH: "Lebensbereiche", GroupBy.THEMENFELD: "Themenfelder", GroupBy.LAGE: "Lagen",
          GroupBy.OZG: "OZG-Leistungen", GroupBy.SERVICE: "Leistungen"}
SOURCE = {"leika": "LeiKa", "ozg": "OZG-Umsetzungskatalog", "fim": "FIM-Portal"}
COUNT_COLUMNS = ("eigene Leistungen", "online", "in Umsetzung", "offline", "nicht bewertet", "Abdeckung",
                 "nicht zuständig", "ungeklärt")


def percent(share: float | None, digits: int = 0) -> str:
    """``0.2759`` → ``28 %`` (or ``27,6 %``); ``–`` when there is nothing to divide by."""
    if share is None:
        return "–"
    value = round(share * 100 + 1e-9, digits)  # half up for the usual x.5 cases
    text = f"{value:.{digits}f}".replace(".", ",")
    return f"{text} %"


def number(value: int) -> str:
    """Thousands with a dot, as written in German: ``4.813``."""
    return f"{value:,}".replace(",", ".")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = datetime.strptime(local_time(value)[:10], "%Y-%m-%d")
    return value.strftime("%d.%m.%Y")


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
    """A rules or mapping file as the council reads it: shipped with ozgtrack, or the town's own."""
    from ozgtrack.resources import catalog_file

    if path == str(catalog_file(shipped)):
        return f"mitgelieferte Datei {shipped}"
    return f"eigene Datei {path}"


def planned(value: str | None) -> str:
    """``2027-Q2`` → ``2. Quartal 2027``; ``2027-06-30`` → ``30.06.2027``."""
    if not value:
        return ""
    if "-Q" in value:
        return f"{value[-1]}. Quartal {value[:4]}"
    return day(date.fromisoformat(value))
