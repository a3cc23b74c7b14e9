from __future__ import annotations

import email.utils

import httpx
import pytest
from unit_helpers import gql

from aioauthing.runtime.retry import RetryPolicy, parse_retry_after

NOW = 1_700_000_000.0


@pytest.mark.parametrize("attempt", range(8))
@pytest.mark.parametrize("draw", [0.0, 0.25, 0.999999])
def test_full_jitter_backoff_bounds(attempt: int, draw: float) -> None:
    policy = RetryPolicy(random=lambda: draw)
    ceiling = min(8.0, 0.5 * 2**attempt)
    delay = policy.backoff(attempt)
    assert 0.0 <= delay <= ceiling
    assert delay == pytest.approx(draw * ceiling)


def test_defaults() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.base_delay, policy.max_delay) == (2, 0.5, 8.0)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "-4"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"Retry-After": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"Retry-After": email.utils.formatdate(NOW - 30, usegmt=True)}, 0.0),
        ({"Retry-After": "soon-ish"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after_forms(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(httpx.Headers(headers), now=lambda: NOW) == expected


READ = gql(idempotent=True)
WRITE = gql("users.create", idempotent=False)


@pytest.mark.parametrize(
    ("exc", "read", "write"),
    [
        (httpx.ConnectError("refused"), True, True),
        (httpx.ConnectTimeout("t"), True, True),
        (httpx.PoolTimeout("t"), True, True),
        (httpx.ReadTimeout("t"), True, False),
        (httpx.RemoteProtocolError("dropped"), True, False),
        (httpx.ReadError("reset"), True, False),
        (httpx.WriteError("reset"), True, False),
        (httpx.UnsupportedProtocol("x"), False, False),
    ],
)
def test_exception_decisions(exc: Exception, read: bool, write: bool) -> None:
    policy = RetryPolicy()
    assert policy.should_retry_exception(exc, READ) is read
    assert policy.should_retry_exception(exc, WRITE) is write


@pytest.mark.parametrize(
    ("status", "read", "write"),
    [
        (429, True, True),
        (503, True, True),
        (500, True, False),
        (502, True, False),
        (504, True, False),
        (408, True, False),
        (400, False, False),
        (200, False, False),
    ],
)
def test_status_decisions(status: int, read: bool, write: bool) -> None:
    policy = RetryPolicy()
    assert policy.should_retry_status(status, READ) is read
    assert policy.should_retry_status(status, WRITE) is write
