"""Local verification of Authing-issued JWTs (id tokens, user tokens, access tokens).

HS256 tokens are checked with the application secret; RS256 tokens with the user pool's JWKS
(``{host}/oidc/.well-known/jwks.json``) held in a :class:`JwksCache`: cached for ``ttl``
seconds, re-fetched (single-flight, throttled) when a token names an unknown ``kid``. Only the
algorithms in the allow-list are accepted -- never ``none``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, Final

import anyio
import attrs
import httpx
import jwt as pyjwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import (
    ExpiredTokenError,
    InvalidAudienceError,
    InvalidIssuerError,
    InvalidSignatureError,
    MalformedTokenError,
    TokenVerificationError,
    TransportError,
    UnknownKeyError,
)

__all__ = [
    "JWKS_PATH",
    "JwksCache",
    "TokenClaims",
    "verify_token",
]

JWKS_PATH: Final = "/oidc/.well-known/jwks.json"
ALLOWED_ALGORITHMS: Final = frozenset({"HS256", "RS256"})


@attrs.frozen(slots=True, kw_only=True)
class TokenClaims:
    """The verified claims of a token (``raw`` keeps every claim)."""

    sub: str | None = None
    aud: str | list[str] | None = None
    iss: str | None = None
    exp: int | None = None
    iat: int | None = None
    email: str | None = None
    phone_number: str | None = None
    userpool_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def user_id(self) -> str | None:
        """``sub``, else the legacy ``data.id`` claim."""
        if self.sub:
            return self.sub
        data = self.raw.get("data")
        return str(data["id"]) if isinstance(data, Mapping) and data.get("id") else None

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> TokenClaims:
        def text(name: str) -> str | None:
            value = claims.get(name)
            return value if isinstance(value, str) else None

        def number(name: str) -> int | None:
            value = claims.get(name)
            return int(value) if isinstance(value, int | float) else None

        aud = claims.get("aud")
        data = claims.get("data")
        pool = text("userpool_id")
        if pool is None and isinstance(data, Mapping) and isinstance(data.get("userPoolId"), str):
            pool = data["userPoolId"]
        return cls(
            sub=text("sub"),
            aud=aud if isinstance(aud, str) else list(aud) if isinstance(aud, list) else None,
            iss=text("iss"),
            exp=number("exp"),
            iat=number("iat"),
            email=text("email"),
            phone_number=text("phone_number"),
            userpool_id=pool,
            raw=dict(claims),
        )


class JwksCache:
    """An async, TTL-cached JWKS with throttled single-flight refetch on unknown ``kid``."""

    def __init__(
        self,
        url: str,
        http_client: httpx.AsyncClient,
        *,
        ttl: float = 600.0,
        min_refetch_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._http = http_client
        self.ttl = ttl
        self.min_refetch_interval = min_refetch_interval
        self._clock = clock
        self._keys: dict[str, pyjwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = anyio.Lock()
        self.fetch_count = 0

    @classmethod
    def for_host(cls, host: str, http_client: httpx.AsyncClient, **kwargs: Any) -> JwksCache:
        """The cache for ``{host}/oidc/.well-known/jwks.json``."""
        return cls(host.rstrip("/") + JWKS_PATH, http_client, **kwargs)

    def _expired(self, now: float) -> bool:
        return self._fetched_at is None or now - self._fetched_at >= self.ttl

    def _lookup(self, kid: str | None) -> pyjwt.PyJWK | None:
        if kid is not None:
            return self._keys.get(kid)
        return next(iter(self._keys.values())) if len(self._keys) == 1 else None

    async def get_key(self, kid: str | None) -> pyjwt.PyJWK:
        """The signing key for ``kid`` (refetching once if it is unknown or the cache is stale)."""
        if not self._expired(self._clock()):
            key = self._lookup(kid)
            if key is not None:
                return key
        generation = self.fetch_count
        async with self._lock:
            now = self._clock()
            key = self._lookup(kid)
            if key is not None and not self._expired(now):
                return key
            fetched_by_other = self.fetch_count != generation
            recently = (
                self._fetched_at is not None and now - self._fetched_at < self.min_refetch_interval
            )
            if not self._expired(now) and (fetched_by_other or recently):
                raise UnknownKeyError(None, "the token's signing key is not in the JWKS")
            await self._refresh()
        key = self._lookup(kid)
        if key is None:
            raise UnknownKeyError(None, "the token's signing key is not in the JWKS")
        return key

    async def _refresh(self) -> None:
        self.fetch_count += 1
        try:
            response = await self._http.get(self.url)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise TransportError(None, f"cannot fetch the JWKS ({type(exc).__name__})") from exc
        keys: dict[str, pyjwt.PyJWK] = {}
        for index, jwk in enumerate(document.get("keys", []) if isinstance(document, dict) else []):
            try:
                key = pyjwt.PyJWK.from_dict(jwk)
            except (pyjwt.PyJWKError, pyjwt.InvalidKeyError, KeyError, TypeError):
                continue
            keys[str(key.key_id) if key.key_id else f"#{index}"] = key
        self._keys = keys
        self._fetched_at = self._clock()


async def verify_token(
    token: str,
    *,
    app_secret: str | None = None,
    jwks: JwksCache | None = None,
    audience: str | Collection[str] | None = None,
    issuer: str | None = None,
    leeway: float = 30.0,
    algorithms: Collection[str] = ALLOWED_ALGORITHMS,
) -> TokenClaims:
    """Verify ``token``'s signature, expiry, audience and issuer; return its claims.

    The compact JWS is parsed once and the signature checked with ``cryptography`` directly
    (tens of microseconds per RS256 token); the rules are PyJWT's: ``exp`` required, ``nbf`` and
    ``iat`` not in the future, ``leeway`` seconds of clock skew allowed either way.
    """
    header, signing_input, signature, payload_segment = _split(token)
    alg = header.get("alg")
    allowed = set(algorithms) & ALLOWED_ALGORITHMS
    if not isinstance(alg, str) or alg not in allowed:
        raise InvalidSignatureError(None, f"algorithm {alg!r} is not allowed")
    if "crit" in header:
        raise InvalidSignatureError(None, "critical header parameters are not supported")
    if alg == "HS256":
        if not app_secret:
            raise InvalidSignatureError(None, "HS256 token but no app secret configured")
        expected = hmac.new(app_secret.encode(), signing_input, hashlib.sha256).digest()
        valid = hmac.compare_digest(expected, signature)
    else:
        if jwks is None:
            raise InvalidSignatureError(None, "RS256 token but no JWKS configured")
        kid = header.get("kid")
        jwk = await jwks.get_key(kid if isinstance(kid, str) else None)
        valid = _rs256_valid(jwk, signing_input, signature)
    if not valid:
        raise InvalidSignatureError(None, "the token's signature is invalid")
    claims = _json_object(_b64decode(payload_segment))
    _check_claims(claims, audience=audience, issuer=issuer, leeway=leeway, now=time.time())
    return TokenClaims.from_claims(claims)


_B64URL: Final = re.compile(r"[A-Za-z0-9_-]*")
_PKCS1V15: Final = padding.PKCS1v15()
_SHA256: Final = hashes.SHA256()


def _malformed() -> MalformedTokenError:
    return MalformedTokenError(None, "not a well-formed JWT")


def _b64decode(segment: str) -> bytes:
    if _B64URL.fullmatch(segment) is None:
        raise _malformed()
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except binascii.Error as exc:
        raise _malformed() from exc


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise _malformed() from exc
    if not isinstance(value, dict):
        raise _malformed()
    return value


def _split(token: str) -> tuple[dict[str, Any], bytes, bytes, str]:
    """``(header, signing input, signature, payload segment)`` of a compact JWS."""
    parts = token.split(".") if isinstance(token, str) else ()
    if len(parts) != 3:
        raise _malformed()
    header_segment, payload_segment, signature_segment = parts
    header = _json_object(_b64decode(header_segment))
    signing_input = f"{header_segment}.{payload_segment}".encode("ascii")
    return header, signing_input, _b64decode(signature_segment), payload_segment


def _rs256_valid(jwk: pyjwt.PyJWK, signing_input: bytes, signature: bytes) -> bool:
    key = jwk.key
    if not isinstance(key, rsa.RSAPublicKey) or jwk.algorithm_name != "RS256":
        return False
    try:
        key.verify(signature, signing_input, _PKCS1V15, _SHA256)
    except InvalidSignature:
        return False
    return True


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenVerificationError(None, f"the token's {name} claim is not a number")
    return float(value)


def _check_claims(
    claims: Mapping[str, Any],
    *,
    audience: str | Collection[str] | None,
    issuer: str | None,
    leeway: float,
    now: float,
) -> None:
    exp = _number(claims, "exp")
    if exp is None:
        raise TokenVerificationError(None, "the token has no exp claim")
    if exp <= now - leeway:
        raise ExpiredTokenError(None, "the token has expired")
    for name in ("nbf", "iat"):
        value = _number(claims, name)
        if value is not None and value > now + leeway:
            raise TokenVerificationError(None, f"the token's {name} is in the future")
    if audience is not None:
        wanted = {audience} if isinstance(audience, str) else set(audience)
        aud = claims.get("aud")
        present = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if not any(isinstance(a, str) and a in wanted for a in present):
            raise InvalidAudienceError(None, "the token's audience does not match")
    if issuer is not None and claims.get("iss") != issuer:
        raise InvalidIssuerError(None, "the token's issuer does not match")
