"""Small helpers every benchmark prints with: medians with their spread, and the load average."""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from pathlib import Path


def loadavg() -> str:
    """``/proc/loadavg``'s three load averages (or ``n/a``): say how busy the machine was."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def machine() -> str:
    return f"{os.cpu_count()} CPUs, load average {loadavg()}"


def median_spread(values: Sequence[float], fmt: str = ".0f") -> str:
    """``median (min-max, n=N)``."""
    if not values:
        return "n/a"
    med = statistics.median(values)
    return f"{med:{fmt}} ({min(values):{fmt}}-{max(values):{fmt}}, n={len(values)})"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")
