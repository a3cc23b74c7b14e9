"""Client-wide pacing: the :class:`Limiter` seam and the in-process :class:`RateLimiter`.

Every request made through one client (and its ``with_options`` / ``as_user`` copies) passes
through the same limiter: ``async with limiter.slot():`` around each attempt, then
``await limiter.report_rate_limited(retry_after)`` on a 429 or ``await limiter.report_success()``
on any other answer below 500. Anything with those four members (and ``stats()``) can be given to a
client as ``limiter=``; :class:`~aioauthing.runtime.redis_limiter.RedisRateLimiter` shares one
budget between processes.

:class:`RateLimiter` is a concurrency cap, an optional token bucket, and AIMD on 429. On a 429 the whole client slows down: the concurrency
window and the request rate are halved (at most once per ``cooldown`` seconds); each success
then wins back a little, so throughput recovers gradually instead of snapping back.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol, runtime_checkable

import anyio
import attrs

__all__ = ["Limiter", "LimiterStats", "RateLimiter"]


@attrs.frozen(slots=True, kw_only=True)
class LimiterStats:
    """A snapshot of the limiter's state."""

    in_flight: int
    concurrency_limit: int
    max_concurrency: int
    rate: float | None
    max_rate: float | None
    throttle_events: int
    """How many times a 429 made the client slow down."""
    waits: int
    """How many times a request waited for the token bucket (or the shared budget)."""


@runtime_checkable
class Limiter(Protocol):
    """What a client needs from a limiter (give one to a client as ``limiter=``).

    ``slot()`` is held around each attempt (it may wait for a rate budget and a concurrency
    window); after the answer the client calls ``report_rate_limited`` (HTTP 429, with the
    ``Retry-After`` in seconds when the answer had one) or ``report_success`` (any other answer
    below 500). Share one limiter between clients to pace them together.
    """

    def slot(self) -> AbstractAsyncContextManager[None]: ...

    async def report_rate_limited(self, retry_after: float | None = None) -> None: ...

    async def report_success(self) -> None: ...

    def stats(self) -> LimiterStats: ...


class RateLimiter:
    """Concurrency cap (default 64) plus an optional requests-per-second token bucket."""

    def __init__(
        self,
        *,
        max_concurrency: int = 64,
        rate: float | None = None,
        burst: float | None = None,
        recovery: float = 0.02,
        cooldown: float = 1.0,
        min_rate: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive")
        self._max_concurrency = max_concurrency
        self._limit = max_concurrency
        self._waiters: deque[anyio.Event] = deque()
        self._slot = _Slot(self)
        self._max_rate = rate
        self._rate = rate
        self._burst = burst if burst is not None else max(1.0, rate or 1.0)
        self._tokens = self._burst
        self._recovery = recovery
        self._cooldown = cooldown
        self._min_rate = min_rate
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._last_decrease = -math.inf
        self._credit = 0
        self._in_flight = 0
        self._throttle_events = 0
        self._waits = 0
        self._bucket_lock = anyio.Lock()

    def slot(self) -> AbstractAsyncContextManager[None]:
        """Hold one request slot (waits for the bucket, then for the concurrency window).

        One reusable context manager: a request that finds a free slot, no waiter ahead of it
        and no rate configured takes it without awaiting anything (the common case costs a
        comparison and a counter); the others wait in arrival order.
        """
        return self._slot

    async def _acquire(self) -> None:
        await self._take_token()
        if self._in_flight < self._limit and not self._waiters:
            self._in_flight += 1
            return
        event = anyio.Event()
        self._waiters.append(event)
        try:
            await event.wait()
        except BaseException:
            if event.is_set():  # the slot was handed over just before the cancellation
                self._release()
            else:
                self._waiters.remove(event)
            raise
        # _release counted the slot for this waiter when it set the event

    def _release(self) -> None:
        self._in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        """Hand free slots to the waiters, first come first served."""
        waiters = self._waiters
        while waiters and self._in_flight < self._limit:
            self._in_flight += 1
            waiters.popleft().set()

    async def _take_token(self) -> None:
        if self._rate is None:
            return
        async with self._bucket_lock:
            while True:
                rate = self._rate
                if rate is None:
                    return
                self._refill()
                if self._tokens >= 1.0 - 1e-9:  # tolerate float error from refills
                    self._tokens = max(self._tokens - 1.0, 0.0)
                    return
                self._waits += 1
                await self._sleep((1.0 - self._tokens) / rate)

    def _refill(self) -> None:
        now = self._clock()
        if self._rate is not None:
            elapsed = max(now - self._updated, 0.0)
            self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
        self._updated = now

    async def report_rate_limited(self, retry_after: float | None = None) -> None:
        """:class:`Limiter` hook: a 429 slows this client down (see :meth:`on_rate_limited`).

        ``retry_after`` is not waited for here: the retry policy waits it for the refused request,
        and the halved window and rate pace the others.
        """
        self.on_rate_limited()

    async def report_success(self) -> None:
        """:class:`Limiter` hook: see :meth:`on_success`."""
        self.on_success()

    def on_rate_limited(self) -> None:
        """Multiplicative decrease: halve the window and the rate (once per cooldown)."""
        now = self._clock()
        if now - self._last_decrease < self._cooldown:
            return
        self._refill()
        self._last_decrease = now
        self._throttle_events += 1
        self._credit = 0
        self._set_limit(max(1, self._limit // 2))
        if self._rate is not None:
            self._rate = max(self._min_rate, self._rate / 2)
            self._tokens = min(self._tokens, 1.0)

    def on_success(self) -> None:
        """Additive increase: one more slot per window of successes, a little more rate."""
        if self._limit < self._max_concurrency:
            self._credit += 1
            if self._credit >= self._limit:
                self._credit = 0
                self._set_limit(self._limit + 1)
        if self._rate is not None and self._max_rate is not None and self._rate < self._max_rate:
            self._refill()
            self._rate = min(self._max_rate, self._rate + self._max_rate * self._recovery)

    def _set_limit(self, limit: int) -> None:
        self._limit = limit
        self._wake()

    def stats(self) -> LimiterStats:
        """Current window, rate and counters."""
        return LimiterStats(
            in_flight=self._in_flight,
            concurrency_limit=self._limit,
            max_concurrency=self._max_concurrency,
            rate=self._rate,
            max_rate=self._max_rate,
            throttle_events=self._throttle_events,
            waits=self._waits,
        )

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self._limit}/{self._max_concurrency}, rate={self._rate})"


class _Slot:
    """``RateLimiter.slot()``: enter takes a slot (at once when one is free), exit gives it back."""

    __slots__ = ("_limiter",)

    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter

    async def __aenter__(self) -> None:
        limiter = self._limiter
        if limiter._rate is None and limiter._in_flight < limiter._limit and not limiter._waiters:
            limiter._in_flight += 1
            return
        await limiter._acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._limiter._release()
