"""``ozgtrack triage``: decide which services are the town's own."""

from __future__ import annotations

import click

from ozgtrack.cli._common import (
    App, ars_option, by_option, cut, emit, format_option, limit_options, pass_app, row_limit, terminal_width,
)
from ozgtrack.values import Level


@click.group()
def triage() -> None:
    """Decide who executes each service for the town: gemeinde, landkreis, land, bund or unklar.

    Until the town decides, the level follows the Typisierung (rules in catalog/triage_rules.toml,
    or the town's own file set as [triage] rules in config.toml).

    \b
    Examples:
      ozgtrack triage list --undecided
      ozgtrack triage set 10124 --level gemeinde --reason "Meldebehörde ist die Stadt"
    """


@triage.command("set")
@click.argument("target", metavar="KEY|OZG-ID")
@click.option("--level", type=click.Choice([level.value for level in Level]), required=True,
              help="Who executes the service for the town.")
@click.option("--reason", required=True, help="Why: the law, the Zuständigkeitsfinder entry, the agreement …")
@by_option
@ars_option
@pass_app
def set_command(app: App, target: str, level: str, reason: str, by: str | None, ars: str | None) -> None:
    """Decide the level of a service, or of all services of an OZG-Leistung at once.

    \b
    Examples:
      ozgtrack triage set 99036008007000 --level landkreis --reason "Zulassungsbehörde ist der Landkreis Börde"
      ozgtrack triage set 10124 --level gemeinde --reason "Meldebehörde ist die Stadt"
    """
    from ozgtrack.db import write_session

    from ozgtrack.triage import decide, resolve_target

    with write_session(app.engine()) as session:
        context = app.context(session, ars, by)
        found = resolve_target(session, target)
        changed = decide(session, context, [i for i, _ in found.services], Level(level), reason)
        name = context.municipality.name
    scope = f"OZG-Leistung {found.ozg_id} ({len(found.services)} services)" if found.ozg_id else found.text
    click.echo(f"{name}: {scope} set to {level}; {len(changed)} changed.", err=True)


@triage.command("list")
@click.option("--level", "levels", type=click.Choice([level.value for level in Level] + ["info"]), multiple=True,
              help="Only these levels (repeatable); info = information only, out of scope.")
@click.option("--undecided", is_flag=True, help="Only services without a decision whose level is unklar.")
@click.option("--decided", is_flag=True, help="Only services the town has decided.")
@click.option("--ozg", "ozg_id", metavar="OZG-ID", help="Only the services of this OZG-Leistung.")
@format_option("triage list")
@limit_options
@ars_option
@pass_app
def list_command(app: App, levels: tuple[str, ...], undecided: bool, decided: bool, ozg_id: str | None, fmt: str,
                 limit: int | None, everything: bool, ars: str | None) -> None:
    """List services with their level, and whether a rule or a decision set it.

    \b
    Example:
      ozgtrack triage list --undecided --ozg 10124
    """
    from sqlalchemy.orm import Session

    from ozgtrack.render.registry import render
    from ozgtrack.triage import assignments, resolve_target

    with Session(app.engine()) as session:
        context = app.context(session, ars, None)
        ids = [i for i, _ in resolve_target(session, ozg_id).services] if ozg_id else None
        rows = assignments(session, context.municipality, context.rules, service_ids=ids)
    rows = [a for a in rows if (not levels or (a.level.value if a.level else "info") in levels)
            and (not undecided or (a.level is Level.UNKLAR and not a.decided)) and (not decided or a.decided)]
    emit(render("triage list", fmt, cut(rows, row_limit(limit, everything, fmt)), terminal_width()))
