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

CALLS = 300
ROUNDS = 5


async def _run(settings: dict[str, Any]) -> dict[str, float]:
    token = "not-a-real-token"
    headers = {
        "x-authing-userpool-id": settings["user_pool_id"],
        "x-authing-app-id": settings["app_id"],
        "x-authing-request-from": "sdk",
        "content-type": "application/json",
    }
    body = {"query": ops.CHECK_LOGIN_STATUS.document, "variables": {"token": token}}
    url = settings["host"] + "/graphql/v2"
    totals = {"raw_wall": 0.0, "raw_cpu": 0.0, "sdk_wall": 0.0, "sdk_cpu": 0.0}
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
            totals["raw_wall"] += time.perf_counter() - w
            totals["raw_cpu"] += time.process_time() - c
            w, c = time.perf_counter(), time.process_time()
            for _ in range(CALLS):
                status = await auth.check_login_status(token)
                assert status is not None and status.status is False
            totals["sdk_wall"] += time.perf_counter() - w
            totals["sdk_cpu"] += time.process_time() - c
    return totals


_CANNED = json.dumps(
    {"data": {"checkLoginStatus": {"code": 200, "message": "ok", "status": False}}}
).encode()


async def _run_in_memory() -> dict[str, float]:
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
    totals = {"raw_cpu": 0.0, "sdk_cpu": 0.0}
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
            totals["raw_cpu"] += time.process_time() - c
            c = time.process_time()
            for _ in range(CALLS * 4):
                status = await auth.check_login_status("t")
                assert status is not None and status.status is False
            totals["sdk_cpu"] += time.process_time() - c
    return totals


def main() -> None:
    with emulator_process() as settings:
        totals = anyio.run(_run, settings)
    n = CALLS * ROUNDS
    print(f"runtime overhead (checkLoginStatus, concurrency 1, {n} calls each, alternating rounds)")
    print(
        f"  raw httpx : {totals['raw_wall'] / n * 1e6:8.0f} us/call wall, {totals['raw_cpu'] / n * 1e6:6.0f} us/call client CPU"
    )
    print(
        f"  aioauthing: {totals['sdk_wall'] / n * 1e6:8.0f} us/call wall, {totals['sdk_cpu'] / n * 1e6:6.0f} us/call client CPU"
    )
    print(
        f"  wall ratio aioauthing/raw: {totals['sdk_wall'] / totals['raw_wall']:.3f}x (goal <= 1.15x)"
    )
    print(
        f"  extra client CPU per call: {(totals['sdk_cpu'] - totals['raw_cpu']) / n * 1e6:.0f} us (goal <= 100 us)"
    )
    memory = anyio.run(_run_in_memory)
    m = CALLS * 4 * ROUNDS
    print(f"in-memory transport (no server on the CPU), {m} calls each:")
    print(
        f"  raw httpx {memory['raw_cpu'] / m * 1e6:.0f} us/call CPU, "
        f"aioauthing {memory['sdk_cpu'] / m * 1e6:.0f} us/call CPU, "
        f"extra {(memory['sdk_cpu'] - memory['raw_cpu']) / m * 1e6:.0f} us (goal <= 100 us)"
    )
