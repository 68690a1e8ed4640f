"""The old spelling ``ozgtrack import town``: hidden, kept for one release (now ``ozgtrack town import``)."""

from __future__ import annotations

import click

from ozgtrack.cli.export import OldSpelling


@click.group("import", cls=OldSpelling, commands_of={"town": "ozgtrack.cli.town:import_town"},
             renamed={"town": "town import"})
def import_() -> None:
    """Veraltet: heißt jetzt `ozgtrack town import`.

    Die alte Schreibweise geht noch bis zur nächsten Version und sagt auf stderr, wie der Befehl
    jetzt heißt.

    \b
    Beispiel:
      ozgtrack import town wolmirstedt.json --dry-run
    """
