"""Renderers of `report gaps`: pure functions of a GapReport, one per format."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ozgtrack.cells import excel_csv, plain_csv
from ozgtrack.render import document as doc, headline, reliability
from ozgtrack.render.common import dumps, table as terminal_table, to_jsonable
from ozgtrack.render.german import (
    CATEGORY, COUNT_COLUMNS, DEMO_MARK, DEMO_NOTE, GROUP, GROUPS, count_cells, coverage_short, day, number, percent,
    planned, release, stage, stale_summary,
)
from ozgtrack.render.svg import Bar
from ozgtrack.text import printable
from ozgtrack.views.results import Category, GapAnalysis, GapReport, GroupBy, GroupingStatus, GroupRow, ServiceGap


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    EXCEL = "excel"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    XLSX = "xlsx"


TITLE = "Digitales Rathaus – Stand der Online-Leistungen"
# The counting unit (ozgtrack.catalogue.counting), said wherever figures are defined.
COUNTING_UNIT = ("Zähleinheit: die LeiKa-Leistung (Verrichtung); ein Leistungsobjekt mit Verrichtungen ist eine "
                 "Gruppierung und zählt nicht selbst, ein Leistungsobjekt ohne Verrichtungen zählt als Leistung.")
_CATEGORY_ORDER = {Category.UNKNOWN: 0, Category.OFFLINE: 1, Category.IN_PROGRESS: 2, Category.ONLINE: 3}


# --- what every format says --------------------------------------------------------------------------


def title(analysis: GapAnalysis) -> str:
    return f"{TITLE} ({DEMO_MARK})" if analysis.demo else TITLE


def meta_line(analysis: GapAnalysis) -> str:
    """Municipality, the day of the analysis and the catalogue by its own date: the facts every figure depends on."""
    releases = "; ".join(release(r) for r in analysis.catalogue) or "kein Katalog synchronisiert"
    demo = f" · {DEMO_MARK}" if analysis.demo else ""
    return (f"{analysis.municipality} (ARS {analysis.ars}){demo} · Stand der Auswertung {day(analysis.data_date)} · "
            f"Katalog: {releases}")


def model_line(analysis: GapAnalysis) -> str:
    """Which model and target stage count as online, and how many services each model assessed."""
    used = "; ".join(f"{m.label}: {m.assessed} bewertet, davon {m.online} ab Stufe {m.target}" for m in analysis.models)
    targets = f"Reifegradmodell 1.1 ab Stufe {analysis.targets.rgm1}, Reifegradmodell 2.0 ab Stufe {analysis.targets.rgm2}"
    mixed = " – Achtung: zwei Modelle in Gebrauch, jede Leistung zählt nach ihrem eigenen" if len(analysis.models) > 1 else ""
    return f"Als online gilt: {targets}. {used or 'Noch keine Leistung bewertet.'}{mixed}"


def counting_line(analysis: GapAnalysis) -> str:
    """The counting unit, how many Leistungsobjekte it leaves out, and statuses recorded on them."""
    objects = "Leistungsobjekt" if analysis.groupings == 1 else "Leistungsobjekte"
    line = f"{COUNTING_UNIT} Nicht gezählt: {number(analysis.groupings)} {objects} mit Verrichtungen."
    note = grouping_status_note(analysis.grouping_statuses)
    return f"{line} {note}" if note else line


def grouping_status_note(statuses: tuple[GroupingStatus, ...], shown: int = 5) -> str:
    """``Status auf Leistungsobjekt-Ebene: 2 (…), gelten nicht als Leistung.``; empty when there is none."""
    if not statuses:
        return ""
    names = ", ".join(f"{s.key} {s.name}" for s in statuses[:shown])
    more = f" und {len(statuses) - shown} weitere" if len(statuses) > shown else ""
    verb = "gilt" if len(statuses) == 1 else "gelten"
    return (f"Status auf Leistungsobjekt-Ebene: {number(len(statuses))} ({names}{more}), {verb} nicht als "
            "Leistung; bitte bei den Verrichtungen erfassen.")


def ozg_line(analysis: GapAnalysis) -> str:
    """The headline in the unit of the federal dashboard: ``OZG-Leistungen: 12 vollständig, …``."""
    return headline.text(headline.ozg_parts(analysis.ozg)) + "."


def definition_line() -> str:
    """What an OZG-Leistung and a LeiKa-Leistung are, and when an OZG-Leistung counts as complete or partial."""
    return f"Begriffe: {headline.definitions()}"


def totals_line(analysis: GapAnalysis) -> str:
    t = analysis.totals
    return (f"Eigene LeiKa-Leistungen: {number(t.applicable)} · online: {number(t.online)} ({percent(t.coverage)}) · "
            f"in Umsetzung: {number(t.in_progress)} · offline: {number(t.offline)} · "
            f"nicht bewertet: {number(t.unknown)} · nicht zuständig: {number(t.not_applicable)} · "
            f"Zuständigkeit ungeklärt: {number(t.undecided)}")


def trend_line(report: GapReport) -> str | None:
    trend = report.trend
    if trend is None:
        return None
    return (f"Seit {trend.label} ({day(trend.at)}): {coverage_short(trend.then, report.analysis.totals)}; neu online {len(trend.newly_online)}, "
            f"Rückschritte {len(trend.regressions)}, neu eigene Leistungen {len(trend.newly_applicable)}, "
            f"nicht mehr eigene {len(trend.no_longer_applicable)}, weiterhin offen {len(trend.still_open)}")


def stale_line(analysis: GapAnalysis) -> str:
    return f"Zu überprüfen: {stale_summary(analysis)}"


def demo_line(analysis: GapAnalysis) -> str | None:
    """The foot of every report made from the demo."""
    return DEMO_NOTE if analysis.demo else None


def service_rows(analysis: GapAnalysis) -> list[ServiceGap]:
    """The town's own services, gaps first (never assessed, offline, in progress), then online."""
    return sorted(analysis.applicable, key=lambda s: (_CATEGORY_ORDER[s.category], s.key))


SERVICE_COLUMNS = ("LeiKa-Schlüssel", "Leistung", "OZG-IDs", "Lebensbereich", "Stand", "Reifegrad", "geplant bis",
                   "Fachbereich", "Online-Link", "geprüft am")


def service_cells(gap: ServiceGap) -> list[Any]:
    return [gap.key, gap.name, " ".join(m.ozg_id for m in gap.memberships),
            ", ".join(dict.fromkeys(m.lebensbereich for m in gap.memberships)) or "Ohne OZG-Zuordnung",
            CATEGORY[gap.category], stage(gap), planned(gap.planned), gap.department or "", gap.url or "",
            day(gap.verified_at)]


def group_headers(by: GroupBy) -> list[str]:
    first = ["OZG-ID", "OZG-Leistung"] if by is GroupBy.OZG else [GROUP[by]]
    parent = ["Themenfeld"] if by is GroupBy.LAGE else ["Lebensbereich"] if by is GroupBy.OZG else []
    return [*first, *parent, *COUNT_COLUMNS]


def group_cells(row: GroupRow, by: GroupBy) -> list[Any]:
    first = [row.key, row.label] if by is GroupBy.OZG else [row.label]
    parent = [row.parent or ""] if by in (GroupBy.LAGE, GroupBy.OZG) else []
    return [*first, *parent, *count_cells(row.counts)]


@dataclass(frozen=True)
class Listing:
    """The rows a format lists, and what it leaves out."""

    rows: tuple[Any, ...]  # ServiceGap (by service) or GroupRow
    hidden: tuple[GroupRow, ...]  # groups without own services, left out where people read
    more: int  # rows beyond the limit


# Where people read, groups without own services are noise (96 % of the rows by OZG-Leistung on the real
# catalogue); the files for Excel and for programs keep every row, so their rows do not depend on the data.
FOR_PEOPLE = frozenset({Format.TABLE, Format.MARKDOWN, Format.HTML})


def listing(report: GapReport, fmt: Format) -> Listing:
    """The rows ``fmt`` lists: no groups without own services where people read (unless ``everything``), at most
    ``limit``."""
    if report.by is GroupBy.SERVICE:
        rows, hidden = service_rows(report.analysis), []
    else:
        groups = report.analysis.groups[report.by]
        hide = fmt in FOR_PEOPLE and not report.everything
        rows = [g for g in groups if not hide or g.counts.applicable]
        hidden = [g for g in groups if hide and not g.counts.applicable]
    shown = len(rows) if report.limit is None else min(report.limit, len(rows))
    return Listing(tuple(rows[:shown]), tuple(hidden), len(rows) - shown)


def hidden_line(report: GapReport, listing: Listing, hint: str = "") -> str | None:
    """``Nicht aufgeführt: 20 OZG-Leistungen ohne eigene Leistungen, davon 18 mit ungeklärter Zuständigkeit``."""
    if not listing.hidden:
        return None
    count = len(listing.hidden)
    undecided = sum(1 for g in listing.hidden if g.counts.undecided)
    noun = GROUP[report.by] if count == 1 else GROUPS[report.by]
    text = f"Nicht aufgeführt: {number(count)} {noun} ohne eigene Leistungen"
    return text + (f", davon {number(undecided)} mit ungeklärter Zuständigkeit" if undecided else "") + hint


def rows_of(report: GapReport, fmt: Format) -> tuple[list[str], list[list[Any]]]:
    listed = listing(report, fmt).rows
    if report.by is GroupBy.SERVICE:
        return list(SERVICE_COLUMNS), [service_cells(s) for s in listed]
    return group_headers(report.by), [group_cells(r, report.by) for r in listed]


# --- the formats ---------------------------------------------------------------------------------------


def render_table(report: GapReport, width: int | None = None) -> str:
    analysis = report.analysis
    headers, rows = rows_of(report, Format.TABLE)
    hidden = hidden_line(report, listing(report, Format.TABLE), " (aufgeführt mit --empty-groups)")
    lines = [title(analysis), meta_line(analysis), model_line(analysis), counting_line(analysis), "",
             ozg_line(analysis), totals_line(analysis), *reliability.lines(analysis.reliability), definition_line(), ""]
    tail = [line for line in (hidden, trend_line(report), stale_line(analysis), demo_line(analysis)) if line]
    return (_fill(lines, width) + terminal_table(rows, headers, width) + "\n" + _fill(tail, width))


def _fill(lines: list[str], width: int | None) -> str:
    """Lines of prose, wrapped at ``width`` between words (a terminal would cut words).

    They carry outside text (the municipality's and services' names, a baseline's label): no control character.
    """
    lines = [printable(line) for line in lines]
    return "".join((textwrap.fill(line, width) if width and line else line) + "\n" for line in lines)


def render_csv(report: GapReport) -> str:
    headers, rows = rows_of(report, Format.CSV)
    return plain_csv(headers, [_numbers(r, ".") for r in rows])


def render_excel(report: GapReport) -> str:
    headers, rows = rows_of(report, Format.EXCEL)
    return excel_csv(headers, [_numbers(r, ",") for r in rows])


def render_xlsx(report: GapReport, stand: Any = None) -> bytes:
    """Every row as a workbook; "Erläuterungen" names the report's own Stand and what its figures mean."""
    from ozgtrack.render.workbook import TableView, stand_lines, table_workbook, terms
    from ozgtrack.views.stand import Stand

    analysis = report.analysis
    headers, rows = rows_of(report, Format.XLSX)
    own = Stand(analysis.municipality, analysis.ars, analysis.data_date, analysis.catalogue, analysis.targets)
    lines = [*stand_lines(own), ("Zahlen", totals_line(analysis)), ("Gruppiert nach", GROUP[report.by])]
    lines += [(label, line) for label, line in (("Entwicklung", trend_line(report)), ("Hinweis", demo_line(analysis)))
              if line]
    definitions = [*terms(analysis.targets), ("Zähleinheit", COUNTING_UNIT.removeprefix("Zähleinheit: "))]
    return table_workbook(TableView("Lücken", title(analysis), headers, rows, lines, definitions))


def _numbers(row: list[Any], decimal: str) -> list[Any]:
    """Percent cells as plain numbers for spreadsheets: ``27.6`` (csv) or ``27,6`` (excel)."""
    return [c.replace(" %", "").replace(",", decimal) if isinstance(c, str) and c.endswith(" %") else c for c in row]


def render_json(report: GapReport) -> str:
    analysis = report.analysis
    data: dict[str, Any] = {
        "municipality": {"ars": analysis.ars, "name": analysis.municipality}, "demo": analysis.demo,
        "data_date": analysis.data_date, "catalogue": analysis.catalogue, "targets": analysis.targets,
        "models": analysis.models, "totals": {**to_jsonable(analysis.totals), "coverage": analysis.totals.coverage,
                   "ozg": _ozg_json(analysis)},
        "reliability": reliability.to_json(analysis.reliability),
        "out_of_scope": analysis.out_of_scope, "groupings": analysis.groupings,
        "grouping_statuses": [{"key": g.key, "name": g.name, "stage": g.stage} for g in analysis.grouping_statuses],
        "ozg_leistungen": {"with_own_services": analysis.ozg_with_applicable, "completely_online": analysis.ozg_complete},
        "by": report.by.value,
    }
    listed = listing(report, Format.JSON).rows
    if report.by is GroupBy.SERVICE:
        data["services"] = [_service_json(s) for s in listed]
    else:
        data["groups"] = [{"key": r.key, "label": r.label, "parent": r.parent, **to_jsonable(r.counts),
                           "coverage": r.counts.coverage} for r in listed]
    if report.trend:
        t = report.trend
        data["since"] = {"label": t.label, "at": t.at, "then": {**to_jsonable(t.then), "coverage": t.then.coverage},
                         **{name: [g.key for g in getattr(t, name)] for name in
                            ("newly_online", "regressions", "newly_applicable", "still_open")},
                         "no_longer_applicable": [key for key, _ in t.no_longer_applicable]}
    data["stale"] = {"months": analysis.stale_months, "keys": [s.key for s in analysis.stale]}
    return dumps(data)


def _ozg_json(analysis: GapAnalysis) -> dict[str, int]:
    """OZG-Leistungen with own services: complete, partial, none online, total; of the none, never assessed."""
    ozg = analysis.ozg
    return {"complete": ozg.complete, "partial": ozg.partial, "none": ozg.none, "total": ozg.total,
            "none_unassessed": ozg.unassessed}


def _service_json(gap: ServiceGap) -> dict[str, Any]:
    return {"key": gap.key, "name": gap.name, "category": gap.category.value, "model": gap.model, "stage": gap.stage,
            "planned": gap.planned, "department": gap.department, "url": gap.url, "verified_at": gap.verified_at,
            "ozg": [m.ozg_id for m in gap.memberships], "lebensbereiche": sorted({m.lebensbereich for m in gap.memberships}),
            "online_service": {"number": gap.via.number, "name": gap.via.name} if gap.via else None}


def document(report: GapReport) -> list[doc.Block]:
    """The gap report as Markdown/HTML blocks."""
    analysis = report.analysis
    headers, rows = rows_of(report, Format.MARKDOWN)
    numeric = frozenset(range(len(headers) - len(COUNT_COLUMNS), len(headers))) if report.by is not GroupBy.SERVICE \
        else frozenset()
    if report.by is GroupBy.SERVICE:
        url_column = SERVICE_COLUMNS.index("Online-Link")
        rows = [[*r[:url_column], doc.Link(r[url_column], r[url_column]) if r[url_column] else "", *r[url_column + 1:]]
                for r in rows]
    demo = [doc.Notice(DEMO_NOTE)] if analysis.demo else []
    blocks: list[doc.Block] = [doc.Heading(1, title(analysis)), *demo, doc.para(meta_line(analysis)),
                               doc.para(model_line(analysis)), doc.para(counting_line(analysis)),
                               doc.para(*headline.ozg_parts(analysis.ozg), "."),
                               doc.para(doc.Strong(totals_line(analysis))), *reliability.blocks(analysis.reliability),
                               doc.para(definition_line())]
    if report.by is not GroupBy.SERVICE:
        blocks.append(doc.Chart(f"Anteil online je {GROUP[report.by]}",
                                tuple(Bar(r.label, r.counts.coverage, f"({r.counts.online} von {r.counts.applicable})")
                                      for r in analysis.groups[report.by] if r.counts.applicable), GROUP[report.by]))
    blocks.append(doc.Table(tuple(headers), tuple(tuple(r) for r in rows), numeric))
    hidden = hidden_line(report, listing(report, Format.MARKDOWN), ".")
    blocks += [doc.para(line) for line in (hidden, trend_line(report), stale_line(analysis)) if line]
    return blocks + demo


def render_markdown(report: GapReport) -> str:
    return doc.to_markdown(document(report))


def render_html(report: GapReport) -> str:
    return doc.to_html(document(report), f"{title(report.analysis)} – {report.analysis.municipality}")


RENDERERS: dict[Format, Callable[[GapReport], Any]] = {
    Format.TABLE: render_table, Format.CSV: render_csv, Format.EXCEL: render_excel, Format.JSON: render_json,
    Format.MARKDOWN: render_markdown, Format.HTML: render_html, Format.XLSX: render_xlsx,
}
