"""One token for the fleet: N real processes with a RedisTokenStore make one accessToken request."""

from __future__ import annotations

import subprocess
import sys

from fleet_helpers import counters, quota_pool

from aioauthing.emulator.server import EmulatorServer

WORKER = """
import asyncio, sys
from aioauthing import ManagementClient, RedisTokenStore

async def main(redis_url, pool_id, secret, host):
    store = RedisTokenStore(redis_url, prefix="cold-start:")
    async with ManagementClient(pool_id, secret, host=host, token_store=store) as mgmt:
        print("ready", flush=True)
        sys.stdin.readline()  # every process starts at once
        page = await mgmt.users.list(limit=1)
        print("done", page.total_count, mgmt.token_manager.fetch_count, flush=True)
    await store.aclose()

asyncio.run(main(*sys.argv[1:]))
"""


def test_cold_start_of_two_processes_makes_one_token_request(
    fleet_redis: str, authing_emulator: EmulatorServer
) -> None:
    pool = quota_pool(authing_emulator, "latency=50ms")  # a slow token answer widens the race
    args = [sys.executable, "-c", WORKER, fleet_redis, pool.user_pool_id, pool.secret, pool.host]
    procs = [
        subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(2)  # the race needs two (the done-when test starts four)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=60)[0].split() for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [proc.returncode for proc in procs] == [0] * 2
    assert all(out[0] == "done" and out[1] == "0" for out in outputs)
    assert sorted(int(out[2]) for out in outputs) == [0, 1]
    assert counters(pool)["tokenRequests"] == 1


def test_a_dead_lock_holder_releases_by_expiry(fleet_redis: str) -> None:
    import anyio

    from aioauthing import RedisTokenStore

    async def scenario() -> tuple[bytes | None, bytes | None]:
        holder = RedisTokenStore(fleet_redis, prefix="dead:")
        waiter = RedisTokenStore(fleet_redis, prefix="dead:", lock_wait=30)
        try:
            lock = holder._redis.lock("dead:k:refresh", timeout=0.3)
            assert await lock.acquire()  # ... and the holder "dies" without releasing
            first = await holder._redis.get("dead:k:refresh")
            async with waiter.refresh_lock("k"):
                # the waiter holds the lock itself (it did not give up after lock_wait)
                second = await waiter._redis.get("dead:k:refresh")
            return first, second
        finally:
            await holder.aclose()
            await waiter.aclose()

    first, second = anyio.run(scenario)
    assert first is not None
    assert second is not None
    assert second != first
