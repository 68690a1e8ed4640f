"""What the commands share: the application context, common options, progress display."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ozgtrack import wording

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from ozgtrack.config import Settings
    from ozgtrack.context import Context
    from ozgtrack.database import Database

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "show_default": True, "max_content_width": 100}


class App:
    """What every command shares: the global options, the settings and the database."""

    def __init__(self, db: str | None, config: str | None, verbose: int) -> None:
        self.db, self.config, self.verbose = db, config, verbose

    @cached_property
    def settings(self) -> Settings:
        from ozgtrack.config import load_settings

        return load_settings(db=self.db, config=self.config)

    @cached_property
    def database(self) -> Database:
        """The database of ``--db``; nothing is opened until its engine is asked for."""
        from ozgtrack.database import Database

        return Database(self.settings.db_url)

    def engine(self) -> Engine:
        """The database, migrated to the newest schema on first use."""
        return self.database.engine()

    def context(self, session: Session, ars: str | None, by: str | None) -> Context:
        """Who acts for which municipality: ``--ars`` > OZGTRACK_ARS > the town chosen with `municipality use`."""
        from ozgtrack.context import build_context

        return build_context(session, self.settings, ars=ars, by=by)



pass_app = click.make_pass_decorator(App)


def format_option(view: str) -> Callable[[Any], Any]:
    """``--format`` with the formats registered for ``view`` (ozgtrack.render.registry); the first is the default."""
    from ozgtrack.render.registry import FORMATS

    names = tuple(FORMATS[view])
    return click.option("--format", "fmt", type=click.Choice(names), default=names[0], help="Ausgabeformat.")


def output_option(function: Any) -> Any:
    """``-o/--output FILE``: write there instead of stdout."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        metavar="DATEI", help="In DATEI schreiben statt nach stdout.")(function)


def ars_option(function: Any) -> Any:
    """``--ars``: the municipality a tracking command acts for."""
    return click.option("--ars", metavar="ARS|NAME", help="Gemeinde, für die der Befehl gilt  [env: OZGTRACK_ARS; "
                        "Standard: die mit `ozgtrack municipality use` gewählte]")(function)


def by_option(function: Any) -> Any:
    """``--by``: who makes a change (recorded in the history)."""
    return click.option("--by", metavar="NAME", help="Wer die Änderung vornimmt  [env: OZGTRACK_USER; Standard: "
                        "der Anmeldename]")(function)


def echo_problems(problems: Any, shown: int = 20, label: str = "warning") -> None:
    """Row problems on stderr, the first ``shown`` of them; ``label`` is a log level ("warning", "error")."""
    prefix = wording.LOG_LEVEL.get(label, label)
    for problem in list(problems)[:shown]:
        click.echo(f"{prefix}: {problem}", err=True)
    if len(problems) > shown:
        click.echo(f"{prefix}: … und {wording.number(len(problems) - shown)} weitere", err=True)


def emit(text: str, output: Path | None = None) -> None:
    """Write command output to stdout or a file (UTF-8)."""
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(f"geschrieben: {output}", err=True)


def progress() -> Callable[[int, int | None], None] | None:
    """A progress display on stderr when it is a terminal (cron gets none)."""
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] < 0.2 and done != total:
            return
        last[0] = now
        share = f" {round(done / total * 100):3d} %" if total else ""
        end = "\n" if total and done >= total else ""
        click.echo(f"\r  {wording.number(done):>12}{share}" + end, err=True, nl=False)

    return show
