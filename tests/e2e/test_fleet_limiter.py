"""RedisRateLimiter against a real redis-server and a quota'd emulator pool."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from fleet_helpers import counters, quota_pool

from aioauthing import ManagementClient
from aioauthing.emulator.server import EmulatorServer
from aioauthing.runtime.errors import AuthingValidationError
from aioauthing.runtime.ratelimit import Limiter
from aioauthing.runtime.redis_limiter import RedisRateLimiter

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # redis.asyncio (and so the shared limiter) runs on asyncio only


async def test_two_processes_worth_of_clients_share_one_budget(
    fleet_redis: str, authing_emulator: EmulatorServer
) -> None:
    pool = quota_pool(authing_emulator, "quota=80/s")
    limiters = [RedisRateLimiter(fleet_redis, rate=80, pool_id=pool.user_pool_id) for _ in range(2)]
    assert all(isinstance(limiter, Limiter) for limiter in limiters)
    clients = [
        ManagementClient(
            pool.user_pool_id, pool.secret, host=pool.host, limiter=limiter, max_retries=0
        )
        for limiter in limiters
    ]
    try:
        for client in clients:  # tokens first, so the measured traffic is the calls alone
            await client.token_manager.get_token()
        before = counters(pool)

        async def calls(client: ManagementClient, count: int) -> None:
            for _ in range(count):
                await client.users.exists(email="nobody@example.com")

        async with anyio.create_task_group() as tg:
            for client in clients:  # 16 tasks unpaced would send the 80 calls at once
                for _ in range(8):
                    tg.start_soon(calls, client, 5)
        after = counters(pool)
    finally:
        for client in clients:
            await client.aclose()
        for limiter in limiters:
            await limiter.aclose()
    sent = after["requests"] - before["requests"]
    assert sent == 80  # max_retries=0: a throttled call would have raised
    assert after["throttled"] == before["throttled"]
    assert sum(limiter.stats().waits for limiter in limiters) > 0  # the budget made them wait


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await anyio.sleep(min(seconds, 0.01))  # do not really wait in the test


async def test_a_429_anywhere_pauses_the_fleet_then_it_recovers(fleet_redis: str) -> None:
    pool_id = "cooldown-pool"
    sleep = RecordingSleep()
    a = RedisRateLimiter(fleet_redis, rate=100, pool_id=pool_id, recovery=0.5)
    b = RedisRateLimiter(fleet_redis, rate=100, pool_id=pool_id, recovery=0.5, sleep=sleep)
    try:
        await a.reset()
        await a.report_rate_limited(retry_after=0.4)
        await a.report_rate_limited(retry_after=0.4)  # the same burst: one slowdown, not two
        await b.report_rate_limited(retry_after=None)
        assert a.stats().throttle_events + b.stats().throttle_events == 1
        async with b.slot():  # b saw no 429 itself, yet waits for the fleet's pause
            pass
        assert sleep.delays
        assert 0.3 < sleep.delays[0] <= 0.4
        state = await b._redis.hgetall(b._state_key)
        assert float(state[b"floor"]) == 50.0  # half the budget, regained at 50/s after the pause
        resume = float(state[b"resume"])
        assert b._rate_at(resume, resume, 50.0) == 50.0
        assert b._rate_at(resume + 0.5, resume, 50.0) == 75.0
        assert b._rate_at(resume + 5, resume, 50.0) == 100.0
    finally:
        await a.reset()
        await a.aclose()
        await b.aclose()


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"rate": 0}, "rate"),
        ({"rate": -1}, "rate"),
        ({"pool_id": ""}, "pool_id"),
        ({"max_concurrency": 0}, "max_concurrency"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs: dict[str, Any], parameter: str) -> None:
    args: dict[str, Any] = {"rate": 10, "pool_id": "p", **kwargs}
    with pytest.raises(AuthingValidationError) as info:
        RedisRateLimiter("redis://127.0.0.1:1/0", **args)
    assert info.value.parameter == parameter


async def test_an_unreachable_redis_never_fails_a_request(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", rate=1000, pool_id="nowhere")
    try:
        for _ in range(3):
            async with limiter.slot():
                pass
        await limiter.report_rate_limited(retry_after=1)
        assert limiter.stats().in_flight == 0
        assert limiter.stats().throttle_events == 0  # nothing shared could be recorded
        assert "shared rate budget unavailable" in caplog.text
    finally:
        await limiter.aclose()
