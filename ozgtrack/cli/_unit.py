"""The unit of work of a command: one session, its Context, a dry run rolled back, a bulk change confirmed.

Every command reads or writes through :func:`reading` or :func:`writing`; every command that changes
more than one service or measure goes through :func:`confirm_and_apply` (preview → confirm → re-check
→ apply), so the words and exit codes are the same everywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

from ozgtrack import wording

if TYPE_CHECKING:
    from ozgtrack.cli._common import App
    from ozgtrack.town.context import Context

DRY_RUN = "(Probelauf, nichts gespeichert)"


@dataclass
class Unit:
    """One command's session and, built on first use, its Context (``--ars`` and ``--by`` as given)."""

    app: App
    session: Any  # a sqlalchemy.orm.Session: the library functions take it, the command only passes it on
    ars: str | None = None
    by: str | None = None

    @cached_property
    def context(self) -> Context:
        return self.app.context(self.session, self.ars, self.by)


@contextmanager
def reading(app: App, ars: str | None = None) -> Iterator[Unit]:
    """A unit that only reads (no write lock is taken)."""
    from ozgtrack.store.db import read_session

    with read_session(app.engine()) as session:
        yield Unit(app, session, ars)


@contextmanager
def writing(app: App, ars: str | None = None, by: str | None = None, *, dry_run: bool = False) -> Iterator[Unit]:
    """A unit in one write transaction: committed when the block succeeds, rolled back on an error or a dry run."""
    from ozgtrack.store.db import write_session

    with write_session(app.engine()) as session:
        yield Unit(app, session, ars, by)
        if dry_run:
            session.rollback()


@dataclass(frozen=True)
class Preview:
    """What a bulk change does: its items (compared on the re-check), how many services or measures it changes,
    the list shown before it is applied, and whatever else the command reports afterwards."""

    items: tuple[Any, ...]
    count: int
    listing: str = ""
    noun: tuple[str, str] = ("Leistung", "Leistungen")
    verb: str = "geändert"  # participle: "geändert", "übernommen"
    extra: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Outcome:
    """A bulk change after :func:`confirm_and_apply`: its preview (from the run that was applied) and the town."""

    preview: Preview
    town: str
    applied: bool  # False: a dry run


def confirm_and_apply(app: App, ars: str | None, by: str | None, plan: Callable[[Unit], Preview], *,
                      dry_run: bool, yes: bool) -> Outcome:
    """Run ``plan`` in a write transaction and show its list; more than one service or measure needs ``--yes``
    or a yes at the console, a dry run stores nothing.

    The console is asked with no transaction open (a waiting question must not hold the write lock);
    ``plan`` then runs again and is applied only if it changes exactly what was shown. Off a terminal
    without --yes nothing is stored and the command ends with exit code 1.
    """
    from ozgtrack.errors import InputError

    with writing(app, ars, by) as unit:
        preview = plan(unit)
        town = unit.context.municipality.name
        held = dry_run or (not yes and preview.count > 1)
        if held:
            unit.session.rollback()
    if preview.listing:
        click.echo(preview.listing, nl=False)
    if dry_run or not held:
        return Outcome(preview, town, applied=not dry_run)
    what = wording.plural(preview.count, *preview.noun)
    if not on_terminal():
        raise InputError(f"{what} {'würde' if preview.count == 1 else 'würden'} {preview.verb}; nichts wurde "
                         "gespeichert. Prüfen Sie die Liste und bestätigen Sie mit --yes.")
    if not ask(f"{town}: {what} {_infinitive(preview.verb)}?"):
        raise InputError("abgebrochen; nichts wurde geändert")
    with writing(app, ars, by) as unit:
        again = plan(unit)
        if again != preview:
            raise InputError("die Daten haben sich seit der Vorschau geändert; nichts wurde gespeichert, bitte "
                             "erneut ausführen")
    return Outcome(again, town, applied=True)


def said(outcome: Outcome) -> str:
    """``Wolmirstedt, Stadt: 5 Leistungen geändert.`` or, in a dry run, ``… würden geändert (Probelauf, …).``"""
    preview = outcome.preview
    what = wording.plural(preview.count, *preview.noun)
    if outcome.applied:
        return f"{outcome.town}: {what} {preview.verb}."
    return f"{outcome.town}: {what} {'würde' if preview.count == 1 else 'würden'} {preview.verb} {DRY_RUN}."


def _infinitive(participle: str) -> str:
    return {"geändert": "ändern", "übernommen": "übernehmen", "angelegt": "anlegen"}.get(participle, participle)


def on_terminal() -> bool:
    """Whether someone at a console can answer a question (cron and pipes cannot)."""
    return sys.stdin.isatty()


def ask(question: str) -> bool:
    """``question [j/N]`` on stderr; only j/ja (or y/yes) is a yes."""
    answer = click.prompt(f"{question} [j/N]", default="n", show_default=False, err=True)
    return answer.strip().lower() in ("j", "ja", "y", "yes")
