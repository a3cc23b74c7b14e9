"""Run benchmarks by name: `python -m bench` runs all of them."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "runtime_overhead",
    "verify_tokens",
    "emulator_throughput",
    "bulk_vs_official",
    "import_memory",
    "fleet",
]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    if len(argv) > 1 and argv[1].startswith("-"):  # one benchmark and its own options
        names = argv[:1]
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        importlib.import_module(f"bench.{name}").main()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
