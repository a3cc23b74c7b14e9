"""Run benchmarks by name: `python -m bench` runs all of them."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "runtime_overhead",
    "verify_tokens",
    "client_concurrency",
    "first_use",
    "emulator_throughput",
    "bulk_scale",
    "bulk_vs_official",
    "import_memory",
]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        importlib.import_module(f"bench.{name}").main()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
