from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest
from unit_helpers import FakeTime

from aioauthing.runtime.ratelimit import RateLimiter

pytestmark = pytest.mark.anyio


async def test_concurrency_cap_is_enforced() -> None:
    limiter = RateLimiter(max_concurrency=3)
    peak = 0

    async def work() -> None:
        nonlocal peak
        async with limiter.slot():
            peak = max(peak, limiter.stats().in_flight)
            for _ in range(3):
                await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(work)
    assert peak == 3
    assert limiter.stats().in_flight == 0


async def test_same_task_can_nest_slots() -> None:
    limiter = RateLimiter(max_concurrency=2)
    async with limiter.slot(), limiter.slot():
        assert limiter.stats().in_flight == 2


async def test_token_bucket_paces_requests() -> None:
    clock = FakeTime()
    limiter = RateLimiter(rate=10.0, burst=1.0, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(11):
        async with limiter.slot():
            pass
    assert clock.now - start == pytest.approx(1.0)
    assert limiter.stats().waits == 10


async def test_429_halves_rate_and_window_then_recovers_gradually() -> None:
    clock = FakeTime()
    limiter = RateLimiter(max_concurrency=64, rate=20.0, clock=clock, sleep=clock.sleep)
    limiter.on_rate_limited()
    stats = limiter.stats()
    assert (stats.concurrency_limit, stats.rate, stats.throttle_events) == (32, 10.0, 1)

    limiter.on_rate_limited()  # same cooldown window: one slowdown per burst of 429s
    assert limiter.stats().concurrency_limit == 32

    clock.now += 2
    limiter.on_rate_limited()
    assert (limiter.stats().concurrency_limit, limiter.stats().rate) == (16, 5.0)

    limiter.on_success()
    assert limiter.stats().rate == pytest.approx(5.4)  # +2% of the configured rate
    assert limiter.stats().concurrency_limit == 16
    for _ in range(15):
        limiter.on_success()
    assert limiter.stats().concurrency_limit == 17  # +1 slot per window of successes
    for _ in range(2000):
        limiter.on_success()
    stats = limiter.stats()
    assert (stats.concurrency_limit, stats.rate) == (64, 20.0)


async def test_slowdown_is_felt_by_new_requests() -> None:
    clock = FakeTime()
    limiter = RateLimiter(rate=10.0, burst=1.0, clock=clock, sleep=clock.sleep)
    async with limiter.slot():
        pass
    limiter.on_rate_limited()
    start = clock.now
    for _ in range(5):
        async with limiter.slot():
            pass
    assert clock.now - start == pytest.approx(5 / 5.0)


async def test_window_never_below_one() -> None:
    clock = FakeTime()
    limiter = RateLimiter(max_concurrency=2, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        clock.now += 5
        limiter.on_rate_limited()
    assert limiter.stats().concurrency_limit == 1
    async with limiter.slot():
        pass
