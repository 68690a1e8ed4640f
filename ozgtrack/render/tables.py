"""The list views as workbooks: statuses, PVOG findings, proposals, measures, priorities (ozgtrack.render.workbook).

Each has every column of its CSV (the terminal shows fewer) and names the Stand it was given in "Erläuterungen".
"""

from __future__ import annotations

from typing import Any

from ozgtrack.render import plan, priorities, pvog
from ozgtrack.render.workbook import TableView, definitions_of, stand_lines, table_workbook
from ozgtrack.views.plan import MeasureView, ProposalView
from ozgtrack.views.priorities import Priority
from ozgtrack.views.pvog import PvogResult
from ozgtrack.views.stand import Stand
from ozgtrack.views.tracking import StatusView

STATUS_HEADERS = ["LeiKa-Schlüssel", "Leistung", "OZG-IDs", "Zuständigkeit", "Reifegradmodell", "Reifegrad",
                  "Online-Link", "Portal", "EfA-Lösung", "Fachbereich", "Ansprechperson", "geplant bis",
                  "geprüft am", "geprüft von", "Onlinedienst", "Notiz"]


def _status_cells(v: StatusView) -> list[Any]:
    return [v.key, v.name, " ".join(v.ozg_ids), v.level or "info", v.model or "",
            "" if v.stage is None else v.stage, v.url or "", v.portal or "", v.efa_solution or "",
            v.department or "", v.contact or "", v.planned or "", v.verified_at.isoformat() if v.verified_at else "",
            v.verified_by or "", v.online.label if v.online else "", v.note or ""]


def statuses_xlsx(rows: list[StatusView], stand: Stand | None = None) -> bytes:
    return table_workbook(TableView("Leistungen", "Stand der Leistungen", STATUS_HEADERS,
                                    [_status_cells(v) for v in rows], stand_lines(stand), definitions_of(stand)))


PVOG_TERMS = [("Befund", "Ein Hinweis aus dem Portalverbund (PVOG), kein Fakt: ungeprüft, bis die Stadt ihn "
                         "bestätigt oder verwirft."),
              ("Quick Win", "Im PVOG ist für eine eigene Leistung ein Onlinedienst gemeldet, den die Stadt noch "
                            "nicht als online erfasst hat."),
              ("nicht gemeldet", "Die Stadt führt eine Leistung als online, im PVOG ist dafür nichts gemeldet."),
              ("Link weicht ab", "Der Online-Link der Stadt und der im PVOG gemeldete unterscheiden sich."),
              ("Zuständigkeit", "Der PVOG nennt für eine Leistung eine andere Ebene als die Stadt.")]


def findings_xlsx(result: PvogResult | None, stand: Stand | None = None) -> bytes:
    lines = stand_lines(stand)
    if result is not None:
        lines += [("PVOG", line) for line in pvog.summary_lines(result)]
    return table_workbook(TableView("Befunde", "Abgleich mit dem Portalverbund (PVOG)", pvog.HEADERS,
                                    pvog.all_cells(result), lines, [*PVOG_TERMS, *definitions_of(stand)]))


def proposals_xlsx(rows: list[ProposalView], stand: Stand | None = None) -> bytes:
    return table_workbook(TableView("Ideen", "Ideen aus der Bürgerschaft und der Verwaltung", plan.PROPOSAL_HEADERS,
                                    [plan.proposal_cells(p) for p in rows], stand_lines(stand),
                                    [("Stimmen", "Wie viele Menschen die Idee unterstützt haben, wo die Quelle "
                                                 "das zählt.")]))


def measures_xlsx(rows: list[MeasureView], stand: Stand | None = None) -> bytes:
    return table_workbook(TableView("Maßnahmen", "Maßnahmen des Plans", plan.MEASURE_HEADERS,
                                    [plan.measure_cells(v) for v in rows], stand_lines(stand),
                                    [("Fortschritt (%)", "Wie weit die Maßnahme umgesetzt ist, in Prozent."),
                                     ("Gewicht", "Wie stark die Maßnahme im Plan zählt."),
                                     *definitions_of(stand)]))


def priorities_xlsx(rows: list[Priority], stand: Stand | None = None) -> bytes:
    cells = [[p.rank, p.key, p.name, round(p.score, 2), *(round(x.points, 2) for x in p.parts),
              priorities.reason(p.parts)] for p in rows]
    terms = [(f"{label} (Punkte)", f"Der Anteil „{label}“ an den Punkten; die Begründung nennt Wert, Gewicht und "
                                   "Grundlage.") for label in priorities.PART_LABELS.values()]
    return table_workbook(TableView("Prioritäten", "Lücken nach Priorität", priorities.HEADERS, cells,
                                    stand_lines(stand), [("Punkte", "Summe der Teilpunkte; höher heißt zuerst."),
                                                         *terms, *definitions_of(stand)]))
