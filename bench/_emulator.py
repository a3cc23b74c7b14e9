"""Start the emulator as a separate process, so its CPU is not counted as the client's."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclasses.dataclass(slots=True, frozen=True)
class EmulatorProcess:
    settings: dict[str, Any]
    pid: int

    def cpu_seconds(self) -> float | None:
        """User + system CPU the emulator process has used so far (Linux ``/proc``; else None)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


@contextmanager
def emulator_subprocess(
    *extra: str, env: Mapping[str, str] | None = None
) -> Iterator[EmulatorProcess]:
    """An emulator process (``env`` added to this environment, e.g. another tree's PYTHONPATH)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aioauthing.cli",
            "emulator",
            "--port",
            "0",
            "--log-level",
            "warning",
            *extra,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **env} if env else None,
    )
    try:
        assert proc.stdout is not None
        settings: dict[str, Any] = json.loads(proc.stdout.readline())
        yield EmulatorProcess(settings, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def emulator_process(*extra: str) -> Iterator[dict[str, Any]]:
    """The emulator's settings line, plus ``"pid"`` (the emulator process id)."""
    with emulator_subprocess(*extra) as emulator:
        yield {**emulator.settings, "pid": emulator.pid}
