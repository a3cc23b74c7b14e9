"""Transparent batching: split a long list into server-sized chunks, keep the order.

Generated methods whose spec marks a list parameter with ``chunk: N`` call :func:`chunked` when
given more than ``N`` items. Each chunk is an ordinary call of the same method, so it goes through
the client's rate limiter, retries and error mapping like any other request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import anyio

__all__ = ["chunked"]

T = TypeVar("T")
R = TypeVar("R")


async def chunked(
    values: Sequence[T], size: int, call: Callable[[list[T]], Awaitable[list[R]]]
) -> list[R]:
    """``call`` on each ``size``-long slice of ``values`` (concurrently); results in input order.

    The first failing chunk cancels the others and its exception propagates unchanged.
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    parts = [list(values[start : start + size]) for start in range(0, len(values), size)]
    results: list[list[R]] = [[] for _ in parts]
    failures: list[Exception] = []

    async def run(index: int, part: list[T], scope: anyio.CancelScope) -> None:
        try:
            results[index] = await call(part)
        except Exception as exc:
            failures.append(exc)
            scope.cancel()

    async with anyio.create_task_group() as group:
        for index, part in enumerate(parts):
            group.start_soon(run, index, part, group.cancel_scope)
    if failures:
        raise failures[0]
    return [item for result in results for item in result]
