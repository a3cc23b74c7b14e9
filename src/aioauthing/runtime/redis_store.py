"""A :class:`~aioauthing.runtime.tokens.TokenStore` in Redis, shared by every worker process.

Several workers of one service (``uvicorn --workers 8``, a fleet of bulk-job runners) then reuse
one management token instead of fetching one each. Entries expire in Redis when the token does.
A refresh happens under a Redis lock (``<prefix><key>:refresh``), and the store is read again once
the lock is held, so a cold start of N processes makes one token request; the lock expires after
``lock_timeout`` seconds if its holder dies.
Needs the ``redis`` extra (``pip install 'aioauthing[redis]'``); ``redis.asyncio`` runs on asyncio
only, not trio.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from .tokens import StoredToken

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisTokenStore"]

log = logging.getLogger("aioauthing")


class RedisTokenStore:
    """Keeps tokens as JSON strings under ``<prefix><key>``, expiring with the token.

    Pass a ``redis.asyncio.Redis`` client (its lifetime stays yours) or a URL
    (``redis://localhost:6379/0``; the store then owns the client, see :meth:`aclose`).
    """

    def __init__(
        self,
        client_or_url: Redis | str,
        *,
        prefix: str = "aioauthing:token:",
        clock: Any = time.time,
        lock_timeout: float = 30.0,
        lock_wait: float = 60.0,
    ) -> None:
        if isinstance(client_or_url, str):
            from redis.asyncio import Redis

            self._redis: Redis = Redis.from_url(client_or_url)
            self._owns_client = True
        else:
            self._redis = client_or_url
            self._owns_client = False
        self.prefix = prefix
        self._clock = clock
        self.lock_timeout = lock_timeout
        self.lock_wait = lock_wait

    async def get(self, key: str) -> StoredToken | None:
        raw = await self._redis.get(self.prefix + key)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return StoredToken.from_json(data)
        except (ValueError, KeyError, TypeError):
            return None  # not ours or corrupt: treated as absent, overwritten on the next set

    async def set(self, key: str, token: StoredToken) -> None:
        value = json.dumps(token.to_json())
        if token.expires_at is None:
            await self._redis.set(self.prefix + key, value)
            return
        ttl_ms = int((token.expires_at - self._clock()) * 1000)
        if ttl_ms <= 0:
            await self._redis.delete(self.prefix + key)
            return
        await self._redis.set(self.prefix + key, value, px=ttl_ms)

    async def delete(self, key: str) -> None:
        await self._redis.delete(self.prefix + key)

    @asynccontextmanager
    async def refresh_lock(self, key: str) -> AsyncIterator[None]:
        """Hold ``<prefix><key>:refresh`` (expires after ``lock_timeout`` if we die holding it)."""
        lock = self._redis.lock(
            f"{self.prefix}{key}:refresh",
            timeout=self.lock_timeout,
            sleep=0.02,
            blocking_timeout=self.lock_wait,
        )
        from redis.exceptions import LockError

        if not await lock.acquire():  # a stuck holder: refresh without the lock rather than fail
            log.warning("no token refresh lock within %gs; refreshing anyway", self.lock_wait)
            yield
            return
        try:
            yield
        finally:
            with contextlib.suppress(LockError):  # expired meanwhile: nothing to release
                await lock.release()

    async def aclose(self) -> None:
        """Close the Redis connection pool if this store created it."""
        if self._owns_client:
            await self._redis.aclose()

    def __repr__(self) -> str:
        return f"RedisTokenStore(prefix={self.prefix!r})"
