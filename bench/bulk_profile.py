"""Where the CPU of `aioauthing users import` goes per user, client and emulator side by side.

Each round imports ``BENCH_PROFILE_USERS`` rows (default 3,000; the rows of ``bulk_scale``: no
passwords) into a fresh pool twice: once with both processes sampled by ``py-spy`` (the shares of
CPU by part), once without a profiler (the client's CPU from ``wait4``, the emulator's from
``/proc``). A part's cost per user is its share of the sampled run times the unprofiled CPU per
user of the same round; the table gives the median over ``BENCH_PROFILE_RUNS`` rounds (default 3)
with the spread.

A sampling profiler does not slow the code it watches the way ``cProfile`` does (which charges its
overhead per function call, inflating code made of many small calls). ``py-spy`` is not a project
dependency: ``pip install py-spy`` (or ``BENCH_PYSPY=/path/to/py-spy``). Each sample is put in the
first part whose rule matches, looking at the whole stack first (start-up, the file check, row
parsing), then from the innermost frame outwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from aioauthing.cli.demo import generate_users

from ._emulator import EmulatorProcess, emulator_subprocess
from ._stats import machine, median_spread
from .bulk_scale import CONCURRENCY, _compile, _fresh_pool, _import

RATE = 250  # samples per second
IDLE = ("(threading.py:", "select (selectors.py:", "poll (selectors.py:")
"""Innermost frames of a thread that waits (py-spy reports some of them as running)."""

# (part, whole-stack markers): a sample whose stack contains a marker belongs to the part
CLIENT_WHOLE: Sequence[tuple[str, tuple[str, ...]]] = (
    ("start-up: imports, clients, token", ("_find_and_load", "get_token", "_fetch_token")),
    ("file check before sending (parse, validate, duplicates in SQLite)", ("check_file",)),
    ("row parsing and validation (send pass)", ("parse_rows",)),
    ("response structuring (cattrs -> User)", ("_structure (aioauthing/runtime/api.py",)),
)
# (part, innermost-frame markers): the first frame from the leaf outwards that matches decides
CLIENT_LEAF: Sequence[tuple[str, tuple[str, ...]]] = (
    ("JSON encode/decode", ("json/",)),
    (
        "HTTP send/receive (aiohttp, sockets)",
        ("aiohttp/", "runtime/transport.py", "yarl/", "multidict/"),
    ),
    ("httpx.Response and headers", ("httpx/",)),
    ("pacing and deadline (limiter, timeout)", ("runtime/ratelimit.py", "asyncio/timeouts.py")),
    (
        "request building (model -> variables, checks, headers, errors)",
        ("runtime/", "generated/", "cattrs", "attr/", "<cattrs generated", "<attrs generated"),
    ),
    (
        "bulk engine and bookkeeping (tasks, progress, counts, checkpoint)",
        ("aioauthing/bulk/", "cli/importer.py", "cli/users.py", "anyio/", "rich/", "sniffio/"),
    ),
    ("event loop (asyncio)", ("asyncio/", "selectors.py")),
)
EMULATOR_WHOLE: Sequence[tuple[str, tuple[str, ...]]] = ()
EMULATOR_LEAF: Sequence[tuple[str, tuple[str, ...]]] = (
    ("JSON encode/decode", ("json/",)),
    ("HTTP server (uvicorn, httptools)", ("uvicorn/", "httptools", "h11/")),
    ("Starlette (request, routing)", ("starlette/",)),
    (
        "middleware (journal, audit, faults, quotas, context)",
        (
            "emulator/middleware.py",
            "emulator/journal.py",
            "emulator/audit.py",
            "emulator/faults.py",
            "emulator/context.py",
        ),
    ),
    (
        "GraphQL (graphql-core, plans, variables)",
        ("graphql/", "emulator/graphql_http.py", "emulator/graphql_plan.py"),
    ),
    (
        "resolver and store (createUser, records, views)",
        ("emulator/", "hashlib", "secrets.py", "random.py"),
    ),
    ("event loop (asyncio)", ("asyncio/", "selectors.py")),
)


def _py_spy() -> str:
    found = os.environ.get("BENCH_PYSPY") or shutil.which("py-spy")
    if not found:
        raise SystemExit("bulk_profile needs py-spy: pip install py-spy (or BENCH_PYSPY=...)")
    return found


def _classify(
    path: Path,
    whole: Sequence[tuple[str, tuple[str, ...]]],
    leaf: Sequence[tuple[str, tuple[str, ...]]],
) -> Counter[str]:
    """Samples per part from py-spy's ``raw`` output (``frame;frame;... count`` per line)."""
    parts: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if any(mark in frames[-1] for mark in IDLE):
            continue
        part = next((name for name, marks in whole if any(m in stack for m in marks)), None)
        if part is None:
            for frame in reversed(frames):
                part = next((name for name, marks in leaf if any(m in frame for m in marks)), None)
                if part is not None:
                    break
        parts[part or "other"] += int(count)
    return parts


def _record(spy: str, out: Path) -> list[str]:
    return [spy, "record", "-r", str(RATE), "-f", "raw", "-o", str(out)]


def _profiled_import(
    spy: str, emulator: EmulatorProcess, source: Path, tmp: Path, round_: int
) -> tuple[Counter[str], Counter[str]]:
    pool = _fresh_pool(emulator)
    client_out, emulator_out = tmp / f"client-{round_}.txt", tmp / f"emulator-{round_}.txt"
    watcher = subprocess.Popen(
        [*_record(spy, emulator_out), "--pid", str(emulator.pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches
    env = {
        **os.environ,
        "AUTHING_HOST": pool["host"],
        "AUTHING_USERPOOL_ID": pool["user_pool_id"],
        "AUTHING_USERPOOL_SECRET": pool["secret"],
    }
    subprocess.run(
        [
            *_record(spy, client_out),
            "--",
            *(sys.executable, "-m", "aioauthing.cli", "users", "import", str(source)),
            *("--concurrency", str(CONCURRENCY)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        timeout=900,
    )
    watcher.send_signal(signal.SIGINT)
    watcher.wait(timeout=60)
    return (
        _classify(client_out, CLIENT_WHOLE, CLIENT_LEAF),
        _classify(emulator_out, EMULATOR_WHOLE, EMULATOR_LEAF),
    )


def _table(
    title: str, shares: list[Counter[str]], cpu_ms: list[float], order: Sequence[str]
) -> None:
    print(f"  {title}: CPU ms per user {median_spread(cpu_ms, '.3f')}")
    names = [n for n in order if any(s[n] for s in shares)]
    names += sorted({k for s in shares for k in s} - set(names))
    for name in names:
        pct = [s[name] / max(sum(s.values()), 1) * 100 for s in shares]
        ms = [p / 100 * c for p, c in zip(pct, cpu_ms, strict=True)]
        print(
            f"    {name:<68} {median_spread(ms, '.3f'):>22} ms  {median_spread(pct, '.1f'):>20} %"
        )


def main() -> None:
    size = int(os.environ.get("BENCH_PROFILE_USERS", "3000"))
    runs = int(os.environ.get("BENCH_PROFILE_RUNS", "3"))
    spy = _py_spy()
    _compile(None)
    print(f"bulk import profile ({size} users, --concurrency {CONCURRENCY}; {machine()} at start)")
    client_shares: list[Counter[str]] = []
    emulator_shares: list[Counter[str]] = []
    client_ms: list[float] = []
    emulator_ms: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="aioauthing-bench-") as tmp,
        emulator_subprocess() as emu,
    ):
        source = Path(tmp) / f"users-{size}.jsonl"
        generate_users(source, size)
        for round_ in range(runs):
            client, server = _profiled_import(spy, emu, source, Path(tmp), round_)
            client_shares.append(client)
            emulator_shares.append(server)
            _, client_cpu, emulator_cpu, summary = _import(emu, source, {})
            if summary.get("created") != size:
                print(f"  (round {round_}: not all created: {summary})")
            client_ms.append(client_cpu / size * 1e3)
            emulator_ms.append(emulator_cpu / size * 1e3)
    ratio = [c / e for c, e in zip(client_ms, emulator_ms, strict=True) if e]
    print(f"  client / emulator CPU per user: {median_spread(ratio, '.2f')}x (goal <= 0.5x)")
    _table("client", client_shares, client_ms, [n for n, _ in (*CLIENT_WHOLE, *CLIENT_LEAF)])
    _table("emulator", emulator_shares, emulator_ms, [n for n, _ in EMULATOR_LEAF])
    print(f"  load average at the end: {machine()}")
