"""``ozgtrack municipality``: import the ARS list, choose the town in use, find municipalities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import (
    App, cut, dry_run_option, echo_problems, emit, format_option, limit_options, note, pass_app, row_limit,
    terminal_width,
)
from ozgtrack.cli._unit import reading


@click.group()
def municipality() -> None:
    """Gemeinden (Amtlicher Regionalschlüssel) und die Gemeinde, für die ozgtrack arbeitet.

    \b
    Beispiele:
      ozgtrack municipality import ars_gemeinden.csv
      ozgtrack municipality use Wolmirstedt
    """


@municipality.command("import")
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@dry_run_option
@pass_app
def import_command(app: App, file: Path, dry_run: bool) -> None:
    """Das Gemeindeverzeichnis von Destatis einlesen (Excel-Datei oder CSV).

    Gelesen wird die Excel-Datei aus dem XRepository oder eine CSV-Datei. Erkannt wird am
    Inhalt: eine Arbeitsmappe (.xlsx) mit den Spalten SCHLUESSEL, Bezeichnung, Hinweis, wie
    Destatis sie im XRepository veröffentlicht, oder CSV mit ars, bezeichnung, hinweis, land,
    ags.

    Jeder ARS wird geprüft (12 Ziffern, AGS und Land müssen passen); Gemeinden werden über den
    ARS hinzugefügt oder umbenannt und nie gelöscht. Die ganze Datei oder nichts.

    \b
    Beispiel:
      ozgtrack municipality import Regionalschluessel_2024-10-31.xlsx
    """
    from ozgtrack import clock
    from ozgtrack.cli._unit import writing
    from ozgtrack.sources.files import read_local
    from ozgtrack.town.municipalities import import_list

    data = read_local(file, app.settings.http.max_bytes)
    with writing(app, dry_run=dry_run) as unit:
        summary = import_list(unit.session, data, str(file), clock.now())
    echo_problems(summary.problems)
    _tell_import(file, summary, dry_run)


def _tell_import(file: Path, summary: Any, dry_run: bool) -> None:
    from ozgtrack.cli._unit import DRY_RUN

    skipped = (f"; {wording.plural(len(summary.problems), 'ungültige Zeile', 'ungültige Zeilen')} übersprungen"
               if summary.problems else "")
    counts = ", ".join(f"{wording.number(n)} {what}" for n, what in (
        (summary.added, "neu"), (summary.updated, "geändert"), (summary.unchanged, "unverändert")))
    note(f"{file} würde eingelesen: {counts}{skipped} {DRY_RUN}." if dry_run else f"{file} eingelesen: {counts}{skipped}.")


@municipality.command("use")
@click.argument("ars_or_name", metavar="[ARS|NAME]", required=False)
@pass_app
def use_command(app: App, ars_or_name: str | None) -> None:
    """Die Gemeinde wählen, für die ozgtrack arbeitet; ohne Angabe die gewählte zeigen.

    Die Wahl wird in der Konfigurationsdatei gespeichert. Angeben lässt sich der ARS, der AGS oder ein
    eindeutiger Name oder Namensanfang (Umlaute egal: Boerde findet Börde).

    \b
    Beispiele:
      ozgtrack municipality use 150830565565
      ozgtrack municipality use Wolmirstedt
    """
    from ozgtrack.config import write_setting
    from ozgtrack.errors import ConfigError
    from ozgtrack.town.municipalities import resolve

    with reading(app) as unit:
        session = unit.session
        if ars_or_name is None:
            if not app.settings.municipality:
                raise ConfigError(f"noch keine Gemeinde gewählt; {wording.CHOOSE_MUNICIPALITY}")
            chosen = resolve(session, app.settings.municipality)
            click.echo(f"{chosen.ars}\t{chosen.name}")
            return
        chosen = resolve(session, ars_or_name)
    target = app.settings.config_target
    write_setting(target, "municipality", chosen.ars)
    note(f"Gewählt: {chosen.name} (ARS {chosen.ars}); gespeichert in {target}.")


@municipality.command("list")
@click.option("--search", metavar="TEXT", help="Nur Gemeinden, deren Name TEXT enthält oder deren ARS damit beginnt.")
@click.option("--land", metavar="NN", help="Nur dieses Land (zweistelliger Schlüssel, z. B. 15 für Sachsen-Anhalt).")
@format_option("municipality list")
@limit_options
@pass_app
def list_command(app: App, search: str | None, land: str | None, fmt: str, limit: int | None, everything: bool) -> None:
    """Die eingelesenen Gemeinden auflisten.

    \b
    Beispiel:
      ozgtrack municipality list --land 15 --search börde
    """
    from ozgtrack.render.registry import render
    from ozgtrack.town.municipalities import search as find

    with reading(app) as unit:
        session = unit.session
        found = find(session, search, land, None)
    emit(render("municipality list", fmt, cut(found, row_limit(limit, everything, fmt)), terminal_width()))
