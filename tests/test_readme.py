"""The README's first two commands are the demo and the tests, and CI runs the test command."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_first_two_commands_run_the_demo_and_the_tests():
    demo, tests = readme_commands()[:2]
    assert demo.startswith("python3 -m venv .venv && ") and demo.endswith("ozgtrack demo")
    assert tests.startswith("python3 -m venv .venv && ") and tests.endswith("pytest")


def test_ci_runs_the_readme_test_command():
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
