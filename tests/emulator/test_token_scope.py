"""User tokens answer for one live user of one pool; sign-ins must name the pool and its app."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from aioauthing.emulator.server import EmulatorServer
from aioauthing.emulator.settings import EmulatorSettings

from .conftest import LOGIN_BY_EMAIL, Wire, new_pool

UPDATE_USER = "mutation updateUser($id: String!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id blocked } }"


def _me(wire: Wire, token: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = wire.client.get(
        f"{wire.settings.host}/api/v2/users/me",
        headers={**wire.headers(token), **(headers or {})},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _token(wire: Wire, email: str) -> str:
    wire.create_user(email=email, password="pw-123456")
    login = wire.login_by_email(email, "pw-123456")
    assert "errors" not in login, login
    token: str = login["data"]["loginByEmail"]["token"]
    return token


def test_a_blocked_users_existing_token_is_refused(wire: Wire) -> None:
    token = _token(wire, "ann@example.com")
    me = _me(wire, token)
    assert me["code"] == 200
    body = wire.gql(
        UPDATE_USER,
        {"id": me["data"]["id"], "input": {"blocked": True}},
        token=wire.management_token(),
    )
    assert body["data"]["updateUser"]["blocked"] is True
    assert _me(wire, token)["code"] == 2005
    wire.gql(
        UPDATE_USER,
        {"id": me["data"]["id"], "input": {"blocked": False}},
        token=wire.management_token(),
    )
    assert _me(wire, token)["code"] == 200


def test_a_user_token_of_another_pool_is_refused(authing_emulator: EmulatorServer) -> None:
    with httpx.Client(timeout=10) as client:
        pool_a = new_pool(authing_emulator, client)
        pool_b = new_pool(authing_emulator, client)
        token_b = _token(pool_b, "bob@example.com")
        assert _me(pool_b, token_b)["code"] == 200
        assert _me(pool_a, token_b)["code"] == 2020  # a client configured for pool A


def _login(wire: Wire, headers: dict[str, str], email: str = "cy@example.com") -> dict[str, Any]:
    response = wire.client.post(
        f"{wire.settings.host}/graphql/v2",
        json={
            "query": LOGIN_BY_EMAIL,
            "variables": {"input": {"email": email, "password": wire.encrypt("pw-123456")}},
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _code(body: dict[str, Any]) -> int | None:
    return body["errors"][0]["message"]["code"] if "errors" in body else None


def test_sign_in_needs_the_pool_and_one_of_its_apps(wire: Wire) -> None:
    wire.create_user(email="cy@example.com", password="pw-123456")
    pool, app = wire.settings.user_pool_id, wire.settings.app_id
    assert _code(_login(wire, {"x-authing-userpool-id": pool, "x-authing-app-id": app})) is None
    assert _code(_login(wire, {"x-authing-userpool-id": pool})) is None  # no app named
    assert _code(_login(wire, {"x-authing-app-id": app})) is None  # the app names its pool
    wrong_app = {"x-authing-userpool-id": pool, "x-authing-app-id": "000000000000000000000000"}
    assert _code(_login(wire, wrong_app)) == 2011


def test_sign_in_naming_no_pool_is_refused(authing_emulator: EmulatorServer) -> None:
    """Even for a user of the default pool: nothing in the request says which pool is meant."""
    settings = EmulatorSettings.from_dict(authing_emulator.settings())
    with httpx.Client(timeout=10) as client:
        default = Wire(settings, client)
        email = f"nopool-{uuid.uuid4().hex[:8]}@example.com"
        default.create_user(email=email, password="pw-123456")
        named = {"x-authing-userpool-id": settings.user_pool_id}
        assert _code(_login(default, named, email)) is None
        assert _code(_login(default, {}, email)) == 2224
