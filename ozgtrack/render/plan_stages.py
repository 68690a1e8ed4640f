"""The staged plan as text: a version's stages (table, json, csv, Markdown), the versions, and the chapter's sections.

The chapter gets "Stufenplan" (an SVG timeline by year, grouped by Lebensbereich; a table in
Markdown) and "Fortschritt gegenüber dem Beschluss" (targets against measured shares as a line
chart and a table, and what became of the adopted measures).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ozgtrack import wording
from ozgtrack.cells import plain_csv
from ozgtrack.render import document as doc
from ozgtrack.render.common import dumps, table
from ozgtrack.render.plan_svg import Line, TimelineBar, line_chart, timeline
from ozgtrack.views.stages import (
    ADOPTED, Compared, Outcome, PlanChapter, PlanComparison, PlanVersionView, Stage, TargetPoint,
)
from ozgtrack.wording import local_time

STAGE_HEADERS = ["Jahr", "Rang", "ID", "Maßnahme", "Lebensbereich", "Stand", "Gewicht", "Kosten (€)", "Begründung"]
NO_AREA = "ohne Lebensbereich"
LEGEND = (("fixed", "eigener Termin"), ("planned", "vom Plan vorgeschlagen"), ("done", "umgesetzt"),
          ("late", "verspätet"), ("later", "später / verworfen"))
TIMELINE_ROWS = 30  # rows per drawing: a taller one would not fit on an A4 page
ACTIONS = {"build": "erstellt", "rebuild": "neu erstellt", "adopt": "beschlossen", "rename": "umbenannt"}
# The German names of what a version's history records.
VERSION_FIELDS = {"years": "Jahre", "capacity": "Kapazität", "items": "Maßnahmen", "state": "Stand",
                  "adopted_on": "Beschlossen am", "name": "Name"}


def _cells(s: Stage) -> list[Any]:
    m = s.measure
    return [s.period, s.rank, m.ref, m.title, m.lebensbereich or "", m.state, m.weight,
            "" if m.cost is None else m.cost, s.reason]


def _shown_cells(s: Stage) -> tuple[Any, ...]:
    """The cells of a Markdown row: costs written as people read them (1.200)."""
    cells = _cells(s)[1:]
    cells[6] = "" if s.measure.cost is None else wording.number(s.measure.cost)
    return tuple(cells)


def head_line(v: PlanVersionView) -> str:
    """``Entwurf 2027-2030: Entwurf, 2027–2030, Kapazität 5 Gewichtseinheiten je Jahr``."""
    state = f"beschlossen – {v.adopted_text}" if v.state == ADOPTED else "Entwurf, nicht beschlossen"
    return (f"{v.name}: {state}; {v.year_from}–{v.year_to}, Kapazität "
            f"{wording.plural(v.capacity, 'Gewichtseinheit', 'Gewichtseinheiten')} je Jahr")


def load_line(v: PlanVersionView) -> str:
    """``2027: 5 von 5, 2028: 3 von 5 …; später: 2 Maßnahmen``."""
    years = ", ".join(f"{y}: {v.load(y)} von {v.capacity}" for y in v.years)
    later = sum(s.year is None for s in v.stages)
    return f"Belegung je Jahr: {years}; später: {wording.plural(later, 'Maßnahme', 'Maßnahmen')}"


def overloaded(v: PlanVersionView) -> list[int]:
    """Years whose own-dated measures already need more than the capacity."""
    return [y for y in v.years if v.load(y) > v.capacity]


def stages_table(v: PlanVersionView, width: int | None = None) -> str:
    cells = [[s.period, s.rank, s.measure.ref, s.measure.title, s.measure.lebensbereich or "", s.measure.weight,
              s.reason] for s in v.stages]
    body = table(cells, ["Jahr", "Rang", "ID", "Maßnahme", "Lebensbereich", "Gewicht", "Begründung"], width)
    text = f"{head_line(v)}\n{load_line(v)}\n{body}"
    if v.history:
        history = [[local_time(e.at), e.by, ACTIONS.get(e.action, e.action), _changes(e.changes), e.note or ""]
                   for e in v.history]
        text += "\nVerlauf\n" + table(history, ["Wann", "Wer", "Was", "Änderungen", "Beschluss"], width)
    return text


def _changes(changes: dict[str, Any]) -> str:
    return "; ".join(f"{VERSION_FIELDS.get(f, f)}: {'–' if old is None else old} → {new}"
                     for f, (old, new) in changes.items())


def stages_json(v: PlanVersionView) -> str:
    return dumps(v)


def stages_csv(v: PlanVersionView) -> str:
    return plain_csv(STAGE_HEADERS, map(_cells, v.stages))


def stages_markdown(v: PlanVersionView) -> str:
    blocks: list[doc.Block] = [doc.Heading(2, f"Stufenplan „{v.name}“"), doc.para(head_line(v) + "."),
                               doc.para(load_line(v) + ".")]
    for year in [*v.years, None]:
        found = [s for s in v.stages if s.year == year]
        if found:
            blocks += [doc.Heading(3, str(year) if year else "Später (kein Platz im Planungszeitraum)"),
                       doc.Table(tuple(STAGE_HEADERS[1:]), tuple(_shown_cells(s) for s in found),
                                 frozenset({0, 5, 6}))]
    return doc.to_markdown(blocks)


def versions_table(rows: Sequence[PlanVersionView], width: int | None = None) -> str:
    cells = [[v.name, v.state, f"{v.year_from}–{v.year_to}", v.capacity, sum(s.year is not None for s in v.stages),
              sum(s.year is None for s in v.stages), local_time(v.created_at), v.adopted_text or ""] for v in rows]
    return table(cells, ["Name", "Stand", "Jahre", "Kapazität", "eingeplant", "später", "erstellt", "Beschluss"],
                 width)


def versions_json(rows: Sequence[PlanVersionView]) -> str:
    return dumps([{k: getattr(v, k) for k in v.__dataclass_fields__ if k not in ("stages", "history")}
                  | {"items": len(v.stages)} for v in rows])


# --- the chapter's sections --------------------------------------------------------------------------


def sections(part: PlanChapter | None, targets_shown: bool = False) -> list[doc.Block]:
    """Stufenplan and Fortschritt gegenüber dem Beschluss; nothing when no plan version was built.

    ``targets_shown``: the chapter's section "Ziele" already has the targets in a table; the drawing stays here,
    the table is not repeated.
    """
    if part is None:
        return []
    return [*stufenplan(part.version, part.comparison), *fortschritt(part, targets_shown)]


def stufenplan(v: PlanVersionView, compared: PlanComparison | None = None) -> list[doc.Block]:
    """The stages as a timeline; with the comparison, a bar shows what became of the measure (umgesetzt, verspätet)."""
    outcomes = {r.ref: r.outcome for r in compared.rows} if compared else {}
    intro = ("Der beschlossene Plan" if v.state == ADOPTED else "Der Entwurf (noch nicht beschlossen)")
    blocks: list[doc.Block] = [
        doc.Heading(3, "Stufenplan"),
        doc.para(f"{intro} „{v.name}“ ordnet die offenen Maßnahmen den Jahren {v.year_from} bis {v.year_to} zu"
                 + (f" ({v.adopted_text})" if v.state == ADOPTED else "") + ". Je Jahr sind "
                 f"{wording.plural(v.capacity, 'Gewichtseinheit', 'Gewichtseinheiten')} vorgesehen; Maßnahmen mit "
                 "eigenem Termin behalten ihr Jahr, die übrigen folgen der Priorität (schnelle Erfolge zuerst)."),
    ]
    if not v.stages:
        return [*blocks, doc.para("Der Plan enthält keine offenen Maßnahmen.")]
    columns = [*map(str, v.years), "später"]
    chunks = _chunks(_groups(v))
    for number, chunk in enumerate(chunks, start=1):
        title = "Stufenplan nach Jahr und Lebensbereich" + (f" (Teil {number} von {len(chunks)})" if len(chunks) > 1
                                                           else "")
        drawing = timeline(title, columns, [(name, [_bar(s, v, outcomes.get(s.measure.ref)) for s in stages])
                                            for name, stages in chunk], LEGEND)
        rows = tuple((name, s.period, s.measure.ref, s.measure.title, _outcome(s, outcomes.get(s.measure.ref)))
                     for name, stages in chunk for s in stages)
        blocks.append(doc.Svg(title, drawing, doc.Table(("Lebensbereich", "Jahr", "ID", "Maßnahme", "Stand"), rows)))
    return blocks


def _groups(v: PlanVersionView) -> list[tuple[str, list[Stage]]]:
    names = sorted({s.measure.lebensbereich or NO_AREA for s in v.stages}, key=lambda n: (n == NO_AREA, n))
    return [(n, [s for s in v.stages if (s.measure.lebensbereich or NO_AREA) == n]) for n in names]


def _chunks(groups: list[tuple[str, list[Stage]]]) -> list[list[tuple[str, list[Stage]]]]:
    """The groups in drawings of at most TIMELINE_ROWS rows; a longer group is split."""
    chunks: list[list[tuple[str, list[Stage]]]] = [[]]
    used = 0
    for name, stages in groups:
        for start in range(0, len(stages), TIMELINE_ROWS - 1):
            part = stages[start:start + TIMELINE_ROWS - 1]
            if used and used + 1 + len(part) > TIMELINE_ROWS:
                chunks.append([])
                used = 0
            chunks[-1].append((name if start == 0 else f"{name} (Fortsetzung)", part))
            used += 1 + len(part)
    return chunks


def _outcome(s: Stage, outcome: Outcome | None) -> str:
    return s.measure.state if outcome is None else f"{s.measure.state} (jetzt: {outcome.value})"


def _bar(s: Stage, v: PlanVersionView, outcome: Outcome | None) -> TimelineBar:
    columns = len(v.years)
    last = columns if s.year is None else min(max(s.year - v.year_from, 0), columns - 1)
    first = last
    start = s.measure.start
    if s.year is not None and start and int(start[:4]) < s.year:
        first = min(max(int(start[:4]) - v.year_from, 0), last)
    kind = {Outcome.DONE: "done", Outcome.LATE: "late", Outcome.DROPPED: "dropped"}.get(outcome) if outcome else None
    kind = kind or ("later" if s.year is None else "done" if s.measure.state == "umgesetzt" else
                    "fixed" if s.fixed else "planned")
    return TimelineBar(f"{s.measure.ref} {s.measure.title}", first, last, kind)


def fortschritt(part: PlanChapter, targets_shown: bool = False) -> list[doc.Block]:
    blocks: list[doc.Block] = [doc.Heading(3, "Fortschritt gegenüber dem Beschluss")]
    compared = part.comparison
    if compared is None:
        return [*blocks, doc.para(f"Der Plan „{part.version.name}“ ist noch nicht beschlossen. Hat der Stadtrat "
                                  "ihn beschlossen, steht hier, was aus seinen Maßnahmen geworden ist.")]
    blocks.append(doc.Bullets(tuple((text,) for text in outcome_lines(compared.rows, compared.as_of.year))))
    blocks += target_blocks(part.targets, table=not targets_shown)
    late = [r for r in compared.rows if r.outcome is Outcome.LATE]
    if late:
        blocks.append(doc.para(doc.Strong(f"Verspätet ({wording.plural(len(late), 'Maßnahme', 'Maßnahmen')})"),
                               ": das geplante Jahr ist vorbei, die Maßnahme ist nicht umgesetzt."))
        blocks.append(compared_table(late))
    return blocks


def outcome_lines(rows: Sequence[Compared], year: int) -> list[str]:
    """What became of the adopted measures, one sentence each kind."""
    planned = [r for r in rows if not r.added]
    count = {o: sum(r.outcome is o for r in rows) for o in Outcome}
    return [
        f"Der Beschluss umfasst {wording.plural(len(planned), 'Maßnahme', 'Maßnahmen')}: "
        f"{count[Outcome.DONE]} umgesetzt, {count[Outcome.ON_PLAN]} im Plan, {count[Outcome.LATE]} verspätet, "
        f"{count[Outcome.MOVED]} verschoben, {count[Outcome.DROPPED]} verworfen.",
        f"Seit dem Beschluss {'ist' if count[Outcome.ADDED] == 1 else 'sind'} "
        f"{wording.plural(count[Outcome.ADDED], 'Maßnahme', 'Maßnahmen')} neu hinzugekommen.",
    ]


def _state(m: Any) -> str:
    return "–" if m is None else f"{m.state}, {m.progress} %"


def compared_table(rows: Sequence[Compared], now_label: str = "heute") -> doc.Table:
    cells = tuple((r.ref, r.title, r.lebensbereich or "", _planned(r), _state(r.planned), _state(r.now),
                   str(r.now_year or ""), r.outcome.value) for r in rows)
    return doc.Table(("ID", "Maßnahme", "Lebensbereich", "geplant", "beim Beschluss", now_label, "Termin jetzt",
                      "Ergebnis"), cells)


def _planned(r: Compared) -> str:
    if r.added:
        return "–"
    if r.planned_year is None:
        return "später"
    return f"{r.planned_year}-Q{r.planned_quarter}" if r.planned_quarter else str(r.planned_year)


def target_blocks(points: Sequence[TargetPoint], table: bool = True) -> list[doc.Block]:
    """Targets against measured shares: a line chart (HTML only) and, unless ``table`` is off, the table of the years
    with a target or a measurement; the column "Abstand" only where some year has both."""
    shown = [p for p in points if p.target is not None or p.measured is not None]
    if not shown:
        return [doc.para("Für die Jahre des Plans sind keine Ziele festgelegt und noch keine Anteile gemessen.")]
    years = list(range(shown[0].year, shown[-1].year + 1))  # evenly spaced, also the years without a point
    lines = [Line("Ziel", {p.year: p.target for p in shown}, "target"),
             Line("gemessen (Jahresende, laufendes Jahr: heute)", {p.year: p.measured for p in shown}, "measured")]
    title = "Anteil der eigenen Leistungen, die online sind: Ziel und gemessen"
    blocks: list[doc.Block] = [doc.Svg(title, line_chart(title, years, lines), None)]
    if table:
        both = any(p.target is not None and p.measured is not None for p in shown)
        rows = tuple((str(p.year), _pct(p.target), _pct(p.measured), *((_gap(p),) if both else ())) for p in shown)
        blocks.append(doc.Table(("Jahr", "Ziel", "gemessen", *(("Abstand",) if both else ())), rows,
                                frozenset({1, 2, 3})))
    return blocks


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{wording.decimal(round(value))} %"


def _gap(p: TargetPoint) -> str:
    if p.target is None or p.measured is None:
        return "–"
    diff = round(p.measured - p.target)
    return f"{'+' if diff > 0 else ''}{diff} Prozentpunkte".replace("-", "−")
