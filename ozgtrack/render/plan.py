"""The plan's views as text: proposals, measures, a measure with its history, and what an import changed."""

from __future__ import annotations

from typing import Any

from ozgtrack import wording
from ozgtrack.cells import excel_csv, plain_csv
from ozgtrack.render.common import dumps, shorten, table
from ozgtrack.views.plan import MeasureChange, MeasureView, ProposalView
from ozgtrack.wording import local_time

PROPOSAL_HEADERS = ["ID", "Idee", "Lebensbereich", "Ortschaft", "Stimmen", "Quelle", "Datum", "Beschreibung"]
MEASURE_HEADERS = ["ID", "Titel", "Lebensbereich", "Ortschaft", "Fachbereich", "Herkunft", "Beginn", "Ende", "Stand",
                   "Fortschritt (%)", "Gewicht", "Kosten (€)", "Finanzierung", "Leistungen", "Ideen", "Datum letzte Notiz"]
# The German names of a measure's fields, as history and changes show them.
FIELD_LABELS = {"title": "Titel", "lebensbereich": "Lebensbereich", "services": "Leistungen", "owner": "Fachbereich",
                "origin": "Herkunft", "proposals": "Ideen", "ortschaft": "Ortschaft", "start": "Beginn", "end": "Ende",
                "state": "Stand", "progress": "Fortschritt", "weight": "Gewicht", "cost": "Kosten",
                "funding": "Finanzierung", "blocker": "beseitigt Grund"}


def proposal_cells(p: ProposalView) -> list[Any]:
    return [p.ref, p.title, p.lebensbereich or "", p.ortschaft or "", "" if p.votes is None else p.votes,
            p.source or "", p.submitted.isoformat() if p.submitted else "", p.description or ""]


def proposals_table(rows: list[ProposalView], width: int | None = None) -> str:
    cells = [[*c[:7]] for c in map(proposal_cells, rows)]
    return table(cells, PROPOSAL_HEADERS[:7], width)


def proposals_json(rows: list[ProposalView]) -> str:
    return dumps(rows)


def proposals_csv(rows: list[ProposalView]) -> str:
    return plain_csv(PROPOSAL_HEADERS, map(proposal_cells, rows))


def proposals_excel(rows: list[ProposalView]) -> str:
    return excel_csv(PROPOSAL_HEADERS, map(proposal_cells, rows))


def _money(value: int | None) -> str:
    return "" if value is None else f"{wording.number(value)} €"


def measure_cells(v: MeasureView) -> list[Any]:
    return [v.ref, v.title, v.lebensbereich or "", v.ortschaft or "", v.owner or "", v.origin or "", v.start or "",
            v.end or "", v.state, v.progress, v.weight, "" if v.cost is None else v.cost, v.funding or "",
            ", ".join(v.services), ", ".join(v.proposals), v.last_note.isoformat() if v.last_note else ""]


def measures_table(rows: list[MeasureView], width: int | None = None) -> str:
    cells = [[v.ref, v.title, v.lebensbereich or "", _when(v), v.state, f"{v.progress} %", v.owner or ""]
             for v in rows]
    return table(cells, ["ID", "Titel", "Lebensbereich", "Zeitraum", "Stand", "Fortschritt", "Fachbereich"], width)


def _when(v: MeasureView) -> str:
    return f"{v.start or '…'} – {v.end or '…'}" if v.start or v.end else ""


def measures_json(rows: list[MeasureView]) -> str:
    return dumps([_plain(v) for v in rows])


def _plain(v: MeasureView) -> dict[str, Any]:
    return {k: getattr(v, k) for k in v.__dataclass_fields__ if k != "history"}


def measures_csv(rows: list[MeasureView]) -> str:
    return plain_csv(MEASURE_HEADERS, map(measure_cells, rows))


def measures_excel(rows: list[MeasureView]) -> str:
    return excel_csv(MEASURE_HEADERS, map(measure_cells, rows))


def measure_detail(v: MeasureView, width: int | None = None) -> str:
    """One measure: its fields, then its history (changes and dated progress notes), oldest first."""
    fields = [["Titel", v.title], ["Lebensbereich", v.lebensbereich], ["Ortschaft", v.ortschaft],
              ["Fachbereich", v.owner], ["Herkunft", v.origin], ["Zeitraum", _when(v)], ["Stand", v.state],
              ["Fortschritt", f"{v.progress} %"], ["Gewicht", v.weight], ["Kosten", _money(v.cost)],
              ["Finanzierung", v.funding], ["Leistungen", ", ".join(v.services)], ["Ideen", ", ".join(v.proposals)],
              *([["beseitigt Grund", f"{v.blocker_label} ({v.blocker})"]] if v.blocker else []),
              ["Geändert", f"{local_time(v.updated_at)} von {v.updated_by}"]]
    head = f"Maßnahme {v.ref}\n" + table([[k, "" if x is None else x] for k, x in fields], ["Feld", "Wert"], width)
    history = [[local_time(e.at), e.by, describe_changes(e.changes), e.note or "", e.reason or ""] for e in v.history]
    return head + "\nVerlauf\n" + table(history, ["Wann", "Wer", "Änderungen", "Notiz", "Anlass"], width)


def measure_details(rows: list[MeasureView], width: int | None = None) -> str:
    return "\n".join(measure_detail(v, width) for v in rows)


def measure_details_json(rows: list[MeasureView]) -> str:
    return dumps(rows)


def describe_changes(changes: dict[str, Any]) -> str:
    """``Stand: vorgeschlagen → beschlossen; Fortschritt: 0 → 20``."""
    return "; ".join(f"{FIELD_LABELS.get(f, f)}: {_value(old)} → {_value(new)}" for f, (old, new) in changes.items())


def _value(value: Any) -> str:
    if value is None or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return shorten(str(value), 60)


def changes_table(changes: list[MeasureChange], width: int | None = None) -> str:
    """What an import or command changed, one line per measure."""
    rows = [[c.ref, "neu" if c.added else "geändert", shorten(c.title, 40), describe_changes(c.changes),
             c.note or ""] for c in changes]
    return table(rows, ["ID", "Was", "Titel", "Änderungen", "Notiz"], width)
