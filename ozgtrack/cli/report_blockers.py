"""``ozgtrack report blockers``: why the town's own services are not online yet, by cause."""

from __future__ import annotations

from pathlib import Path

import click

from ozgtrack.cli._common import (
    App, ars_option, emit, format_option, output_option, pass_app, terminal_width, workbook_stand,
)
from ozgtrack.cli._unit import reading


@click.command("blockers")
@format_option("report blockers")
@output_option
@ars_option
@pass_app
def blockers(app: App, fmt: str, output: Path | None, ars: str | None) -> None:
    """Zeigen, warum eigene Leistungen noch nicht online sind.

    Die Lücken nach Grund: je Grund die Leistungen (erfasst mit `ozgtrack status set ZIEL --blocker
    CODE` oder abgeleitet aus dem Register der Onlinedienste: keine Online-Zahlung, kein
    Nachnutzungsvertrag) und die Maßnahmen des Plans, die ihn beseitigen (`plan measure add …
    --blocker CODE`) oder die Leistung nennen. Leistungen, die nach geltendem Recht persönliches
    Erscheinen oder Schriftform verlangen, stehen gesondert, mit der Rechtsgrundlage. Gezählt werden
    auch die Lücken ohne erfassten Grund. xlsx braucht -o.

    \b
    Beispiele:
      ozgtrack report blockers
      ozgtrack report blockers --format xlsx -o gruende.xlsx
    """
    from ozgtrack.render.registry import render
    from ozgtrack.report.blockers import blocker_report

    with reading(app, ars) as unit:
        found = blocker_report(unit.session, unit.context, app.settings.report)
        stand = workbook_stand(unit, app, fmt)
    emit(render("report blockers", fmt, found, terminal_width(output), stand=stand), output)
