"""The yearly progress report for the council ("Fortschrittsbericht 2027") as Markdown, HTML or text."""

from __future__ import annotations

from ozgtrack import wording
from ozgtrack.render import document as doc
from ozgtrack.render.document import Strong, para
from ozgtrack.render.german import DEMO_MARK, DEMO_NOTE, day
from ozgtrack.render.plan_chapter import forecast_sentence
from ozgtrack.render.plan_stages import compared_table, outcome_lines, target_blocks
from ozgtrack.views.stages import Outcome, ProgressReport


def title(r: ProgressReport) -> str:
    mark = f" ({DEMO_MARK})" if r.demo else ""
    return f"Fortschrittsbericht {r.year}: Digitales Rathaus – {r.municipality}{mark}"


def _as_of(r: ProgressReport) -> str:
    """``Jahresende 2027`` or ``heute (15.06.2027)`` for a year not over yet."""
    at = r.comparison.as_of
    return f"Ende {r.year}" if at.year > r.year else f"heute ({day(at)})"


def report(r: ProgressReport) -> list[doc.Block]:
    v, rows = r.comparison.version, r.comparison.rows
    demo = [doc.Notice(DEMO_NOTE)] if r.demo else []
    now = _as_of(r)
    for_year = [x for x in rows if x.planned_year == r.year and not x.added]
    late = [x for x in rows if x.outcome is Outcome.LATE]
    changed = [x for x in rows if x.outcome in (Outcome.MOVED, Outcome.DROPPED)]
    added = [x for x in rows if x.outcome is Outcome.ADDED]
    blocks: list[doc.Block] = [
        doc.Heading(2, title(r)), *demo,
        para(f"Grundlage: {v.adopted_text} („{v.name}“, {v.year_from}–{v.year_to}). Verglichen wird der Stand der "
             f"Maßnahmen {now} mit dem Stand beim Beschluss. Erstellt am {day(r.made_at)}."),
        doc.Heading(3, "Auf einen Blick"),
        doc.Bullets((
            (f"Für {r.year} sah der Beschluss ", Strong(wording.plural(len(for_year), "Maßnahme", "Maßnahmen")),
             f" vor; davon {_done(for_year)}."),
            *((text,) for text in outcome_lines(rows, r.year)),
        )),
        doc.Heading(3, f"Was der Beschluss für {r.year} vorsah"),
        compared_table(for_year, now) if for_year else para(f"Für {r.year} war keine Maßnahme vorgesehen."),
        doc.Heading(3, "Verspätet"),
        *(_listed(late, now, "Das geplante Jahr (oder Quartal) ist vorbei, die Maßnahme ist nicht umgesetzt.",
                  "Keine Maßnahme ist verspätet.")),
        doc.Heading(3, "Verschoben und verworfen"),
        *(_listed(changed, now, "Maßnahmen, deren Termin heute in einem anderen Jahr liegt als im Beschluss, und "
                  "verworfene Maßnahmen.", "Keine Maßnahme wurde verschoben oder verworfen.")),
        doc.Heading(3, "Neue Maßnahmen seit dem Beschluss"),
        *(_listed(added, now, "Sie stehen nicht im Beschluss; ein neuer Plan kann sie aufnehmen.",
                  "Seit dem Beschluss ist keine Maßnahme hinzugekommen.")),
        doc.Heading(3, "Anteil online und Ziele"),
        *target_blocks(r.targets),
        *_forecasts(r),
        *_method(r),
        *demo,
    ]
    return blocks


def _forecasts(r: ProgressReport) -> list[doc.Block]:
    """The forecast of each whole-town target, as the chapter's Ziele section words it."""
    if not r.forecasts:
        return []
    return [para(f"Prognose nach heutigem Stand ({day(r.made_at)}):"),
            doc.Bullets(tuple((f"Ziel {f.target.percent} % bis {f.target.year}: ", forecast_sentence(f))
                              for f in r.forecasts))]


def _done(rows: list) -> str:
    done = sum(x.outcome is Outcome.DONE for x in rows)
    return f"{'ist' if done == 1 else 'sind'} {wording.number(done)} umgesetzt"


def _listed(rows: list, now: str, intro: str, empty: str) -> list[doc.Block]:
    if not rows:
        return [para(empty)]
    return [para(intro), compared_table(rows, now)]


def _method(r: ProgressReport) -> list[doc.Block]:
    return [doc.Heading(3, "Methodik"), doc.Bullets((
        (Strong("Beim Beschluss"), ": Stand und Fortschritt jeder Maßnahme, wie sie beim Beschluss festgehalten "
         "wurden. ", Strong(_as_of(r)), ": aus dem Verlauf der Maßnahmen nachgerechnet."),
        (Strong("Verspätet"), ": das geplante Jahr (oder Quartal) ist vorbei und die Maßnahme ist nicht umgesetzt. ",
         Strong("Verschoben"), ": der Termin der Maßnahme (Ende, sonst Beginn) liegt in einem anderen Jahr als "
         "im Beschluss. ", Strong("Neu"), ": Maßnahmen, die nicht im Beschluss stehen und damals noch nicht "
         "abgeschlossen waren."),
        (Strong("Anteil online"), ": eigene Leistungen mit Reifegrad ab der Zielstufe, geteilt durch alle eigenen "
         "Leistungen, am Jahresende aus dem Verlauf nachgerechnet (gezählt wie im Kapitel „Digitales Rathaus“). "
         "Ziele: die Jahresziele der Stadt für diesen Anteil."),
        (Strong("Kommune"), f": {r.municipality}, Amtlicher Regionalschlüssel {r.ars}."),
    ))]


def render_markdown(r: ProgressReport) -> str:
    return doc.to_markdown(report(r))


def render_html(r: ProgressReport) -> str:
    return doc.to_html(report(r), title(r))


def render_text(r: ProgressReport) -> str:
    return doc.to_text(report(r))
