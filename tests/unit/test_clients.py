from __future__ import annotations

import json
import time
from pathlib import Path

import anyio
import anyio.lowlevel
import httpx
import jwt as pyjwt
import pytest
from unit_helpers import HOST, gql, json_response

from aioauthing.runtime import errors
from aioauthing.runtime.clients import AuthenticationClient, ManagementClient, UserSession
from aioauthing.runtime.operation import AuthKind
from aioauthing.runtime.tokens import FileTokenStore

pytestmark = pytest.mark.anyio

SECRET = "pool-SECRET-do-not-leak"
APP_SECRET = "app-secret-for-hs256-tests-0123456789abcdef"


class Server:
    """A tiny fake Authing: answers accessToken and echoes who called everything else."""

    def __init__(self) -> None:
        self.token_requests = 0
        self.requests: list[httpx.Request] = []

    async def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        payload = json.loads(request.content) if request.content else {}
        if "accessToken(" in payload.get("query", ""):
            assert "authorization" not in request.headers
            assert payload["variables"]["secret"] == SECRET
            self.token_requests += 1
            await anyio.lowlevel.checkpoint()
            return json_response(
                {
                    "data": {
                        "accessToken": {
                            "accessToken": f"mgmt-{self.token_requests}",
                            "exp": int(time.time()) + 86400,
                            "iat": 0,
                        }
                    }
                }
            )
        return json_response({"data": {"user": request.headers.get("authorization")}})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


async def test_management_client_fetches_token_once_and_shares_it_with_views() -> None:
    server = Server()
    mgmt = ManagementClient("pool-1", SECRET, host=HOST, http_client=server.client())
    cached_group = mgmt.users  # cached on the original before copying
    view = mgmt.with_options(max_retries=0, headers={"x-extra": "1"})
    assert view.users is not cached_group
    op = gql(auth=AuthKind.MANAGEMENT)
    async with anyio.create_task_group() as tg:
        for client in [mgmt, view] * 200:
            tg.start_soon(client._execute, op)
    assert server.token_requests == 1
    assert view.token_manager is mgmt.token_manager
    assert view.core.http_client is mgmt.core.http_client
    assert view.limiter is mgmt.limiter
    assert {r.headers.get("authorization") for r in server.requests[1:]} == {"Bearer mgmt-1"}
    assert server.requests[-1].headers["x-authing-userpool-id"] == "pool-1"
    assert "x-authing-app-id" not in server.requests[-1].headers
    assert mgmt.users._core is mgmt.core  # generated API groups are wired ...
    assert view.users._core is view.core  # ... and rebound on copies
    assert view.core.retry.max_retries == 0 and mgmt.core.retry.max_retries == 2
    assert SECRET not in repr(mgmt) and SECRET not in repr(view)
    assert SECRET not in mgmt.token_manager.key


async def test_management_tokens_persist_in_a_file_store(tmp_path: Path) -> None:
    server = Server()
    store = FileTokenStore(tmp_path / "tokens.json")
    first = ManagementClient(
        "pool-1", SECRET, host=HOST, http_client=server.client(), token_store=store
    )
    await first._execute(gql(auth=AuthKind.MANAGEMENT))
    second = ManagementClient(
        "pool-1", SECRET, host=HOST, http_client=server.client(), token_store=store
    )
    await second._execute(gql(auth=AuthKind.MANAGEMENT))
    assert server.token_requests == 1
    assert SECRET not in (tmp_path / "tokens.json").read_text()


async def test_authentication_client_headers_app_host_and_user_views() -> None:
    server = Server()
    auth = AuthenticationClient(
        "app-1",
        app_host="https://app.example.test",
        host=HOST,
        user_pool_id="pool-1",
        http_client=server.client(),
    )
    with pytest.raises(errors.NotLoggedInError):
        await auth._execute(gql(auth=AuthKind.USER))
    session = auth.as_user("user-token-XYZ")
    assert isinstance(session, UserSession)
    assert await session._execute(gql(auth=AuthKind.USER)) == "Bearer user-token-XYZ"
    request = server.requests[-1]
    assert str(request.url).startswith("https://app.example.test/graphql/v2")
    assert request.headers["x-authing-app-id"] == "app-1"
    assert session.core is auth.core
    assert "user-token-XYZ" not in repr(session)
    await session.aclose()
    assert not auth.core.http_client.is_closed
    with pytest.raises(errors.AuthingValidationError):
        auth.as_user("")


async def test_remember_mode_is_off_by_default_and_keeps_one_token_in_the_store(
    tmp_path: Path,
) -> None:
    store = FileTokenStore(tmp_path / "t.json")
    token = pyjwt.encode({"sub": "u1", "exp": int(time.time()) + 60}, APP_SECRET, algorithm="HS256")
    off = AuthenticationClient("app-1", host=HOST)
    assert off.remembered is None
    with pytest.raises(errors.NotLoggedInError):
        await off.current_user_view()
    with pytest.raises(RuntimeError):
        await off.remember(token)
    on = AuthenticationClient("app-1", host=HOST, remember=store)
    await on.remember(token)
    again = AuthenticationClient("app-1", host=HOST, remember=store)
    session = await again.current_user_view()
    assert session.token == token
    await again.forget()
    with pytest.raises(errors.NotLoggedInError):
        await again.current_user_view()
    expired = pyjwt.encode({"exp": int(time.time()) - 5}, APP_SECRET, algorithm="HS256")
    await on.remember(expired)
    with pytest.raises(errors.NotLoggedInError):
        await on.current_user_view()
    assert await store.get(on.remembered.key) is None  # type: ignore[union-attr]
    for client in (off, on, again):
        await client.aclose()


async def test_verify_token_convenience_defaults_audience_to_app_id() -> None:
    auth = AuthenticationClient("app-1", host=HOST, app_secret=APP_SECRET)
    now = int(time.time())
    good = pyjwt.encode(
        {"sub": "u", "aud": "app-1", "exp": now + 60}, APP_SECRET, algorithm="HS256"
    )
    other = pyjwt.encode(
        {"sub": "u", "aud": "app-2", "exp": now + 60}, APP_SECRET, algorithm="HS256"
    )
    assert (await auth.verify_token(good)).sub == "u"
    with pytest.raises(errors.InvalidAudienceError):
        await auth.verify_token(other)
    assert APP_SECRET not in repr(auth)
    await auth.aclose()


async def test_async_with_closes_owned_pool_but_not_a_supplied_one() -> None:
    async with AuthenticationClient("app-1", host=HOST) as owned:
        pool = owned.core.http_client
    assert pool.is_closed
    supplied = httpx.AsyncClient()
    async with ManagementClient("pool-1", SECRET, host=HOST, http_client=supplied):
        pass
    assert not supplied.is_closed
    await supplied.aclose()


def test_constructor_validation_names_parameters() -> None:
    with pytest.raises(errors.AuthingValidationError) as info:
        ManagementClient("pool-1", "")
    assert info.value.parameter == "secret"
    with pytest.raises(errors.AuthingValidationError) as info:
        AuthenticationClient("")
    assert info.value.parameter == "app_id"
