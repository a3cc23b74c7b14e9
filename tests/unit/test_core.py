from __future__ import annotations

import json
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
from unit_helpers import HOST, FakeTime, gql, json_response, make_core, rest

from aioauthing.runtime import errors
from aioauthing.runtime.core import SDK_VERSION, Core
from aioauthing.runtime.operation import AuthKind, ResponseKind
from aioauthing.runtime.ratelimit import RateLimiter
from aioauthing.runtime.raw import capture_raw
from aioauthing.runtime.tokens import ManagementTokenManager

pytestmark = pytest.mark.anyio


def body(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


async def test_graphql_request_shape_headers_and_result_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response({"data": {"user": {"roles": {"list": [1, 2]}}}})

    core = make_core(handler, lang="en-US")
    op = gql(path=("user", "roles"))
    result = await core.execute(op, token="user-tok", variables={"id": "u1", "skip": None})
    assert result == {"list": [1, 2]}
    (request,) = seen
    assert str(request.url) == f"{HOST}/graphql/v2"
    assert body(request) == {"query": op.document, "variables": {"id": "u1", "skip": None}}
    h = request.headers
    assert h["x-authing-userpool-id"] == "pool-1"
    assert h["x-authing-app-id"] == "app-1"
    assert h["x-authing-request-from"] == "sdk"
    assert h["x-authing-sdk-version"] == f"python-aioauthing:{SDK_VERSION}"
    assert h["x-authing-lang"] == "en-US"
    assert h["authorization"] == "Bearer user-tok"


async def test_optional_headers_omitted_and_unset_variables_dropped() -> None:
    from aioauthing.runtime.operation import UNSET

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response({"data": {"user": None}})

    core = Core(host=HOST, http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    assert await core.execute(gql(), variables={"a": UNSET, "b": 1}) is None
    h = seen[0].headers
    for name in ("x-authing-app-id", "x-authing-userpool-id", "x-authing-lang", "authorization"):
        assert name not in h
    assert body(seen[0])["variables"] == {"b": 1}


@pytest.mark.parametrize(
    ("message", "family", "code"),
    [
        (
            {"code": 2333, "message": "wrong password", "data": None},
            errors.InvalidCredentialsError,
            2333,
        ),
        ({"code": "2004", "message": "no such user"}, errors.NotFoundError, 2004),
        ("Cannot query field 'x'", errors.AuthingError, None),
    ],
)
async def test_graphql_errors_become_typed(message: Any, family: type, code: int | None) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(
            {"errors": [{"message": message, "locations": []}], "data": {"user": None}}
        )

    with pytest.raises(errors.AuthingError) as info:
        await make_core(handler).execute(gql())
    assert type(info.value) is family
    assert info.value.code == code
    assert info.value.operation == "users.get"
    assert info.value.http_status == 200


async def test_rest_envelope_path_params_query_and_errors() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "missing" in request.url.path:
            return json_response({"code": 2004, "message": "not found", "data": {"x": 1}})
        return json_response({"code": 200, "message": "ok", "data": [1]})

    core = make_core(handler)
    op = rest(path="/api/v2/users/{userId}/roles", method="POST")
    env = await core.execute(
        op,
        path_params={"userId": "a/b"},
        query={"namespace": "ns", "skip": None},
        body={"x": 1},
    )
    assert env == {"code": 200, "message": "ok", "data": [1]}
    assert seen[0].url.raw_path == b"/api/v2/users/a%2Fb/roles?namespace=ns"
    assert body(seen[0]) == {"x": 1}
    with pytest.raises(errors.NotFoundError) as info:
        await core.execute(op, path_params={"userId": "missing"})
    assert info.value.data == {"x": 1}
    with pytest.raises(errors.AuthingValidationError) as vinfo:
        await core.execute(op, path_params={})
    assert vinfo.value.parameter == "userId"


async def test_rest_json_and_text_kinds() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oidc/me":
            return json_response({"sub": "u1"})
        if request.url.path == "/oidc/token":
            return json_response({"error": "invalid_grant", "error_description": "bad code"}, 400)
        return httpx.Response(200, text="yes\nalice")

    core = make_core(handler)
    assert await core.execute(rest(path="/oidc/me", response=ResponseKind.JSON)) == {"sub": "u1"}
    text = rest(path="/cas-idp/app/validate", response=ResponseKind.TEXT)
    assert await core.execute(text) == "yes\nalice"
    with pytest.raises(errors.AuthingError, match="bad code"):
        await core.execute(rest(path="/oidc/token", method="POST", response=ResponseKind.JSON))


async def test_user_op_without_token_fails_locally() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return json_response({})

    with pytest.raises(errors.NotLoggedInError) as info:
        await make_core(handler).execute(gql(auth=AuthKind.USER))
    assert info.value.code == 2020
    assert calls == 0


@pytest.mark.parametrize("idempotent", [True, False])
async def test_dropped_connection_retried_only_if_idempotent(idempotent: bool) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response")
        return json_response({"data": {"user": {"id": "1"}}})

    fake = FakeTime()
    core = make_core(handler, fake=fake)
    op = gql(idempotent=idempotent)
    if idempotent:
        assert await core.execute(op) == {"id": "1"}
        assert calls == 2
        assert fake.sleeps == [0.5]
    else:
        with pytest.raises(errors.TransportError):
            await core.execute(op)
        assert calls == 1
        assert fake.sleeps == []


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("slow"), httpx.ReadError("reset")])
async def test_read_failures_not_retried_for_writes(exc: Exception) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise exc

    with pytest.raises(errors.TransportError) as info:
        await make_core(handler).execute(gql(idempotent=False))
    assert calls == 1
    assert isinstance(info.value, errors.AuthingTimeoutError) is isinstance(
        exc, httpx.TimeoutException
    )


async def test_connect_errors_always_retried_then_raised() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused")

    fake = FakeTime()
    with pytest.raises(errors.TransportError) as info:
        await make_core(handler, fake=fake).execute(gql(idempotent=False))
    assert calls == 3
    assert fake.sleeps == [0.5, 1.0]
    assert type(info.value) is errors.TransportError


@pytest.mark.parametrize(
    ("status", "idempotent", "calls_expected"),
    [
        (429, False, 3),
        (503, False, 3),
        (500, False, 1),
        (500, True, 3),
        (502, True, 3),
        (400, True, 1),
    ],
)
async def test_status_retries(status: int, idempotent: bool, calls_expected: int) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(status, text="nope")

    with pytest.raises(errors.AuthingError) as info:
        await make_core(handler).execute(gql(idempotent=idempotent))
    assert calls == calls_expected
    assert info.value.http_status == status


async def test_retry_after_is_honoured_and_success_follows() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return json_response({"data": {"user": 1}})

    fake = FakeTime()
    with capture_raw() as raws:
        assert await make_core(handler, fake=fake).execute(gql(idempotent=False)) == 1
    assert fake.sleeps == [7.0]
    assert raws[0].attempts == 2
    assert raws[0].status_code == 200


async def test_retry_after_above_cap_raises_rate_limited_without_sleeping() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3600"})

    fake = FakeTime()
    with pytest.raises(errors.RateLimitedError) as info:
        await make_core(handler, fake=fake).execute(gql())
    assert info.value.retry_after == 3600
    assert fake.sleeps == []


async def test_429_slows_the_whole_client() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/slow":
            return httpx.Response(429)
        return json_response({"data": {"user": 1}})

    fake = FakeTime()
    limiter = RateLimiter(max_concurrency=8, rate=10, clock=fake, sleep=fake.sleep)
    core = make_core(handler, fake=fake, max_retries=0, limiter=limiter)
    with pytest.raises(errors.RateLimitedError):
        await core.execute(rest(path="/slow", response=ResponseKind.JSON))
    assert (limiter.stats().rate, limiter.stats().concurrency_limit) == (5.0, 4)
    other = core.with_options(max_retries=1)
    await other.execute(gql())
    assert limiter.stats().rate > 5.0


async def test_total_deadline_covers_all_attempts() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    async def slow_sleep(seconds: float) -> None:
        await anyio.sleep(10)

    core = make_core(handler, timeout=0.05)
    core.retry.sleep = slow_sleep
    with pytest.raises(errors.AuthingTimeoutError):
        await core.execute(gql())


def mgmt_core(handler: Any, fetch_count: list[int]) -> Core:
    core = make_core(handler)

    async def fetch() -> dict[str, Any]:
        fetch_count.append(1)
        await anyio.lowlevel.checkpoint()
        return {"accessToken": f"mgmt-{len(fetch_count)}", "exp": 4_000_000_000}

    core.token_manager = ManagementTokenManager(fetch, key="k")
    return core


async def test_management_token_single_flight_through_core() -> None:
    fetches: list[int] = []
    auth_headers: set[str] = set()

    def handler(request: httpx.Request) -> httpx.Response:
        auth_headers.add(request.headers["authorization"])
        return json_response({"data": {"user": 1}})

    core = mgmt_core(handler, fetches)
    async with anyio.create_task_group() as tg:
        for _ in range(1000):
            tg.start_soon(core.execute, gql(auth=AuthKind.MANAGEMENT))
    assert len(fetches) == 1
    assert auth_headers == {"Bearer mgmt-1"}


@pytest.mark.parametrize(
    "answer",
    [
        {"errors": [{"message": {"code": 2206, "message": "expired"}}]},
        {"errors": [{"message": {"code": 2020, "message": "not logged in"}}]},
    ],
)
async def test_token_rejection_refreshes_once_and_retries_once(answer: dict[str, Any]) -> None:
    fetches: list[int] = []
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        if request.headers["authorization"] == "Bearer mgmt-1":
            return json_response(answer)
        return json_response({"data": {"user": "ok"}})

    core = mgmt_core(handler, fetches)
    assert await core.execute(gql(auth=AuthKind.MANAGEMENT)) == "ok"
    assert seen == ["Bearer mgmt-1", "Bearer mgmt-2"]
    assert len(fetches) == 2


async def test_token_rejection_twice_gives_up() -> None:
    fetches: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response({"code": 2206, "message": "expired"})

    core = mgmt_core(handler, fetches)
    with pytest.raises(errors.TokenExpiredError):
        await core.execute(rest(auth=AuthKind.MANAGEMENT))
    assert len(fetches) == 2


async def test_with_options_shares_pool_limiter_and_manager() -> None:
    core = make_core(lambda r: json_response({"data": {"user": 1}}))
    copy = core.with_options(timeout=3, max_retries=5, headers={"x-extra": "1"})
    assert copy.http_client is core.http_client
    assert copy.limiter is core.limiter
    assert copy.token_manager is core.token_manager
    assert copy.retry.max_retries == 5 and core.retry.max_retries == 2
    assert copy.timeouts.total == 3 and core.timeouts.total == 60
    assert copy.headers_for(None)["x-extra"] == "1"
    assert "x-extra" not in core.headers_for(None)
    await copy.aclose()
    assert not core.http_client.is_closed
    await core.aclose()


async def test_capture_raw_is_task_local() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response({"data": {"user": 1}}, headers={"x-request-id": "rid-9"})

    core = make_core(handler)
    with capture_raw() as raws:
        await core.execute(gql())
        with capture_raw() as inner:
            await core.execute(gql("second"))
    await core.execute(gql("outside"))
    assert [r.operation for r in raws] == ["users.get"]
    assert [r.operation for r in inner] == ["second"]
    assert raws[0].request_id == "rid-9"
    assert raws[0].status_code == 200
    assert raws[0].attempts == 1


def test_sdk_version_is_the_packaged_version() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).parents[2] / "pyproject.toml"
    assert tomllib.loads(pyproject.read_text())["project"]["version"] == SDK_VERSION


async def test_ready_requests_follow_tokens_clones_pool_headers_and_paths() -> None:
    """The httpx path reuses parsed URLs and built headers; every change still reaches the wire."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response({"code": 200, "message": "ok", "data": {"id": "u1"}})

    core = make_core(handler)
    op_a = rest("users.a", path="/api/v2/users/a")
    op_b = rest("users.b", path="/api/v2/users/b")
    await core.execute(op_a, token="alice")
    await core.execute(op_a, token="alice")
    await core.execute(op_b, token="bob")
    clone = core.with_options(headers={"x-extra": "1"})
    await clone.execute(op_a, token="alice")
    core.http_client.headers["x-pool"] = "2"  # the caller changes the pool's own headers
    await core.execute(op_a, token="alice")
    await core.execute(op_a, token="alice")
    urls = [str(r.url) for r in seen]
    assert urls == [f"{HOST}/api/v2/users/{p}" for p in ("a", "a", "b", "a", "a", "a")]
    auths = [r.headers["authorization"] for r in seen]
    assert auths == ["Bearer alice", "Bearer alice", "Bearer bob"] + ["Bearer alice"] * 3
    assert [r.headers.get("x-extra") for r in seen] == [None, None, None, "1", None, None]
    assert [r.headers.get("x-pool") for r in seen] == [None, None, None, None, "2", "2"]
    assert all(r.headers["x-authing-userpool-id"] == "pool-1" for r in seen)
    await core.aclose()
