"""Renderers of `report rollup`: pure functions of a RollupResult; markdown and html are the roll-up chapter."""

from __future__ import annotations

from collections.abc import Sequence

from ozgtrack.cells import excel_csv, plain_csv
from ozgtrack.render import document as doc, headline, reliability
from ozgtrack.render.common import dumps, table as terminal_table, to_jsonable
from ozgtrack.render.german import day, number, percent
from ozgtrack.town.regions import region_label
from ozgtrack.views.online import DELIVERY_LABEL, Delivery
from ozgtrack.views.rollup import RollupBy, RollupResult, TownFigures, UnitFigures

TITLE = "Digitale Verwaltung im Vergleich der Kommunen"
TOWN_HEADERS = ("Rang", "ARS", "Kommune", "Aufgabenumfang", "eigene Leistungen", "online", "Anteil online",
                "Zuständigkeit geklärt", "bewertet", "davon bestätigt")
# The OZG headline of a town: first where people read, appended in the files for programs (their columns stay put).
OZG_HEADERS = ("OZG-Leistungen vollständig online", "teilweise online", "nicht online", "davon noch ohne Bewertung",
               "OZG-Leistungen mit eigenen Leistungen")
SHOWN_HEADERS = (*TOWN_HEADERS[:4], *OZG_HEADERS, "eigene LeiKa-Leistungen", *TOWN_HEADERS[5:])
ONLINE_HEADERS = ("Onlinedienst", "Weg der Bereitstellung", "Adresse", "Kommunen", "welche")
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


def ozg_cells(town: TownFigures) -> list[object]:
    return [town.ozg.complete, town.ozg.partial, town.ozg.none, town.ozg.unassessed, town.ozg.total]


def shown_cells(town: TownFigures) -> list[object]:
    """A town where people read: the OZG-Leistungen first, then the LeiKa-Leistungen."""
    cells = town_cells(town)
    return [*cells[:4], *ozg_cells(town), *cells[4:]]


LEFT_OUT_HEADERS = ("ARS", "Kommune", "Aufgabenumfang", "OZG-Leistungen mit eigenen Leistungen", "was fehlt")


def left_out_cells(town: TownFigures) -> tuple[str, ...]:
    """A town without rank: its OZG headline in one cell, ``1 vollständig, 2 teilweise, 77 nicht online (bei 70 davon
    ist noch keine Leistung bewertet), von 80``."""
    return town.ars, town.name, town.scope_label, headline.short(town.ozg), town.why_not or ""


def online_rows(result: RollupResult) -> list[list[object]]:
    """The towns' online services, the most used first: ``Wohnsitz anmelden (EfA-Dienst) – 5 Kommunen``."""
    labels = {**DELIVERY_LABEL, Delivery.EIGEN: "eigene Lösung der Kommune"}  # not "der Stadt": many towns here
    return [[s.name, labels[s.delivery], s.address or "–", len(s.towns), ", ".join(s.towns)] for s in result.online]


ONLINE_NOTE = ("Die aktiven Onlinedienste aller Kommunen, zusammengefasst nach ihrer Adresse (Rechner und Pfad) oder, "
               "ohne Adresse, nach Name und Weg der Bereitstellung: ein EfA-Dienst, den mehrere Kommunen nachnutzen, "
               "steht einmal, mit der Zahl seiner Kommunen.")
NO_ONLINE = "Noch keine der Kommunen hat Onlinedienste erfasst."


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
        parts.append(terminal_table([shown_cells(t) for t in towns], list(SHOWN_HEADERS), width))
    if result.left_out:
        parts.append("\nNoch nicht vergleichbar (ohne Rang):\n")
        parts.append(terminal_table([list(left_out_cells(t)) for t in result.left_out], list(LEFT_OUT_HEADERS), width))
    if result.by is not RollupBy.MUNICIPALITY:
        parts.append(f"\nJe {UNIT_NAMES[result.by]} (nur vergleichbare Kommunen):\n")
        parts.append(terminal_table([unit_cells(result.by, u) for u in result.units], list(_unit_headers(result.by)),
                                    width))
    parts.append(f"\nOnlinedienste der Kommunen: {ONLINE_NOTE}\n")
    parts.append(terminal_table(online_rows(result), list(ONLINE_HEADERS), width) if result.online else f"{NO_ONLINE}\n")
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
        header = [*TOWN_HEADERS, "vergleichbar", "was fehlt", *OZG_HEADERS]
        return header, [[*town_cells(t), "ja" if t.comparable else "nein", t.why_not or "", *ozg_cells(t)]
                        for t in result.towns]
    return list(_unit_headers(result.by)), [unit_cells(result.by, u) for u in result.units]


def render_csv(result: RollupResult) -> str:
    return plain_csv(*_rows(result))


def render_excel(result: RollupResult) -> str:
    return excel_csv(*_rows(result))


def render_xlsx(result: RollupResult, stand: object = None) -> bytes:
    """Every row as a workbook; "Erläuterungen" names the scope, the day and the roll-up's definitions."""
    from ozgtrack.render.workbook import TableView, table_workbook

    lines = [("Vergleich", meta_line(result)), *(("Belastbarkeit", line) for line in reliability.lines(result.reliability))]
    return table_workbook(TableView("Vergleich", TITLE, *_rows(result), lines, result.definitions))


def render_json(result: RollupResult) -> str:
    data = to_jsonable(result)
    for town, figures in zip(data["towns"], result.towns, strict=True):
        town.update(share=figures.share, triage_coverage=figures.triage_coverage,
                    assessment_coverage=figures.assessment_coverage, verified_share=figures.verified_share,
                    ozg={"complete": figures.ozg.complete, "partial": figures.ozg.partial, "none": figures.ozg.none,
                         "total": figures.ozg.total, "none_unassessed": figures.ozg.unassessed})
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
                               *reliability.blocks(result.reliability), doc.para(HEADLINE_NOTE)]
    for label, towns in _scopes(result.compared):
        blocks += [doc.Heading(2, f"Vergleichbare Kommunen – {label}"),
                   doc.Table(SHOWN_HEADERS, tuple(tuple(shown_cells(t)) for t in towns), frozenset(range(4, 11)))]
    if not result.compared:
        blocks.append(doc.para("Noch keine Kommune ist vergleichbar (siehe Definitionen)."))
    if result.left_out:
        blocks += [doc.Heading(2, "Noch nicht vergleichbar"),
                   doc.para("Diese Kommunen haben ihre Zuständigkeiten noch nicht genug geklärt oder ihre Leistungen "
                            "noch nicht genug bewertet; sie stehen ohne Rang hier und zählen bei den Leistungen nicht "
                            "mit."),
                   doc.Table(LEFT_OUT_HEADERS, tuple(left_out_cells(t) for t in result.left_out))]
    if result.by is not RollupBy.MUNICIPALITY:
        numeric = frozenset({2, 3}) if result.by is RollupBy.SERVICE else frozenset(range(2, 8))
        blocks += [doc.Heading(2, f"Je {UNIT_NAMES[result.by]}"),
                   doc.Table(_unit_headers(result.by), tuple(tuple(unit_cells(result.by, u)) for u in result.units),
                             numeric)]
    blocks += [doc.Heading(2, "Onlinedienste der Kommunen"), doc.para(ONLINE_NOTE if result.online else NO_ONLINE)]
    if result.online:
        blocks.append(doc.Table(ONLINE_HEADERS, tuple(tuple(r) for r in online_rows(result)), frozenset({3})))
    blocks += [doc.Heading(2, "Definitionen"),
               doc.Bullets(tuple((doc.Strong(term), f": {text}") for term, text in result.definitions))]
    return blocks


HEADLINE_NOTE = ("Je Kommune stehen zuerst ihre OZG-Leistungen – vollständig, teilweise oder nicht online, gezählt unter "
                 "denen mit eigenen Leistungen der Kommune –, daneben ihre LeiKa-Leistungen; beide Begriffe erklären die "
                 "Definitionen am Ende. Der Rang folgt dem Anteil der LeiKa-Leistungen, die online sind.")


def render_markdown(result: RollupResult) -> str:
    return doc.to_markdown(chapter(result))


def render_html(result: RollupResult) -> str:
    return doc.to_html(chapter(result), f"{TITLE}: {result.title}")
