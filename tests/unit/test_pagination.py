from __future__ import annotations

import attrs
import pytest

from aioauthing.runtime.errors import AuthingValidationError
from aioauthing.runtime.pagination import paginate

pytestmark = pytest.mark.anyio


@attrs.define
class Page:
    list: list[int]
    total_count: int


def pager(total: int, calls: list[tuple[int, int]]):
    async def fetch(page: int, limit: int) -> Page:
        calls.append((page, limit))
        start = (page - 1) * limit
        return Page(list=list(range(start, min(start + limit, total))), total_count=total)

    return fetch


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (5, 1), (10, 1), (25, 3), (30, 3)])
async def test_walks_all_pages(total: int, pages: int) -> None:
    calls: list[tuple[int, int]] = []
    it = paginate(pager(total, calls), page_size=10)
    assert [x async for x in it] == list(range(total))
    assert len(calls) == pages
    assert it.total == total


async def test_pages_and_dict_pages() -> None:
    async def fetch(page: int, limit: int) -> dict[str, object]:
        return {"items": [page] * (limit if page < 3 else 1), "totalCount": 999}

    it = paginate(fetch, page_size=2, items="items", total="totalCount")
    pages = [p async for p in it.pages()]
    assert [p["items"] for p in pages] == [[1, 1], [2, 2], [3]]


def test_page_size_validated() -> None:
    with pytest.raises(AuthingValidationError) as info:
        paginate(pager(1, []), page_size=0)
    assert info.value.parameter == "page_size"
