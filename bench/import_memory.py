"""Peak memory of `aioauthing users import`: 1,000 users vs 100,000 users (goal: <= +100 MB).

Each import runs as its own process (``python -m aioauthing.cli users import FILE``) against its
own emulator process; the client's peak RSS comes from ``wait4`` (``ru_maxrss`` of that process
only), the emulator's from its ``/proc/<pid>/status`` ``VmHWM`` (it keeps every user in memory,
so it grows with the file; it is reported apart and is not the client's memory).

``AIOAUTHING_BENCH_MEMORY_USERS="1000,100000"`` changes the sizes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aioauthing.cli.demo import generate_users

from ._emulator import emulator_process
from ._proc import peak_rss_mb, run_cli_import

SIZES = (1_000, 100_000)
CONCURRENCY = 32
GOAL_MB = 100.0


def _sizes() -> tuple[int, ...]:
    raw = os.environ.get("AIOAUTHING_BENCH_MEMORY_USERS")
    return tuple(int(s) for s in raw.split(",")) if raw else SIZES


def main() -> None:
    sizes = _sizes()
    print(f"import memory (aioauthing users import, concurrency {CONCURRENCY}, separate emulator)")
    print(
        f"  {'users':>8} {'client peak RSS':>16} {'emulator peak RSS':>18} {'users/s':>9}  result"
    )
    client_peaks: list[float] = []
    with tempfile.TemporaryDirectory(prefix="aioauthing-bench-") as tmp:
        for size in sizes:
            source = Path(tmp) / f"users-{size}.jsonl"
            generate_users(source, size)
            with emulator_process() as settings:
                measured, stats = run_cli_import(settings, source, CONCURRENCY)
                emulator_mb = peak_rss_mb(settings["pid"])
            result = f"created {stats.get('created')}, failed {stats.get('failed')}"
            if measured.returncode:
                result += f" (exit {measured.returncode})"
            client_peaks.append(measured.peak_rss_mb)
            print(
                f"  {size:>8} {measured.peak_rss_mb:>13.1f} MB {emulator_mb:>15.1f} MB"
                f" {size / measured.wall:>9.0f}  {result}"
            )
    growth = client_peaks[-1] - client_peaks[0]
    print(
        f"  client growth {sizes[0]} -> {sizes[-1]} users: {growth:+.1f} MB (goal <= {GOAL_MB:.0f} MB)"
    )
