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


async def _settle() -> None:
    for _ in range(5):
        await anyio.lowlevel.checkpoint()


async def test_waiters_get_freed_slots_in_arrival_order() -> None:
    limiter = RateLimiter(max_concurrency=1)
    order: list[int] = []
    gate = anyio.Event()

    async def work(n: int) -> None:
        async with limiter.slot():
            order.append(n)
            await gate.wait()

    async with anyio.create_task_group() as tg:
        for n in range(4):
            tg.start_soon(work, n)
            await _settle()  # each one queues behind the previous
        assert (order, limiter.stats().in_flight) == ([0], 1)
        gate.set()
    assert order == [0, 1, 2, 3]
    assert limiter.stats().in_flight == 0


async def test_cancelled_waiter_gives_up_its_place() -> None:
    limiter = RateLimiter(max_concurrency=1)
    entered: list[str] = []
    scopes: dict[str, anyio.CancelScope] = {}

    async def waiter(name: str) -> None:
        with anyio.CancelScope() as scope:
            scopes[name] = scope
            async with limiter.slot():
                entered.append(name)

    holder = limiter.slot()
    await holder.__aenter__()
    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter, "cancelled")
        await _settle()
        tg.start_soon(waiter, "kept")
        await _settle()
        scopes["cancelled"].cancel()
        await _settle()
        assert (entered, limiter.stats().in_flight) == ([], 1)
        await holder.__aexit__(None, None, None)  # hands the slot to "kept"
    assert entered == ["kept"]
    assert limiter.stats().in_flight == 0


async def test_waiter_cancelled_after_the_hand_over_frees_the_slot() -> None:
    limiter = RateLimiter(max_concurrency=1)
    scopes: list[anyio.CancelScope] = []

    async def waiter() -> None:
        with anyio.CancelScope() as scope:
            scopes.append(scope)
            async with limiter.slot():
                await anyio.sleep_forever()

    holder = limiter.slot()
    await holder.__aenter__()
    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        await _settle()
        await holder.__aexit__(None, None, None)  # handed over: counted for the waiter
        scopes[0].cancel()  # ... which is cancelled before it runs
    assert limiter.stats().in_flight == 0
    with anyio.fail_after(1):
        async with limiter.slot():
            assert limiter.stats().in_flight == 1


async def test_raising_the_window_wakes_waiters() -> None:
    clock = FakeTime()
    limiter = RateLimiter(max_concurrency=4, clock=clock, sleep=clock.sleep)
    limiter.on_rate_limited()
    limiter.on_rate_limited()  # same cooldown: once
    assert limiter.stats().concurrency_limit == 2
    started = 0
    gate = anyio.Event()

    async def work() -> None:
        nonlocal started
        async with limiter.slot():
            started += 1
            await gate.wait()

    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(work)
        await _settle()
        assert started == 2
        for _ in range(2):
            limiter.on_success()  # a full window of successes: one more slot
        await _settle()
        assert (started, limiter.stats().concurrency_limit) == (3, 3)
        gate.set()
    assert limiter.stats().in_flight == 0
