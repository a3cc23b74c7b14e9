"""Bulk import: `aioauthing users import` vs Authing's official Python client, same emulator.

One emulator process serves every run (each run gets a fresh pool). Rows:

* official ``authing==4.5.18``, sequential loop over ``users.create`` (its own interpreter);
* official, the same calls from a 32-thread pool (one client per thread);
* ``aioauthing users import FILE --concurrency 32`` on the same file;
* ``aioauthing users import`` on a larger file (``AIOAUTHING_BENCH_USERS``, default 10,000).

users/s is measured on each side's import loop; client CPU per user is the whole client
process's CPU (``wait4``: interpreter start-up and the file check included) divided by the users.
The official client needs its own virtualenv: ``AIOAUTHING_OFFICIAL_PYTHON`` points at its
interpreter (``nox -s bench`` does not build it; ``nox -s compat`` shows how).
``AIOAUTHING_BENCH_OFFICIAL_USERS`` (default 300) sets the file size of the side-by-side rows.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import httpx

from aioauthing.cli.demo import generate_users

from ._emulator import emulator_process
from ._proc import run_cli_import, run_measured

OFFICIAL_PYTHON_ENV = "AIOAUTHING_OFFICIAL_PYTHON"
OFFICIAL_SCRIPT = Path(__file__).with_name("official_import.py")
CONCURRENCY = 32


@dataclasses.dataclass(frozen=True, slots=True)
class Run:
    label: str
    users: int
    created: int
    failed: int
    seconds: float
    cpu: float

    @property
    def rate(self) -> float:
        return self.users / self.seconds if self.seconds else 0.0


def _fresh_pool(settings: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{settings['host']}/__emulator__/pools", json={}, timeout=30)
    response.raise_for_status()
    pool: dict[str, Any] = response.json()
    return pool


def _official(python: str, settings: dict[str, Any], source: Path, users: int, mode: str) -> Run:
    pool = _fresh_pool(settings)
    measured = run_measured([python, str(OFFICIAL_SCRIPT), json.dumps(pool), str(source), mode])
    result = json.loads(measured.stdout.strip().splitlines()[-1])
    label = "official, sequential" if mode == "sequential" else f"official, {mode[8:]} threads"
    return Run(label, users, result["created"], result["failed"], result["seconds"], measured.cpu)


def _aioauthing(settings: dict[str, Any], source: Path, users: int) -> Run:
    pool = _fresh_pool(settings)
    measured, stats = run_cli_import(pool, source, CONCURRENCY)
    label = f"aioauthing, concurrency {CONCURRENCY}"
    return Run(label, users, stats["created"], stats["failed"], stats["seconds"], measured.cpu)


def main() -> None:
    side_by_side = int(os.environ.get("AIOAUTHING_BENCH_OFFICIAL_USERS", "300"))
    large = int(os.environ.get("AIOAUTHING_BENCH_USERS", "10000"))
    official = os.environ.get(OFFICIAL_PYTHON_ENV)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="aioauthing-bench-") as tmp:
        small_file = Path(tmp) / "small.jsonl"
        large_file = Path(tmp) / "large.jsonl"
        generate_users(small_file, side_by_side)
        generate_users(large_file, large)
        with emulator_process() as settings:
            if official:
                runs.append(_official(official, settings, small_file, side_by_side, "sequential"))
                mode = f"threads:{CONCURRENCY}"
                runs.append(_official(official, settings, small_file, side_by_side, mode))
            runs.append(_aioauthing(settings, small_file, side_by_side))
            runs.append(_aioauthing(settings, large_file, large))
    print("bulk import, one emulator process, a fresh pool per run")
    if not official:
        print(
            f"  (official client skipped: set {OFFICIAL_PYTHON_ENV} to the python of a "
            "virtualenv with authing==4.5.18)"
        )
    ours = runs[-2]
    print(
        f"  {'client':<28} {'users':>6} {'created':>8} {'users/s':>9} {'CPU ms/user':>12} {'ours/this':>10}"
    )
    for run in runs:
        ratio = ours.rate / run.rate if run.rate else float("nan")
        print(
            f"  {run.label:<28} {run.users:>6} {run.created:>8} {run.rate:>9.1f}"
            f" {run.cpu / run.users * 1000:>12.2f} {ratio:>9.1f}x"
        )
    if official:
        print(
            f"  goal: >= 20x the sequential loop ({ours.rate / runs[0].rate:.1f}x),"
            f" >= 5x the 32-thread pool ({ours.rate / runs[1].rate:.1f}x)"
        )
