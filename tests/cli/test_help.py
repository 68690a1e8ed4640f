"""Every command's help, groups included, ends with a real example: `ozgtrack` and options the command has."""

import re
import shlex

import click
import pytest
from support.cli import command_paths, run

from ozgtrack.cli import cli


def resolve(words: list[str]) -> tuple[tuple[str, ...], click.Command]:
    """The command an example calls, and its path: group names are followed while they name a subcommand."""
    command, path = cli, ()
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        command = command.get_command(click.Context(command), words[0])
        assert command is not None, f"no command {words[0]!r} in `ozgtrack {' '.join(path)}`"
        path, words = (*path, words[0]), words[1:]
    return path, command


def option_names(command: click.Command) -> set[str]:
    return {name for param in command.params if isinstance(param, click.Option) for name in param.opts}


def examples(help_text: str) -> list[str]:
    """The command lines of the help's last paragraph before the options, which must be its example section."""
    description = help_text.split("\nOptionen:\n")[0].rstrip()
    last = description.split("\n\n")[-1].strip().splitlines()
    # "Example:" until the lead translates the commands' help after merging (tests/test_german.py lists them).
    assert last[0] in ("Beispiel:", "Beispiele:", "Example:", "Examples:"), \
        f"the help does not end with an example:\n{description}"
    return [line.strip() for line in last[1:]]


PATHS = command_paths()


def test_the_walk_reaches_every_group_and_command():
    assert {path[0] for path in PATHS if path} == {"catalog", "municipality", "triage", "status", "report", "pvog", "plan",
                                                     "town", "opendata", "demo", "completion",
                                                     "export", "import"}  # the last two: old spellings, hidden
    assert len(PATHS) > 30 and ("status", "move") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "ozgtrack")
def test_help_ends_with_a_real_example(path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.stderr

    for line in examples(result.stdout):
        words = shlex.split(line, comments=True)
        assert words[0] == "ozgtrack", f"not an ozgtrack command: {line}"
        called, command = resolve(words[1:])
        assert called[: len(path)] == path and not isinstance(command, click.Group), (
            f"`{line}` does not call a command of `ozgtrack {' '.join(path)}`")
        unknown = {w.split("=")[0] for w in words if re.match(r"-\w|--\w", w)} - option_names(command) - option_names(cli)
        assert not unknown, f"`{line}` uses options `ozgtrack {' '.join(called)}` does not have: {sorted(unknown)}"
