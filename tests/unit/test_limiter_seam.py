"""The limiter seam: any object with ``slot``/``report_*``/``stats`` paces a client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from unit_helpers import gql, json_response, make_core

from aioauthing import ManagementClient
from aioauthing.runtime import errors
from aioauthing.runtime.ratelimit import Limiter, LimiterStats, RateLimiter

pytestmark = pytest.mark.anyio


class RecordingLimiter:
    """A limiter that only writes down what the client tells it."""

    def __init__(self) -> None:
        self.events: list[tuple[str, float | None]] = []
        self.open = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        self.open += 1
        self.events.append(("slot", None))
        try:
            yield
        finally:
            self.open -= 1

    async def report_rate_limited(self, retry_after: float | None = None) -> None:
        self.events.append(("429", retry_after))

    async def report_success(self) -> None:
        self.events.append(("ok", None))

    def stats(self) -> LimiterStats:
        return LimiterStats(
            in_flight=self.open,
            concurrency_limit=1,
            max_concurrency=1,
            rate=None,
            max_rate=None,
            throttle_events=sum(1 for e in self.events if e[0] == "429"),
            waits=0,
        )


def test_both_implementations_satisfy_the_protocol() -> None:
    assert isinstance(RateLimiter(), Limiter)
    assert isinstance(RecordingLimiter(), Limiter)


async def test_client_reports_each_answer_with_its_retry_after() -> None:
    answers = [
        httpx.Response(429, headers={"retry-after": "2"}),
        httpx.Response(429),
        httpx.Response(503),
        json_response({"data": {"user": {"id": "u1"}}}),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    limiter = RecordingLimiter()
    core = make_core(handler, max_retries=3, limiter=limiter)
    assert await core.execute(gql()) == {"id": "u1"}
    # four attempts, each in its own slot; a 503 is neither a 429 nor a success
    assert limiter.events == [
        ("slot", None),
        ("429", 2.0),
        ("slot", None),
        ("429", None),
        ("slot", None),
        ("slot", None),
        ("ok", None),
    ]
    assert limiter.open == 0


async def test_a_4xx_error_still_counts_as_success_for_pacing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response({"errors": [{"message": {"code": 2004, "message": "no user"}}]})

    limiter = RecordingLimiter()
    core = make_core(handler, limiter=limiter)
    with pytest.raises(errors.AuthingError):
        await core.execute(gql())
    assert limiter.events == [("slot", None), ("ok", None)]


async def test_clients_accept_and_share_a_limiter() -> None:
    shared = RecordingLimiter()
    a = ManagementClient("pool-1", "secret-1", limiter=shared)
    b = ManagementClient("pool-1", "secret-1", limiter=shared)
    try:
        assert a.limiter is shared
        assert b.with_options(max_retries=0).limiter is shared
    finally:
        await a.aclose()
        await b.aclose()


async def test_rate_limit_and_limiter_together_are_refused() -> None:
    with pytest.raises(errors.AuthingValidationError) as info:
        ManagementClient("pool-1", "secret-1", limiter=RateLimiter(), rate_limit=5)
    assert info.value.parameter == "rate_limit"
