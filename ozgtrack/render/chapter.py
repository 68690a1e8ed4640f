"""The chapter "Digitales Rathaus" for the digitalisation strategy, in German, as Markdown or HTML."""

from __future__ import annotations

from ozgtrack.render import document as doc, headline, online_section, plan_chapter, reliability
from ozgtrack.render.blockers import chapter_blocks as why_not_online
from ozgtrack.render.document import Strong, para
from ozgtrack.render.gaps import counting_line, meta_line
from ozgtrack.render.german import (
    COUNT_COLUMNS, DEMO_MARK, DEMO_NOTE, SHOWN_PER_GAP, agree, count_cells, coverage_change, day, months, number,
    open_service, origin, percent, plural, release, some, stage, stale_parts,
)
from ozgtrack.render.links import chapter_blocks
from ozgtrack.render.plan_stages import sections as plan_sections
from ozgtrack.render.pvog import portalverbund
from ozgtrack.render.svg import Bar
from ozgtrack.views.reliability import definition
from ozgtrack.views.results import Counts, GapAnalysis, GapReport, GroupBy, OzgGap

NAMES_SHOWN = 12  # services named in a trend list before "… and N more"


def chapter(report: GapReport) -> list[doc.Block]:
    """The whole chapter: how solid its figures are, headline, Lebensbereiche, development, largest gaps, re-checks,
    method."""
    analysis = report.analysis
    demo = [doc.Notice(DEMO_NOTE)] if analysis.demo else []
    return [
        doc.Heading(2, title(analysis)),
        *demo,
        para(f"{meta_line(analysis)}."),
        *reliability.blocks(analysis.reliability),
        *_headline(analysis),
        *_lebensbereiche(analysis),
        *_development(report),
        *_top_gaps(analysis.top_gaps(report.top)),
        *online_section.section(report.online),
        *_stale(analysis),
        *chapter_blocks(report.links),
        *portalverbund(report.pvog),
        *plan_chapter.chapter_blocks(report.plan),
        *plan_sections(report.stages, targets_shown=bool(report.plan and not report.plan.empty
                                                          and report.plan.targets)),
        *why_not_online(report.blockers),
        *_method(analysis),
        *demo,
    ]


def title(a: GapAnalysis) -> str:
    mark = f" ({DEMO_MARK})" if a.demo else ""
    return f"Digitales Rathaus: Online-Verwaltungsleistungen – {a.municipality}{mark}"


def _headline(a: GapAnalysis) -> list[doc.Block]:
    """OZG-Leistungen first (the unit of the federal dashboard), then the LeiKa count; both defined below."""
    t = a.totals
    provisional = f" ({reliability.PROVISIONAL.lower()}, siehe oben)" if a.reliability.provisional else ""
    return [doc.Heading(3, "Auf einen Blick"), doc.Bullets((
        (*headline.ozg_parts(a.ozg), f"{provisional}."),
        ("LeiKa-Leistungen: ", _by_whom(a), "für ", Strong(number(t.applicable)),
         f" {agree(t.applicable, 'Leistung', 'Leistungen')} selbst zuständig. Davon {agree(t.online, 'ist', 'sind')} ",
         Strong(number(t.online)), " online – eine Abdeckung von ", Strong(percent(t.coverage)), f"{provisional}."),
        (Strong(number(t.in_progress)), f" {agree(t.in_progress, 'Leistung ist', 'Leistungen sind')} in Umsetzung "
         "(ein Termin ist geplant), ", Strong(number(t.offline)), f" {agree(t.offline, 'ist', 'sind')} offline, ",
         Strong(number(t.unknown)), f" {agree(t.unknown, 'wurde', 'wurden')} noch nicht bewertet."),
        (Strong(number(t.not_applicable)), f" {agree(t.not_applicable, 'Leistung liegt', 'Leistungen liegen')} bei "
         "Landkreis, Land oder Bund; bei ", Strong(number(t.undecided)), " ist die Zuständigkeit noch ungeklärt."),
    )), para(Strong("Begriffe:"), f" {headline.definitions()}")]


def _by_whom(a: GapAnalysis) -> str:
    """``Nach den Zuständigkeitsregeln ist die Stadt ``: the own services are the rules' word until the town decides."""
    decided, in_scope = a.reliability.decided, a.reliability.in_scope
    if decided is not None and decided >= in_scope:
        return "Die Stadt ist "
    if not decided:
        return "Nach den Zuständigkeitsregeln ist die Stadt "
    return "Nach ihren Entscheidungen und den Zuständigkeitsregeln ist die Stadt "


def _lebensbereiche(a: GapAnalysis) -> list[doc.Block]:
    rows = a.groups[GroupBy.LEBENSBEREICH]
    bars = tuple(Bar(r.label, r.counts.coverage, _bar_note(r.counts)) for r in rows if r.counts.applicable)
    table = doc.Table(("Lebensbereich", *COUNT_COLUMNS), tuple((r.label, *count_cells(r.counts)) for r in rows),
                      frozenset(range(1, len(COUNT_COLUMNS) + 1)))
    return [doc.Heading(3, "Stand nach Lebensbereichen"),
            doc.Chart("Anteil der eigenen Leistungen, die online sind, je Lebensbereich", bars, "Lebensbereich"), table]


def _bar_note(counts: Counts) -> str:
    """``(3 von 62; 50 nicht bewertet)``: a share of zero may only mean that nobody has looked yet."""
    unknown = f"; {number(counts.unknown)} nicht bewertet" if counts.unknown else ""
    return f"({number(counts.online)} von {number(counts.applicable)}{unknown})"


def _development(report: GapReport) -> list[doc.Block]:
    blocks: list[doc.Block] = [doc.Heading(3, "Entwicklung")]
    now = report.analysis.totals
    points = [Bar(f"{b.name} ({day(b.created_at)})", b.coverage, f"({b.online} von {b.applicable})")
              for b in report.history]
    if points:
        points.append(Bar(f"heute ({day(report.analysis.data_date)})", now.coverage, f"({now.online} von {now.applicable})"))
        blocks.append(doc.Chart("Anteil online: festgehaltene Stände und heute", tuple(points), "Stand"))
    trend = report.trend
    if trend is None:
        blocks.append(para("Noch kein Vergleich: Ein Stand als Vergleichsbasis wurde noch nicht festgehalten. Der "
                           "erste Vergleich folgt, sobald die IT-Koordination einen Stand festgehalten hat."))
        return blocks
    blocks.append(para(f"Seit {trend.label} ({day(trend.at)}) {coverage_change(trend.then, now)}."))
    items = [("Neu online", trend.newly_online), ("Rückschritte (nicht mehr online)", trend.regressions),
             ("Neu als eigene Leistung eingestuft", trend.newly_applicable)]
    bullets = [(Strong(f"{label}: {len(gaps)}"), _names([g.name for g in gaps])) for label, gaps in items]
    bullets.append((Strong(f"Nicht mehr eigene Leistung: {len(trend.no_longer_applicable)}"),
                    _names([name or key for key, name in trend.no_longer_applicable])))
    bullets.append((Strong(f"Weiterhin offen: {len(trend.still_open)}"), ""))
    blocks.append(doc.Bullets(tuple(bullets)))
    return blocks


def _names(names: list[str]) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:NAMES_SHOWN])
    more = f" und {len(names) - NAMES_SHOWN} weitere" if len(names) > NAMES_SHOWN else ""
    return f" – {shown}{more}"


def _top_gaps(gaps: list[OzgGap]) -> list[doc.Block]:
    blocks: list[doc.Block] = [doc.Heading(3, "Die größten Lücken")]
    if not gaps:
        return [*blocks, para("Alle eigenen Leistungen sind online.")]
    blocks.append(para("Je OZG-Leistung: ob sie teilweise oder nicht online ist (und über welchen Onlinedienst der "
                       "Stadt), und wie viele ihrer eigenen Leistungen nicht als online erfasst sind – noch nicht "
                       "bewertete eingeschlossen; zuerst die OZG-Leistungen mit den meisten offenen Leistungen, je "
                       f"OZG-Leistung bis zu {SHOWN_PER_GAP} davon genannt. Die Reihenfolge zählt Leistungen; "
                       "sie ist keine Rangfolge der Wichtigkeit (die Prioritäten setzt der Mehrjahresplan)."))
    rows = tuple((str(rank), f"{g.ozg_id} {g.ozg_name}".strip(), g.lebensbereich, headline.gap_state(g),
                  headline.gap_open(g, sentence=False), some([open_service(s) for s in g.open]))
                 for rank, g in enumerate(gaps, start=1))
    blocks.append(doc.Table(("Nr.", "OZG-Leistung", "Lebensbereich", "Stand", "offen", "offene Leistungen"), rows,
                            frozenset({0})))
    return blocks


def _stale(a: GapAnalysis) -> list[doc.Block]:
    blocks: list[doc.Block] = [doc.Heading(3, "Zu überprüfende Einträge")]
    if not a.stale:
        return [*blocks, para(f"Alle Bewertungen wurden in den letzten {months(a.stale_months)} bestätigt.")]
    never, old = stale_parts(a)
    blocks.append(para("Diese Bewertungen sollten mit den Fachbereichen geprüft werden."))
    if never:
        blocks.append(para(Strong(f"Noch nie bestätigt ({plural(len(never), 'Leistung', 'Leistungen')})"),
                           ": bewertet, aber noch von niemandem als geprüft vermerkt."))
        blocks.append(doc.Table(("LeiKa-Schlüssel", "Leistung", "Stand", "Fachbereich"),
                                tuple((s.key, s.name, stage(s), s.department or "") for s in never)))
    if old:
        blocks.append(para(Strong(f"Seit mehr als {months(a.stale_months)} nicht bestätigt "
                                  f"({plural(len(old), 'Leistung', 'Leistungen')})")))
        blocks.append(doc.Table(("LeiKa-Schlüssel", "Leistung", "Stand", "zuletzt bestätigt", "Fachbereich"),
                                tuple((s.key, s.name, stage(s), day(s.verified_at), s.department or "") for s in old)))
    return blocks


def _method(a: GapAnalysis) -> list[doc.Block]:
    releases = "; ".join(f"{release(r)}, Release {r.id}" for r in a.catalogue) or "kein Katalog synchronisiert"
    models = "; ".join(f"{m.label}: {plural(m.assessed, 'bewertete Leistung', 'bewertete Leistungen')}"
                       for m in a.models) or "noch keine Bewertung"
    return [doc.Heading(3, "Methodik und Begriffe"), doc.Bullets((
        (Strong("Zählbasis"), ": Erfasst und bewertet werden Leistungen des Leistungskatalogs (LeiKa). ", counting_line(a),
         " Die Zahlen je OZG-Leistung (vollständig, teilweise, nicht online) werden aus ihnen abgeleitet, wie unter "
         "„Auf einen Blick“ beschrieben."),
        (Strong("Eigene Leistung"), ": Die Stadt erbringt die Leistung selbst. Die Zuständigkeit folgt ",
         f"den mitgelieferten Zuständigkeitsregeln für {a.land_rules} (je mit Rechtsgrundlage und Quelle; keine "
         "amtliche Festlegung des Landes) und " if a.land_rules else "",
         "der Typisierung des LeiKa, bis die Stadt sie mit Begründung entschieden hat (Regeln nach der Typisierung: ",
         origin(a.rules_origin, "triage_rules.toml"), ")."),
        (Strong("Nicht zuständig"), ": Landkreis, Land oder Bund erbringen die Leistung; sie zählt nie als Lücke "
         "der Stadt. ", Strong("Zuständigkeit ungeklärt"), ": noch nicht entschieden; weder eigene Leistung noch "
         "Lücke."),
        (Strong("Online"), f": eigene Leistung mit Reifegrad ab {a.targets.rgm2} nach Reifegradmodell 2.0 (RGM 2.0) "
         f"oder ab {a.targets.rgm1} nach Reifegradmodell 1.1 (RGM 1.1), gemessen im Modell, in dem sie bewertet wurde; "
         f"die Modelle werden nicht vermischt ({models}). Die Schwellen sind Einstellungen der Auswertung "
         "(voreingestellt: Stufe 3 in beiden Modellen); die Stufen der beiden Modelle bedeuten nicht dasselbe."),
        (Strong("In Umsetzung"), ": nicht online, mit geplantem Termin. ", Strong("Offline"), ": bewertet, unter "
         "der Zielstufe, kein Termin. ", Strong("Nicht bewertet"), ": noch keine Bewertung, kein Termin."),
        (Strong("Abdeckung"), " = online ÷ eigene Leistungen."),
        (Strong("Belastbarkeit"), f": {definition(a.reliability.thresholds)}"),
        (Strong("Lebensbereiche"), ": Themenfelder und Lagen des OZG-Umsetzungskatalogs, zusammengefasst (Zuordnung: ",
         origin(a.lebensbereiche_origin, "lebensbereiche.toml"), "). Eine Leistung, die zu mehreren OZG-Leistungen gehört, zählt in jeder ihrer "
         "Gruppen einmal; die Summen der Gruppen können daher die Gesamtzahl übersteigen."),
        (Strong("Nicht betrachtet"), ": ", plural(a.out_of_scope, "Eintrag", "Einträge"), " des Katalogs ohne "
         "Verwaltungsleistung: reine Informationsleistungen (Typisierung 6, 7, 8, 10, 11, 12) und Leistungen, die nach "
         "den Zuständigkeitsregeln keine Behörde erbringt, sondern etwa Ärztinnen und Ärzte, Banken oder private "
         "Schlichtungsstellen."),
        (Strong("Stand der Auswertung"), f": {day(a.data_date)} – Zuständigkeiten und Reifegrade, wie sie an diesem "
         "Tag erfasst sind."),
        (Strong("Katalog"), f": {releases}. Der Datenstand ist das Datum, das der Katalog selbst angibt; das "
         "Importdatum steht daneben."),
        (Strong("Kommune"), f": {a.municipality}, Amtlicher Regionalschlüssel {a.ars}."),
    ))]


def render_markdown(report: GapReport) -> str:
    return doc.to_markdown(chapter(report))


def render_html(report: GapReport) -> str:
    mark = f" ({DEMO_MARK})" if report.analysis.demo else ""
    return doc.to_html(chapter(report), f"Digitales Rathaus – {report.analysis.municipality}{mark}")
