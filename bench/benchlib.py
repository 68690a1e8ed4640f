"""Shared by the benchmarks: run whole commands, time them, report ratios."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
FLAT = Path("kdn-nrw-ozg-katalog-2019") / "derived_ozg_umsetzungskatalog_flat.csv"


def tool(name: str) -> str | None:
    """A console script of this virtualenv (or the PATH)."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def start(doc: str, needs: str = "ozgtrack") -> tuple[Any, Path, dict[str, str | None], Path]:
    """Parse --runs/--data, find the real data and the tools; returns (args, flat file, tools, work dir)."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    flat = args.data / FLAT
    if not flat.is_file():
        raise SystemExit(f"skipped: {flat} not found (the real data lives in ../shared/data)")
    tools = {"ozgtrack": tool("ozgtrack"), "sqlite-utils": tool("sqlite-utils")}
    if not tools[needs]:
        raise SystemExit(f"{needs} is not installed in this environment (pip install -e '.[bench]')")
    return args, flat, tools, Path(tempfile.mkdtemp(prefix="ozgtrack-bench-"))


def clean_env(work: Path) -> dict[str, str]:
    """An environment that keeps ozgtrack away from the user's own files."""
    env = {**os.environ, "OZGTRACK_DATA_DIR": str(work / "data"), "OZGTRACK_CACHE_DIR": str(work / "cache"),
           "XDG_CONFIG_HOME": str(work / "config")}
    for name in ("OZGTRACK_DB", "OZGTRACK_CONFIG", "OZGTRACK_ARS"):
        env.pop(name, None)
    return env


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and max RSS in KiB of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss


def measure(command: Callable[[int], list[str]], runs: int, env: dict[str, str],
            setup: Callable[[int], None] | None = None) -> tuple[float, int]:
    """Median time and peak RSS over ``runs``; ``setup(i)`` prepares run i outside the clock."""
    times, peak = [], 0
    for i in range(runs):
        if setup:
            setup(i)
        elapsed, rss = run_once(command(i), env)
        times.append(elapsed)
        peak = max(peak, rss)
    return statistics.median(times), peak



def print_results(results: dict[str, tuple[float, int]], names: dict[str, str], runs: int) -> None:
    print(f"median of {runs} runs, whole processes")
    for key, label in names.items():
        if key in results:
            seconds, rss = results[key]
            print(f"  {label:<44} {seconds * 1000:8.1f} ms   max RSS {rss / 1024:6.1f} MiB")


def print_ratio(label: str, top: float, bottom: float, target: float | None) -> None:
    ratio = top / bottom
    verdict = "(reference)" if target is None else f"target <= {target:<4}  {'ok' if ratio <= target else 'MISSED'}"
    print(f"  {label:<18} {ratio:6.2f}   {verdict}")
