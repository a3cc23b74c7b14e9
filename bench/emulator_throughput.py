"""Emulator throughput: requests/s and requests per CPU-second of the emulator process.

An emulator subprocess (``aioauthing emulator``, in memory) is driven by one httpx client at a
few concurrency levels. For each workload it reports wall-clock requests/s (bounded by this
client's CPU as much as by the server on a small machine) and requests per CPU-second used by the
emulator process (user + system, from ``/proc``): the throughput the emulator reaches on one core.
Goal: at least 2,000 simple GraphQL reads per CPU-second.

Workloads (raw GraphQL, the documents Authing's SDKs send):
  * ``user(id)``: a management read of one user by id (management token checked on every call);
  * ``checkLoginStatus``: a public read that verifies a user token;
  * ``createUser``: a management write (email + nickname, no password);
  * ``createUser+password``: the same with an RSA-encrypted password (decrypted and hashed by the
    emulator: PBKDF2 at its configured cost). Goal: <= 1.5 ms of emulator CPU per user.

Every workload runs at concurrency 1, 16, 64 and 256, in ``BENCH_EMULATOR_ROUNDS`` (default 3)
alternating rounds; the table shows the median of the rounds with its spread.
``BENCH_EMULATOR_WORKLOADS=read,password`` picks workloads by name. With
``BENCH_BASELINE_SRC=/path/to/other/src`` a second emulator runs that tree (``PYTHONPATH``) and
each measurement alternates between the two, with the ratio of their CPU per request.
``BENCH_EMULATOR_INPROCESS=1`` adds the CPU per ``user(id)`` read of the ASGI app alone (no HTTP
server; one process per tree and round, ``BENCH_EMULATOR_READS`` reads; ``only``: just that):
what the emulator's own code costs, apart from uvicorn, the event loop and the kernel.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from aioauthing.generated import operations as ops

from ._emulator import EmulatorProcess, emulator_subprocess
from ._stats import loadavg, machine, median, median_spread

CONCURRENCY = (1, 16, 64, 256)
READS = int(os.environ.get("BENCH_EMULATOR_READS", "1200"))
WRITES = int(os.environ.get("BENCH_EMULATOR_WRITES", "400"))
ROUNDS = int(os.environ.get("BENCH_EMULATOR_ROUNDS", "3"))
WORKLOADS = [w for w in os.environ.get("BENCH_EMULATOR_WORKLOADS", "").split(",") if w]
"""Only the workloads whose names contain one of these (``read,password``); all when unset."""
GOAL = 2000
INPROCESS = os.environ.get("BENCH_EMULATOR_INPROCESS", "")
"""``1``: add the in-process figures; ``only``: nothing else."""

USER_BY_ID = (
    "query user($id: String) { user(id: $id) { id arn userPoolId username email emailVerified "
    "phone phoneVerified nickname photo loginsCount lastLogin blocked createdAt updatedAt } }"
)

Body = Callable[[int], dict[str, Any]]


def _encrypt(public_key: str, plain: str) -> str:
    key = serialization.load_pem_public_key(public_key.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return base64.b64encode(key.encrypt(plain.encode(), padding.PKCS1v15())).decode()


class Driver:
    def __init__(self, emulator: EmulatorProcess, client: httpx.AsyncClient) -> None:
        self.emulator = emulator
        self.settings = emulator.settings
        self.client = client
        self.url = self.settings["host"] + "/graphql/v2"
        self.base_headers = {
            "x-authing-userpool-id": self.settings["user_pool_id"],
            "x-authing-app-id": self.settings["app_id"],
            "x-authing-request-from": "sdk",
        }

    def headers(self, token: str | None) -> dict[str, str]:
        if token is None:
            return self.base_headers
        return {**self.base_headers, "authorization": f"Bearer {token}"}

    async def call(self, body: dict[str, Any], token: str | None) -> dict[str, Any]:
        try:
            response = await self.client.post(self.url, json=body, headers=self.headers(token))
        except (httpx.ReadError, httpx.RemoteProtocolError):
            # a kept-alive connection the server closed while the other emulator was driven
            # (a busy machine stretches its keep-alive timeout): send once more on a new one
            response = await self.client.post(self.url, json=body, headers=self.headers(token))
        response.raise_for_status()
        payload: dict[str, Any] = response.json()
        assert "errors" not in payload, payload
        return payload

    async def run(
        self, body: Body, token: str | None, total: int, concurrency: int
    ) -> tuple[float, float | None]:
        """Wall seconds and emulator CPU seconds for ``total`` calls at ``concurrency``."""
        counter = itertools.count()

        async def worker() -> None:
            while (n := next(counter)) < total:
                await self.call(body(n), token)

        cpu0, wall0 = self.emulator.cpu_seconds(), time.perf_counter()
        async with anyio.create_task_group() as tg:
            for _ in range(concurrency):
                tg.start_soon(worker)
        wall, cpu1 = time.perf_counter() - wall0, self.emulator.cpu_seconds()
        return wall, (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None


Row = tuple[str, str, int, int, float, float | None]
"""(variant, workload, concurrency, calls, wall seconds, emulator CPU seconds)."""


async def _workloads(driver: Driver) -> list[tuple[str, Body, str | None, int]]:
    """A management token, a user with a password and its token; the workloads asked for."""
    settings = driver.settings
    mgmt = (
        await driver.call(
            {
                "query": ops.MANAGEMENT_ACCESS_TOKEN.document,
                "variables": {"userPoolId": settings["user_pool_id"], "secret": settings["secret"]},
            },
            None,
        )
    )["data"]["accessToken"]["accessToken"]
    password = _encrypt(settings["public_key"], "bench-pw-1")
    user = (
        await driver.call(
            {
                "query": ops.USERS_CREATE.document,
                "variables": {"userInfo": {"email": "bench@example.com", "password": password}},
            },
            mgmt,
        )
    )["data"]["createUser"]
    login = await driver.call(
        {
            "query": ops.LOGIN_BY_EMAIL.document,
            "variables": {"input": {"email": "bench@example.com", "password": password}},
        },
        None,
    )
    user_token = login["data"]["loginByEmail"]["token"]

    def read_user(_: int) -> dict[str, Any]:
        return {"query": USER_BY_ID, "variables": {"id": user["id"]}}

    def check_status(_: int) -> dict[str, Any]:
        return {"query": ops.CHECK_LOGIN_STATUS.document, "variables": {"token": user_token}}

    serial = itertools.count()

    def create(_: int) -> dict[str, Any]:
        n = next(serial)
        return {
            "query": ops.USERS_CREATE.document,
            "variables": {"userInfo": {"email": f"b{n}@example.com", "nickname": f"b{n}"}},
        }

    def create_with_password(_: int) -> dict[str, Any]:
        n = next(serial)
        info = {"email": f"b{n}@example.com", "nickname": f"b{n}", "password": password}
        return {"query": ops.USERS_CREATE.document, "variables": {"userInfo": info}}

    workloads: list[tuple[str, Body, str | None, int]] = [
        ("user(id) read", read_user, mgmt, READS),
        ("checkLoginStatus", check_status, None, READS),
        ("createUser write", create, mgmt, WRITES),
        ("createUser+password", create_with_password, mgmt, WRITES),
    ]
    await driver.run(read_user, mgmt, 300, 8)  # warm-up: connections, document cache
    return [w for w in workloads if not WORKLOADS or any(k in w[0] for k in WORKLOADS)]


async def _bench(emulators: dict[str, EmulatorProcess]) -> list[Row]:
    # keepalive_expiry below uvicorn's 5 s keep-alive timeout: never reuse a connection the
    # server is closing (a ReadError race, not a server fault)
    top = max(CONCURRENCY)
    limits = httpx.Limits(max_connections=top, max_keepalive_connections=top, keepalive_expiry=2)
    rows: list[Row] = []
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        drivers = {name: Driver(emulator, client) for name, emulator in emulators.items()}
        workloads = {name: await _workloads(driver) for name, driver in drivers.items()}
        for _ in range(ROUNDS):  # variants alternate within each round: same load for both
            for index in range(len(workloads[next(iter(workloads))])):
                for concurrency in CONCURRENCY:
                    for variant, driver in drivers.items():
                        name, body, token, total = workloads[variant][index]
                        wall, cpu = await driver.run(body, token, total, concurrency)
                        rows.append((variant, name, concurrency, total, wall, cpu))
    return rows


def _inprocess(variants: dict[str, dict[str, str] | None]) -> None:
    """Microseconds of CPU per read through the ASGI app alone, per tree, rounds alternating."""
    runs: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(ROUNDS):
        for name, env in variants.items():
            out = subprocess.run(
                [sys.executable, "-m", "bench._emulator_inprocess", str(READS)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, **env} if env else None,
                cwd=Path(__file__).resolve().parent.parent,
            ).stdout
            runs[name].append(float(out.strip()))
    print(
        f"  in process (ASGI app, no HTTP server), user(id) read, {READS} reads x {ROUNDS} rounds:"
    )
    for name, values in runs.items():
        print(f"    {name:<9} {median_spread(values, '.1f')} us CPU per read")
    if "baseline" in runs:
        ratios = [t / b for t, b in zip(runs["this tree"], runs["baseline"], strict=False)]
        print(f"    this tree / baseline: {median_spread(ratios, '.2f')}x")


def main() -> None:
    print(f"emulator throughput ({machine()} at start; one emulator process each, in memory)")
    variants: dict[str, dict[str, str] | None] = {"this tree": None}
    baseline = os.environ.get("BENCH_BASELINE_SRC")
    if baseline:
        variants["baseline"] = {"PYTHONPATH": baseline}
    if INPROCESS == "only":
        _inprocess(variants)
        return
    with contextlib.ExitStack() as stack:
        emulators = {
            name: stack.enter_context(emulator_subprocess(env=env))
            for name, env in variants.items()
        }
        rows = anyio.run(_bench, emulators)
    print(f"  {ROUNDS} rounds; load average now {loadavg()}")
    print(
        f"  {'emulator':<9} {'workload':<20} {'conc':>4} {'calls':>6} {'req/s wall':>18}"
        f" {'req per emulator CPU-s':>24} {'emulator CPU ms/req':>22}"
    )
    groups: dict[tuple[str, str, int], list[tuple[int, float, float]]] = {}
    for variant, name, concurrency, total, wall, cpu in rows:
        if cpu:
            groups.setdefault((variant, name, concurrency), []).append((total, wall, cpu))
    worst_read: dict[str, float] = {}
    for (variant, name, concurrency), runs in groups.items():
        total = runs[0][0]
        per_cpu = [t / c for t, _, c in runs]
        if name == "user(id) read":
            worst_read[variant] = min(worst_read.get(variant, float("inf")), median(per_cpu))
        print(
            f"  {variant:<9} {name:<20} {concurrency:>4} {total:>6}"
            f" {median_spread([t / w for t, w, _ in runs]):>18}"
            f" {median_spread(per_cpu):>24} {median_spread([c / t * 1e3 for t, _, c in runs], '.2f'):>22}"
        )
    if baseline:
        print("  emulator CPU per request, this tree / baseline (same round, same concurrency):")
        for (variant, name, concurrency), runs in groups.items():
            base = groups.get(("baseline", name, concurrency))
            if variant != "this tree" or not base:
                continue
            ratios = [
                (c / t) / (bc / bt) for (t, _, c), (bt, _, bc) in zip(runs, base, strict=False)
            ]
            print(f"    {name:<20} {concurrency:>4}  {median_spread(ratios, '.2f')}x")
    for variant, worst in worst_read.items():
        verdict = "meets" if worst >= GOAL else "below"
        print(
            f"  {variant}: simple reads per emulator CPU-second, lowest median over concurrency"
            f" 1..256: {worst:.0f} ({verdict} the goal of {GOAL})"
        )
    if INPROCESS:
        _inprocess(variants)
