"""Run an async function over many items with bounded concurrency.

::

    async with run_bulk(create_user, rows, concurrency=16) as results:
        async for result in results:
            if result.ok:
                ...
            else:
                log(result.index, result.error)

* the input (a sync or async iterable) is read lazily: at most ``window`` items are in flight or
  waiting to be yielded, so memory does not grow with the input size;
* results come in input order (``ordered=True``) or as they complete;
* one item's failure never aborts the job: an ``Exception`` raised by ``fn`` becomes
  ``BulkResult.error``. Cancellation (and an error raised by the input iterable itself) still
  propagates;
* leaving the ``async with`` block early cancels the remaining work cleanly;
* ``on_progress(BulkProgress)`` is called once per yielded result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

__all__ = ["BulkJob", "BulkProgress", "BulkResult", "run_bulk"]

T = TypeVar("T")
R = TypeVar("R")


@dataclasses.dataclass(frozen=True, slots=True)
class BulkResult(Generic[T, R]):
    """The outcome for one input item: ``value`` when ``fn`` returned, ``error`` when it raised."""

    index: int
    item: T
    value: R | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclasses.dataclass(frozen=True, slots=True)
class BulkProgress:
    """Counts so far (of yielded results)."""

    done: int
    succeeded: int
    failed: int


class BulkJob(Generic[T, R]):
    """An async context manager that is also the async iterator of :class:`BulkResult` s."""

    def __init__(
        self,
        fn: Callable[[T], Awaitable[R]],
        items: Iterable[T] | AsyncIterable[T],
        *,
        concurrency: int = 16,
        ordered: bool = True,
        on_progress: Callable[[BulkProgress], object] | None = None,
        window: int | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._fn = fn
        self._items = items
        self._concurrency = concurrency
        self._ordered = ordered
        self._on_progress = on_progress
        self._window = max(window or 2 * concurrency, concurrency)
        self._tg: TaskGroup | None = None
        self._slots = anyio.Semaphore(self._window)
        self._sync: Iterator[T] | None = None
        self._async: AsyncIterator[T] | None = None
        if isinstance(items, AsyncIterable):
            self._async = aiter(items)
        else:
            self._sync = iter(items)
        self._lock = anyio.Lock()
        self._index = 0
        self._exhausted = False
        self._results_recv: MemoryObjectReceiveStream[BulkResult[T, R]] | None = None
        self.done = 0
        self.succeeded = 0
        self.failed = 0

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> BulkJob[T, R]:
        res_send, res_recv = anyio.create_memory_object_stream[BulkResult[T, R]](self._window)
        self._results_recv = res_recv
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        for _ in range(self._concurrency):
            tg.start_soon(self._work, res_send.clone())
        res_send.close()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        assert self._tg is not None
        self._tg.cancel_scope.cancel()
        try:
            return await self._tg.__aexit__(exc_type, exc, tb)
        finally:
            if self._results_recv is not None:
                self._results_recv.close()

    # -- producer / workers --------------------------------------------------------------------

    async def _next(self) -> tuple[int, T] | None:
        """The next item and its index, once the window has room (``None``: input exhausted).

        The workers read the input themselves (no feeder task, no item stream): a sync iterable
        is advanced without awaiting, an async one under a lock (one ``__anext__`` at a time),
        so indexes follow the input order either way.
        """
        try:
            self._slots.acquire_nowait()  # room in the window: no checkpoints to pass
        except anyio.WouldBlock:
            await self._slots.acquire()
        try:
            if self._sync is not None:
                if not self._exhausted:
                    item = next(self._sync)
                    index = self._index
                    self._index += 1
                    return index, item
            else:
                assert self._async is not None
                async with self._lock:
                    if not self._exhausted:
                        item = await self._async.__anext__()
                        index = self._index
                        self._index += 1
                        return index, item
        except (StopIteration, StopAsyncIteration):
            self._exhausted = True
        except BaseException:
            self._exhausted = True
            self._slots.release()
            raise
        self._slots.release()
        return None

    async def _work(self, send: MemoryObjectSendStream[BulkResult[T, R]]) -> None:
        async with send:
            while (taken := await self._next()) is not None:
                index, item = taken
                try:
                    value = await self._fn(item)
                except Exception as exc:  # one failure never aborts the job
                    result: BulkResult[T, R] = BulkResult(index, item, error=exc)
                else:
                    result = BulkResult(index, item, value=value)
                await send.send(result)

    # -- consumer ------------------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[BulkResult[T, R]]:
        return self._results()

    async def _results(self) -> AsyncIterator[BulkResult[T, R]]:
        if self._results_recv is None:
            raise RuntimeError("use `async with run_bulk(...) as results:` before iterating")
        pending: dict[int, BulkResult[T, R]] = {}
        expected = 0
        async for result in self._results_recv:
            if not self._ordered:
                yield self._emit(result)
                continue
            pending[result.index] = result
            while expected in pending:
                yield self._emit(pending.pop(expected))
                expected += 1
        for index in sorted(pending):  # only reachable if the input iterable failed
            yield self._emit(pending.pop(index))

    def _emit(self, result: BulkResult[T, R]) -> BulkResult[T, R]:
        self._slots.release()
        self.done += 1
        if result.ok:
            self.succeeded += 1
        else:
            self.failed += 1
        if self._on_progress is not None:
            self._on_progress(BulkProgress(self.done, self.succeeded, self.failed))
        return result

    @property
    def progress(self) -> BulkProgress:
        return BulkProgress(self.done, self.succeeded, self.failed)


def run_bulk(
    fn: Callable[[T], Awaitable[R]],
    items: Iterable[T] | AsyncIterable[T],
    *,
    concurrency: int = 16,
    ordered: bool = True,
    on_progress: Callable[[BulkProgress], object] | None = None,
    window: int | None = None,
) -> BulkJob[T, R]:
    """Run ``fn`` over ``items``, at most ``concurrency`` calls at a time.

    Use as ``async with run_bulk(fn, items) as results: async for r in results: ...``.
    ``window`` (default ``2 * concurrency``) bounds the items read ahead of the consumer.
    """
    return BulkJob(
        fn,
        items,
        concurrency=concurrency,
        ordered=ordered,
        on_progress=on_progress,
        window=window,
    )
