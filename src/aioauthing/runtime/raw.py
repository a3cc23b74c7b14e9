"""Opt-in access to raw HTTP details of calls, without changing any method's return type.

>>> with capture_raw() as responses:
...     user = await client.users.get("id")
>>> responses[-1].request_id, responses[-1].attempts

The collector lives in a :class:`contextvars.ContextVar`, so it only sees calls made by the
current task (and tasks it starts inside the block).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import attrs
import httpx

__all__ = ["RawResponse", "capture_raw", "is_capturing", "record"]


@attrs.frozen(slots=True, kw_only=True)
class RawResponse:
    """What happened on the wire for one SDK call (the last attempt's answer)."""

    status_code: int | None
    """``None`` when no answer was received (transport failure)."""
    headers: httpx.Headers
    attempts: int
    elapsed: float
    """Seconds for the whole call, all attempts and waits included."""
    request_id: str | None
    operation: str


_collector: ContextVar[list[RawResponse] | None] = ContextVar("aioauthing_raw", default=None)


@contextmanager
def capture_raw() -> Iterator[list[RawResponse]]:
    """Collect a :class:`RawResponse` for every call made inside the block (nests safely)."""
    responses: list[RawResponse] = []
    token = _collector.set(responses)
    try:
        yield responses
    finally:
        _collector.reset(token)


def is_capturing() -> bool:
    """Whether a :func:`capture_raw` block is active for the current task (cheap)."""
    return _collector.get() is not None


def record(response: RawResponse) -> None:
    """Called by the core after each call; a no-op outside :func:`capture_raw`."""
    target = _collector.get()
    if target is not None:
        target.append(response)
