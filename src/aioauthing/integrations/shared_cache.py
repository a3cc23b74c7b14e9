"""The role/permission cache in Redis, shared by every worker of a web app.

With ``AuthingSettings(access_cache_url="redis://...")`` (or ``Authing(..., access_cache=
RedisAccessCache(...))``) the roles and permissions looked up for a user are kept in Redis for
``access_ttl`` seconds: 8 uvicorn workers on 4 hosts make one lookup per user, not 8. A lookup
runs under a short Redis lock and the cache is read again once the lock is held, so workers asked
about the same user at the same moment wait for one lookup instead of each making their own. If
Redis cannot be reached, the lookup is made directly (the cache never turns a request away).
Needs the ``redis`` extra; asyncio only.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisAccessCache"]

log = logging.getLogger("aioauthing.integrations")


class RedisAccessCache:
    """``key -> frozenset[str]`` in Redis with a TTL; the same interface as ``AccessCache``."""

    def __init__(
        self,
        client_or_url: Redis | str,
        *,
        ttl: float = 60.0,
        prefix: str = "aioauthing:access:",
        lock_timeout: float = 10.0,
    ) -> None:
        if isinstance(client_or_url, str):
            from redis.asyncio import Redis

            self._redis: Redis = Redis.from_url(client_or_url)
            self._owns_client = True
        else:
            self._redis = client_or_url
            self._owns_client = False
        self.ttl = ttl
        self.prefix = prefix
        self.lock_timeout = lock_timeout
        self.lookups = 0
        """Lookups this process made (the others were answered from Redis)."""

    def _key(self, key: tuple[str, ...]) -> str:
        return self.prefix + json.dumps(list(key), separators=(",", ":"))

    async def _read(self, name: str) -> frozenset[str] | None:
        raw = await self._redis.get(name)
        if raw is None:
            return None
        try:
            values: Any = json.loads(raw)
        except ValueError:
            return None
        return frozenset(str(v) for v in values) if isinstance(values, list) else None

    async def get(
        self, key: tuple[str, ...], load: Callable[[], Awaitable[frozenset[str]]]
    ) -> frozenset[str]:
        """The cached value for ``key``, loading it (once for the whole fleet) when absent."""
        from redis.exceptions import LockError, RedisError

        name = self._key(key)
        try:
            cached = await self._read(name)
            if cached is not None:
                return cached
            lock = self._redis.lock(
                name + ":lock",
                timeout=self.lock_timeout,
                sleep=0.01,
                blocking_timeout=self.lock_timeout,
            )
            held = await lock.acquire()
        except RedisError as exc:
            log.warning("access cache unavailable (%s); looking the user up directly", exc)
            self.lookups += 1
            return await load()
        try:
            cached = await self._read(name)
            if cached is not None:
                return cached
            self.lookups += 1
            value = await load()
            await self._redis.set(name, json.dumps(sorted(value)), px=max(1, int(self.ttl * 1000)))
            return value
        finally:
            if held:
                # expired meanwhile, or Redis went away: nothing to release
                with contextlib.suppress(LockError, RedisError):
                    await lock.release()

    async def invalidate(self, user_id: str | None = None) -> None:
        """Forget one user's entries (or every entry under this prefix)."""
        pattern = self.prefix + ("*" if user_id is None else f'*"{user_id}"*')
        async for name in self._redis.scan_iter(match=pattern, count=500):
            await self._redis.delete(name)

    async def aclose(self) -> None:
        """Close the Redis connection pool if this cache created it."""
        if self._owns_client:
            await self._redis.aclose()

    def __repr__(self) -> str:
        return f"RedisAccessCache(prefix={self.prefix!r}, ttl={self.ttl:g})"
