"""``ozgtrack demo``: build a demo database from the bundled catalogue and show what ozgtrack reports."""

from __future__ import annotations

from pathlib import Path

import click

from ozgtrack.cli._common import App, emit, pass_app


@click.command()
@click.option("--path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to create the demo database  [default: demo.sqlite in the user data directory]")
@pass_app
def demo(app: App, path: Path | None) -> None:
    """Build a demo database from the bundled catalogue and demo town (no network) and print the report.

    The demo never touches your own database or configuration: it recreates its own file each time.

    \b
    Example:
      ozgtrack demo
    """
    from collections import Counter

    from sqlalchemy.orm import Session

    from ozgtrack import demo as demo_lib
    from ozgtrack.cli.catalog import sync_summary
    from ozgtrack.render.common import table
    from ozgtrack.render.tracking import statuses_table
    from ozgtrack.tracking import views
    from ozgtrack.triage import assignments

    built = demo_lib.build(app.settings, path or demo_lib.default_path(app.settings))
    for outcome in built.syncs:
        click.echo(sync_summary(outcome), err=True)
    with Session(built.engine) as session:
        context = app.context(session, built.ars, demo_lib.DEMO_USER)
        levels = Counter(a.level.value if a.level else "info" for a in
                         assignments(session, context.municipality, context.rules))
        own = views(session, context)
        town = context.municipality.name
    emit(f"Demo town {town}: who executes the {sum(levels.values())} catalogue services\n\n"
         + table([[level, count] for level, count in levels.most_common()], ["level", "services"]))
    emit(f"\nStatus of the town's own services\n\n{statuses_table(own)}")
    click.echo(f"\nDemo database: {built.path}\nTry: ozgtrack --db {built.path} status list --ars {built.ars}",
               err=True)
