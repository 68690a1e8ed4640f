"""``ozgtrack demo``: build a demo database from the bundled catalogue and show what ozgtrack reports."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

import click

from ozgtrack.cli._common import App, emit, note, pass_app, terminal_width


@click.command()
@click.option("--path", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="DATEI",
              help="Wo die Demo-Datenbank angelegt wird  [Standard: demo.sqlite im Datenverzeichnis des Benutzers]")
@pass_app
def demo(app: App, path: Path | None) -> None:
    """Legt eine Demo-Datenbank an (ohne Netz) und zeigt deren Lückenbericht.

    Katalog und Demo-Gemeinde sind mitgeliefert. Die Demo berührt nie Ihre eigene Datenbank oder
    Konfiguration: Sie legt ihre eigene Datei jedes Mal neu an.

    \b
    Beispiel:
      ozgtrack demo
    """
    from ozgtrack.catalogue.sync import summary
    from ozgtrack.render.gaps import render_table
    from ozgtrack.report.assemble import build
    from ozgtrack.store.db import read_session
    from ozgtrack.town import demo as demo_lib

    built = demo_lib.build(app.settings, path or demo_lib.default_path(app.settings))
    for outcome in built.syncs:
        note(summary(outcome))
    with read_session(built.engine) as session:
        context = app.context(session, built.ars, demo_lib.DEMO_USER)
        report = build(session, context, app.settings.report)
    emit(render_table(report, terminal_width()))
    path = shlex.quote(str(built.path))
    note(f"\nDemo-Datenbank: {built.path}\nZum Ausprobieren: {started_as()} --db {path} report chapter "
               f"--ars {built.ars}")


def started_as() -> str:
    """How to start ozgtrack again, as this run was started: ``ozgtrack`` only where the PATH finds this program.

    The README installs into a virtual environment and runs ``.venv/bin/ozgtrack demo``: a bare ``ozgtrack``
    would not be found there, so the hint names the program by its absolute path.
    """
    program = sys.argv[0]
    if Path(program).name == "__main__.py":  # python -m ozgtrack
        return f"{shlex.quote(sys.executable)} -m ozgtrack"
    found = shutil.which(program) or program
    path = Path(found).resolve()
    on_path = shutil.which(path.name)
    if on_path and path.exists() and os.path.samefile(on_path, path):
        return path.name
    return shlex.quote(str(path))
