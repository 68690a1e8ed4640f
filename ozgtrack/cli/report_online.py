"""``ozgtrack report online``: the page for citizens with the town's online services."""

from __future__ import annotations

from pathlib import Path

import click

from ozgtrack.cli._common import App, ars_option, emit, format_option, output_option, pass_app
from ozgtrack.cli._unit import reading


@click.command("online")
@format_option("report online")
@output_option
@ars_option
@pass_app
def online(app: App, fmt: str, output: Path | None, ars: str | None) -> None:
    """Die Seite für Bürgerinnen und Bürger mit den Onlinediensten schreiben.

    Die aktiven Onlinedienste der Kommune nach Lebensbereichen, je mit Link, Anbieter und dem,
    was man braucht (Nutzerkonto, Bezahlung), in einfachem Deutsch. html ist eine in sich
    geschlossene, barrierearme Seite, die auf A4 druckt; json und csv sind für das
    Redaktionssystem der Internetseite. Links werden nur aus http- und https-Adressen.

    \b
    Beispiele:
      ozgtrack report online --format html -o onlinedienste.html
      ozgtrack report online --format json -o onlinedienste.json
    """
    from ozgtrack.analysis.citizens import citizens_page
    from ozgtrack.catalogue.lebensbereiche import load
    from ozgtrack.render.registry import render
    from ozgtrack.views.what_counts import Targets

    with reading(app, ars) as unit:
        page = citizens_page(unit.session, unit.context, load(app.settings.report.lebensbereiche),
                             Targets.of_settings(app.settings.report))
    emit(render("report online", fmt, page), output)
