"""`aioauthing users import` at concurrency 32: client CPU per user against the emulator's.

Each import is its own process (``wait4`` gives its CPU alone) into a fresh pool of one emulator
process (its CPU from ``/proc`` before and after). Rows carry username, email, phone, externalId
and nickname, no password (hashing is the emulator's business and measured by
``emulator_throughput``). Per size: users/s, client CPU ms per user (the whole process: start-up
and the file check included; ``.pyc`` files written first), emulator CPU ms per user, and their ratio (goal: client <= 0.5x the
emulator's, so users/s is bound by the emulator).

``BENCH_BULK_SIZES`` (default ``1000``; e.g. ``1000,10000,50000``) and ``BENCH_BULK_RUNS`` (runs per
size, default 3). With ``BENCH_BASELINE_SRC=/path/to/other/src`` each run also imports with that
tree's client (``PYTHONPATH``), alternating, so two versions are compared side by side. Each run
also imports the file with ``bench/_raw_import.py`` (raw aiohttp, the same ``createUser`` requests
and nothing else: the floor of any client; ``BENCH_BULK_RAW=0`` leaves it out).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from aioauthing.cli.demo import generate_users
from aioauthing.generated import operations as ops

from ._emulator import EmulatorProcess, emulator_subprocess
from ._proc import run_measured
from ._stats import machine, median, median_spread

CONCURRENCY = 32
RAW = "raw aiohttp"
_RAW_SCRIPT = Path(__file__).with_name("_raw_import.py")


def _fresh_pool(emulator: EmulatorProcess) -> dict[str, Any]:
    request = urllib.request.Request(
        emulator.settings["host"] + "/__emulator__/pools",
        data=b"{}",
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        settings: dict[str, Any] = json.loads(answer.read())
    return settings


def _import(
    emulator: EmulatorProcess,
    source: Path,
    env: dict[str, str],
    command: list[str] | None = None,
) -> tuple[float, float, float, dict[str, Any]]:
    """(wall s, client CPU s, emulator CPU s, summary) of one import into a fresh pool
    (``command``: another client than ``aioauthing users import``, given the file)."""
    pool = _fresh_pool(emulator)
    before = emulator.cpu_seconds() or 0.0
    measured = run_measured(
        command
        or [
            sys.executable,
            "-m",
            "aioauthing.cli",
            "users",
            "import",
            str(source),
            "--concurrency",
            str(CONCURRENCY),
        ],
        env={
            "AUTHING_HOST": pool["host"],
            "AUTHING_USERPOOL_ID": pool["user_pool_id"],
            "AUTHING_USERPOOL_SECRET": pool["secret"],
            **env,
        },
    )
    emulator_cpu = (emulator.cpu_seconds() or 0.0) - before
    lines = measured.stdout.strip().splitlines()
    summary: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    if measured.returncode:
        summary["exit"] = measured.returncode
    return measured.wall, measured.cpu, emulator_cpu, summary


def _compile(src: str | None) -> None:
    """Write the ``.pyc`` files of a tree's ``aioauthing`` (also under
    ``PYTHONDONTWRITEBYTECODE``): an installed package has them, and compiling ~45 modules in
    every import process (~0.2 s) is not the importer's cost per user."""
    import compileall

    import aioauthing

    root = Path(src) / "aioauthing" if src else Path(aioauthing.__file__).parent
    compileall.compile_dir(str(root), quiet=1)


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_BULK_SIZES", "1000").split(",") if s.strip()]
    runs = int(os.environ.get("BENCH_BULK_RUNS", "3"))
    variants: dict[str, dict[str, str]] = {"this tree": {}}
    baseline = os.environ.get("BENCH_BASELINE_SRC")
    if baseline:
        variants["baseline"] = {"PYTHONPATH": baseline}
    raw = os.environ.get("BENCH_BULK_RAW", "1") != "0"
    if raw:
        variants[RAW] = {}
    _compile(None)
    if baseline:
        _compile(baseline)
    print(f"bulk import scale (users import --concurrency {CONCURRENCY}; {machine()} at start)")
    print(
        f"  {'client':<10} {'users':>6} {'users/s':>18} {'client CPU ms/user':>22}"
        f" {'emulator CPU ms/user':>22} {'client/emulator':>18}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="aioauthing-bench-") as tmp,
        emulator_subprocess() as emu,
    ):
        for size in sizes:
            source = Path(tmp) / f"users-{size}.jsonl"
            generate_users(source, size)
            document = Path(tmp) / "create_user.graphql"
            document.write_text(ops.USERS_CREATE.document, encoding="utf-8")
            raw_command = [sys.executable, str(_RAW_SCRIPT), str(source), str(document)]
            raw_command.append(str(CONCURRENCY))
            rows: dict[str, list[tuple[float, float, float, dict[str, Any]]]] = {
                name: [] for name in variants
            }
            for _ in range(runs):  # alternate the variants run by run
                for name, env in variants.items():
                    command = raw_command if name == RAW else None
                    rows[name].append(_import(emu, source, env, command))
            for name, results in rows.items():
                rates = [size / r[0] for r in results]
                client = [r[1] / size * 1e3 for r in results]
                server = [r[2] / size * 1e3 for r in results]
                ratio = [c / s for c, s in zip(client, server, strict=True) if s]
                bad = [r[3] for r in results if r[3].get("created") != size or r[3].get("exit")]
                note = f"  (not all created: {bad[0]})" if bad else ""
                print(
                    f"  {name:<10} {size:>6} {median_spread(rates):>18}"
                    f" {median_spread(client, '.2f'):>22} {median_spread(server, '.2f'):>22}"
                    f" {median_spread(ratio, '.2f'):>18}{note}"
                )
            this = median([r[1] for r in rows["this tree"]])
            if baseline:
                other = median([r[1] for r in rows["baseline"]])
                print(f"  client CPU this tree / baseline at {size}: {this / other:.2f}x")
            if raw:
                floor = median([r[1] for r in rows[RAW]])
                print(
                    f"  client CPU this tree / {RAW} (the floor: same requests, nothing else)"
                    f" at {size}: {this / floor:.2f}x"
                )
    print(f"  load average at the end: {machine()}")
