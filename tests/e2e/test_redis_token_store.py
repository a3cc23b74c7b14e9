"""RedisTokenStore against a real redis-server (started here) and the emulator.

The store lets worker processes share one management token. redis-server must be on PATH; CI
installs it (``.ci/run`` sets ``AIOAUTHING_REQUIRE_REDIS=1`` so a missing server fails, not skips).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fleet_helpers import redis_server

from aioauthing import ManagementClient, RedisTokenStore
from aioauthing.runtime.tokens import StoredToken

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # redis.asyncio does not run on trio


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


async def test_round_trip_and_expiry_follow_the_token(redis_url: str) -> None:
    store = RedisTokenStore(redis_url, prefix="t1:")
    try:
        assert await store.get("k") is None
        token = StoredToken("tok-123", time.time() + 60)
        await store.set("k", token)
        assert await store.get("k") == token
        ttl_ms = await store._redis.pttl("t1:k")
        assert 0 < ttl_ms <= 60_000
        await store.set("k", StoredToken("expired", time.time() - 1))
        assert await store.get("k") is None  # an already-expired token is not kept
        await store.set("forever", StoredToken("no-exp", None))
        assert await store._redis.pttl("t1:forever") == -1
        await store.delete("forever")
        assert await store.get("forever") is None
        await store._redis.set("t1:junk", b"not json")
        assert await store.get("junk") is None
        assert "tok-123" not in repr(store)
    finally:
        await store.aclose()


async def test_workers_share_one_management_token(redis_url: str, authing_pool: Any) -> None:
    async def worker() -> tuple[int, str]:
        store = RedisTokenStore(redis_url, prefix="t2:")
        try:
            async with ManagementClient(
                authing_pool.user_pool_id,
                authing_pool.secret,
                host=authing_pool.host,
                token_store=store,
            ) as mgmt:
                page = await mgmt.users.list(limit=1)
                assert page.total_count == 0
                manager = mgmt.token_manager
                assert manager is not None
                return manager.fetch_count, await manager.get_token()
        finally:
            await store.aclose()

    first_fetches, first_token = await worker()
    second_fetches, second_token = await worker()  # a second process would do the same
    assert (first_fetches, second_fetches) == (1, 0)
    assert second_token == first_token
