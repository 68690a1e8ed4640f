"""``ozgtrack plan build``, ``adopt``, ``versions`` and ``version show``: the staged plan, drafted and adopted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import click

from ozgtrack import wording
from ozgtrack.cli._unit import reading
from ozgtrack.cli._common import (
    App, WholeNumber, ars_option, by_option, dry_run_option, emit, format_option, pass_app, terminal_width,
)
from ozgtrack.cli._common import note as tell


@click.command("build")
@click.option("--years", required=True, metavar="VON-BIS", help="Die Jahre des Plans, z. B. 2027-2030.")
@click.option("--capacity", type=WholeNumber(1, 10_000), metavar="N",
              help="Gewichtseinheiten je Jahr (eine Maßnahme mit Gewicht 1 ist eine Einheit)  "
              "[Standard: [plan] capacity, sonst 5]")
@click.option("--name", metavar="NAME", help="Name der Planversion  [Standard: „Entwurf VON-BIS“]")
@click.option("--dry-run", is_flag=True, help="Die Stufen zeigen, nichts speichern.")
@format_option("plan build")
@by_option
@ars_option
@pass_app
def build(app: App, years: str, capacity: int | None, name: str | None, dry_run: bool, fmt: str, by: str | None,
          ars: str | None) -> None:
    """Einen Stufenplan vorschlagen und als Entwurf speichern: welche offene Maßnahme in welches Jahr kommt.

    Offen sind Maßnahmen, die weder umgesetzt noch verworfen sind. Maßnahmen mit eigenem Termin
    behalten ihr Jahr (Ende, sonst Beginn). Die übrigen kommen nach Priorität: zuerst die mit
    den meisten Punkten der Lücken, die sie schließen (`plan priorities`), dann die günstigeren,
    zurückgestellte zuletzt; jede in das erste Jahr, in dem ihr Gewicht noch Platz hat. Was nicht
    passt, steht unter „später“. Ein Entwurf gleichen Namens wird ersetzt, ein beschlossener Plan
    nie.

    \b
    Beispiel:
      ozgtrack plan build --years 2027-2030 --capacity 6 --dry-run
    """
    from ozgtrack.cli._unit import writing
    from ozgtrack.plan.stages import open_measures, ranked, stage
    from ozgtrack.plan.versions import default_name, store, version_view, years as parse_years
    from ozgtrack.render.registry import render

    span = parse_years(years)
    units = capacity or app.settings.plan.capacity
    with writing(app, ars, by, dry_run=dry_run) as unit:
        session, context = unit.session, unit.context
        measures = open_measures(session, context)
        stages = stage(ranked(session, context, app.settings, measures), span, units, app.settings.plan.default_cost)
        version = store(session, context, name or default_name(span), span, units, stages)
        view = version_view(session, version)
    emit(render("plan build", fmt, replace(view, dry_run=dry_run), terminal_width()))
    _tell_build(view, dry_run)


def _tell_build(view: Any, dry_run: bool) -> None:
    from ozgtrack.render.plan_stages import overloaded

    for year in overloaded(view):
        tell(f"{wording.WARNING}: {year} ist mit {view.load(year)} von {view.capacity} Gewichtseinheiten überplant "
             "(Maßnahmen mit eigenem Termin).")
    planned = sum(s.year is not None for s in view.stages)
    tell(f"Planversion „{view.name}“: {wording.plural(planned, 'Maßnahme', 'Maßnahmen')} eingeplant, "
         f"{sum(s.year is None for s in view.stages)} später"
         f"{' (Probelauf, nichts gespeichert)' if dry_run else ' (Entwurf gespeichert)'}.")


@click.command("adopt")
@click.argument("name")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), metavar="JJJJ-MM-TT",
              help="Tag des Beschlusses  [Standard: heute]")
@click.option("--text", metavar="TEXT", help="Der Beschluss, z. B. „Beschluss des Stadtrats vom 12.03.2027“  "
              "[Standard: „Beschluss des Stadtrats vom TT.MM.JJJJ“]")
@click.option("--as", "new_name", metavar="NAME",
              help="Der Name, unter dem der Rat den Plan beschließt, z. B. „Stufenplan 2027–2030“  "
              "[Standard: der Name des Entwurfs]")
@dry_run_option
@by_option
@ars_option
@pass_app
def adopt(app: App, name: str, on: date | None, text: str | None, new_name: str | None, dry_run: bool,
          by: str | None, ars: str | None) -> None:
    """Einen Entwurf als beschlossen festschreiben; danach ändert er sich nicht mehr.

    Maßnahmen, die der Plan einem Jahr zuordnet und die noch „vorgeschlagen“ sind, werden
    „beschlossen“ (mit Eintrag im Verlauf); was unter „später“ steht, bleibt, wie es ist. Jede Maßnahme des Plans wird mit Stand, Fortschritt, Gewicht und Kosten in diesem
    Moment festgehalten; spätere Berichte (`report progress`) vergleichen damit. Ein Beschluss
    nach dem heutigen Tag wird abgelehnt.

    \b
    Beispiel:
      ozgtrack plan adopt "Entwurf 2027-2030" --as "Stufenplan 2027–2030" --date 2026-12-03
    """
    from ozgtrack.cli._unit import DRY_RUN, writing
    from ozgtrack.plan.versions import adopt as adopt_version

    with writing(app, ars, by, dry_run=dry_run) as unit:
        version, moved = adopt_version(unit.session, unit.context, name, on.date() if on else None, text, new_name)
        title, adopted = version.name, version.adopted_text
    renamed = f" als „{title}“" if title != " ".join(name.split()) else ""
    states = (f"; {wording.plural(len(moved), 'Maßnahme', 'Maßnahmen')} von „vorgeschlagen“ auf „beschlossen“ "
              f"({', '.join(moved)})") if moved else ""
    shown = f"„{' '.join(name.split())}“{renamed}"
    tell(f"Planversion {shown} würde beschlossen: {adopted}{states} {DRY_RUN}." if dry_run
         else f"Planversion {shown} beschlossen: {adopted}{states}.")


@click.command("versions")
@format_option("plan versions")
@ars_option
@pass_app
def versions(app: App, fmt: str, ars: str | None) -> None:
    """Die Planversionen zeigen: Entwürfe und beschlossene Pläne.

    \b
    Beispiel:
      ozgtrack plan versions
    """
    from ozgtrack.plan.versions import all_views
    from ozgtrack.render.registry import render

    with reading(app) as unit:
        session = unit.session
        found = all_views(session, app.context(session, ars, None))
    emit(render("plan versions", fmt, found, terminal_width()))


@click.group("version")
def version() -> None:
    """Eine Planversion zeigen oder umbenennen.

    \b
    Beispiele:
      ozgtrack plan version show "Entwurf 2027-2030"
      ozgtrack plan version rename "Entwurf 2027-2030" "Stufenplan 2027–2030"
    """


@version.command("rename")
@click.argument("name")
@click.argument("new_name", metavar="NEUER_NAME")
@dry_run_option
@by_option
@ars_option
@pass_app
def version_rename(app: App, name: str, new_name: str, dry_run: bool, by: str | None, ars: str | None) -> None:
    """Eine Planversion umbenennen, z. B. einen Beschluss in den Namen, den der Rat verwendet.

    Nur der Name ändert sich (mit Eintrag im Verlauf); Stufen und Beschluss bleiben, wie sie sind.

    \b
    Beispiel:
      ozgtrack plan version rename "Entwurf 2027-2030" "Stufenplan 2027–2030"
    """
    from ozgtrack.cli._unit import DRY_RUN, writing
    from ozgtrack.plan.versions import rename_version

    with writing(app, ars, by, dry_run=dry_run) as unit:
        title = rename_version(unit.session, unit.context, name, new_name).name
    shown = " ".join(name.split())
    if title == shown:
        tell(f"Planversion „{shown}“: nichts geändert.")
    else:
        tell(f"Planversion „{shown}“ würde umbenannt in „{title}“ {DRY_RUN}." if dry_run
             else f"Planversion „{shown}“ umbenannt in „{title}“.")


@version.command("show")
@click.argument("name")
@format_option("plan version show")
@ars_option
@pass_app
def version_show(app: App, name: str, fmt: str, ars: str | None) -> None:
    """Eine Planversion mit ihren Stufen und ihrem Verlauf zeigen.

    \b
    Beispiel:
      ozgtrack plan version show "Entwurf 2027-2030" --format markdown
    """
    from ozgtrack.plan.versions import find_view
    from ozgtrack.render.registry import render

    with reading(app) as unit:
        session = unit.session
        found = find_view(session, app.context(session, ars, None), name)
    emit(render("plan version show", fmt, found, terminal_width()))
