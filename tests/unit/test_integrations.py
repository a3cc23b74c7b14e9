"""The framework-neutral integration core: Bearer parsing, challenges, access checks, caching."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt as pyjwt
import pytest
from unit_helpers import FakeTime

from aioauthing.integrations import (
    AccessCache,
    AuthFailure,
    Authing,
    AuthingSettings,
    Requirement,
    VerifiedTokenCache,
    parse_authorization,
)
from aioauthing.integrations.access import permission_granted
from aioauthing.runtime.jwt import TokenClaims

SECRET = "app-secret-for-integration-tests-0123456789"


# -- Bearer header ---------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "", "Basic dXNlcjpwYXNz", "Token abc"])
def test_no_bearer_credentials_is_a_bare_401(header: str | None) -> None:
    with pytest.raises(AuthFailure) as caught:
        parse_authorization(header)
    assert (caught.value.status, caught.value.error) == (401, None)
    assert caught.value.challenge("shop") == 'Bearer realm="shop"'


@pytest.mark.parametrize("header", ["Bearer", "Bearer   ", "Bearer a b"])
def test_broken_bearer_credentials_are_an_invalid_request(header: str) -> None:
    with pytest.raises(AuthFailure) as caught:
        parse_authorization(header)
    assert (caught.value.status, caught.value.error) == (400, "invalid_request")


def test_bearer_scheme_is_case_insensitive() -> None:
    assert parse_authorization("bearer abc.def.ghi") == "abc.def.ghi"
    assert parse_authorization("  BEARER  abc  ") == "abc"


def test_challenge_quotes_only_allowed_characters() -> None:
    failure = AuthFailure.invalid_token('bad "quote" \\ and 中文')
    assert failure.challenge('my "realm"') == (
        'Bearer realm="my realm", error="invalid_token", error_description="bad quote  and "'
    )
    assert AuthFailure.unavailable("down").challenge("r") is None
    assert AuthFailure.unavailable("down").body()["error"] == "temporarily_unavailable"


# -- permissions and the cache ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("permission", "actions", "granted"),
    [
        ("books:read", {"books:read"}, True),
        ("books:read", {"books:*"}, True),
        ("books:read", {"*"}, True),
        ("books:read", {"books:write", "magazines:*"}, False),
        ("books:read", set(), False),
        ("read", {"books:*"}, False),
    ],
)
def test_permission_granted(permission: str, actions: set[str], granted: bool) -> None:
    assert permission_granted(permission, frozenset(actions)) is granted


def test_requirement_accepts_a_single_string() -> None:
    assert Requirement(roles="admin").roles == frozenset({"admin"})  # type: ignore[arg-type]
    assert Requirement().empty and not Requirement(permissions=["a:b"]).empty


@pytest.mark.anyio
async def test_access_cache_ttl_lru_and_invalidate() -> None:
    clock = FakeTime()
    cache = AccessCache(ttl=60, max_entries=2, clock=clock)
    loads: list[str] = []

    def loader(value: str) -> Any:
        async def load() -> frozenset[str]:
            loads.append(value)
            return frozenset({value})

        return load

    assert await cache.get(("roles", "u1", ""), loader("a")) == {"a"}
    assert await cache.get(("roles", "u1", ""), loader("b")) == {"a"}  # cached
    clock.now += 61
    assert await cache.get(("roles", "u1", ""), loader("c")) == {"c"}  # expired
    await cache.get(("roles", "u2", ""), loader("d"))
    await cache.get(("roles", "u3", ""), loader("e"))  # evicts u1, the least recently used
    await cache.get(("roles", "u1", ""), loader("f"))
    cache.invalidate("u3")
    await cache.get(("roles", "u3", ""), loader("g"))
    assert loads == ["a", "c", "d", "e", "f", "g"]


# -- Authing: verification and access through a fake Authing ----------------------------------


def token(**claims: Any) -> str:
    now = int(time.time())
    return pyjwt.encode(
        {"sub": "u1", "aud": "app-1", "iat": now, "exp": now + 600, **claims},
        SECRET,
        algorithm="HS256",
    )


class FakeAuthing:
    """Answers the user-token GraphQL lookups; counts them."""

    def __init__(self, actions: list[str], roles: list[str]) -> None:
        self.actions, self.roles, self.calls = actions, roles, []

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        operation = body["query"].split("(")[0].split()[-1]  # "query getCurrentUserRoles(..."
        self.calls.append(operation)
        assert request.headers["authorization"].startswith("Bearer ")
        if operation == "getCurrentUserRoles":
            items = [{"code": r, "namespace": "default", "arn": "", "id": r} for r in self.roles]
            user = {"roles": {"totalCount": len(items), "list": items}}
        else:
            items = [{"code": "books", "type": "DATA", "actions": self.actions}]
            user = {"authorizedResources": {"totalCount": 1, "list": items}}
        return httpx.Response(200, json={"data": {"user": user}})


@pytest.fixture
async def fake() -> FakeAuthing:
    return FakeAuthing(actions=["books:read"], roles=["editor"])


@pytest.fixture
async def runtime(fake: FakeAuthing) -> AsyncIterator[Authing]:
    settings = AuthingSettings(
        app_id="app-1",
        host="https://authing.example.test",
        app_secret=SECRET,
        transport=httpx.MockTransport(fake.handler),
    )
    async with Authing.open(settings) as runtime:
        yield runtime


@pytest.mark.anyio
async def test_authenticate_maps_verification_errors_to_invalid_token(runtime: Authing) -> None:
    principal = await runtime.authenticate(f"Bearer {token()}")
    assert principal.claims.user_id == "u1"
    assert token() not in repr(principal)
    for bad, reason in [
        (token(aud="other"), "audience"),
        (token(exp=1), "expired"),
        (token(sub=None), "names no user"),
    ]:
        with pytest.raises(AuthFailure) as caught:
            await runtime.authenticate(f"Bearer {bad}")
        assert (caught.value.status, caught.value.error) == (401, "invalid_token")
        assert reason in caught.value.description


@pytest.mark.anyio
async def test_roles_and_permissions_are_looked_up_once_per_ttl(
    runtime: Authing, fake: FakeAuthing
) -> None:
    principal = await runtime.authenticate(f"Bearer {token()}")
    allowed = Requirement(roles=["editor"], permissions=["books:read"])
    for _ in range(3):
        await runtime.authorize(principal, allowed)
    assert fake.calls == ["getCurrentUserRoles", "listCurrentUserAuthorizedResources"]

    for denied, what in [
        (Requirement(roles=["editor", "admin"]), "role"),
        (Requirement(permissions=["books:write"]), "permission"),
    ]:
        with pytest.raises(AuthFailure) as caught:
            await runtime.authorize(principal, denied)
        assert (caught.value.status, caught.value.error) == (403, "insufficient_scope")
        assert what in caught.value.description
    assert len(fake.calls) == 2  # still cached


@pytest.mark.anyio
async def test_roles_claim_replaces_the_lookup(fake: FakeAuthing) -> None:
    settings = AuthingSettings(
        app_id="app-1",
        host="https://authing.example.test",
        app_secret=SECRET,
        roles_claim="roles",
        transport=httpx.MockTransport(fake.handler),
    )
    async with Authing.open(settings) as runtime:
        admin = await runtime.authenticate(f"Bearer {token(roles=['admin'])}")
        await runtime.authorize(admin, Requirement(roles=["admin"]))
        nobody = await runtime.authenticate(f"Bearer {token(roles='viewer')}")
        with pytest.raises(AuthFailure):
            await runtime.authorize(nobody, Requirement(roles=["admin"]))
    assert fake.calls == []


@pytest.mark.anyio
async def test_an_unreachable_jwks_is_a_503_not_a_401() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502)

    rs_token = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.c2ln"  # {"alg":"RS256","kid":"k"}
    settings = AuthingSettings(
        app_id="app-1", host="https://authing.example.test", transport=httpx.MockTransport(down)
    )
    async with Authing.open(settings) as runtime:
        with pytest.raises(AuthFailure) as caught:
            await runtime.authenticate(f"Bearer {rs_token}")
    assert caught.value.status == 503


# -- the verified-token cache ----------------------------------------------------------------


def test_verified_cache_honours_ttl_exp_and_size() -> None:
    clock = FakeTime(start=1_000.0)
    cache = VerifiedTokenCache(ttl=60, max_entries=2, leeway=5, clock=clock)
    long_lived, short_lived = TokenClaims(sub="a", exp=10_000), TokenClaims(sub="b", exp=1_010)
    cache.put("t-long", long_lived)
    cache.put("t-short", short_lived)
    clock.now = 1_014.0
    assert cache.get("t-long") is long_lived and cache.get("t-short") is short_lived
    clock.now = 1_015.0  # exp + leeway reached
    assert cache.get("t-short") is None
    clock.now = 1_060.0  # ttl reached
    assert cache.get("t-long") is None
    for name in ("x", "y", "z"):
        cache.put(name, long_lived)
    assert len(cache) == 2 and cache.get("x") is None  # least recently used went first
    disabled = VerifiedTokenCache(ttl=0)
    disabled.put("t", long_lived)
    assert disabled.get("t") is None


@pytest.mark.anyio
async def test_authenticate_verifies_a_repeated_token_once(
    runtime: Authing, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    verify = runtime.auth.verify_token

    async def counting(token: str, **kwargs: Any) -> TokenClaims:
        calls.append(token)
        return await verify(token, **kwargs)

    monkeypatch.setattr(runtime.auth, "verify_token", counting)
    good = token()
    for _ in range(5):
        assert (await runtime.authenticate(f"Bearer {good}")).claims.sub == "u1"
    bad = token(aud="other")
    for _ in range(2):
        with pytest.raises(AuthFailure):
            await runtime.authenticate(f"Bearer {bad}")
    assert calls == [good, bad, bad]  # failures are never remembered
