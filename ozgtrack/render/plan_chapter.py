"""The plan's sections of the chapter (Ziele, Beteiligung, Maßnahmen nach Lebensbereichen) and of the weekly mail."""

from __future__ import annotations

from collections import defaultdict

from ozgtrack.render import document as doc
from ozgtrack.render.document import Strong, para
from ozgtrack.render.german import agree, day, number, plural
from ozgtrack.views.plan import MeasureView, ProposalView
from ozgtrack.views.targets import Alert, ForecastView, MeasureAlert, PlanReport, Unforeseeable

ALL = "alle eigenen Leistungen"
WITHOUT_AREA = "ohne Lebensbereich"
_WHY = {
    Unforeseeable.NO_HISTORY: "es gibt noch keinen Verlauf, aus dem sich ein Tempo ablesen ließe",
    Unforeseeable.SHORT_HISTORY: "der Verlauf ist kürzer als ein Quartal",
    Unforeseeable.NO_PROGRESS: "seit Beginn der Erfassung sind nicht mehr Leistungen online gekommen",
    Unforeseeable.TOO_SLOW: "in diesem Tempo nicht vor 2100",
    Unforeseeable.NOTHING_COUNTED: "es gibt hier keine eigenen Leistungen",
}


def chapter_blocks(plan: PlanReport | None) -> list[doc.Block]:
    """The three plan sections; none when the town has no plan data (the chapter stays as it was)."""
    if plan is None or plan.empty:
        return []
    return [*_targets(plan), *_participation(plan), *_measures(plan)]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value)} %"


def _targets(plan: PlanReport) -> list[doc.Block]:
    if not plan.targets:
        return []
    rows = tuple((f.target.lebensbereich or ALL, str(f.target.year), f"{f.target.percent} %",
                  _pct(100 * f.online / f.counted if f.counted else None),
                  f"{number(f.online)} von {number(f.counted)}", forecast_sentence(f)) for f in plan.forecasts)
    blocks: list[doc.Block] = [
        doc.Heading(3, "Ziele"),
        para("Anteil der eigenen Leistungen, die bis zum Ende des Jahres online sein sollen, und der heutige Stand "
             "(gezählt wie oben)."),
        doc.Table(("Bereich", "Zieljahr", "Ziel", "heute", "online", "Prognose"), rows, frozenset({1, 2, 3})),
    ]
    overall = [m for m in plan.measured if m.lebensbereich is None]
    if len(overall) > 1:
        blocks += [para("Gemessen am Jahresende (im laufenden Jahr: heute):"),
                   doc.Table(("Jahr", "eigene Leistungen", "online", "Anteil"),
                             tuple((str(m.year), number(m.counted), number(m.online),
                                    _pct(m.percent) if m.recorded else "noch nicht erfasst") for m in overall),
                             frozenset({0, 1, 2, 3}))]
    return blocks


def forecast_sentence(f: ForecastView) -> str:
    """"In diesem Tempo …" in one sentence, honest when no year can be said."""
    if f.reached:
        return "erreicht"
    if f.year is not None:
        pace = f"{f.pace:.1f}".replace(".", ",")
        timing = "rechtzeitig" if f.on_time else f"{f.year - f.target.year} {agree(f.year - f.target.year, 'Jahr', 'Jahre')} zu spät"
        text = (f"In diesem Tempo ({pace} Leistungen im Jahr seit {day(f.since)}) werden {f.target.percent} % "
                f"{f.year} erreicht – {timing}.")
    else:
        text = f"Nicht absehbar: {_WHY[f.reason]}." if f.reason else "Nicht absehbar."
    if f.planned:
        plan_year = f" (Ziel damit {f.plan_year} erreicht)" if f.plan_year else " (reicht allein nicht für das Ziel)"
        text += (f" Offene Maßnahmen decken bis {f.target.year} "
                 f"{plural(f.planned, 'weitere Leistung', 'weitere Leistungen')} ab{plan_year}.")
    return text


def _participation(plan: PlanReport) -> list[doc.Block]:
    if not plan.proposals:
        return []
    taken = _taken_up(plan.measures)
    adopted = sum(1 for p in plan.proposals if p.ref in taken)
    total_votes = sum(p.votes or 0 for p in plan.proposals)
    blocks: list[doc.Block] = [
        doc.Heading(3, "Beteiligung"),
        para(f"{plural(len(plan.proposals), 'Idee', 'Ideen')} mit {plural(total_votes, 'Stimme', 'Stimmen')} sind "
             f"eingegangen; {number(adopted)} davon {agree(adopted, 'ist', 'sind')} in Maßnahmen aufgegriffen.")
        if len(plan.proposals) != 1 else
        para(f"Eine Idee mit {plural(total_votes, 'Stimme', 'Stimmen')} ist eingegangen; sie ist "
             f"{'in einer Maßnahme aufgegriffen' if adopted else 'noch nicht aufgegriffen'}."),
    ]
    for label, key in (("Lebensbereich", "lebensbereich"), ("Ortschaft", "ortschaft")):
        groups: dict[str, list[ProposalView]] = defaultdict(list)
        for p in plan.proposals:
            groups[getattr(p, key) or "ohne Angabe"].append(p)
        order = sorted(groups, key=lambda g: (g == "ohne Angabe", -len(groups[g]), g))
        blocks.append(doc.Table((label, "Ideen", "Stimmen", "aufgegriffen"), tuple(
            (g, number(len(groups[g])), number(sum(p.votes or 0 for p in groups[g])),
             number(sum(1 for p in groups[g] if p.ref in taken))) for g in order), frozenset({1, 2, 3})))
    blocks.append(doc.Table(("Idee", "Lebensbereich", "Ortschaft", "Stimmen", "was daraus wurde"), tuple(
        (p.title, p.lebensbereich or "", p.ortschaft or "", "" if p.votes is None else number(p.votes),
         "; ".join(f"{m.ref} {m.title} ({m.state})" for m in taken.get(p.ref, ())) or "noch nicht aufgegriffen")
        for p in plan.proposals), frozenset({3})))
    return blocks


def _taken_up(measures: tuple[MeasureView, ...]) -> dict[str, list[MeasureView]]:
    found: dict[str, list[MeasureView]] = defaultdict(list)
    for m in measures:
        for ref in m.proposals:
            found[ref].append(m)
    return found


def _measures(plan: PlanReport) -> list[doc.Block]:
    if not plan.measures:
        return []
    groups: dict[str, list[MeasureView]] = defaultdict(list)
    for m in plan.measures:
        groups[m.lebensbereich or WITHOUT_AREA].append(m)
    order = sorted(groups, key=lambda g: (plan.lebensbereiche.index(g) if g in plan.lebensbereiche
                                          else len(plan.lebensbereiche) + (g == WITHOUT_AREA), g))
    titles = {p.ref: p.title for p in plan.proposals}
    blocks: list[doc.Block] = [doc.Heading(3, "Maßnahmen nach Lebensbereichen")]
    for area in order:
        rows = tuple((m.ref, m.title, m.state, f"{m.progress} %", m.owner or "", _period(m), _money(m),
                      ", ".join(f"{r} {titles.get(r, '')}".strip() for r in m.proposals)) for m in groups[area])
        blocks += [doc.Heading(4, f"{area} ({plural(len(rows), 'Maßnahme', 'Maßnahmen')})"),
                   doc.Table(("ID", "Maßnahme", "Stand", "Fortschritt", "Fachbereich", "Zeitraum", "Kosten und "
                              "Finanzierung", "Ideen"), rows, frozenset({3}))]
    return blocks


def _period(m: MeasureView) -> str:
    if m.start and m.end:
        return m.start if m.start == m.end else f"{m.start} bis {m.end}"
    return f"ab {m.start}" if m.start else (f"bis {m.end}" if m.end else "")


def _money(m: MeasureView) -> str:
    cost = f"{number(m.cost)} €" if m.cost is not None else ""
    return ", ".join(p for p in (cost, m.funding or "") if p)


def mail_blocks(plan: PlanReport | None, department: str | None) -> list[doc.Block]:
    """The measures to chase: late ones, and working ones without a progress note for a quarter (per Fachbereich)."""
    if plan is None or not plan.measures:
        return []
    alerts = [a for a in plan.alerts if department is None or (a.owner or "").casefold() == department.casefold()]
    heading = doc.Heading(3, "Maßnahmen, die Aufmerksamkeit brauchen")
    if not alerts:
        return [heading, para("Keine – keine Maßnahme ist überfällig oder seit einem Quartal ohne Fortschrittsnotiz.")]
    return [heading, doc.Bullets(tuple(_alert_item(a) for a in alerts))]


def _alert_item(a: MeasureAlert) -> tuple[doc.Inline, ...]:
    why = (f"überfällig: Ende {a.end} ({day(a.since)}) ist vorbei, Stand „{a.state}“" if a.alert is Alert.LATE
           else f"keine Fortschrittsnotiz seit {day(a.since)} (Stand „{a.state}“)")
    return (Strong(f"{a.ref} {a.title}"), f": {why}" + (f", {a.owner}" if a.owner else ""))
