from __future__ import annotations

import time
from typing import Any

import anyio
import httpx
import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from unit_helpers import FakeTime

from aioauthing.runtime import errors
from aioauthing.runtime.jwt import JwksCache, TokenClaims, verify_token

pytestmark = pytest.mark.anyio

APP_SECRET = "app-secret-for-hs256-tests-0123456789abcdef"
ISS = "https://pool.example.test/oidc"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "u1",
        "aud": "app-1",
        "iss": ISS,
        "iat": now,
        "exp": now + 3600,
        "email": "a@b.co",
        "phone_number": "+8613800000000",
        "userpool_id": "pool-1",
    }
    base.update(overrides)
    return base


@pytest.fixture(scope="module")
def rsa_keys() -> dict[str, rsa.RSAPrivateKey]:
    return {
        kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in ("k1", "k2")
    }


def jwk(kid: str, key: rsa.RSAPrivateKey) -> dict[str, Any]:
    data: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**data, "kid": kid, "use": "sig", "alg": "RS256"}


class JwksServer:
    def __init__(self, keys: dict[str, rsa.RSAPrivateKey], published: list[str]) -> None:
        self.keys, self.published, self.requests = keys, published, 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/oidc/.well-known/jwks.json"
        self.requests += 1
        return httpx.Response(200, json={"keys": [jwk(k, self.keys[k]) for k in self.published]})

    def cache(self, clock: FakeTime) -> JwksCache:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.handler))
        return JwksCache.for_host("https://pool.example.test", client, clock=clock)


def sign_rs(key: rsa.RSAPrivateKey, kid: str | None, **overrides: Any) -> str:
    headers = {"kid": kid} if kid else None
    return pyjwt.encode(claims(**overrides), key, algorithm="RS256", headers=headers)


async def test_hs256_with_app_secret() -> None:
    token = pyjwt.encode(claims(), APP_SECRET, algorithm="HS256")
    result = await verify_token(token, app_secret=APP_SECRET, audience="app-1", issuer=ISS)
    assert isinstance(result, TokenClaims)
    assert (result.sub, result.aud, result.iss, result.email) == ("u1", "app-1", ISS, "a@b.co")
    assert result.phone_number == "+8613800000000"
    assert result.userpool_id == "pool-1"
    assert result.user_id == "u1"
    assert result.raw["sub"] == "u1"


async def test_legacy_data_block_fallbacks() -> None:
    token = pyjwt.encode(
        {"data": {"id": "legacy-id", "userPoolId": "p9"}, "exp": int(time.time()) + 60},
        APP_SECRET,
        algorithm="HS256",
    )
    result = await verify_token(token, app_secret=APP_SECRET)
    assert (result.user_id, result.userpool_id) == ("legacy-id", "p9")


@pytest.mark.parametrize(
    ("token_claims", "kwargs", "error"),
    [
        (claims(exp=int(time.time()) - 3600), {}, errors.ExpiredTokenError),
        (claims(), {"audience": "other-app"}, errors.InvalidAudienceError),
        (claims(), {"issuer": "https://evil/oidc"}, errors.InvalidIssuerError),
    ],
)
async def test_hs256_claim_checks(
    token_claims: dict[str, Any], kwargs: dict[str, Any], error: type[Exception]
) -> None:
    token = pyjwt.encode(token_claims, APP_SECRET, algorithm="HS256")
    with pytest.raises(error):
        await verify_token(token, app_secret=APP_SECRET, **kwargs)


async def test_leeway_accepts_just_expired() -> None:
    token = pyjwt.encode(claims(exp=int(time.time()) - 5), APP_SECRET, algorithm="HS256")
    await verify_token(token, app_secret=APP_SECRET, leeway=60)
    with pytest.raises(errors.ExpiredTokenError):
        await verify_token(token, app_secret=APP_SECRET, leeway=0)


async def test_bad_signature_and_malformed() -> None:
    token = pyjwt.encode(claims(), APP_SECRET + "-other", algorithm="HS256")
    with pytest.raises(errors.InvalidSignatureError):
        await verify_token(token, app_secret=APP_SECRET)
    for junk in ("not-a-jwt", "a.b.c", ""):
        with pytest.raises(errors.MalformedTokenError):
            await verify_token(junk, app_secret=APP_SECRET)


async def test_alg_none_is_never_accepted() -> None:
    token = pyjwt.encode(claims(), None, algorithm="none")
    with pytest.raises(errors.InvalidSignatureError, match="not allowed"):
        await verify_token(token, app_secret=APP_SECRET)
    with pytest.raises(errors.InvalidSignatureError):
        await verify_token(token, app_secret=APP_SECRET, algorithms={"none", "HS256"})


async def test_rs256_via_jwks_is_cached(rsa_keys: dict[str, rsa.RSAPrivateKey]) -> None:
    server, clock = JwksServer(rsa_keys, ["k1"]), FakeTime()
    cache = server.cache(clock)
    token = sign_rs(rsa_keys["k1"], "k1")
    for _ in range(5):
        result = await verify_token(token, jwks=cache, audience="app-1", issuer=ISS)
        assert result.sub == "u1"
    assert server.requests == 1
    clock.now += 601  # ttl elapsed
    await verify_token(token, jwks=cache)
    assert server.requests == 2


async def test_rs256_token_signed_by_foreign_key_fails(
    rsa_keys: dict[str, rsa.RSAPrivateKey],
) -> None:
    server = JwksServer(rsa_keys, ["k1"])
    token = sign_rs(rsa_keys["k2"], "k1")  # claims kid k1, signed with k2
    with pytest.raises(errors.InvalidSignatureError):
        await verify_token(token, jwks=server.cache(FakeTime()))


async def test_key_rotation_unknown_kid_refetches_single_flight_and_throttled(
    rsa_keys: dict[str, rsa.RSAPrivateKey],
) -> None:
    server, clock = JwksServer(rsa_keys, ["k1"]), FakeTime()
    cache = server.cache(clock)
    await verify_token(sign_rs(rsa_keys["k1"], "k1"), jwks=cache)
    assert server.requests == 1

    rotated = sign_rs(rsa_keys["k2"], "k2")
    # unknown kid right after a fetch: throttled, no request
    with pytest.raises(errors.UnknownKeyError):
        await verify_token(rotated, jwks=cache)
    assert server.requests == 1

    server.published = ["k1", "k2"]
    clock.now += 31
    results: list[str | None] = []

    async def verify() -> None:
        results.append((await verify_token(rotated, jwks=cache)).sub)

    async with anyio.create_task_group() as tg:
        for _ in range(50):
            tg.start_soon(verify)
    assert results == ["u1"] * 50
    assert server.requests == 2  # one refetch for 50 concurrent callers

    clock.now += 31
    with pytest.raises(errors.UnknownKeyError):
        await verify_token(sign_rs(rsa_keys["k1"], "nope"), jwks=cache)
    assert server.requests == 3


async def test_algorithm_needs_matching_key_material(
    rsa_keys: dict[str, rsa.RSAPrivateKey],
) -> None:
    with pytest.raises(errors.InvalidSignatureError):
        await verify_token(sign_rs(rsa_keys["k1"], "k1"), app_secret=APP_SECRET)
    with pytest.raises(errors.InvalidSignatureError):
        await verify_token(pyjwt.encode(claims(), APP_SECRET, algorithm="HS256"))
