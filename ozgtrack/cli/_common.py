"""What the commands share: the application context, common options, progress display."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Sized
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ozgtrack import wording

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from ozgtrack.settings import Settings
    from ozgtrack.store.database import Database
    from ozgtrack.town.context import Context

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "show_default": True, "max_content_width": 100}


class App:
    """What every command shares: the global options, the settings and the database."""

    def __init__(self, db: str | None, config: str | None, verbose: int, quiet: bool = False) -> None:
        self.db, self.config, self.verbose, self.quiet = db, config, verbose, quiet

    @cached_property
    def settings(self) -> Settings:
        from ozgtrack.config import load_settings

        return load_settings(db=self.db, config=self.config)

    @cached_property
    def database(self) -> Database:
        """The database of ``--db``; nothing is opened until its engine is asked for."""
        from ozgtrack.store.database import Database

        return Database(self.settings.db_url)

    def engine(self) -> Engine:
        """The database, migrated to the newest schema on first use."""
        return self.database.engine()

    def context(self, session: Session, ars: str | None, by: str | None) -> Context:
        """Who acts for which municipality: ``--ars`` > OZGTRACK_ARS > the town chosen with `municipality use`."""
        from ozgtrack.town.context import build_context

        return build_context(session, self.settings, ars=ars, by=by)



pass_app = click.make_pass_decorator(App)


class FormatOption(click.Option):
    """``--format`` whose help names the rule of ``-o`` where the command has it (one option for every command)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None or not any(p.name == "output" for p in ctx.command.params):
            return record
        choices = getattr(self.type, "choices", ())
        workbook = " (.xlsx: Excel-Arbeitsmappe)" if "xlsx" in choices else ""
        return record[0], record[1].replace("Ausgabeformat.", f"Ausgabeformat; ohne Angabe bestimmt es die Endung von "
                                                              f"-o DATEI{workbook}.")


def format_option(view: str) -> Callable[[Any], Any]:
    """``--format`` with the formats registered for ``view`` (ozgtrack.render.registry); with ``-o`` the file's ending
    decides when ``--format`` is not given, else the first format (see :func:`output_format`)."""
    from ozgtrack.render.registry import FORMATS

    names = tuple(FORMATS[view])

    def decide(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
        return value if ctx.resilient_parsing else output_format(names, ctx.params.get("output"), value)

    return click.option("--format", "fmt", cls=FormatOption, type=click.Choice(names), default=None, callback=decide,
                        help=f"Ausgabeformat.  [Standard: {names[0]}]")


def output_option(function: Any) -> Any:
    """``-o/--output FILE``: write there instead of stdout."""
    # eager: read before --format, whose default follows the file's ending
    return click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        metavar="DATEI", is_eager=True, help="In DATEI schreiben statt nach stdout.")(function)


def ars_option(function: Any) -> Any:
    """``--ars``: the municipality a tracking command acts for."""
    return click.option("--ars", metavar="ARS|NAME", help="Gemeinde, für die der Befehl gilt  [env: OZGTRACK_ARS; "
                        "Standard: die mit `ozgtrack municipality use` gewählte]")(function)


def deprecated(old: str, new: str) -> str:
    """The note on stderr when an old spelling is used: it works for one more release."""
    return f"Hinweis: {old} ist veraltet und entfällt mit der nächsten Version; bitte {new} verwenden."


_OLD_BY = "ozgtrack.by"  # where the hidden --by leaves its value for --user (ctx.meta)


def _old_by(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--by NAME`` on a writer: still taken for one release, as ``--user``, with a note."""
    if value is None or ctx.resilient_parsing:
        return
    note(deprecated("--by", "--user"))
    if ctx.params.get("by") is not None:
        raise click.UsageError("--user und --by schließen einander aus; bitte nur --user angeben", ctx)
    ctx.meta[_OLD_BY] = value
    if "by" in ctx.params:  # --user was read first: it found nothing, so --by fills in
        ctx.params["by"] = value


def _user(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    old = ctx.meta.get(_OLD_BY)
    if value is not None and old is not None:
        raise click.UsageError("--user und --by schließen einander aus; bitte nur --user angeben", ctx)
    return value if value is not None else old


def by_option(function: Any) -> Any:
    """``--user NAME``: who makes a change (recorded in the history), in the command's parameter ``by``.

    ``--by NAME`` is its old spelling on writers, hidden and taken with a note until the next release; ``--by``
    now means "grouped by" only (the reports).
    """
    function = click.option("--by", "old_by", metavar="NAME", hidden=True, expose_value=False,
                            callback=_old_by)(function)
    return click.option("--user", "by", metavar="NAME", callback=_user,
                        help="Wer die Änderung vornimmt (steht im Verlauf)  [env: OZGTRACK_USER; Standard: "
                        "der Anmeldename]")(function)


def dry_run_option(function: Any) -> Any:
    """``--dry-run``: show what would change, store nothing."""
    return click.option("--dry-run", is_flag=True, help="Nur zeigen, was sich ändern würde; nichts speichern.")(function)


def yes_option(function: Any) -> Any:
    """``--yes``: change more than one service or measure without a question (needed off a terminal)."""
    return click.option("--yes", is_flag=True, help="Ohne Rückfrage ändern, auch wenn es mehrere Leistungen "
                        "betrifft (nötig, wenn keine Konsole fragen kann).")(function)


class WholeNumber(click.IntRange):
    """click's IntRange for the digits 0-9 only: ``int()`` also takes "２", "٢" or "1_0"; a look-alike is named."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from ozgtrack.numbers import is_digits, lookalike_problem

        if isinstance(value, str) and not is_digits(value.strip().removeprefix("-").removeprefix("+")):
            self.fail(lookalike_problem(repr(value), value) or f"{value!r} ist keine ganze Zahl", param, ctx)
        return super().convert(value, param, ctx)


def expect_version_option(what: str, command: str) -> Any:
    """``--expect-version N``: change only if the record is still at version N (the optimistic check)."""
    return click.option("--expect-version", type=WholeNumber(0), metavar="N",
                        help=f"Nur ändern, wenn {what} noch die Version N hat (`ozgtrack {command}` zeigt "
                        "sie); hat sie inzwischen jemand geändert, wird nichts gespeichert. Für Skripte, die "
                        "erst lesen und dann schreiben.")


def renamed_flag(new: str, dest: str, old: str, help: str) -> Callable[[Any], Any]:
    """The flag ``new`` (in the parameter ``dest``) and its old spelling ``old``: hidden, taken with a note until the
    next release."""
    key = f"ozgtrack.old.{dest}"

    def take_old(ctx: click.Context, param: click.Parameter, value: bool) -> None:
        if not value or ctx.resilient_parsing:
            return
        note(deprecated(old, new))
        ctx.meta[key] = True
        if dest in ctx.params:  # the new flag was read first
            ctx.params[dest] = True

    def decorate(function: Any) -> Any:
        function = click.option(old, f"old_{dest}", is_flag=True, hidden=True, expose_value=False,
                                callback=take_old)(function)
        return click.option(new, dest, is_flag=True, help=help,
                            callback=lambda ctx, param, value: value or ctx.meta.get(key, False))(function)

    return decorate


DEFAULT_LIMIT = 50  # rows of a table (for people); the other formats list everything unless --limit


def limit_options(function: Any) -> Any:
    """``--limit N`` and ``--all`` for long lists."""
    function = click.option("--all", "everything", is_flag=True,
                            help="Alle Zeilen zeigen, ohne Begrenzung.")(function)
    return click.option("--limit", type=WholeNumber(1), metavar="N",
                        help=f"Höchstens N Zeilen zeigen  [Standard: {DEFAULT_LIMIT} in der Tabelle, in den anderen "
                        "Formaten alle]")(function)


def row_limit(limit: int | None, everything: bool, fmt: str, output: Path | None = None) -> int | None:
    """How many rows to list: ``--limit``, none with ``--all``, else :data:`DEFAULT_LIMIT` for a table on screen.

    A file (``-o``) gets every row unless ``--limit`` says otherwise: "… und 317 weitere" is for a terminal only.
    """
    from ozgtrack.render.registry import TERMINAL

    if everything and limit is not None:
        raise click.UsageError("--limit und --all schließen einander aus")
    if everything:
        return None
    return limit if limit is not None or fmt not in TERMINAL or output is not None else DEFAULT_LIMIT


def cut(rows: list[Any], limit: int | None) -> list[Any]:
    """The first ``limit`` rows; what is left out is said on stderr."""
    if limit is None or len(rows) <= limit:
        return rows
    echo_more(len(rows) - limit)
    return rows[:limit]


def echo_more(count: int) -> None:
    """``… und 1.234 weitere (--limit erhöhen oder --all)`` on stderr, when rows were left out."""
    from ozgtrack.render.german import number

    if count:
        note(f"… und {number(count)} weitere (--limit erhöhen oder --all)")


def terminal_width(output: Path | None = None) -> int | None:
    """The columns a table may use: COLUMNS if set, else the terminal's width when stdout is one, else no limit.

    A table written to a file (``-o``) or a pipe is not wrapped: one line per row, for grep and friends.
    """
    if output is not None:
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isascii() and columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def note(message: str = "", *, nl: bool = True) -> None:
    """A message for people on stderr (a summary, a hint, a warning); ``-q`` silences it (cron mails any output).

    Errors never come this way: they end the command and are always shown.
    """
    context = click.get_current_context(silent=True)
    app = context.find_object(App) if context else None
    if app is None or not app.quiet:
        click.echo(message, err=True, nl=nl)


def say_if_nothing(found: Sized, nothing: str, **filters: Any) -> None:
    """When the given filters left nothing, say so on stderr and name them (the table alone reads "(keine)").

    ``nothing`` starts the sentence ("keine Leistung"); ``filters`` are the options by name, unset ones
    (None, False, empty) left out: ``say_if_nothing([], "keine Idee", ortschaft="Mose")``.
    """
    given = [f"--{name.replace('_', '-')}" if value is True else f"--{name.replace('_', '-')} „{_listed(value)}“"
             for name, value in filters.items() if value not in (None, False, "", ())]
    if not found and given:
        named = given[0] if len(given) == 1 else f"{', '.join(given[:-1])} und {given[-1]}"
        note(f"Hinweis: {nothing} passt zu {named}.")


def _listed(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value)


def echo_problems(problems: Any, shown: int = 20, label: str = "warning") -> None:
    """Row problems on stderr, the first ``shown`` of them; ``label`` is a log level ("warning", "error")."""
    prefix = wording.LOG_LEVEL.get(label, label)
    say = (lambda text: click.echo(text, err=True)) if label == "error" else note  # -q keeps errors only
    for problem in list(problems)[:shown]:
        say(f"{prefix}: {problem}")
    if len(problems) > shown:
        say(f"{prefix}: … und {wording.number(len(problems) - shown)} weitere")


def refuse_rows(file: Any, problems: Any) -> None:
    """Name every bad row of a file (the first 50) and stop: one bad row and nothing is saved."""
    from ozgtrack.errors import InputError

    echo_problems(problems, shown=50, label="error")
    raise InputError(f"{file}: {wording.plural(len(problems), 'Zeile ist', 'Zeilen sind')} fehlerhaft; "
                     f"{wording.NOTHING_CHANGED}")


def emit(text: str | bytes, output: Path | None = None) -> None:
    """Write command output to stdout or a file (text as UTF-8; bytes, a workbook, as they are)."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            click.echo(text, nl=False)
    else:
        if isinstance(text, bytes):
            output.write_bytes(text)
        else:
            output.write_text(text, encoding="utf-8", newline="")
        note(f"geschrieben: {output}")


def workbook_stand(unit: Any, app: App, fmt: str) -> Any:
    """The Stand a workbook names (town, day, catalogue, targets), read in the command's unit; None for other formats."""
    from ozgtrack.render.registry import WORKBOOKS

    if fmt not in WORKBOOKS:
        return None
    from ozgtrack.report.stand import stand

    return stand(unit.session, unit.context, app.settings)


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
        note(f"\r  {wording.number(done):>12}{share}" + end, nl=False)

    return show


def sheet_format_option(function: Any) -> Any:
    """``--format csv|xlsx`` of a worksheet export; with ``-o`` the file name decides (see :func:`sheet_format`)."""
    return click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default=None,
                        help="Format, wenn kein Dateiname es vorgibt (-o blatt.xlsx: Excel-Arbeitsmappe, "
                             "-o blatt.csv: CSV)  [Standard: csv]")(function)


def sheet_format(output: Path | None, fmt: str | None) -> str:
    """The format of a worksheet (csv or xlsx) by the rule of :func:`output_format`."""
    return output_format(SHEET_FORMATS, output, fmt)


SHEET_FORMATS = ("csv", "xlsx")
# The formats a file's ending stands for; a --format that is not among them contradicts the name.
ENDINGS = {".xlsx": ("xlsx",), ".csv": ("csv", "excel"), ".json": ("json",), ".md": ("markdown",),
           ".html": ("html",), ".htm": ("html",), ".txt": ("table", "text")}


def output_format(offered: tuple[str, ...], output: Path | None, fmt: str | None) -> str:
    """The one rule for every command that writes a file: ``--format`` if given, else what the ending of ``-o`` stands
    for (.xlsx, .csv, .json, .md, .html, .txt), else the first of ``offered``.

    A ``--format`` the name contradicts (``-o x.xlsx --format csv``) and an ending the command cannot write are
    usage errors naming both; so is a workbook for a terminal.
    """
    suffix = output.suffix.lower() if output is not None else ""
    if suffix == ".xls":
        raise click.UsageError(f"{output}: das alte Excel-Format .xls wird nicht geschrieben; bitte einen "
                               "Dateinamen auf .xlsx angeben")
    named = [name for name in ENDINGS.get(suffix, ()) if name in offered]
    if output is not None and suffix in ENDINGS and (fmt and fmt not in ENDINGS[suffix] or not fmt and not named):
        given = f"--format {fmt}" if fmt else f"das Format {offered[0]}"
        raise click.UsageError(f"{given} passt nicht zum Dateinamen {output.name} (Endung {suffix}); bitte "
                               f"Format und Endung passend wählen (Formate hier: {', '.join(offered)})")
    chosen = fmt or (named[0] if named else offered[0])
    if chosen == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError("eine Excel-Arbeitsmappe lässt sich nicht im Terminal anzeigen; bitte mit "
                               "-o DATEI.xlsx in eine Datei schreiben")
    return chosen
