"""``ozgtrack export``: data sets for others (open data); the commands live in their own modules."""

from __future__ import annotations

import click

from ozgtrack.cli.export_opendata import opendata


@click.group()
def export() -> None:
    """Datensätze für andere ausgeben (offene Daten).

    \b
    Beispiel:
      ozgtrack export opendata -o offene-daten-2025 --year 2025
    """


export.add_command(opendata)
