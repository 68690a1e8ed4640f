"""``ozgtrack municipality``: import the ARS list, choose the town in use, find municipalities."""

from __future__ import annotations

from pathlib import Path

import click

from ozgtrack.cli._common import (
    App, cut, echo_problems, emit, format_option, limit_options, pass_app, row_limit, terminal_width,
)


@click.group()
def municipality() -> None:
    """Municipalities (Amtlicher Regionalschlüssel) and the town ozgtrack works for.

    \b
    Examples:
      ozgtrack municipality import ars_gemeinden.csv
      ozgtrack municipality use Wolmirstedt
    """


@municipality.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
def import_command(app: App, file: Path) -> None:
    """Das Gemeindeverzeichnis von Destatis einlesen: die Excel-Datei aus dem XRepository oder eine CSV-Datei.

    Erkannt wird am Inhalt: eine Arbeitsmappe (.xlsx) mit den Spalten SCHLUESSEL, Bezeichnung,
    Hinweis, wie Destatis sie im XRepository veröffentlicht, oder CSV mit ars, bezeichnung,
    hinweis, land, ags.

    Jeder ARS wird geprüft (12 Ziffern, AGS und Land müssen passen); Gemeinden werden über den
    ARS hinzugefügt oder umbenannt und nie gelöscht. Die ganze Datei oder nichts.

    \b
    Example:
      ozgtrack municipality import Regionalschluessel_2024-10-31.xlsx
    """
    from datetime import UTC, datetime

    from ozgtrack.db import write_session

    from ozgtrack.files import read_local
    from ozgtrack.municipalities import import_list

    data = read_local(file, app.settings.http.max_bytes)
    with write_session(app.engine()) as session:
        summary = import_list(session, data, str(file), datetime.now(UTC).replace(tzinfo=None))
    echo_problems(summary.problems)
    skipped = f"; {len(summary.problems)} invalid rows skipped" if summary.problems else ""
    click.echo(f"Imported {file}: {summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged"
               f"{skipped}.", err=True)


@municipality.command("use")
@click.argument("ars_or_name", required=False)
@pass_app
def use_command(app: App, ars_or_name: str | None) -> None:
    """Choose the town ozgtrack works for (saved in the configuration file); without argument, show it.

    \b
    Examples:
      ozgtrack municipality use 150830565565
      ozgtrack municipality use Wolmirstedt
    """
    from sqlalchemy.orm import Session

    from ozgtrack.config import write_setting
    from ozgtrack.errors import ConfigError
    from ozgtrack.municipalities import resolve

    with Session(app.engine()) as session:
        if ars_or_name is None:
            if not app.settings.municipality:
                raise ConfigError("no municipality chosen yet; run `ozgtrack municipality use ARS|NAME`")
            chosen = resolve(session, app.settings.municipality)
            click.echo(f"{chosen.ars}\t{chosen.name}")
            return
        chosen = resolve(session, ars_or_name)
    target = app.settings.config_target
    write_setting(target, "municipality", chosen.ars)
    click.echo(f"Using {chosen.name} (ARS {chosen.ars}); saved in {target}.", err=True)


@municipality.command("list")
@click.option("--search", metavar="TEXT", help="Name contains TEXT, or ARS starts with it.")
@click.option("--land", metavar="NN", help="Only this Land (two-digit key, e.g. 15 for Sachsen-Anhalt).")
@format_option("municipality list")
@limit_options
@pass_app
def list_command(app: App, search: str | None, land: str | None, fmt: str, limit: int | None, everything: bool) -> None:
    """List imported municipalities.

    \b
    Example:
      ozgtrack municipality list --land 15 --search börde
    """
    from sqlalchemy.orm import Session

    from ozgtrack.municipalities import search as find
    from ozgtrack.render.registry import render

    with Session(app.engine()) as session:
        found = find(session, search, land, None)
    emit(render("municipality list", fmt, cut(found, row_limit(limit, everything, fmt)), terminal_width()))
