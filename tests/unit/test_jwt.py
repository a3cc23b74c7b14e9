from __future__ import annotations

import base64
import hashlib
import hmac
import json
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


async def test_alg_confusion_hs256_signed_with_the_public_key_is_refused(
    rsa_keys: dict[str, rsa.RSAPrivateKey],
) -> None:
    """An attacker who signs HS256 with the published RSA key gains nothing."""
    from cryptography.hazmat.primitives import serialization

    pem = (
        rsa_keys["k1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    payload = b64url(json.dumps(claims()).encode())
    mac = hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    forged = f"{header}.{payload}.{b64url(mac)}"
    cache = JwksServer(rsa_keys, ["k1"]).cache(FakeTime())
    with pytest.raises(errors.InvalidSignatureError):
        await verify_token(forged, jwks=cache)  # no app secret: HS256 has no key at all
    with pytest.raises(errors.InvalidSignatureError, match="signature is invalid"):
        await verify_token(forged, jwks=cache, app_secret=APP_SECRET)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("token_claims", "kwargs", "error", "message"),
    [
        ({"sub": "u"}, {}, errors.TokenVerificationError, "no exp"),
        (claims(exp="tomorrow"), {}, errors.TokenVerificationError, "exp claim is not a number"),
        (claims(nbf=int(time.time()) + 3600), {}, errors.TokenVerificationError, "nbf"),
        (claims(iat=int(time.time()) + 3600), {}, errors.TokenVerificationError, "iat"),
        ({**claims(), "aud": None}, {"audience": "app-1"}, errors.InvalidAudienceError, "aud"),
        (claims(aud=["x", "app-1"]), {"audience": "app-2"}, errors.InvalidAudienceError, "aud"),
        (
            {k: v for k, v in claims().items() if k != "iss"},
            {"issuer": ISS},
            errors.InvalidIssuerError,
            "issuer",
        ),
    ],
)
async def test_claim_rules(
    token_claims: dict[str, Any], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    token = pyjwt.encode(token_claims, APP_SECRET, algorithm="HS256")
    with pytest.raises(error, match=message):
        await verify_token(token, app_secret=APP_SECRET, **kwargs)


async def test_audience_list_matches_any_member() -> None:
    token = pyjwt.encode(claims(aud=["x", "app-1"]), APP_SECRET, algorithm="HS256")
    result = await verify_token(token, app_secret=APP_SECRET, audience=["app-1", "app-9"])
    assert result.aud == ["x", "app-1"]


@pytest.mark.parametrize(
    "junk",
    [
        "a.b",
        "a.b.c.d",
        "e30.e30.!!!",  # signature not base64url
        "e30=.e30.",  # padding is not base64url
        b64url(b"[1]") + ".e30.",  # header is not an object
        b64url(b"\xff\xfe") + ".e30.",  # header is not UTF-8 JSON
    ],
)
async def test_malformed_shapes(junk: str) -> None:
    with pytest.raises(errors.MalformedTokenError, match="not a well-formed JWT"):
        await verify_token(junk, app_secret=APP_SECRET)


async def test_payload_that_is_not_json_is_malformed_even_when_signed() -> None:
    header = b64url(b'{"alg":"HS256"}')
    payload = b64url(b"not json")
    mac = hmac.new(APP_SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    with pytest.raises(errors.MalformedTokenError):
        await verify_token(f"{header}.{payload}.{b64url(mac)}", app_secret=APP_SECRET)


async def test_critical_header_extensions_are_refused() -> None:
    token = pyjwt.encode(
        claims(), APP_SECRET, algorithm="HS256", headers={"crit": ["b64"], "b64": True}
    )
    with pytest.raises(errors.InvalidSignatureError, match="critical"):
        await verify_token(token, app_secret=APP_SECRET)


async def test_jwk_of_another_algorithm_does_not_verify_rs256(
    rsa_keys: dict[str, rsa.RSAPrivateKey],
) -> None:
    server = JwksServer(rsa_keys, ["k1"])
    server.handler = lambda request: httpx.Response(  # type: ignore[method-assign]
        200, json={"keys": [{**jwk("k1", rsa_keys["k1"]), "alg": "RS512"}]}
    )
    with pytest.raises(errors.InvalidSignatureError):
        await verify_token(sign_rs(rsa_keys["k1"], "k1"), jwks=server.cache(FakeTime()))


class FlakyJwks(JwksServer):
    """A JWKS endpoint that can hang or fail; counts every attempt."""

    mode = "ok"

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if self.mode == "hang":
            self.requests += 1
            await anyio.sleep_forever()
        if self.mode == "fail":
            self.requests += 1
            return httpx.Response(503)
        return self.handler(request)

    def cache(self, clock: FakeTime, **kwargs: Any) -> JwksCache:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.async_handler))
        return JwksCache.for_host("https://pool.example.test", client, clock=clock, **kwargs)


async def test_a_hanging_jwks_is_one_bounded_fetch_shared_by_every_waiter(
    rsa_keys: dict[str, rsa.RSAPrivateKey],
) -> None:
    server, clock = FlakyJwks(rsa_keys, ["k1"]), FakeTime()
    server.mode = "hang"
    cache = server.cache(clock, fetch_timeout=0.2)
    token = sign_rs(rsa_keys["k1"], "k1")
    failures: list[BaseException] = []

    async def verify() -> None:
        try:
            await verify_token(token, jwks=cache)
        except errors.AuthingError as exc:
            failures.append(exc)

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(verify)
    assert server.requests == 1  # the waiters shared the one fetch ...
    assert [type(f) for f in failures] == [errors.TransportError] * 10  # ... and its failure
    assert "no answer within 0.2s" in str(failures[0])
    for _ in range(50):  # failures are remembered: back-off, no request
        with pytest.raises(errors.TransportError):
            await verify_token(token, jwks=cache)
    assert server.requests == 1


async def test_last_good_keys_are_served_while_refreshes_fail_then_refused(
    rsa_keys: dict[str, rsa.RSAPrivateKey],
) -> None:
    server, clock = FlakyJwks(rsa_keys, ["k1"]), FakeTime()
    cache = server.cache(clock, ttl=600, stale_grace=3600, failure_backoff=5)
    token = sign_rs(rsa_keys["k1"], "k1")
    await verify_token(token, jwks=cache)
    server.mode = "fail"
    clock.now += 601  # stale: a refresh is due, and it fails
    assert (await verify_token(token, jwks=cache)).sub == "u1"
    assert server.requests == 2
    for _ in range(20):  # within the back-off: the stale key, no request
        assert (await verify_token(token, jwks=cache)).sub == "u1"
    assert server.requests == 2
    clock.now += 6  # back-off over: one more attempt, then 10 s before the next
    await verify_token(token, jwks=cache)
    clock.now += 6
    await verify_token(token, jwks=cache)
    assert server.requests == 3
    with pytest.raises(errors.TransportError):  # a kid the last good keys lack
        await verify_token(sign_rs(rsa_keys["k2"], "k2"), jwks=cache)
    clock.now += 3600  # grace over
    with pytest.raises(errors.TransportError, match="cannot fetch the JWKS"):
        await verify_token(token, jwks=cache)
    server.mode = "ok"
    clock.now += 61
    assert (await verify_token(token, jwks=cache)).sub == "u1"  # recovered


@pytest.mark.parametrize("depth", [3000, 20_000])
async def test_deeply_nested_or_huge_tokens_are_malformed(depth: int) -> None:
    header = base64.urlsafe_b64encode(b"[" * depth).rstrip(b"=").decode()
    token = f"{header}.e30.c2ln"
    with pytest.raises(errors.MalformedTokenError):
        await verify_token(token, app_secret=APP_SECRET)


# -- the header cache and the lazy claims (issue 20) ------------------------------------------


def forge(token: str, header: dict[str, Any]) -> str:
    """``token`` with its header segment replaced (payload and signature kept)."""
    _, payload, signature = token.split(".")
    return f"{b64url(json.dumps(header).encode())}.{payload}.{signature}"


async def test_a_cached_header_never_vouches_for_another_header(
    rsa_keys: dict[str, rsa.RSAPrivateKey],
) -> None:
    cache = JwksServer(rsa_keys, ["k1", "k2"]).cache(FakeTime())
    token = sign_rs(rsa_keys["k1"], "k1")
    assert (await verify_token(token, jwks=cache)).sub == "u1"  # its header is cached now
    tampered: list[tuple[dict[str, Any], type[errors.AuthingError], str]] = [
        ({"alg": "RS256", "typ": "JWT", "kid": "k2"}, errors.InvalidSignatureError, "invalid"),
        ({"alg": "RS256", "kid": "k1"}, errors.InvalidSignatureError, "invalid"),  # no typ
        ({"alg": "none", "typ": "JWT", "kid": "k1"}, errors.InvalidSignatureError, "not allowed"),
        (
            {"alg": "HS256", "typ": "JWT", "kid": "k1"},
            errors.InvalidSignatureError,
            "no app secret",
        ),
        ({"alg": "RS256", "kid": "k1", "crit": ["x"]}, errors.InvalidSignatureError, "critical"),
    ]
    for _ in range(2):  # the second time, each forged header is in the cache too
        for header, error, message in tampered:
            with pytest.raises(error, match=message) as caught:
                await verify_token(forge(token, header), jwks=cache)
            assert caught.value.code is None
        assert (await verify_token(token, jwks=cache)).sub == "u1"


async def test_the_header_cache_is_bounded_and_skips_long_or_malformed_headers() -> None:
    from aioauthing.runtime import jwt as runtime_jwt

    cached = runtime_jwt._cached_header
    cached.cache_clear()
    size = runtime_jwt.HEADER_CACHE_SIZE
    for n in range(size + 20):
        token = pyjwt.encode(claims(), APP_SECRET, algorithm="HS256", headers={"kid": f"k{n}"})
        assert (await verify_token(token, app_secret=APP_SECRET)).sub == "u1"
    assert cached.cache_info().currsize == size
    assert cached.cache_info().misses == size + 20
    long_kid = "x" * 600
    token = pyjwt.encode(claims(), APP_SECRET, algorithm="HS256", headers={"kid": long_kid})
    before = cached.cache_info()
    for _ in range(2):
        assert (await verify_token(token, app_secret=APP_SECRET)).sub == "u1"
    assert cached.cache_info() == before  # parsed every time, never stored
    junk = b64url(b'{"alg": "HS256"') + ".e30.c2ln"  # cut short: not JSON
    for _ in range(2):
        with pytest.raises(errors.MalformedTokenError, match="not a well-formed JWT"):
            await verify_token(junk, app_secret=APP_SECRET)
    assert cached.cache_info().currsize == size


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_non_json_numbers_in_signed_claims_are_malformed(constant: str) -> None:
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64url(f'{{"sub":"u1","exp":{constant}}}'.encode())
    mac = hmac.new(APP_SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    with pytest.raises(errors.MalformedTokenError, match="not a well-formed JWT"):
        await verify_token(f"{header}.{payload}.{b64url(mac)}", app_secret=APP_SECRET)


async def test_claims_read_lazily_equal_claims_given_eagerly() -> None:
    import attrs

    body = claims(aud=["app-1", "x"], exp=int(time.time()) + 60.0)
    result = await verify_token(
        pyjwt.encode(body, APP_SECRET, algorithm="HS256"), app_secret=APP_SECRET
    )
    eager = TokenClaims(
        sub="u1",
        aud=["app-1", "x"],
        iss=ISS,
        exp=int(body["exp"]),
        iat=body["iat"],
        email="a@b.co",
        phone_number="+8613800000000",
        userpool_id="pool-1",
        raw=body,
    )
    assert result == eager
    assert repr(result) == repr(eager)
    assert "raw" not in repr(result)
    assert attrs.asdict(result) == attrs.asdict(eager)
    assert result.aud is not result.raw["aud"]  # a copy, as before
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.sub = "someone-else"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="no attribute 'subject'"):
        result.subject  # type: ignore[attr-defined]  # noqa: B018
    fresh = await verify_token(
        pyjwt.encode(body, APP_SECRET, algorithm="HS256"), app_secret=APP_SECRET
    )
    assert fresh.user_id == "u1"  # a property reading a lazy field first
    assert TokenClaims.from_claims({"sub": 5, "exp": True, "data": {"userPoolId": "p"}}) == (
        TokenClaims(
            sub=None,
            exp=1,
            userpool_id="p",
            raw={"sub": 5, "exp": True, "data": {"userPoolId": "p"}},
        )
    )
