from __future__ import annotations

import anyio
import pytest

from aioauthing.runtime.chunking import chunked
from aioauthing.runtime.errors import AuthingError

pytestmark = pytest.mark.anyio


async def test_chunks_are_sized_and_results_keep_the_input_order() -> None:
    seen: list[list[int]] = []

    async def call(part: list[int]) -> list[str]:
        seen.append(part)
        await anyio.sleep(0.001 * (10 - len(seen)))  # later chunks finish first
        return [f"u{i}" for i in part]

    result = await chunked(list(range(7)), 3, call)
    assert result == [f"u{i}" for i in range(7)]
    assert sorted(seen) == [[0, 1, 2], [3, 4, 5], [6]]


async def test_the_first_failure_propagates_unwrapped_and_cancels_the_rest() -> None:
    finished: list[int] = []

    async def call(part: list[int]) -> list[int]:
        if part[0] == 0:
            raise AuthingError(2030, "一次最多查询 80 个用户")
        await anyio.sleep(1)
        finished.append(part[0])
        return part

    with pytest.raises(AuthingError) as info:
        await chunked(list(range(6)), 2, call)
    assert info.value.code == 2030
    assert finished == []
