"""Real parts for the fleet tests: a redis-server on a free loopback port, quota'd pools."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from aioauthing.emulator.server import EmulatorServer
from aioauthing.emulator.settings import EmulatorSettings


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a fresh redis-server (skips when it is not installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("AIOAUTHING_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is not on PATH but AIOAUTHING_REQUIRE_REDIS=1")
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def quota_pool(server: EmulatorServer, faults: str) -> EmulatorSettings:
    """A fresh pool on ``server`` with these faults (``"quota=50/s"``)."""
    response = httpx.post(f"{server.url}/__emulator__/pools", json={"faults": faults}, timeout=10)
    response.raise_for_status()
    return EmulatorSettings.from_dict(response.json())


def counters(pool: EmulatorSettings) -> dict[str, Any]:
    """The pool's traffic counters (requests, throttled, tokenRequests, faults)."""
    response = httpx.get(
        f"{pool.host}/__emulator__/faults", params={"pool": pool.user_pool_id}, timeout=10
    )
    response.raise_for_status()
    value: dict[str, Any] = response.json()["counters"]
    return value


async def user_count(pool: EmulatorSettings) -> int:
    """How many users the pool holds (asked after the measured traffic)."""
    from aioauthing import ManagementClient

    async with ManagementClient(
        pool.user_pool_id, pool.secret, host=pool.host, public_key=pool.public_key
    ) as mgmt:
        page = await mgmt.users.list(limit=1)
        return int(page.total_count or 0)
