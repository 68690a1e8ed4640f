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
    """Build a demo database from the bundled catalogue (no network) and print the main report.

    The demo never touches your own database: it recreates its own file each time.

    \b
    Example:
      ozgtrack demo
    """
    from sqlalchemy.orm import Session

    from ozgtrack import demo as demo_lib
    from ozgtrack.browse import overview, releases
    from ozgtrack.cli.catalog import sync_summary
    from ozgtrack.render.catalog import overview_table, releases_table

    built = demo_lib.build(app.settings, path or demo_lib.default_path(app.settings))
    for outcome in built.syncs:
        click.echo(sync_summary(outcome), err=True)
    with Session(built.engine) as session:
        emit("Catalogue releases\n\n" + releases_table(releases(session)))
        emit("\nOZG-Leistungen and LeiKa services per Themenfeld\n\n" + overview_table(overview(session)))
    click.echo(f"\nDemo database: {built.path}\nTry: ozgtrack --db {built.path} catalog search hund", err=True)
