"""Terminal and JSON views of the frozen baselines."""

from __future__ import annotations

from ozgtrack.render.common import dumps, table
from ozgtrack.render.german import percent
from ozgtrack.views.results import BaselineView
from ozgtrack.wording import local_time


def baselines_table(rows: list[BaselineView], width: int | None = None) -> str:
    return table([[b.name, local_time(b.created_at), b.created_by, b.applicable, b.online, percent(b.coverage)]
                  for b in rows], ["Name", "festgehalten", "von", "eigene Leistungen", "online", "Abdeckung"], width)


def baselines_json(rows: list[BaselineView]) -> str:
    return dumps(rows)
