"""Client CPU per request at concurrency 1, 16, 64 and 256, per transport, side by side.

One ManagementClient per transport (default ``max_concurrency=64``: the limiter lets 64 requests
fly, the pool keeps as many connections) reads ``users.detail`` from one emulator process. Rounds
alternate between transports and concurrency levels, so a drift in the machine's load hits every
variant alike. Reported per variant and level: client CPU per request (``time.process_time`` of
this process, which runs no server) as the median of the rounds with its spread, the emulator's CPU
per request, and the ratio of client CPU at 256 to 1 (goal <= 1.1x).

Variants: ``auto`` (the default: aiohttp's pool on asyncio), ``httpx`` (httpx's own pool with
keep-alive = the cap), ``httpx 100/20`` (httpx's pool as the SDK configured it before: 100
connections, 20 kept alive) and, when the package is installed, ``httpx-aiohttp``'s transport.
HTTP/2 is not compared: the emulator (uvicorn) speaks HTTP/1.1 only, and httpx negotiates HTTP/2
through TLS ALPN only (no cleartext ``h2c``), so ``http2=True`` against ``http://`` sends HTTP/1.1.

``BENCH_CLIENT_ROUNDS`` (default 3) and ``BENCH_CLIENT_CALLS`` (default 600 per round and level).
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import os
import time
from collections.abc import Callable
from typing import Any

import httpx

from aioauthing import ManagementClient, models

from ._emulator import EmulatorProcess, emulator_subprocess
from ._stats import machine, median, median_spread

LEVELS = (1, 16, 64, 256)
ROUNDS = int(os.environ.get("BENCH_CLIENT_ROUNDS", "3"))
CALLS = int(os.environ.get("BENCH_CLIENT_CALLS", "600"))


def _variants() -> dict[str, Callable[[], dict[str, Any]]]:
    variants: dict[str, Callable[[], dict[str, Any]]] = {
        "auto": lambda: {"transport": "auto"},
        "httpx": lambda: {"transport": "httpx"},
        "httpx 100/20": lambda: {
            "http_client": httpx.AsyncClient(
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20)
            )
        },
    }
    if importlib.util.find_spec("httpx_aiohttp") is not None:

        def package() -> dict[str, Any]:
            import aiohttp
            import httpx_aiohttp

            return {
                "http_client": httpx.AsyncClient(
                    transport=httpx_aiohttp.AiohttpTransport(
                        client=lambda: aiohttp.ClientSession(
                            connector=aiohttp.TCPConnector(limit=64)
                        )
                    )
                )
            }

        variants["httpx-aiohttp"] = package
    return variants


async def _run(emulator: EmulatorProcess) -> dict[tuple[str, int], list[tuple[float, float]]]:
    s = emulator.settings
    clients: dict[str, ManagementClient] = {}
    for name, options in _variants().items():
        clients[name] = ManagementClient(
            s["user_pool_id"], s["secret"], host=s["host"], max_retries=0, **options()
        )
    first = next(iter(clients.values()))
    user = await first.users.create(models.CreateUserInput(email="reader@example.com"))
    for mgmt in clients.values():  # warm: token, connections, converter hooks
        for _ in range(20):
            await mgmt.users.detail(user.id)
    out: dict[tuple[str, int], list[tuple[float, float]]] = {
        (name, level): [] for name in clients for level in LEVELS
    }
    for _ in range(ROUNDS):
        for level in LEVELS:
            for name, mgmt in clients.items():
                counter = itertools.count()

                async def worker(
                    mgmt: ManagementClient = mgmt, counter: itertools.count[int] = counter
                ) -> None:
                    while next(counter) < CALLS:
                        await mgmt.users.detail(user.id)

                emu0, cpu0 = emulator.cpu_seconds() or 0.0, time.process_time()
                await asyncio.gather(*(worker() for _ in range(level)))
                cpu, emu = time.process_time() - cpu0, (emulator.cpu_seconds() or 0.0) - emu0
                out[(name, level)].append((cpu / CALLS * 1e6, emu / CALLS * 1e6))
    for mgmt in clients.values():
        await mgmt.aclose()
    return out


def main() -> None:
    print(f"client concurrency ({machine()} at start)")
    with emulator_subprocess() as emulator:
        results = asyncio.run(_run(emulator))
    print(
        f"  users.detail, one ManagementClient per transport (max_concurrency 64), {CALLS} calls"
        f" per round, {ROUNDS} alternating rounds; load average now {machine()}"
    )
    print(f"  {'transport':<14} {'conc':>4} {'client CPU us/req':>26} {'emulator CPU us/req':>24}")
    names = list(dict.fromkeys(name for name, _ in results))
    for name in names:
        for level in LEVELS:
            rows = results[(name, level)]
            print(
                f"  {name:<14} {level:>4} {median_spread([r[0] for r in rows]):>26}"
                f" {median_spread([r[1] for r in rows]):>24}"
            )
    print("  client CPU at 256 / at 1 (goal <= 1.1x); client / emulator CPU at 64:")
    base = median([r[0] for r in results[("auto", 64)]])
    for name in names:
        low = median([r[0] for r in results[(name, 1)]])
        high = median([r[0] for r in results[(name, 256)]])
        mid = median([r[0] for r in results[(name, 64)]])
        emu = median([r[1] for r in results[(name, 64)]])
        print(
            f"  {name:<14} {high / low:5.2f}x   {mid / emu:5.2f}x the emulator's;"
            f" {mid / base:5.2f}x auto's CPU at 64"
        )
