"""``ozgtrack export``: data for others — a town's bundle for its Kreis, and more; each command loads when used."""

from __future__ import annotations

from typing import Any

import click

# name -> "module:attribute"; a new export adds one line here and its command in its own module.
EXPORTS = {
    "town": "ozgtrack.cli.town:export_town",
    "opendata": "ozgtrack.cli.export_opendata:opendata",
}


class LazyGroup(click.Group):
    """A group whose commands are listed in ``commands_of`` and imported only when used."""

    def __init__(self, *args: Any, commands_of: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands_of = commands_of

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands_of)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        import importlib

        if name not in self.commands_of:
            return None
        module, attribute = self.commands_of[name].split(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup, commands_of=EXPORTS)
def export() -> None:
    """Daten für andere ausgeben: das Paket einer Gemeinde für ihren Kreis, offene Daten.

    \b
    Beispiele:
      ozgtrack export town -o wolmirstedt.json
      ozgtrack export opendata -o offene-daten-2025 --year 2025
    """
