"""The aiohttp example on a loopback test server (aiohttp.test_utils) against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from conftest import PASSWORD, People
from example_tokens import bad_tokens
from examples.aiohttp_app.app import create_app
from multidict import CIMultiDict

from aioauthing.integrations import AuthingSettings

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # aiohttp runs on asyncio only


@pytest.fixture
async def client(settings: AuthingSettings) -> AsyncIterator[TestClient[object, object]]:
    async with TestClient(TestServer(create_app(settings=settings))) as client:
        yield client


async def login(client: TestClient[object, object], email: str) -> str:
    response = await client.post("/login", json={"email": email, "password": PASSWORD})
    assert response.status == 200, await response.text()
    token: str = (await response.json())["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_login_then_me_is_answered_from_the_token(
    client: TestClient[object, object], people: People, settings: AuthingSettings
) -> None:
    token = await login(client, people.user_email)
    response = await client.get("/me", headers=bearer(token))
    assert response.status == 200
    assert await response.json() == {
        "id": people.user_id,
        "email": people.user_email,
        "pool": settings.user_pool_id,
    }


async def test_wrong_password_is_refused(
    client: TestClient[object, object], people: People
) -> None:
    response = await client.post("/login", json={"email": people.user_email, "password": "x"})
    assert response.status == 401


async def test_no_token_gets_a_bare_bearer_challenge(client: TestClient[object, object]) -> None:
    response = await client.get("/me")
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="authing"'
    assert (await response.json())["error"] == "unauthorized"


async def test_admin_route_needs_the_admin_role(
    client: TestClient[object, object], people: People
) -> None:
    user_token = await login(client, people.user_email)
    refused = await client.get("/admin/users", headers=bearer(user_token))
    assert refused.status == 403
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert (await refused.json()) == {
        "error": "insufficient_scope",
        "error_description": "a required role is missing",
    }

    admin_token = await login(client, people.admin_email)
    listed = await client.get("/admin/users", headers=bearer(admin_token))
    assert listed.status == 200
    body = await listed.json()
    assert {u["email"] for u in body["users"]} == {people.admin_email, people.user_email}


async def test_a_bad_token_is_refused_even_on_a_public_route(
    client: TestClient[object, object],
) -> None:
    response = await client.post(
        "/login", json={"email": "a@b.c", "password": "x"}, headers=bearer("junk")
    )
    assert response.status == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    "case",
    [
        "malformed",
        "nested header",  # (an oversized token is refused by aiohttp's own 8 KB header limit)
        "truncated",
        "expired",
        "wrongly signed",
        "tampered",
        "wrong audience",
        "wrong issuer",
        "alg none",
        "alg confusion",
        "unknown kid",
    ],
)
async def test_bad_tokens_are_refused_with_invalid_token(
    client: TestClient[object, object], people: People, settings: AuthingSettings, case: str
) -> None:
    good = await login(client, people.user_email)
    assert (await client.get("/me", headers=bearer(good))).status == 200
    token, reason = bad_tokens(settings, good, people.user_id)[case]

    response = await client.get("/me", headers=bearer(token))

    assert response.status == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith(
        'Bearer realm="authing", error="invalid_token", error_description="'
    )
    assert reason in challenge
    body = await response.text()
    assert token not in body and token not in challenge
    assert (await response.json())["error"] == "invalid_token"


async def test_two_authorization_headers_are_an_invalid_request(
    client: TestClient[object, object], people: People
) -> None:
    good = await login(client, people.user_email)
    headers = CIMultiDict([("Authorization", f"Bearer {good}"), ("Authorization", "Bearer x")])
    response = await client.get("/me", headers=headers)
    assert response.status == 400
    assert (await response.json())["error"] == "invalid_request"
