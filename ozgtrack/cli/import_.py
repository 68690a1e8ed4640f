"""``ozgtrack import``: data from others — a town's bundle into a Kreis or Land database."""

from __future__ import annotations

import click

from ozgtrack.cli.export import LazyGroup

IMPORTS = {
    "town": "ozgtrack.cli.town:import_town",
}


@click.group("import", cls=LazyGroup, commands_of=IMPORTS)
def import_() -> None:
    """Daten anderer übernehmen.

    \b
    Beispiel:
      ozgtrack import town wolmirstedt.json --dry-run
    """
