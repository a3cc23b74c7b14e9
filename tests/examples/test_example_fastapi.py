"""The FastAPI example, in-process (httpx ASGITransport + its lifespan) against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from conftest import PASSWORD, People
from example_tokens import bad_tokens
from examples.fastapi_app.app import create_app
from fastapi import FastAPI

from aioauthing.integrations import Authing, AuthingSettings

pytestmark = pytest.mark.anyio


@pytest.fixture
def app(settings: AuthingSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://app") as client,
    ):
        yield client


async def login(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_login_then_me_is_answered_from_the_token(
    client: httpx.AsyncClient, people: People, settings: AuthingSettings
) -> None:
    token = await login(client, people.user_email)
    response = await client.get("/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "id": people.user_id,
        "email": people.user_email,
        "pool": settings.user_pool_id,
    }


async def test_wrong_password_is_refused(client: httpx.AsyncClient, people: People) -> None:
    response = await client.post("/login", json={"email": people.user_email, "password": "nope"})
    assert response.status_code == 401


async def test_no_token_gets_a_bare_bearer_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="authing"'


async def test_other_schemes_and_empty_bearer(client: httpx.AsyncClient) -> None:
    basic = await client.get("/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401
    assert "error=" not in basic.headers["www-authenticate"]
    empty = await client.get("/me", headers={"Authorization": "Bearer "})
    assert empty.status_code == 400
    assert 'error="invalid_request"' in empty.headers["www-authenticate"]


async def test_admin_route_needs_the_admin_role(client: httpx.AsyncClient, people: People) -> None:
    user_token = await login(client, people.user_email)
    refused = await client.get("/admin/users", headers=bearer(user_token))
    assert refused.status_code == 403
    assert refused.headers["www-authenticate"] == (
        'Bearer realm="authing", error="insufficient_scope", '
        'error_description="a required role is missing"'
    )

    admin_token = await login(client, people.admin_email)
    listed = await client.get("/admin/users", headers=bearer(admin_token))
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 2
    assert {u["email"] for u in body["users"]} == {people.admin_email, people.user_email}


async def test_a_token_revoked_by_logout_fails_the_role_lookup(
    app: FastAPI, client: httpx.AsyncClient, people: People, settings: AuthingSettings
) -> None:
    """Local verification cannot see a logout; the (not yet cached) role lookup can."""
    admin_token = await login(client, people.admin_email)
    assert (await client.get("/me", headers=bearer(admin_token))).status_code == 200
    runtime: Authing = app.state.authing
    await runtime.auth.as_user(admin_token).logout(settings.app_id)
    response = await client.get("/admin/users", headers=bearer(admin_token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].endswith(
        'error="invalid_token", error_description="the token is no longer valid"'
    )


@pytest.mark.parametrize(
    "case",
    [
        "malformed",
        "nested header",
        "oversized",
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
    client: httpx.AsyncClient, people: People, settings: AuthingSettings, case: str
) -> None:
    good = await login(client, people.user_email)
    assert (await client.get("/me", headers=bearer(good))).status_code == 200
    token, reason = bad_tokens(settings, good, people.user_id)[case]

    response = await client.get("/me", headers=bearer(token))

    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith(
        'Bearer realm="authing", error="invalid_token", error_description="'
    )
    assert reason in challenge
    assert token not in response.text and token not in challenge


async def test_two_authorization_headers_are_an_invalid_request(
    client: httpx.AsyncClient, people: People
) -> None:
    good = await login(client, people.user_email)
    headers = [("Authorization", f"Bearer {good}"), ("Authorization", "Bearer another")]
    response = await client.get("/me", headers=headers)
    assert response.status_code == 400
    assert 'error="invalid_request"' in response.headers["www-authenticate"]
