"""The CLI in-process: ``run`` for the command under test, ``ok`` for setup steps that must succeed."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner, Result


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run ``ozgtrack ARGS`` in-process; stdout and stderr stay apart."""
    from ozgtrack.cli import cli

    return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)


def ok(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run ``ozgtrack ARGS`` like :func:`run`; fail the test, showing what the command said, unless it exits 0.

    For setup steps: a broken step stops the test where it broke instead of passing silently. An exception
    inside the command propagates with its traceback (:func:`run` does not catch it).
    """
    result = run(*args, env=env, input=input)
    if result.exit_code != 0:
        pytest.fail(failure(args, result), pytrace=False)
    return result


def failure(args: tuple[str, ...], result: Result) -> str:
    """What a failed command said: its exit code, stdout and stderr."""
    return (f"setup step failed with exit code {result.exit_code}: ozgtrack {' '.join(args)}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}")


def command_paths(command: Any = None, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command of the tree, walked through the lazy groups (they load their modules on get_command)."""
    import click

    from ozgtrack.cli import cli

    command = cli if command is None else command
    paths = [path]
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            paths += command_paths(command.get_command(context, name), (*path, name))
    return paths
