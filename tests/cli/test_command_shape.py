"""The commands stay thin clients of the library (issue 21): SQLAlchemy is imported in at most one `cli/` module
(imports inside functions and under TYPE_CHECKING counted), and no click command function is over 30 lines."""

import ast
from pathlib import Path

import ozgtrack.cli

CLI = Path(ozgtrack.cli.__file__).parent
MAX_COMMAND_LINES = 30


def trees() -> dict[str, ast.Module]:
    return {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(CLI.glob("*.py"))}


def imports_sqlalchemy(tree: ast.Module) -> bool:
    for node in ast.walk(tree):  # every import: at the top, inside functions, under `if TYPE_CHECKING`
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy" and not node.level:
            return True
    return False


def is_command(function: ast.FunctionDef) -> bool:
    """Decorated by click as a command or group: ``@x.command(...)``, ``@click.command()``, ``@x.group()``."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in ("command", "group"):
            return True
    return False


def command_lengths() -> dict[str, int]:
    return {f"{name}:{node.name}": node.end_lineno - node.lineno + 1
            for name, tree in trees().items() for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and is_command(node)}


def test_sqlalchemy_is_imported_in_at_most_one_cli_module():
    importing = [name for name, tree in trees().items() if imports_sqlalchemy(tree)]
    assert len(importing) <= 1, importing


def test_no_command_function_is_over_30_lines():
    lengths = command_lengths()
    assert len(lengths) > 50  # the walk found the commands (a broken detector would pass on nothing)
    assert {name: n for name, n in lengths.items() if n > MAX_COMMAND_LINES} == {}


def test_the_detectors_see_what_they_look_for():
    hidden = ast.parse("def f():\n    if True:\n        from sqlalchemy.orm import Session\n")
    assert imports_sqlalchemy(hidden) and not imports_sqlalchemy(ast.parse("import sqlite3\n"))
    long = ast.parse("@group.command('x')\ndef x():\n" + "    pass\n" * 40)
    assert is_command(long.body[0]) and long.body[0].end_lineno - long.body[0].lineno + 1 == 41
