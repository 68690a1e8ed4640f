"""The ranked gaps of `plan priorities` as text: table, JSON, CSV; every row says how its score came about."""

from __future__ import annotations

from typing import Any

from ozgtrack import wording
from ozgtrack.cells import excel_csv, plain_csv
from ozgtrack.render.common import dumps, table
from ozgtrack.views.priorities import Priority, ScorePart

# The German names of the score's parts, as the rows and the README name them.
PART_LABELS = {"cases": "Fallzahl", "votes": "Stimmen", "obligation": "Pflicht", "efa": "Nachnutzung",
               "effort": "Aufwand"}
HEADERS = ["Rang", "Schlüssel", "Leistung", "Punkte", *(f"{label} (Punkte)" for label in PART_LABELS.values()),
           "Begründung"]


def reason(parts: tuple[ScorePart, ...]) -> str:
    """``Fallzahl 3 × 1,00 = 3,00 (1.200 Fälle 2025); …; Aufwand −1 × 0,20 = −0,20 (10.000 € (Annahme))``."""
    return "; ".join(f"{PART_LABELS[p.part]} {wording.score(-p.weight if p.part == 'effort' else p.weight)} × "
                     f"{wording.score(p.value)} = {wording.score(p.points)} ({p.basis})" for p in parts)


def _cells(p: Priority) -> list[Any]:
    return [p.rank, p.key, p.name, wording.score(p.score), *(wording.score(x.points) for x in p.parts), reason(p.parts)]


def priorities_table(rows: list[Priority], width: int | None = None) -> str:
    return table([[p.rank, p.key, p.name, wording.score(p.score), reason(p.parts)] for p in rows],
                 ["Rang", "Schlüssel", "Leistung", "Punkte", "Begründung"], width)


def priorities_json(rows: list[Priority]) -> str:
    return dumps([{"rank": p.rank, "key": p.key, "name": p.name, "score": p.score,
                   "parts": {x.part: {"value": x.value, "weight": x.weight, "points": x.points, "basis": x.basis}
                             for x in p.parts}} for p in rows])


def priorities_csv(rows: list[Priority]) -> str:
    return plain_csv(HEADERS, map(_cells, rows))


def priorities_excel(rows: list[Priority]) -> str:
    return excel_csv(HEADERS, map(_cells, rows))
