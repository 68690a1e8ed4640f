"""Citizens' proposals: read the organisers' list (CSV as Excel saves it, or a workbook), check it, store it.

Columns are found by name. Every row is checked first; one bad row and nothing is stored. A
proposal's identity is the file's ID column when it has one, else source, title and date, so
the same list imported again changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgtrack.cells import restore
from ozgtrack.errors import InputError
from ozgtrack.fields import checked, text as clean_text
from ozgtrack.text import resolve
from ozgtrack.numbers import whole
from ozgtrack.plan.values import choose, fold
from ozgtrack.records import RowProblem
from ozgtrack.sources._table import Column, Misfit
from ozgtrack.sources._xlsx import read_any
from ozgtrack.store.models import Municipality, Proposal
from ozgtrack.town.context import Context
from ozgtrack.views.plan import ProposalImport, ProposalView

COLUMNS = (
    Column("ref", ("id", "nr", "nummer", "ideenr", "ideeid", "vorschlagsnr")),
    Column("title", ("idee", "titel", "vorschlag", "title"), required=True, label="Idee"),
    Column("description", ("beschreibung", "erlaeuterung", "description")),
    Column("lebensbereich", ("lebensbereich", "handlungsfeld", "lebensbereiche")),
    Column("ortschaft", ("ortschaft", "ortsteil", "ort")),
    Column("votes", ("stimmen", "punkte", "votes")),
    Column("source", ("quelle", "quelleformat", "format", "herkunft", "source")),
    Column("submitted", ("datum", "eingereicht", "eingereichtam", "date")),
)
_DATE_RE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2}|[0-9]{4})")  # 0-9 only: no look-alikes
_ISO_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?")
_VOTES_RE = re.compile(r"(?i)(.*?)\s*(stimmen|stimme|punkte|votes)?")
_FIELDS = ("title", "description", "lebensbereich", "ortschaft", "votes", "source", "submitted")
_LABELS = {"ref": "ID", "title": "Idee", "description": "Beschreibung", "lebensbereich": "Lebensbereich",
           "ortschaft": "Ortschaft", "votes": "Stimmen", "source": "Quelle", "submitted": "Datum"}


@dataclass(frozen=True)
class Places:
    """What a proposal may name: the Lebensbereiche and the municipality's places (its Ortschaften and itself)."""

    lebensbereiche: tuple[str, ...]
    ortschaften: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()  # (what people say, the place it is): ("Kernstadt", "Wolmirstedt")

    def ortschaft(self, text: str) -> str:
        """The place ``text`` names, as :func:`choose` finds it; "Kernstadt" is the town itself."""
        return choose(text, self.ortschaften, "Ortschaft", dict(self.aliases))


KERNSTADT = "Kernstadt"


def places(municipality: Municipality, ortschaften: Iterable[str], lebensbereiche: Iterable[str]) -> Places:
    """The town itself counts as a place ("Wolmirstedt", also called "Kernstadt") besides its configured Ortschaften."""
    own = municipality.name.split(",")[0].strip()
    named = tuple(dict.fromkeys([*ortschaften, own]))
    aliases = () if any(fold(n) == fold(KERNSTADT) for n in named) else ((KERNSTADT, own),)
    return Places(tuple(lebensbereiche), named, aliases)


def read_proposals(data: bytes, name: str, known: Places) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem]]:
    """The file's rows as checked values with their Excel row numbers, and the problems of the bad ones."""
    table = read_any(data, name, COLUMNS)
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        if isinstance(cells, Misfit):
            problems.append(RowProblem(line, str(cells), "row"))
            continue
        try:
            values = _row({f: restore(v) for f, v in cells.items()}, known)
        except InputError as exc:
            problems.append(RowProblem(line, str(exc), "row"))
            continue
        if values["ref"] in seen:
            problems.append(RowProblem(line, f"die Idee „{values['title']}“ steht doppelt in der Liste (zuerst in "
                                             f"Zeile {seen[values['ref']]})", "row"))
            continue
        seen[values["ref"]] = line
        rows.append((line, values))
    return rows, problems


def _row(cells: dict[str, str], known: Places) -> dict[str, Any]:
    # Every text checked as everywhere (ozgtrack.fields): NFC, no control characters, its length.
    cells = {f: checked(v, _LABELS.get(f, f)) for f, v in cells.items()}
    title = clean_text("title", cells.get("title", ""), "Idee")
    if not title:
        raise InputError("die Idee hat keinen Titel")
    values = {"title": title, "description": clean_text("description", cells.get("description", ""), "Beschreibung"),
              "lebensbereich": _choose(cells.get("lebensbereich"), known.lebensbereiche, "Lebensbereich"),
              "ortschaft": known.ortschaft(cells["ortschaft"]) if cells.get("ortschaft", "").strip() else None,
              "votes": _votes(cells.get("votes", "")), "source": clean_text("source", cells.get("source", ""), "Quelle"),
              "submitted": _date(cells.get("submitted", ""))}
    values["ref"] = cells.get("ref", "").strip()[:64] or _identity(values)
    return values


def _choose(value: str | None, names: tuple[str, ...], what: str) -> str | None:
    return choose(value, names, what) if value and value.strip() else None


def _votes(text: str) -> int | None:
    """"12", "12 Stimmen" and "" (none counted) are read."""
    number = _VOTES_RE.fullmatch(text.strip()).group(1)  # type: ignore[union-attr]
    return whole(number, "Stimmen") if number else None


def _date(text: str) -> date | None:
    """1.3.26, 01.03.2026 and 2026-03-01 (as a workbook's date cell reads) are read; a two-digit year is 20xx."""
    text = text.strip()
    if not text:
        return None
    try:
        if match := _DATE_RE.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        if match := _ISO_RE.fullmatch(text):  # a workbook's date cell may carry its time: 2026-03-01 00:00:00
            return date.fromisoformat(match.group(1))
    except ValueError:
        pass
    raise InputError(f"Datum „{text}“ ist kein Datum (z. B. 01.03.2026)")


def _identity(values: dict[str, Any]) -> str:
    """Source, title and date: the same idea in the same list again is the same proposal."""
    basis = "|".join([fold(values["source"] or ""), fold(values["title"]), str(values["submitted"] or "")])
    return "I-" + hashlib.sha256(basis.encode()).hexdigest()[:10]


def import_proposals(session: Session, context: Context, rows: list[tuple[int, dict[str, Any]]]) -> ProposalImport:
    """Add the new proposals and update the changed ones (the caller commits, or rolls back for a dry run)."""
    stored = {p.ref: p for p in session.scalars(select(Proposal).where(
        Proposal.municipality_id == context.municipality.id))}
    added, changed, unchanged = [], [], 0
    for _, values in rows:
        current = stored.get(values["ref"])
        if current is None:
            session.add(Proposal(municipality_id=context.municipality.id, imported_at=context.now,
                                 updated_at=context.now, **values))
            added.append(values["ref"])
        elif any(getattr(current, f) != values[f] for f in _FIELDS):
            for f in _FIELDS:
                setattr(current, f, values[f])
            current.updated_at = context.now
            changed.append(values["ref"])
        else:
            unchanged += 1
    session.flush()
    return ProposalImport(tuple(added), tuple(changed), unchanged)


def proposal_views(session: Session, context: Context, lebensbereich: str | None = None,
                   ortschaft: str | None = None, known: Places | None = None) -> list[ProposalView]:
    """The municipality's proposals, most votes first.

    Each filter names one Lebensbereich or place (of ``known`` or of a stored proposal) as
    :func:`ozgtrack.text.resolve` finds it; unknown or ambiguous is an InputError with the closest names.
    """
    query = select(Proposal).where(Proposal.municipality_id == context.municipality.id)
    found = [_view(p) for p in session.scalars(query)]
    known = known or Places((), ())
    if lebensbereich:
        chosen = resolve(lebensbereich, [*known.lebensbereiche, *(p.lebensbereich for p in found if p.lebensbereich)],
                         "Lebensbereich", "Lebensbereichen")
        found = [p for p in found if p.lebensbereich == chosen]
    if ortschaft:
        chosen = resolve(ortschaft, [*known.ortschaften, *(p.ortschaft for p in found if p.ortschaft)], "Ortschaft",
                         "Ortschaften", aliases=dict(known.aliases))
        found = [p for p in found if p.ortschaft == chosen]
    return sorted(found, key=lambda p: (-(p.votes or 0), p.title.casefold(), p.ref))


def _view(p: Proposal) -> ProposalView:
    return ProposalView(**{f.name: getattr(p, f.name) for f in fields(ProposalView)})


def known_refs(session: Session, municipality_id: int) -> set[str]:
    return set(session.scalars(select(Proposal.ref).where(Proposal.municipality_id == municipality_id)))
