"""The ``ozgtrack`` command line: click commands that parse options, call the library and render.

Only click is imported at start-up; SQLAlchemy, requests and the rest load inside the commands
that need them, so ``ozgtrack --help`` stays fast.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

import click

from ozgtrack import __version__, wording
from ozgtrack.cli import _click_de
from ozgtrack.cli._common import App, CONTEXT_SETTINGS
from ozgtrack.errors import OzgtrackError

_click_de.install()

# Command groups load when used: a command imports only its own module.
COMMANDS = {
    "catalog": "ozgtrack.cli.catalog:catalog",
    "municipality": "ozgtrack.cli.municipality:municipality",
    "triage": "ozgtrack.cli.triage:triage",
    "status": "ozgtrack.cli.status:status",
    "online": "ozgtrack.cli.online:online",
    "report": "ozgtrack.cli.report:report",
    "pvog": "ozgtrack.cli.pvog:pvog",
    "plan": "ozgtrack.cli.plan:plan",
    "town": "ozgtrack.cli.town:town",
    "opendata": "ozgtrack.cli.export_opendata:opendata_group",
    "demo": "ozgtrack.cli.demo:demo",
    "completion": "ozgtrack.cli.completion:completion",
    # the verb-first spellings of before, hidden, until the next release (ozgtrack.cli.export)
    "export": "ozgtrack.cli.export:export",
    "import": "ozgtrack.cli.import_:import_",
}


class OzgtrackGroup(click.Group):
    """Loads its commands lazily, and turns OzgtrackError (and database failures) into a message and exit code 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OzgtrackError as exc:
            _fail(ctx, str(exc), exc.exit_code)
        except Exception as exc:
            if not type(exc).__module__.startswith(("sqlalchemy", "sqlite3")):
                raise
            from ozgtrack.store.db import BUSY_MESSAGE, is_busy

            _fail(ctx, BUSY_MESSAGE if is_busy(exc) else f"Datenbankfehler: {getattr(exc, 'orig', None) or exc}", 1)


def _fail(ctx: click.Context, message: str, code: int) -> None:
    app = ctx.find_object(App)
    if app is not None and app.verbose:
        traceback.print_exc(file=sys.stderr)
    click.echo(f"{wording.ERROR}: {message}", err=True)
    ctx.exit(code)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{wording.LOG_LEVEL.get(record.levelname.lower(), record.levelname)}: {record.getMessage()}"


def _configure_logging(verbose: int, quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("ozgtrack")
    root.handlers[:] = [handler]
    root.propagate = False
    root.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)


@click.group(cls=OzgtrackGroup, context_settings=CONTEXT_SETTINGS)
@click.option("--db", metavar="PFAD|URL", help="Datenbankdatei oder SQLAlchemy-URL  [env: OZGTRACK_DB; Standard: "
              "ozgtrack.sqlite im Datenverzeichnis des Benutzers]")
@click.option("--config", metavar="DATEI", help="Konfigurationsdatei  [env: OZGTRACK_CONFIG; Standard: "
              "config.toml im Konfigurationsverzeichnis des Benutzers]")
@click.option("-v", "--verbose", count=True, show_default=False,
              help="Mehr Meldungen; -v zeigt auch den Traceback eines Fehlers, -vv Debug-Ausgaben.")
@click.option("-q", "--quiet", is_flag=True, help="Auf stderr nur Fehler.")
@click.version_option(__version__, "-V", "--version", prog_name="ozgtrack", message="%(prog)s, Version %(version)s",
                      help="Die Version zeigen und beenden.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None, verbose: int, quiet: bool) -> None:
    """Verfolgt, wie weit die Verwaltungsleistungen einer Gemeinde online sind (OZG, LeiKa).

    Daten gehen nach stdout, Meldungen nach stderr. Exit-Codes: 0 Erfolg, 1 Fehler, 2 falscher Aufruf,
    3 Lücken bestehen (report gaps --fail-on-gaps), 4 Bericht-E-Mails warten ungesendet im Postausgang.

    \b
    Beispiel:
      ozgtrack catalog sync --from leika_leistungen_de.csv.zip
    """
    _configure_logging(verbose, quiet)
    ctx.obj = App(db, config, verbose, quiet)


def main() -> None:
    """Entry point of the ``ozgtrack`` console script."""
    cli(prog_name="ozgtrack")

