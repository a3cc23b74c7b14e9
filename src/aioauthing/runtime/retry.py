"""When to retry, and how long to wait.

* Connect errors (nothing reached the server), 429 and 503 are always retried.
* Other 5xx / 408, read/write timeouts and dropped connections are retried only when the
  operation is idempotent -- Authing has no idempotency keys, so replaying a write could create a
  duplicate user or send a second SMS.
* Waits use full jitter: ``uniform(0, min(max_delay, base_delay * 2**attempt))``.
* ``Retry-After`` (seconds, HTTP-date, or ``retry-after-ms``) wins over backoff; above
  ``max_retry_after`` we raise :class:`RateLimitedError` instead of sleeping.
"""

from __future__ import annotations

import email.utils
import random as _random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

import anyio
import attrs
import httpx

from .operation import Operation

__all__ = [
    "ALWAYS_RETRY_STATUSES",
    "IDEMPOTENT_RETRY_STATUSES",
    "RetryPolicy",
    "parse_retry_after",
]

ALWAYS_RETRY_STATUSES: Final = frozenset({429, 503})
IDEMPOTENT_RETRY_STATUSES: Final = frozenset({408, 500, 502, 504})

_NOT_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""The request provably never reached the server."""
_MAYBE_SENT: Final = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)
"""The server may have processed the request."""


def parse_retry_after(
    headers: Mapping[str, str], *, now: Callable[[], float] = time.time
) -> float | None:
    """Seconds to wait from ``retry-after-ms`` / ``Retry-After`` (seconds or HTTP-date)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    ms = lowered.get("retry-after-ms")
    if ms is not None:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(when.timestamp() - now(), 0.0)


@attrs.define(slots=True, kw_only=True)
class RetryPolicy:
    """Retry budget, backoff and the retry decision; ``sleep``/``random``/``now`` are injectable."""

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    random: Callable[[], float] = _random.random
    now: Callable[[], float] = time.time

    def backoff(self, attempt: int) -> float:
        """Full-jitter delay before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
        ceiling = min(self.max_delay, self.base_delay * (2.0**attempt))
        return self.random() * ceiling

    def should_retry_exception(self, exc: BaseException, op: Operation) -> bool:
        """Connect-phase failures always; failures after sending only for idempotent ops."""
        if isinstance(exc, _NOT_SENT):
            return True
        if isinstance(exc, _MAYBE_SENT):
            return op.idempotent
        return False

    def should_retry_status(self, status: int, op: Operation) -> bool:
        """429 and 503 always; 408/500/502/504 only for idempotent ops."""
        if status in ALWAYS_RETRY_STATUSES:
            return True
        return status in IDEMPOTENT_RETRY_STATUSES and op.idempotent

    def retry_after(self, headers: Mapping[str, str]) -> float | None:
        """The server's requested wait, if any."""
        return parse_retry_after(headers, now=self.now)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """``Retry-After`` if given (caller checks the cap), else jittered backoff."""
        return retry_after if retry_after is not None else self.backoff(attempt)
