"""The integrations' role/permission cache in Redis: one lookup per user for many workers."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from aioauthing import AuthenticationClient, ManagementClient, models
from aioauthing.integrations import AuthingSettings
from aioauthing.integrations.service import Authing
from aioauthing.integrations.shared_cache import RedisAccessCache

pytestmark = pytest.mark.anyio
PASSWORD = "pw-123456"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _clerk_token(pool: Any) -> str:
    async with ManagementClient(
        pool.user_pool_id, pool.secret, host=pool.host, public_key=pool.public_key
    ) as mgmt:
        user = await mgmt.users.create(
            models.CreateUserInput(email="clerk@fleet.test", password=PASSWORD)
        )
        await mgmt.roles.create("clerk")
        await mgmt.roles.add_users(["clerk"], user_ids=[user.id])
    async with AuthenticationClient(
        pool.app_id, host=pool.host, user_pool_id=pool.user_pool_id, public_key=pool.public_key
    ) as auth:
        signed_in = await auth.login_by_email("clerk@fleet.test", PASSWORD)
    assert signed_in is not None and signed_in.token
    return signed_in.token


async def test_eight_workers_make_one_lookup(fleet_redis: str, authing_pool: Any) -> None:
    token = await _clerk_token(authing_pool)
    settings = AuthingSettings(
        app_id=authing_pool.app_id,
        host=authing_pool.host,
        user_pool_id=authing_pool.user_pool_id,
        app_secret=authing_pool.app_secret,
        public_key=authing_pool.public_key,
        access_cache_url=fleet_redis,
    )
    held: list[frozenset[str]] = []
    lookups: list[int] = []

    async def worker() -> None:  # one app process: its own clients and cache object
        async with Authing.open(settings) as runtime:
            assert isinstance(runtime.access, RedisAccessCache)
            principal = await runtime.authenticate(f"Bearer {token}")
            held.append(await runtime.roles_of(principal))
            held.append(await runtime.roles_of(principal))  # from Redis, not looked up again
            lookups.append(runtime.access.lookups)

    async with anyio.create_task_group() as tg:
        for _ in range(8):
            tg.start_soon(worker)
    assert held == [frozenset({"clerk"})] * 16
    assert sorted(lookups) == [0] * 7 + [1]

    cache = RedisAccessCache(fleet_redis)
    try:
        await cache.invalidate()  # forgotten everywhere: the next worker looks the user up
        async with Authing.open(settings) as runtime:
            principal = await runtime.authenticate(f"Bearer {token}")
            assert await runtime.roles_of(principal) == frozenset({"clerk"})
            assert isinstance(runtime.access, RedisAccessCache)
            assert runtime.access.lookups == 1
    finally:
        await cache.aclose()


async def test_an_unreachable_redis_falls_back_to_a_direct_lookup() -> None:
    cache = RedisAccessCache("redis://127.0.0.1:1/0")
    calls = 0

    async def load() -> frozenset[str]:
        nonlocal calls
        calls += 1
        return frozenset({"admin"})

    try:
        assert await cache.get(("roles", "u1", ""), load) == frozenset({"admin"})
        assert (calls, cache.lookups) == (1, 1)
    finally:
        await cache.aclose()
