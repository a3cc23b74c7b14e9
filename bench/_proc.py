"""Run a command as a child process and read its own resource usage (wait4), not the emulator's."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class Measured:
    wall: float
    """Seconds from start to exit."""
    cpu: float
    """User + system CPU seconds of the child."""
    peak_rss_mb: float
    """Peak resident set size of the child (``ru_maxrss``), in MiB."""
    returncode: int
    stdout: str


def run_measured(cmd: Sequence[str], env: Mapping[str, str] | None = None) -> Measured:
    """Run ``cmd`` to completion; its stderr is discarded, its stdout returned."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        text=True,
    )
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        returncode=proc.returncode,
        stdout=stdout,
    )


def run_cli_import(
    settings: Mapping[str, str], source: Path, concurrency: int
) -> tuple[Measured, dict[str, Any]]:
    """``aioauthing users import SOURCE`` against the pool in ``settings``, in a child process:
    its resource usage and the JSON summary it prints last (``{}`` if it printed none)."""
    measured = run_measured(
        [
            sys.executable,
            "-m",
            "aioauthing.cli",
            "users",
            "import",
            str(source),
            "--concurrency",
            str(concurrency),
        ],
        env={
            "AUTHING_HOST": settings["host"],
            "AUTHING_USERPOOL_ID": settings["user_pool_id"],
            "AUTHING_USERPOOL_SECRET": settings["secret"],
        },
    )
    lines = measured.stdout.strip().splitlines()
    summary: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    return measured, summary


def peak_rss_mb(pid: int) -> float:
    """``VmHWM`` (peak RSS) of a running process, in MiB (0 when /proc is unavailable)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
