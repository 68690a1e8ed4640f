"""The preview of proposed online services (from the statuses or the PVOG evidence) as a terminal table."""

from __future__ import annotations

from ozgtrack import wording
from ozgtrack.render.common import table
from ozgtrack.render.tracking import changes_table
from ozgtrack.views.online import number_text
from ozgtrack.views.online_intake import ProposalResult

HEADERS = ["Nr.", "Name", "Weg", "Reifegrad", "Leistungen", "Adresse", "Grundlage"]
_SHOWN_KEYS = 3


def proposals_table(result: ProposalResult, width: int | None = None) -> str:
    """Each proposed online service with the number it gets, then the statuses that change when they are added."""
    numbers = [*result.numbers, *[None] * (len(result.proposals) - len(result.numbers))]
    rows = [[number_text(n) if n else "neu", p.spec.name, f"{p.spec.delivery} (geraten)" if p.guessed
             else str(p.spec.delivery), f"{p.spec.stage} ({p.spec.model})" if p.spec.stage is not None
             else wording.UNASSESSED, _keys(p.keys), p.spec.url or "", p.source]
            for n, p in zip(numbers, result.proposals)]
    parts = [table(rows, HEADERS, width)] if rows else []
    if result.statuses:
        parts.append(changes_table([], list(result.statuses), width))
    return "\n".join(p.rstrip("\n") + "\n" for p in parts)


def _keys(keys: tuple[str, ...]) -> str:
    shown = ", ".join(keys[:_SHOWN_KEYS])
    return f"{shown} (+{len(keys) - _SHOWN_KEYS})" if len(keys) > _SHOWN_KEYS else shown


def sheet_changes_table(changes: tuple, width: int | None = None) -> str:
    """What an online services worksheet changes: each online service's fields, then the statuses that follow."""
    from ozgtrack.render.online import FIELD_LABEL

    if not changes:
        return ""
    rows = [[c.label, "; ".join(f"{FIELD_LABEL.get(f, f)}: {_shown(old)} → {_shown(new)}"
                                for f, (old, new) in c.fields.items())] for c in changes]
    parts = [table(rows, ["Onlinedienst", "Änderungen"], width)]
    statuses = [s for c in changes for s in c.statuses]
    if statuses:
        parts.append(changes_table([], statuses, width))
    return "\n".join(p.rstrip("\n") + "\n" for p in parts)


def _shown(value: object) -> str:
    return "–" if value is None else repr(value) if isinstance(value, str) else str(value)
