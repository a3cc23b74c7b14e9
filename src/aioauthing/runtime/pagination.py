"""Page/limit auto-pagination for list operations.

``async for user in paginate(fetch, page_size=100)`` walks pages 1, 2, ... until a page comes
back short or empty, or ``total_count`` items have been yielded. :meth:`Paginator.pages` yields
whole page models instead, and :attr:`Paginator.total` is known after the first page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar

from .errors import AuthingValidationError

__all__ = ["Paginator", "paginate"]

P = TypeVar("P")


def _get(page: Any, name: str) -> Any:
    if isinstance(page, dict):
        return page.get(name)
    return getattr(page, name, None)


class Paginator(Generic[P]):
    """An async iterator over the items of every page (single use per iteration)."""

    def __init__(
        self,
        fetch: Callable[[int, int], Awaitable[P]],
        *,
        page_size: int,
        items: str = "list",
        total: str = "total_count",
        start_page: int = 1,
    ) -> None:
        if page_size < 1:
            raise AuthingValidationError("page_size", "must be at least 1")
        self._fetch = fetch
        self.page_size = page_size
        self._items = items
        self._total_attr = total
        self._start = start_page
        self.total: int | None = None
        """The server's total count, known after the first page."""

    async def pages(self) -> AsyncIterator[P]:
        """Yield each page model in order."""
        page_no, seen = self._start, 0
        while True:
            page = await self._fetch(page_no, self.page_size)
            total = _get(page, self._total_attr)
            if isinstance(total, int):
                self.total = total
            items = list(_get(page, self._items) or [])
            seen += len(items)
            yield page
            if len(items) < self.page_size:
                return
            if self.total is not None and seen >= self.total:
                return
            page_no += 1

    async def _iter_items(self) -> AsyncIterator[Any]:
        async for page in self.pages():
            for item in _get(page, self._items) or []:
                yield item

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iter_items()


def paginate(
    fetch: Callable[[int, int], Awaitable[P]],
    *,
    page_size: int,
    items: str = "list",
    total: str = "total_count",
) -> Paginator[P]:
    """Turn ``fetch(page, limit)`` into an async iterator of items."""
    return Paginator(fetch, page_size=page_size, items=items, total=total)
