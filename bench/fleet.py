"""Bulk import across processes against a pool-wide quota, with and without the shared budget.

``python -m bench fleet [--users 2000] [--quota 150] [--repeat 3] [--procs 1,2,4]``

An emulator process with ``--faults quota=Q/s``, a redis-server on a free loopback port, and P
``aioauthing users import FILE --shard K/P --rate-limit Q`` processes, each with its own fresh
pool per run:

* shared: ``--redis URL`` (one budget and one token for the P processes);
* local: no ``--redis`` (each process paces itself at Q, so P processes send P x Q);
* ceiling: no quota and no ``--rate-limit`` (what this machine can do with P processes now: on
  a busy machine the quota may be out of reach whatever the limiter does).

The modes take turns (shared, local, ceiling, shared, ...), so a change of the machine's load
hits them alike. Reported per P: users/s as a fraction of the quota, over the span of the import
jobs (from the first job's start, after its interpreter and file check, to the last one's end)
and over the whole wall time (interpreter start-up included), and 429s per 100 requests (the
emulator's own counters); then why: requests per imported user, CPU per user of the P client
processes (wait4, start-up included), the emulator's CPU per request and Redis's CPU per user.
Then a cold start of 8 processes sharing one Redis: how many management-token requests reached
the emulator. Median of ``--repeat`` runs, with the spread (min..max).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench._emulator import emulator_process

_TICKS = os.sysconf("SC_CLK_TCK")


@contextmanager
def redis_server(workdir: Path, pids: list[int] | None = None) -> Iterator[str]:
    """A redis-server on a free loopback port (its pid appended to ``pids``)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("bench fleet needs redis-server on PATH")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    if pids is not None:
        pids.append(proc.pid)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _new_pool(host: str, faults: str) -> dict[str, Any]:
    response = httpx.post(f"{host}/__emulator__/pools", json={"faults": faults}, timeout=30)
    response.raise_for_status()
    pool: dict[str, Any] = response.json()
    return pool


def _counters(host: str, pool_id: str) -> dict[str, Any]:
    response = httpx.get(f"{host}/__emulator__/faults", params={"pool": pool_id}, timeout=30)
    response.raise_for_status()
    counters: dict[str, Any] = response.json()["counters"]
    return counters


def _env(pool: dict[str, Any]) -> dict[str, str]:
    return {
        **os.environ,
        "AUTHING_HOST": pool["host"],
        "AUTHING_USERPOOL_ID": pool["user_pool_id"],
        "AUTHING_USERPOOL_SECRET": pool["secret"],
    }


def write_users(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            fh.write(json.dumps({"email": f"fleet{i:06d}@example.com", "nickname": f"F {i}"}))
            fh.write("\n")


def import_run(
    host: str,
    source: Path,
    users: int,
    procs: int,
    quota: float,
    redis_url: str | None,
    *,
    emulator_pid: int,
    redis_pid: int = 0,
    ceiling: bool = False,
) -> dict[str, float]:
    """One import of ``source`` by ``procs`` shard processes into a fresh pool; with
    ``ceiling``, the pool has no quota and the processes no rate limit (what the machine can
    do)."""
    pool = _new_pool(host, "" if ceiling else f"quota={quota:g}/s")
    extra = ["--redis", redis_url] if redis_url else []
    if not ceiling:
        extra += ["--rate-limit", f"{quota:g}"]
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aioauthing.cli",
                "users",
                "import",
                str(source),
                "--shard",
                f"{k}/{procs}",
                "--concurrency",
                "16",
                *extra,
            ],
            env=_env(pool),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for k in range(1, procs + 1)
    ]
    ended: dict[int, float] = {}
    cpu: dict[int, float] = {}
    emulator_cpu_before = _cpu_of(emulator_pid)
    redis_calls_before = _redis_calls(redis_url) if redis_url else 0
    redis_cpu_before = _cpu_of(redis_pid) if redis_pid else 0.0
    while len(ended) < len(children):  # note each child's exit time and CPU (wait4)
        for index, child in enumerate(children):
            if index in ended:
                continue
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                ended[index] = time.perf_counter()
                cpu[index] = usage.ru_utime + usage.ru_stime
                child.returncode = os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    emulator_cpu = _cpu_of(emulator_pid) - emulator_cpu_before
    redis_cpu = (_cpu_of(redis_pid) - redis_cpu_before) if redis_pid else 0.0
    redis_calls = (_redis_calls(redis_url) - redis_calls_before) if redis_url else 0
    wall = max(ended.values()) - started
    created = 0
    job_starts = []
    for index, child in enumerate(children):
        out = child.stdout.read() if child.stdout is not None else ""
        lines = out.strip().splitlines()
        if lines:
            summary = json.loads(lines[-1])
            created += int(summary.get("created", 0))
            job_starts.append(ended[index] - float(summary.get("seconds", 0.0)))
    span = max(ended.values()) - min(job_starts) if job_starts else wall
    counters = _counters(host, pool["user_pool_id"])
    requests = max(int(counters["requests"]), 1)
    per_user = max(created, 1)
    return {
        "fraction": created / span / quota,
        "wall_fraction": created / wall / quota,
        "per100": 100.0 * int(counters["throttled"]) / requests,
        "created": float(created),
        "complete": float(created == users),
        "req_per_user": requests / per_user,
        "client_ms_per_user": 1000.0 * sum(cpu.values()) / per_user,
        "emulator_ms_per_req": 1000.0 * emulator_cpu / requests,
        "redis_ms_per_user": 1000.0 * redis_cpu / per_user,
        "redis_calls_per_user": redis_calls / per_user,
        "span": span,
    }


def _redis_calls(url: str) -> int:
    """Commands Redis has run so far (``INFO commandstats``: those run inside scripts count too)."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        stats = client.info("commandstats")
    finally:
        client.close()
    return sum(int(entry["calls"]) for entry in stats.values())


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds a running process has used (Linux /proc; 0 elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def cold_start(host: str, redis_url: str, procs: int) -> int:
    pool = _new_pool(host, "")
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aioauthing.cli",
                "users",
                "export",
                "--shard",
                f"{k}/{procs}",
                "--no-custom-data",
                "-o",
                os.devnull,
                "--redis",
                redis_url,
            ],
            env=_env(pool),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for k in range(1, procs + 1)
    ]
    for child in children:
        child.wait(timeout=120)
    return int(_counters(host, pool["user_pool_id"])["tokenRequests"])


def _fmt(values: list[float], spec: str) -> str:
    return f"{statistics.median(values):{spec}} ({min(values):{spec}}..{max(values):{spec}})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench fleet")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--quota", type=float, default=150.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--procs", default="1,2,4")
    parser.add_argument("--modes", default="shared,local,ceiling")
    parser.add_argument("--cold-start", type=int, default=8, help="processes (0: skip)")
    args = parser.parse_args(argv if argv is not None else sys.argv[2:])
    counts = [int(p) for p in args.procs.split(",")]
    modes = args.modes.split(",")
    print(f"bench fleet: {args.users} users, quota={args.quota:g}/s, median of {args.repeat}")
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    redis_pids: list[int] = []
    with (
        tempfile.TemporaryDirectory(prefix="aioauthing-fleet-") as tmp,
        redis_server(Path(tmp), redis_pids) as redis_url,
        emulator_process() as emulator,
    ):
        source = Path(tmp) / "users.jsonl"
        write_users(source, args.users)
        host = emulator["host"]
        print(
            f"{'procs':>5}  {'mode':<7} {'users/s / quota':<22} {'incl. start-up':<22} "
            f"{'429 per 100 req':<22} complete"
        )
        table: list[tuple[int, str, list[dict[str, float]]]] = []
        for procs in counts:
            runs_of: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
            for _ in range(args.repeat):
                for mode in modes:
                    runs_of[mode].append(
                        import_run(
                            host,
                            source,
                            args.users,
                            procs,
                            args.quota,
                            redis_url if mode == "shared" else None,
                            emulator_pid=emulator["pid"],
                            redis_pid=redis_pids[0] if mode == "shared" else 0,
                            ceiling=mode == "ceiling",
                        )
                    )
            for mode in modes:
                runs = runs_of[mode]
                table.append((procs, mode, runs))
                complete = sum(int(r["complete"]) for r in runs)
                print(
                    f"{procs:>5}  {mode:<7} {_fmt([r['fraction'] for r in runs], '.2f'):<22} "
                    f"{_fmt([r['wall_fraction'] for r in runs], '.2f'):<22} "
                    f"{_fmt([r['per100'] for r in runs], '.2f'):<22} {complete}/{len(runs)}",
                    flush=True,
                )
        print(
            f"\n{'procs':>5}  {'mode':<7} {'requests/user':<20} {'client CPU ms/user':<20} "
            f"{'emulator CPU ms/req':<20} {'redis CPU ms/user':<20} redis commands/user"
        )
        for procs, mode, runs in table:
            print(
                f"{procs:>5}  {mode:<7} {_fmt([r['req_per_user'] for r in runs], '.3f'):<20} "
                f"{_fmt([r['client_ms_per_user'] for r in runs], '.2f'):<20} "
                f"{_fmt([r['emulator_ms_per_req'] for r in runs], '.2f'):<20} "
                f"{_fmt([r['redis_ms_per_user'] for r in runs], '.2f'):<20} "
                f"{_fmt([r['redis_calls_per_user'] for r in runs], '.2f')}"
            )
        if args.cold_start:
            tokens = [
                float(cold_start(host, redis_url, args.cold_start)) for _ in range(args.repeat)
            ]
            print(
                f"cold start of {args.cold_start} processes with --redis: "
                f"token requests {_fmt(tokens, 'g')}"
            )
    print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main(sys.argv[1:])
