"""run_bulk: bounded concurrency, order, failures, laziness, cancellation, progress."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio
import anyio.lowlevel
import pytest

from aioauthing.bulk import BulkProgress, run_bulk

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_ordered_results_and_failures_do_not_abort() -> None:
    async def fn(x: int) -> int:
        await anyio.sleep(0.001 * ((x * 7) % 5))  # completes out of order
        if x % 10 == 3:
            raise ValueError(f"bad {x}")
        return x * 2

    seen = []
    async with run_bulk(fn, range(50), concurrency=8) as results:
        async for r in results:
            seen.append(r)
    assert [r.index for r in seen] == list(range(50))
    assert [r.item for r in seen] == list(range(50))
    for r in seen:
        if r.item % 10 == 3:
            assert not r.ok and isinstance(r.error, ValueError) and r.value is None
        else:
            assert r.ok and r.value == r.item * 2


async def test_unordered_yields_every_item_once() -> None:
    async def fn(x: int) -> int:
        await anyio.sleep(0.001 * (10 - x % 10))
        return x

    async with run_bulk(fn, range(40), concurrency=10, ordered=False) as results:
        indexes = [r.index async for r in results]
    assert sorted(indexes) == list(range(40))


async def test_concurrency_is_bounded_and_reached() -> None:
    active = peak = 0

    async def fn(x: int) -> int:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await anyio.sleep(0.001)
        active -= 1
        return x

    async with run_bulk(fn, range(100), concurrency=5) as results:
        assert len([r async for r in results]) == 100
    assert peak == 5


async def test_input_is_read_lazily_from_an_async_iterable() -> None:
    produced = 0
    consumed = 0
    max_ahead = 0

    async def source() -> AsyncIterator[int]:
        nonlocal produced
        for i in range(10_000):
            produced += 1
            yield i

    async def fn(x: int) -> int:
        await anyio.lowlevel.checkpoint()
        return x

    async with run_bulk(fn, source(), concurrency=4, window=8) as results:
        async for r in results:
            consumed += 1
            max_ahead = max(max_ahead, produced - consumed)
            assert r.value == r.index
    assert consumed == 10_000
    # read-ahead is bounded by the window plus the item-stream buffer, not the input size
    assert max_ahead <= 8 + 4 + 1


async def test_progress_callback() -> None:
    reports: list[BulkProgress] = []

    async def fn(x: int) -> int:
        if x == 2:
            raise RuntimeError("x")
        return x

    async with run_bulk(fn, range(5), concurrency=2, on_progress=reports.append) as results:
        async for _ in results:
            pass
    assert [p.done for p in reports] == [1, 2, 3, 4, 5]
    assert reports[-1] == BulkProgress(done=5, succeeded=4, failed=1)


async def test_leaving_early_cancels_remaining_work() -> None:
    started = 0
    cancelled = 0

    async def fn(x: int) -> int:
        nonlocal started, cancelled
        started += 1
        if x == 0:
            return x
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled += 1
            raise
        return x

    async with run_bulk(fn, range(1000), concurrency=4) as results:
        async for r in results:
            assert r.index == 0
            break
    assert started <= 5
    assert cancelled == started - 1


async def test_outer_cancel_scope_cancels_cleanly() -> None:
    async def fn(x: int) -> int:
        await anyio.sleep_forever()
        return x

    with anyio.CancelScope() as scope:
        async with run_bulk(fn, range(10), concurrency=3) as results:
            scope.cancel()
            async for _ in results:
                pass
    assert scope.cancelled_caught


async def test_empty_input_and_bad_concurrency() -> None:
    async def fn(x: int) -> int:
        return x

    async with run_bulk(fn, [], concurrency=3) as results:
        assert [r async for r in results] == []
    with pytest.raises(ValueError, match="concurrency"):
        run_bulk(fn, [], concurrency=0)


async def test_iterating_without_context_manager_is_an_error() -> None:
    async def fn(x: int) -> int:
        return x

    job = run_bulk(fn, [1])
    with pytest.raises(RuntimeError):
        async for _ in job:
            pass


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


async def test_an_error_raised_by_the_input_propagates() -> None:
    def source() -> Iterator[int]:
        yield 0
        yield 1
        raise LookupError("the input broke")

    async def fn(x: int) -> int:
        await anyio.lowlevel.checkpoint()
        return x

    seen: list[int] = []

    async def run() -> None:
        async with run_bulk(fn, source(), concurrency=3) as results:
            async for r in results:
                seen.append(r.index)

    with pytest.raises(BaseExceptionGroup) as info:
        await run()
    assert [type(e) for e in _leaves(info.value)] == [LookupError]
    assert str(_leaves(info.value)[0]) == "the input broke"
    assert seen == [0, 1][: len(seen)]


async def test_async_input_keeps_its_order_across_workers() -> None:
    async def source() -> AsyncIterator[int]:
        for i in range(200):
            if i % 7 == 0:
                await anyio.lowlevel.checkpoint()
            yield i

    async def fn(x: int) -> int:
        for _ in range(x % 3):
            await anyio.lowlevel.checkpoint()
        return x

    async with run_bulk(fn, source(), concurrency=8, ordered=False) as results:
        pairs = sorted((r.index, r.value) for r in [r async for r in results])
    assert pairs == [(i, i) for i in range(200)]
