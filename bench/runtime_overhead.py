"""Per-call overhead of aioauthing against raw httpx sending the same request to the same server.

Both sides send `checkLoginStatus` (the same GraphQL document and headers) to one local emulator
process, at concurrency 1, in alternating rounds. Reported: wall-time ratio and the client CPU
each SDK call costs beyond the raw httpx call (time.process_time of this process only).

A second part repeats the comparison over an in-memory transport (``httpx.MockTransport``
answering a canned body): no server shares the CPU, so the extra client CPU per call is measured
without the noise of a busy two-core machine.
"""

from __future__ import annotations

import json
import time
from typing import Any

import anyio
import httpx

from aioauthing import AuthenticationClient
from aioauthing.generated import operations as ops

from ._emulator import emulator_process
from ._stats import machine, median_spread

CALLS = 300
ROUNDS = 5


async def _run(settings: dict[str, Any]) -> dict[str, list[float]]:
    token = "not-a-real-token"
    headers = {
        "x-authing-userpool-id": settings["user_pool_id"],
        "x-authing-app-id": settings["app_id"],
        "x-authing-request-from": "sdk",
        "content-type": "application/json",
    }
    body = {"query": ops.CHECK_LOGIN_STATUS.document, "variables": {"token": token}}
    url = settings["host"] + "/graphql/v2"
    totals: dict[str, list[float]] = {"raw_wall": [], "raw_cpu": [], "sdk_wall": [], "sdk_cpu": []}
    async with (
        httpx.AsyncClient() as raw,
        AuthenticationClient(
            settings["app_id"],
            host=settings["host"],
            user_pool_id=settings["user_pool_id"],
            public_key=settings["public_key"],
        ) as auth,
    ):
        for _ in range(20):  # warm both paths: connections, converter hooks
            (await raw.post(url, json=body, headers=headers)).json()
            await auth.check_login_status(token)
        for _ in range(ROUNDS):
            w, c = time.perf_counter(), time.process_time()
            for _ in range(CALLS):
                r = await raw.post(url, json=body, headers=headers)
                r.raise_for_status()
                assert r.json()["data"]["checkLoginStatus"]["status"] is False
            totals["raw_wall"].append(time.perf_counter() - w)
            totals["raw_cpu"].append(time.process_time() - c)
            w, c = time.perf_counter(), time.process_time()
            for _ in range(CALLS):
                status = await auth.check_login_status(token)
                assert status is not None and status.status is False
            totals["sdk_wall"].append(time.perf_counter() - w)
            totals["sdk_cpu"].append(time.process_time() - c)
    return totals


_CANNED = json.dumps(
    {"data": {"checkLoginStatus": {"code": 200, "message": "ok", "status": False}}}
).encode()


async def _run_in_memory() -> dict[str, list[float]]:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=_CANNED, headers={"content-type": "application/json"}
        )
    )
    headers = {
        "x-authing-userpool-id": "pool",
        "x-authing-app-id": "app",
        "x-authing-request-from": "sdk",
        "content-type": "application/json",
    }
    body = {"query": ops.CHECK_LOGIN_STATUS.document, "variables": {"token": "t"}}
    totals: dict[str, list[float]] = {"raw_cpu": [], "sdk_cpu": []}
    async with (
        httpx.AsyncClient(transport=transport) as raw,
        httpx.AsyncClient(transport=transport) as sdk_http,
        AuthenticationClient(
            "app", host="http://bench.invalid", user_pool_id="pool", http_client=sdk_http
        ) as auth,
    ):
        for _ in range(200):
            (await raw.post("http://bench.invalid/graphql/v2", json=body, headers=headers)).json()
            await auth.check_login_status("t")
        for _ in range(ROUNDS):
            c = time.process_time()
            for _ in range(CALLS * 4):
                r = await raw.post("http://bench.invalid/graphql/v2", json=body, headers=headers)
                assert r.json()["data"]["checkLoginStatus"]["status"] is False
            totals["raw_cpu"].append(time.process_time() - c)
            c = time.process_time()
            for _ in range(CALLS * 4):
                status = await auth.check_login_status("t")
                assert status is not None and status.status is False
            totals["sdk_cpu"].append(time.process_time() - c)
    return totals


def main() -> None:
    print(f"runtime overhead ({machine()} at start)")
    with emulator_process() as settings:
        t = anyio.run(_run, settings)
    print(
        f"  over loopback (checkLoginStatus, concurrency 1, {CALLS} calls per round,"
        f" {ROUNDS} alternating rounds; medians with spread):"
    )

    def per_call(key: str, n: int) -> list[float]:
        return [v / n * 1e6 for v in t[key]]

    print(f"    raw httpx  : {median_spread(per_call('raw_cpu', CALLS))} us client CPU per call")
    print(
        f"    aioauthing : {median_spread(per_call('sdk_cpu', CALLS))} us client CPU per call"
        " (its own pool: aiohttp on asyncio)"
    )
    ratio = [s / r for s, r in zip(t["sdk_wall"], t["raw_wall"], strict=True)]
    extra = [(s - r) / CALLS * 1e6 for s, r in zip(t["sdk_cpu"], t["raw_cpu"], strict=True)]
    print(f"    wall ratio aioauthing/raw: {median_spread(ratio, '.2f')}x")
    print(f"    client CPU aioauthing minus raw httpx: {median_spread(extra)} us per call")
    m = anyio.run(_run_in_memory)
    n = CALLS * 4
    extra = [(s - r) / n * 1e6 for s, r in zip(m["sdk_cpu"], m["raw_cpu"], strict=True)]
    print(f"  in memory (httpx.MockTransport: no server, both through httpx), {n} calls per round:")
    print(
        f"    raw httpx {median_spread([v / n * 1e6 for v in m['raw_cpu']])} us,"
        f" aioauthing {median_spread([v / n * 1e6 for v in m['sdk_cpu']])} us per call;"
        f" extra CPU {median_spread(extra)} us (goal <= 40 us)"
    )
    print(f"  load average at the end: {machine()}")
