"""Run benchmarks by name: `python -m bench` runs the default set (a few minutes).

``python -m bench --record FILE.md NAME ...`` also appends each benchmark's output to FILE.md, with
the command, the date and the load average, as the record of a run (``bench/perf_results.md``).
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import io
import os
import sys
from pathlib import Path

from ._stats import loadavg

BENCHMARKS = [
    "runtime_overhead",
    "verify_tokens",
    "client_concurrency",
    "first_use",
    "emulator_throughput",
    "bulk_scale",
    "bulk_profile",
    "bulk_vs_official",
    "import_memory",
    "fleet",
]
DEFAULT = [name for name in BENCHMARKS if name not in ("import_memory", "bulk_profile")]
"""``import_memory`` imports 100,000 users (many minutes) and ``bulk_profile`` needs py-spy: run
them by name."""


class _Tee(io.TextIOBase):
    def __init__(self, *streams: io.TextIOBase) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
            stream.flush()
        return len(text)


def _record(path: Path, name: str, output: str) -> None:
    knobs = " ".join(
        f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith(("BENCH_", "AIOAUTHING_"))
    )
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"\n### `{knobs + ' ' if knobs else ''}python -m bench {name}`\n\n")
        fh.write(f"{stamp}, load average at the end {loadavg()}\n\n```\n{output.rstrip()}\n```\n")


def main(argv: list[str]) -> int:
    record: Path | None = None
    if argv[:1] == ["--record"]:
        if len(argv) < 2:
            print("--record needs a file name", file=sys.stderr)
            return 2
        record, argv = Path(argv[1]), argv[2:]
    names = argv or DEFAULT
    if len(argv) > 1 and argv[1].startswith("-"):  # one benchmark and its own options
        names = argv[:1]
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
    for name in names:
        captured = io.StringIO()
        with contextlib.redirect_stdout(_Tee(sys.stdout, captured)):  # type: ignore[type-var]
            importlib.import_module(f"bench.{name}").main()
        if record is not None:
            _record(record, name, captured.getvalue())
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
