"""Renderers of `report rollup`: pure functions of a RollupResult; markdown and html are the roll-up chapter."""

from __future__ import annotations

from collections.abc import Sequence

from ozgtrack.cells import excel_csv, plain_csv
from ozgtrack.render import document as doc, reliability
from ozgtrack.render.common import dumps, table as terminal_table, to_jsonable
from ozgtrack.render.german import day, number, percent
from ozgtrack.town.regions import region_label
from ozgtrack.views.rollup import RollupBy, RollupResult, TownFigures, UnitFigures

TITLE = "Digitale Verwaltung im Vergleich der Kommunen"
TOWN_HEADERS = ("Rang", "ARS", "Kommune", "Aufgabenumfang", "eigene Leistungen", "online", "Anteil online",
                "Zuständigkeit geklärt", "bewertet", "davon bestätigt")
UNIT_NAMES = {RollupBy.SERVICE: "Leistung", RollupBy.OZG: "OZG-Leistung", RollupBy.LEBENSBEREICH: "Lebensbereich"}
SERVICE_HEADERS = ("Schlüssel", "Leistung", "Kommunen, in denen eigene Leistung", "davon online", "Anteil online",
                   "flächendeckend")
GROUP_HEADERS = ("Schlüssel", "Bezeichnung", "Leistungen", "flächendeckend", "in mindestens einer Kommune",
                 "Kommunen, in denen eigene Leistungen", "davon alle online", "davon mindestens eine online",
                 "Anteil online")


def meta_line(result: RollupResult) -> str:
    """Scope, date, target stages and the Land rules in effect: what every figure depends on."""
    rules = "; ".join(f"{land} (mitgeliefert, mit Rechtsgrundlagen)" for land in result.rules) or "keine Landesregeln"
    return (f"{result.title} · {wording_towns(len(result.towns))}, davon {number(len(result.compared))} vergleichbar · "
            f"Stand der Auswertung {day(result.data_date)} · Zuständigkeitsregeln: {rules}")


def wording_towns(count: int) -> str:
    return f"{number(count)} {'Kommune' if count == 1 else 'Kommunen'}"


def _rank(town: TownFigures) -> str:
    return f"{town.rank} von {town.ranked}" if town.rank is not None else "–"


def town_cells(town: TownFigures) -> list[object]:
    return [_rank(town), town.ars, town.name, town.scope_label, town.applicable, town.online, percent(town.share),
            percent(town.triage_coverage), percent(town.assessment_coverage), percent(town.verified_share)]


def unit_cells(by: RollupBy, unit: UnitFigures) -> list[object]:
    if by is RollupBy.SERVICE:
        return [unit.key, unit.label, unit.towns, unit.towns_complete, percent(unit.share),
                "ja" if unit.everywhere else "nein"]
    return [unit.key, unit.label, unit.services, unit.everywhere, unit.somewhere, unit.towns, unit.towns_complete,
            unit.towns_any, percent(unit.share)]


def _unit_headers(by: RollupBy) -> tuple[str, ...]:
    return SERVICE_HEADERS if by is RollupBy.SERVICE else GROUP_HEADERS


def _definition_lines(result: RollupResult) -> list[str]:
    return [f"{term}: {text}" for term, text in result.definitions]


# --- table ---------------------------------------------------------------------------------------------


def render_table(result: RollupResult, width: int | None = None) -> str:
    parts = [f"{TITLE}\n{meta_line(result)}\n" + "".join(f"{line}\n" for line in reliability.lines(result.reliability))]
    for label, towns in _scopes(result.compared):
        parts.append(f"\nVergleichbar – {label}:\n")
        parts.append(terminal_table([town_cells(t) for t in towns], list(TOWN_HEADERS), width))
    if result.left_out:
        parts.append("\nNoch nicht vergleichbar (ohne Rang):\n")
        parts.append(terminal_table([[t.ars, t.name, t.scope_label, t.why_not] for t in result.left_out],
                                    ["ARS", "Kommune", "Aufgabenumfang", "was fehlt"], width))
    if result.by is not RollupBy.MUNICIPALITY:
        parts.append(f"\nJe {UNIT_NAMES[result.by]} (nur vergleichbare Kommunen):\n")
        parts.append(terminal_table([unit_cells(result.by, u) for u in result.units], list(_unit_headers(result.by)),
                                    width))
    parts.append("\nDefinitionen:\n" + "".join(f"- {line}\n" for line in _definition_lines(result)))
    return "".join(parts)


def _scopes(towns: Sequence[TownFigures]) -> list[tuple[str, list[TownFigures]]]:
    """The comparable towns by Land and task scope, each group ranked."""
    groups: dict[tuple[str, str], list[TownFigures]] = {}
    for town in towns:
        groups.setdefault((town.land, town.scope_label), []).append(town)
    several = len({land for land, _ in groups}) > 1
    return [(f"{label} ({region_label(land + '0' * 10)})" if several else label,
             sorted(members, key=lambda t: (t.rank or 0, t.ars)))
            for (land, label), members in sorted(groups.items())]


# --- csv, excel, json ---------------------------------------------------------------------------------------


def _rows(result: RollupResult) -> tuple[list[str], list[list[object]]]:
    if result.by is RollupBy.MUNICIPALITY:
        header = [*TOWN_HEADERS, "vergleichbar", "was fehlt"]
        return header, [[*town_cells(t), "ja" if t.comparable else "nein", t.why_not or ""] for t in result.towns]
    return list(_unit_headers(result.by)), [unit_cells(result.by, u) for u in result.units]


def render_csv(result: RollupResult) -> str:
    return plain_csv(*_rows(result))


def render_excel(result: RollupResult) -> str:
    return excel_csv(*_rows(result))


def render_json(result: RollupResult) -> str:
    data = to_jsonable(result)
    for town, figures in zip(data["towns"], result.towns, strict=True):
        town.update(share=figures.share, triage_coverage=figures.triage_coverage,
                    assessment_coverage=figures.assessment_coverage, verified_share=figures.verified_share)
    for unit, figures in zip(data["units"], result.units, strict=True):
        unit["share"] = figures.share
    data["definitions"] = [{"term": term, "definition": text} for term, text in result.definitions]
    data["reliability"] = reliability.to_json(result.reliability)
    return dumps(data)


# --- the roll-up chapter -------------------------------------------------------------------------------------


def chapter(result: RollupResult) -> list[doc.Block]:
    """The chapter: headline and how solid it is, the towns ranked within their scope, those left apart, the units,
    the definitions."""
    blocks: list[doc.Block] = [doc.Heading(1, f"{TITLE}: {result.title}"), doc.para(meta_line(result)),
                               *reliability.blocks(result.reliability)]
    for label, towns in _scopes(result.compared):
        blocks += [doc.Heading(2, f"Vergleichbare Kommunen – {label}"),
                   doc.Table(TOWN_HEADERS, tuple(tuple(town_cells(t)) for t in towns), frozenset({4, 5}))]
    if not result.compared:
        blocks.append(doc.para("Noch keine Kommune ist vergleichbar (siehe Definitionen)."))
    if result.left_out:
        blocks += [doc.Heading(2, "Noch nicht vergleichbar"),
                   doc.para("Diese Kommunen haben ihre Zuständigkeiten noch nicht genug geklärt oder ihre Leistungen "
                            "noch nicht genug bewertet; sie stehen ohne Rang hier und zählen bei den Leistungen nicht "
                            "mit."),
                   doc.Table(("ARS", "Kommune", "Aufgabenumfang", "was fehlt"),
                             tuple((t.ars, t.name, t.scope_label, t.why_not or "") for t in result.left_out))]
    if result.by is not RollupBy.MUNICIPALITY:
        numeric = frozenset({2, 3}) if result.by is RollupBy.SERVICE else frozenset(range(2, 8))
        blocks += [doc.Heading(2, f"Je {UNIT_NAMES[result.by]}"),
                   doc.Table(_unit_headers(result.by), tuple(tuple(unit_cells(result.by, u)) for u in result.units),
                             numeric)]
    blocks += [doc.Heading(2, "Definitionen"),
               doc.Bullets(tuple((doc.Strong(term), f": {text}") for term, text in result.definitions))]
    return blocks


def render_markdown(result: RollupResult) -> str:
    return doc.to_markdown(chapter(result))


def render_html(result: RollupResult) -> str:
    return doc.to_html(chapter(result), f"{TITLE}: {result.title}")
