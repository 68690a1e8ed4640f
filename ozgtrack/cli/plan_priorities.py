"""``ozgtrack plan cases`` and ``plan priorities``: case numbers per year, and the open gaps ranked by a score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ozgtrack import wording
from ozgtrack.cli._common import (
    App, ars_option, cut, emit, format_option, limit_options, note as tell, output_option, pass_app, refuse_rows,
    row_limit, terminal_width, workbook_stand,
)
from ozgtrack.cli._unit import reading


@click.group()
def cases() -> None:
    """Fallzahlen je Leistung und Jahr einlesen (für `plan priorities`).

    \b
    Beispiel:
      ozgtrack plan cases import fallzahlen-2025.xlsx --dry-run
    """


@cases.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Prüfen und zeigen, nichts speichern.")
@ars_option
@pass_app
def cases_import(app: App, file: Path, dry_run: bool, ars: str | None) -> None:
    """Fallzahlen einlesen (CSV, wie Excel sie speichert, oder Excel-Arbeitsmappe).

    Die Spalten werden am Namen erkannt: LeiKa-Schlüssel oder Schlüssel, Jahr, Fallzahl oder
    Anzahl. Jede Zeile wird geprüft; ist eine fehlerhaft, wird nichts gespeichert. Je Leistung
    und Jahr gilt ein Wert: eine neue Liste für dasselbe Jahr ersetzt die alten Werte.

    \b
    Beispiel:
      ozgtrack plan cases import fallzahlen-2025.csv --dry-run
    """
    from ozgtrack.cli._unit import writing
    from ozgtrack.plan.cases import import_cases, read_cases, service_ids
    from ozgtrack.sources.files import read_local

    data = read_local(file, app.settings.http.max_bytes)
    with writing(app, ars, None, dry_run=dry_run) as unit:
        session, context = unit.session, unit.context
        rows, problems = read_cases(data, file.name, service_ids(session))
        if problems:
            refuse_rows(file, problems)
        result = import_cases(session, context, rows)
    total = result.added + result.changed + result.unchanged
    tell(f"{file}: {wording.plural(total, 'Fallzahl', 'Fallzahlen')} gelesen: {result.added} neu, "
         f"{result.changed} geändert, {result.unchanged} unverändert"
         f"{' (Probelauf, nichts gespeichert)' if dry_run else ''}.")


@click.command()
@format_option("plan priorities")
@output_option
@limit_options
@ars_option
@pass_app
def priorities(app: App, fmt: str, output: Path | None, limit: int | None, everything: bool, ars: str | None) -> None:
    """Die offenen Lücken der Gemeinde nach Priorität ordnen; jede Zeile zeigt, wie ihre Punkte zustande kommen.

    Offene Lücken sind eigene Leistungen, die nicht online sind. Jede bekommt fünf Teile, je ein
    Wert von 0 bis 1, mal ihrem Gewicht aus config.toml ([plan] weights):

    \b
      Fallzahl     Fallzahl des neuesten Jahres / höchste Fallzahl unter den Lücken
      Stimmen      Stimmen der Ideen, die mit Maßnahmen für die Leistung verknüpft sind
                   (über LeiKa-Schlüssel oder OZG-ID) / höchste Stimmenzahl unter den Lücken
      Pflicht      1, wenn eine Pflicht aus catalog/obligations.toml gilt (EU-SDG Anhang II, OZG 2.0)
      Nachnutzung  1, wenn der PVOG-Nachweis einen Online-Dienst nennt (EfA- oder Landeslösung)
      Aufwand      Kosten der günstigsten Maßnahme für die Leistung, sonst [plan] default_cost,
                   / höchste Kosten unter den Lücken; wird abgezogen

    \b
    Punkte = 3·Fallzahl + 2·Stimmen + 3·Pflicht + 2·Nachnutzung − 1·Aufwand (Standardgewichte).
    Bei gleichen Punkten entscheidet der LeiKa-Schlüssel.

    \b
    Beispiel:
      ozgtrack plan priorities -o prioritaeten.xlsx
    """
    from ozgtrack.render.registry import render

    ranked, stand = _ranked(app, ars, fmt)
    ranked = cut(ranked, row_limit(limit, everything, fmt, output))
    emit(render("plan priorities", fmt, ranked, terminal_width(output), stand), output)


def _ranked(app: App, ars: str | None, fmt: str) -> tuple[list[Any], Any]:
    """The open gaps ranked, and the Stand a workbook names."""
    from ozgtrack.plan.priorities import candidates, rank

    with reading(app, ars) as unit:
        found = candidates(unit.session, unit.context, app.settings)
        stand = workbook_stand(unit, app, fmt)
    return rank(found, app.settings.plan.weights, app.settings.plan.default_cost), stand
