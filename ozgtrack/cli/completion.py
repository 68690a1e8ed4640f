"""``ozgtrack completion``: the shell completion script (click's own), for bash, zsh or fish."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Das Skript für die Vervollständigung mit der Tab-Taste ausgeben (bash, zsh oder fish).

    Es ist dasselbe, das `_OZGTRACK_COMPLETE=bash_source ozgtrack` ausgibt. Einmal einrichten,
    dann ergänzt die Shell Befehle, Optionen und Auswahlwerte (README: Vervollständigung).

    \b
    Examples:
      ozgtrack completion bash > ~/.local/share/bash-completion/completions/ozgtrack
      ozgtrack completion zsh > ~/.zfunc/_ozgtrack
      ozgtrack completion fish > ~/.config/fish/completions/ozgtrack.fish
    """
    from click.shell_completion import get_completion_class

    root = ctx.find_root()
    # The program name decides the environment variable the script sets (_OZGTRACK_COMPLETE); it must be
    # the console script's name, whatever path this run was started by.
    script = get_completion_class(shell)(root.command, {}, "ozgtrack", "_OZGTRACK_COMPLETE").source()
    click.echo(script, nl=not script.endswith("\n"))
