"""Start the emulator as a separate process, so its CPU is not counted as the client's."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def emulator_process(*extra: str) -> Iterator[dict[str, Any]]:
    """The emulator's settings line, plus ``"pid"`` (the emulator process id)."""
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
    )
    try:
        assert proc.stdout is not None
        settings: dict[str, Any] = json.loads(proc.stdout.readline())
        settings["pid"] = proc.pid
        yield settings
    finally:
        proc.terminate()
        proc.wait(timeout=10)
