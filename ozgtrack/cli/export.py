"""The old spellings ``ozgtrack export …`` and ``ozgtrack import …``: hidden, kept for one release.

Commands go noun first (``status export``, ``triage import``, ``town export``, ``opendata export``); these
groups take the verb-first spellings of before, run the same command and say its new name on stderr.
"""

from __future__ import annotations

from typing import Any

import click

from ozgtrack.cli._common import deprecated, note


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


class OldSpelling(LazyGroup):
    """A verb-first group of old: each command runs as before, with a note naming its new spelling."""

    def __init__(self, *args: Any, renamed: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, hidden=True, **kwargs)
        self.renamed = renamed

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not ctx.resilient_parsing:
            note(deprecated(f"`ozgtrack {self.name} {name}`", f"`ozgtrack {self.renamed[name]}`"))
        return name, command, rest


@click.group(cls=OldSpelling, commands_of={"town": "ozgtrack.cli.town:export_town",
                                           "opendata": "ozgtrack.cli.export_opendata:opendata"},
             renamed={"town": "town export", "opendata": "opendata export"})
def export() -> None:
    """Veraltet: heißt jetzt `ozgtrack town export` und `ozgtrack opendata export`.

    Die alte Schreibweise geht noch bis zur nächsten Version und sagt auf stderr, wie der Befehl
    jetzt heißt.

    \b
    Beispiel:
      ozgtrack export town -o wolmirstedt.json
    """
