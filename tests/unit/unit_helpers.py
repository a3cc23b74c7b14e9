"""Small test doubles shared by the unit tests (fake clock/sleep, operations, JSON answers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio.lowlevel
import httpx

from aioauthing.runtime.core import Core
from aioauthing.runtime.operation import AuthKind, GraphQLOperation, ResponseKind, RestOperation
from aioauthing.runtime.ratelimit import RateLimiter
from aioauthing.runtime.retry import RetryPolicy

HOST = "https://core.example.test"


class FakeTime:
    """A clock that only moves when something sleeps on it."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await anyio.lowlevel.checkpoint()


def gql(
    name: str = "users.get",
    *,
    auth: AuthKind = AuthKind.NONE,
    idempotent: bool = True,
    path: tuple[str, ...] = ("user",),
    secrets: tuple[str, ...] = (),
) -> GraphQLOperation:
    return GraphQLOperation(
        name=name,
        operation_name=path[0],
        document=f"query {path[0]} {{ {path[0]} {{ id }} }}",
        result_path=path,
        auth=auth,
        idempotent=idempotent,
        secret_variables=secrets,
    )


def rest(
    name: str = "users.me",
    *,
    method: str = "GET",
    path: str = "/api/v2/users/me",
    auth: AuthKind = AuthKind.NONE,
    idempotent: bool = True,
    response: ResponseKind = ResponseKind.ENVELOPE,
    secrets: tuple[str, ...] = (),
) -> RestOperation:
    return RestOperation(
        name=name,
        method=method,
        path=path,
        auth=auth,
        idempotent=idempotent,
        response=response,
        secret_fields=secrets,
    )


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(data).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


def make_core(
    handler: Callable[[httpx.Request], Any],
    *,
    fake: FakeTime | None = None,
    max_retries: int = 2,
    **kwargs: Any,
) -> Core:
    fake = fake or FakeTime()
    kwargs.setdefault("limiter", RateLimiter(clock=fake, sleep=fake.sleep))
    return Core(
        host=HOST,
        user_pool_id="pool-1",
        app_id="app-1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        retry=RetryPolicy(max_retries=max_retries, sleep=fake.sleep, random=lambda: 1.0, now=fake),
        **kwargs,
    )
