"""A requests-per-second budget shared by every process on one Redis (a fleet-wide limiter).

Authing limits requests per user pool, not per process: eight workers with a local limiter each
send eight times the budget. :class:`RedisRateLimiter` keeps one budget per pool in Redis, counted
by the `limits <https://limits.readthedocs.io>`_ library's moving-window strategy (an exact
sliding one-second window, the same shape as the emulator's ``quota=N/s``), plus a shared
cool-down: a 429 seen by any process pauses every process until its ``Retry-After``; the fleet's
rate then starts again at half of what it was and climbs back to the budget (``recovery`` of the
budget per second) -- additive increase, multiplicative decrease, for the whole fleet.

The budget is spent evenly by the fleet, not per process: one Redis script call per request reads
the cool-down and hands out the fleet's next send time, one interval of ``1 / (rate x (1 -
headroom))`` after the previous one, to whichever process asks first (a generic cell rate
algorithm). A process that falls behind (a busy machine, a slow answer) leaves its time slots to
the others instead of wasting them, and no process bursts: the server's own window never sees
more than the budget. The ``limits`` moving window then counts every request as the hard cap.

The concurrency cap stays per process. If Redis cannot be reached, requests are not failed for
it: each process paces itself at the whole budget and logs a warning. Needs the ``redis`` extra (``redis.asyncio`` and
``limits``); it runs on asyncio only, not trio. Machines sharing a budget should keep their clocks
in sync (NTP): window entries carry each process's wall-clock time.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Final

import anyio

from .ratelimit import LimiterStats

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisRateLimiter"]

log = logging.getLogger("aioauthing")

_DECREASE: Final = """
local now = tonumber(ARGV[1])
local wait = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local recovery = tonumber(ARGV[4])
local cooldown = tonumber(ARGV[5])
local min_rate = tonumber(ARGV[6])
local s = redis.call('HMGET', KEYS[1], 'resume', 'floor', 'last')
local resume = tonumber(s[1]) or 0
local floor = tonumber(s[2]) or budget
local last = tonumber(s[3]) or -1e18
local decreased = 0
if now - last >= cooldown then
  local current = budget
  if s[1] then
    if now < resume then
      current = floor
    else
      current = math.min(budget, floor + budget * recovery * (now - resume))
    end
  end
  floor = math.max(min_rate, current / 2)
  last = now
  decreased = 1
end
local new_resume = math.max(resume, now + wait)
if decreased == 1 or new_resume > resume then
  redis.call('HSET', KEYS[1], 'resume', tostring(new_resume), 'floor', tostring(floor),
             'last', tostring(last))
  local ttl = (new_resume - now) + (budget - floor) / (budget * recovery) + 60
  redis.call('EXPIRE', KEYS[1], math.ceil(ttl))
end
return decreased
"""
"""Atomically: halve the fleet's rate (at most once per ``cooldown``) and push the pause out."""

_SCHEDULE: Final = """
local now = tonumber(ARGV[1])
local budget = tonumber(ARGV[2])
local recovery = tonumber(ARGV[3])
local spend = tonumber(ARGV[4])
local horizon = tonumber(ARGV[5])
local want = tonumber(ARGV[6])
local s = redis.call('HMGET', KEYS[1], 'resume', 'floor')
local rate = budget
if s[2] then
  local resume = tonumber(s[1]) or 0
  local floor = tonumber(s[2])
  if now < resume then
    return {0, tostring(resume - now), tostring(floor), '0'}
  end
  rate = math.min(budget, floor + budget * recovery * (now - resume))
end
local interval = 1 / (rate * spend)
local at = math.max(tonumber(redis.call('GET', KEYS[2])) or now, now)
if at - now > horizon / 2 then
  -- more than half full: ask again when half is left, then take a batch (not a slot per call)
  return {0, tostring(at - now - horizon / 2), tostring(rate), '0'}
end
local n = math.min(want, math.floor((now + horizon - at) / interval) + 1)
redis.call('SET', KEYS[2], tostring(at + n * interval), 'PX', 60000)
return {n, tostring(at - now), tostring(rate), tostring(interval)}
"""
"""Atomically: up to ``want`` of the fleet's next send times, one ``interval`` apart (``{n,
delay, rate, interval}``: the first in ``delay`` seconds), or ``{0, delay, rate, 0}`` (paused,
or more than half of the next ``horizon`` seconds is handed out already: ask again in ``delay``,
when half is left, so that each call hands out a batch, not a slot)."""

_HORIZON: Final = 0.1
"""How far ahead (seconds) the fleet's schedule is handed out."""


@functools.cache
def _budget_item(amount: int) -> Any:
    """A per-second ``limits`` item whose Redis key does not depend on ``amount``.

    The fleet's rate changes (halved on a 429, then recovering); the window must stay one key.
    """
    return _budget_class()(amount, namespace="aioauthing")


@functools.cache
def _budget_class() -> Any:
    from limits import RateLimitItemPerSecond

    class FleetBudget(RateLimitItemPerSecond):
        def key_for(self, *identifiers: bytes | str | int | float) -> str:
            return "/".join([self.namespace, *(str(i) for i in identifiers)])

    return FleetBudget


class RedisRateLimiter:
    """One requests-per-second budget for a user pool, shared through Redis.

    ``RedisRateLimiter("redis://host:6379/0", rate=150, pool_id=POOL)``; give it to any number of
    clients in any number of processes as ``limiter=``. ``rate`` is the pool's budget (requests
    per second over a sliding one-second window); ``max_concurrency`` caps this process's
    requests in flight; ``recovery`` is the share of the budget won back per second after a
    429 halved the rate; a 429's ``Retry-After`` pauses the whole fleet. ``headroom`` keeps the
    fleet a little under ``rate`` (default 10%) so that jitter between the moment a request is
    scheduled and the moment the server counts it does not cross the server's limit (a 429
    costs the whole fleet its ``Retry-After``, at least a second: more than the 10%). Requests
    are spaced evenly across the fleet (see the module's description); ``burst`` is kept for
    compatibility and only paces a process alone while Redis is unreachable. Call
    :meth:`aclose` (or use ``async with``) to close its Redis connections.
    """

    def __init__(
        self,
        url: str,
        *,
        rate: float,
        pool_id: str,
        max_concurrency: int = 64,
        recovery: float = 0.5,
        cooldown: float = 1.0,
        min_rate: float = 1.0,
        max_pause: float = 60.0,
        headroom: float = 0.1,
        burst: float = 0.05,
        prefix: str = "aioauthing:limit:",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        from .validation import require_non_empty

        require_non_empty("url", url)
        require_non_empty("pool_id", pool_id)
        _positive("rate", rate)
        _positive("recovery", recovery)
        _positive("min_rate", min_rate)
        if max_concurrency < 1:
            from .errors import AuthingValidationError

            raise AuthingValidationError("max_concurrency", "must be at least 1")
        from limits.aio.storage import RedisStorage
        from limits.aio.strategies import MovingWindowRateLimiter
        from redis.asyncio import Redis

        self.pool_id = pool_id
        self._budget = float(rate)
        self._recovery = recovery
        self._cooldown = cooldown
        self._min_rate = min(min_rate, float(rate))
        self._max_pause = max_pause
        if not 0.0 <= headroom < 1.0:
            from .errors import AuthingValidationError

            raise AuthingValidationError("headroom", "must be within [0, 1)")
        self._headroom = headroom
        self._sleep = sleep
        self._key = f"{prefix}{pool_id}"
        self._state_key = f"{prefix}{pool_id}:aimd"
        storage_url = url if url.startswith("async+") else "async+" + url
        self._storage = RedisStorage(
            storage_url, implementation="redispy", key_prefix=prefix, socket_connect_timeout=2.0
        )
        self._window = MovingWindowRateLimiter(self._storage)
        self._redis: Redis = Redis.from_url(url.removeprefix("async+"), socket_connect_timeout=2.0)
        self._decrease = self._redis.register_script(_DECREASE)
        self._schedule = self._redis.register_script(_SCHEDULE)
        self._next_key = f"{prefix}{pool_id}:next"
        self._max_concurrency = max_concurrency
        self._capacity = anyio.CapacityLimiter(max_concurrency)
        self._poll = anyio.Lock()
        """One waiter per process asks Redis for send times; the others queue behind it."""
        self._granted: collections.deque[float] = collections.deque()
        """Send times (``time.monotonic()``) this process was given and has not used yet."""
        self._asking = 0
        self._burst = burst
        self._next_at = -math.inf
        """This process's own pacing, used only while Redis is unreachable."""
        self._warned_at = -math.inf
        self._down_until = -math.inf
        self._in_flight = 0
        self._throttle_events = 0
        self._waits = 0
        self._rate_now = float(rate)

    # -- the Limiter protocol --------------------------------------------------------------------

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """A concurrency slot of this process, then one request of the fleet's budget."""
        borrower = object()
        await self._capacity.acquire_on_behalf_of(borrower)
        self._in_flight += 1
        try:
            await self._take()
            yield
        finally:
            self._in_flight -= 1
            self._capacity.release_on_behalf_of(borrower)

    async def report_rate_limited(self, retry_after: float | None = None) -> None:
        """Pause the fleet for ``retry_after`` and halve its rate (once per ``cooldown``)."""
        from redis.exceptions import RedisError

        wait = min(max(retry_after or 0.0, 0.0), self._max_pause)
        now = time.time()
        if time.monotonic() < self._down_until:
            return
        try:
            decreased = await self._decrease(
                keys=[self._state_key],
                args=[now, wait, self._budget, self._recovery, self._cooldown, self._min_rate],
            )
        except (RedisError, OSError) as exc:
            self._redis_failed(exc)
            return
        self._throttle_events += int(decreased or 0)

    async def report_success(self) -> None:
        """Nothing to do: recovery is a function of time since the pause, shared by the fleet."""

    def stats(self) -> LimiterStats:
        return LimiterStats(
            in_flight=self._in_flight,
            concurrency_limit=self._max_concurrency,
            max_concurrency=self._max_concurrency,
            rate=self._rate_now,
            max_rate=self._budget,
            throttle_events=self._throttle_events,
            waits=self._waits,
        )

    # -- internals -------------------------------------------------------------------------------

    def _rate_at(self, now: float, resume: float, floor: float | None) -> float:
        if floor is None:
            return self._budget
        return min(self._budget, floor + self._budget * self._recovery * max(now - resume, 0.0))

    async def _pace_alone(self) -> None:
        """Redis is away: pace this process at the whole budget (bursts of ``burst`` seconds)."""
        now = time.monotonic()
        spacing = 1.0 / (self._budget * (1.0 - self._headroom))
        earliest = max(self._next_at, now - max(self._burst / spacing, 1.0) * spacing)
        self._next_at = earliest + spacing
        if earliest > now:
            await self._sleep(earliest - now)

    def _redis_failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        self._down_until = now + 5.0  # try Redis again in a few seconds, not on every request
        if now - self._warned_at > 10.0:
            self._warned_at = now
            log.warning(
                "shared rate budget unavailable (%s: %s); pacing this process alone",
                type(exc).__name__,
                exc,
            )

    async def _take(self) -> None:
        from redis.exceptions import RedisError

        if time.monotonic() < self._down_until:  # Redis failed a moment ago: pace alone
            await self._pace_alone()
            return
        try:
            await self._take_shared()
        except (RedisError, OSError) as exc:
            # Redis is away: never fail the request for it; pace this process at the budget.
            self._redis_failed(exc)
            await self._pace_alone()

    async def _take_shared(self) -> None:
        at = await self._send_time()
        delay = at - time.monotonic()
        if delay > 0:
            self._waits += 1
            await self._sleep(delay)  # this request's turn in the fleet's schedule

    async def _send_time(self) -> float:
        """A send time from the fleet's schedule: one Redis call serves every request of this
        process in flight (up to ``_HORIZON`` seconds of the schedule: those waiting now and
        those that will ask again when their answer comes), and one ``limits`` hit counts them
        all in the exact sliding window, the hard cap. A send time nobody took within
        ``_HORIZON`` is dropped, not sent late."""
        self._asking += 1
        try:
            async with self._poll:  # one waiter per process asks Redis; the others queue here
                stale = time.monotonic() - _HORIZON
                while self._granted and self._granted[0] < stale:
                    self._granted.popleft()  # nobody came for it in time: never send late bursts
                while not self._granted:
                    granted, raw_delay, raw_rate, raw_interval = await self._schedule(
                        keys=[self._state_key, self._next_key],
                        args=[
                            time.time(),
                            self._budget,
                            self._recovery,
                            1.0 - self._headroom,
                            _HORIZON,
                            # every request in flight here comes back for a slot soon
                            max(self._asking, self._in_flight),
                        ],
                    )
                    delay, interval = float(raw_delay), float(raw_interval)
                    self._rate_now = float(raw_rate)
                    if not int(granted):
                        self._waits += 1  # paused by a 429, or the schedule is full
                        await self._sleep(delay)
                        continue
                    first = time.monotonic() + delay
                    # The cap is the budget itself: the schedule keeps ``headroom`` below it.
                    cap = max(1, math.floor(self._rate_now))
                    item = _budget_item(cap)
                    count = min(int(granted), cap)
                    if not await self._window.hit(item, self.pool_id, cost=count):
                        self._waits += 1
                        stats = await self._window.get_window_stats(item, self.pool_id)
                        await self._sleep(min(max(stats.reset_time - time.time(), 0.01), 1.0))
                        continue
                    self._granted.extend(first + i * interval for i in range(count))
                return self._granted.popleft()
        finally:
            self._asking -= 1

    async def reset(self) -> None:
        """Forget the pool's window and cool-down (for tests and benchmarks)."""
        await self._window.clear(_budget_item(1), self.pool_id)
        await self._redis.delete(self._state_key, self._next_key)
        self._granted.clear()

    async def aclose(self) -> None:
        """Close this process's Redis connections."""
        await self._redis.aclose()
        bridge = getattr(self._storage, "bridge", None)
        client = getattr(bridge, "storage", None)
        if client is not None and hasattr(client, "aclose"):
            await client.aclose()

    async def __aenter__(self) -> RedisRateLimiter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"RedisRateLimiter(pool_id={self.pool_id!r}, rate={self._budget:g})"


def _positive(name: str, value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
        from .errors import AuthingValidationError

        raise AuthingValidationError(name, "must be a positive number")
