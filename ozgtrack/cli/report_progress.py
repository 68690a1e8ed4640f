"""``ozgtrack report progress``: the yearly progress report for the council against the adopted plan."""

from __future__ import annotations

from pathlib import Path

import click

from ozgtrack.cli._unit import reading
from ozgtrack.cli._common import App, WholeNumber, ars_option, emit, format_option, note, output_option, pass_app


@click.command("progress")
@click.option("--year", type=WholeNumber(2000, 2100), required=True, metavar="JAHR",
              help="Das Berichtsjahr, z. B. 2027.")
@click.option("--version", "version_name", metavar="NAME",
              help="Die beschlossene Planversion  [Standard: die neueste beschlossene, die das Jahr umfasst]")
@format_option("report progress")
@output_option
@ars_option
@pass_app
def progress(app: App, year: int, version_name: str | None, fmt: str, output: Path | None, ars: str | None) -> None:
    """Den Fortschrittsbericht eines Jahres für den Stadtrat schreiben.

    Was der beschlossene Plan für das Jahr vorsah und was aus jeder Maßnahme wurde (am
    Jahresende, für das laufende Jahr heute), was verspätet, verschoben oder verworfen ist,
    welche Maßnahmen neu sind, und der gemessene Anteil online gegenüber den Zielen
    ([plan] targets).

    \b
    Beispiel:
      ozgtrack report progress --year 2027 --format html -o fortschrittsbericht-2027.html
    """
    from ozgtrack.plan.progress import progress_report
    from ozgtrack.render.hints import progress_hints
    from ozgtrack.render.registry import render

    with reading(app, ars) as unit:
        session, context = unit.session, unit.context
        found = progress_report(session, context, app.settings, year, version_name)
    emit(render("report progress", fmt, found), output)
    for hint in progress_hints(found):  # for the officer, not for the council's report
        note(f"Hinweis: {hint}.")
