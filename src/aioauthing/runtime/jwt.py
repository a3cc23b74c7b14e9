"""Local verification of Authing-issued JWTs (id tokens, user tokens, access tokens).

HS256 tokens are checked with the application secret; RS256 tokens with the user pool's JWKS
(``{host}/oidc/.well-known/jwks.json``) held in a :class:`JwksCache`: cached for ``ttl``
seconds, re-fetched (single-flight, throttled) when a token names an unknown ``kid``. Only the
algorithms in the allow-list are accepted -- never ``none``.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import string
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
MAX_TOKEN_LENGTH: Final = 16_384
"""Longer tokens are refused unparsed (Authing's are 1-3 KB; HTTP servers cap headers near 8 KB)."""


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
        return cls._owning(dict(claims))

    @classmethod
    def _owning(cls, claims: dict[str, Any]) -> TokenClaims:
        """From a claims dict nobody else holds (kept as ``raw``, not copied)."""
        aud = claims.get("aud")
        data = claims.get("data")
        pool = _text(claims, "userpool_id")
        if pool is None and isinstance(data, Mapping) and isinstance(data.get("userPoolId"), str):
            pool = data["userPoolId"]
        return cls(
            sub=_text(claims, "sub"),
            aud=aud if isinstance(aud, str) else list(aud) if isinstance(aud, list) else None,
            iss=_text(claims, "iss"),
            exp=_whole(claims, "exp"),
            iat=_whole(claims, "iat"),
            email=_text(claims, "email"),
            phone_number=_text(claims, "phone_number"),
            userpool_id=pool,
            raw=claims,
        )


def _text(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) else None


def _whole(claims: Mapping[str, Any], name: str) -> int | None:
    value = claims.get(name)
    return int(value) if isinstance(value, int | float) else None


class _Flight:
    """One JWKS fetch in progress: every caller who needs it waits for it and shares its end."""

    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.error: str | None = None


class JwksCache:
    """An async, TTL-cached JWKS that stays useful while the endpoint is down.

    * One fetch at a time (single flight): concurrent callers wait for the same fetch and share
      its result or its failure; a fetch is bounded by ``fetch_timeout`` seconds.
    * A token naming an unknown ``kid`` refetches at most every ``min_refetch_interval`` seconds.
    * After a failed fetch the next one waits ``failure_backoff`` seconds (doubling on each
      further failure, up to ``max_failure_backoff``); meanwhile calls fail fast, without a
      request.
    * While refreshes fail, the last good keys keep being served for ``stale_grace`` seconds past
      their ``ttl``; after that (or for a ``kid`` they do not have) the call raises
      :class:`~aioauthing.runtime.errors.TransportError`.
    """

    def __init__(
        self,
        url: str,
        http_client: httpx.AsyncClient,
        *,
        ttl: float = 600.0,
        min_refetch_interval: float = 30.0,
        fetch_timeout: float = 5.0,
        stale_grace: float = 3600.0,
        failure_backoff: float = 5.0,
        max_failure_backoff: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._http = http_client
        self.ttl = ttl
        self.min_refetch_interval = min_refetch_interval
        self.fetch_timeout = fetch_timeout
        self.stale_grace = stale_grace
        self.failure_backoff = failure_backoff
        self.max_failure_backoff = max_failure_backoff
        self._clock = clock
        self._keys: dict[str, pyjwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._flight: _Flight | None = None
        self._failures = 0
        self._retry_at = 0.0
        self._last_error = ""
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

    def _stale(self, kid: str | None, now: float, reason: str) -> pyjwt.PyJWK:
        """The last good key for ``kid`` within the grace period, else the fetch's failure."""
        key = self._lookup(kid)
        fetched = self._fetched_at
        if key is not None and fetched is not None and now - fetched < self.ttl + self.stale_grace:
            return key
        raise TransportError(None, f"cannot fetch the JWKS ({reason})")

    async def get_key(self, kid: str | None) -> pyjwt.PyJWK:
        """The signing key for ``kid`` (refetching if it is unknown or the cache is stale)."""
        now = self._clock()
        key = self._lookup(kid)
        fresh = not self._expired(now)
        if key is not None and fresh:
            return key
        flight = self._flight
        if flight is None:
            if fresh:  # unknown kid in a fresh set: a rotation, refetched now and then only
                fetched = self._fetched_at
                if fetched is not None and now - fetched < self.min_refetch_interval:
                    raise UnknownKeyError(None, "the token's signing key is not in the JWKS")
            if self._failures and now < self._retry_at:
                return self._stale(kid, now, self._last_error)
        try:
            await self._shared_refresh()
        except TransportError as exc:
            return self._stale(kid, self._clock(), exc.message or "")
        key = self._lookup(kid)
        if key is None:
            raise UnknownKeyError(None, "the token's signing key is not in the JWKS")
        return key

    async def _shared_refresh(self) -> None:
        flight = self._flight
        if flight is not None:
            await flight.done.wait()
            if flight.error is not None:
                raise TransportError(None, flight.error)
            return
        flight = self._flight = _Flight()
        try:
            await self._refresh()
        except TransportError as exc:
            flight.error = exc.message or "the JWKS fetch failed"
            raise
        except BaseException:
            flight.error = "the JWKS fetch was cancelled"
            raise
        finally:
            self._flight = None
            flight.done.set()

    async def _refresh(self) -> None:
        self.fetch_count += 1
        try:
            with anyio.fail_after(self.fetch_timeout):
                response = await self._http.get(self.url, timeout=self.fetch_timeout)
            response.raise_for_status()
            document = response.json()
        except TimeoutError as exc:
            self._failed(f"no answer within {self.fetch_timeout:g}s")
            raise TransportError(None, self._last_error) from exc
        except (httpx.HTTPError, ValueError) as exc:
            self._failed(type(exc).__name__)
            raise TransportError(None, self._last_error) from exc
        keys: dict[str, pyjwt.PyJWK] = {}
        for index, jwk in enumerate(document.get("keys", []) if isinstance(document, dict) else []):
            try:
                key = pyjwt.PyJWK.from_dict(jwk)
            except (pyjwt.PyJWKError, pyjwt.InvalidKeyError, KeyError, TypeError):
                continue
            keys[str(key.key_id) if key.key_id else f"#{index}"] = key
        self._keys = keys
        self._fetched_at = self._clock()
        self._failures = 0

    def _failed(self, reason: str) -> None:
        self._failures += 1
        self._last_error = reason
        backoff = self.failure_backoff * 2 ** (self._failures - 1)
        self._retry_at = self._clock() + min(backoff, self.max_failure_backoff)


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
    return TokenClaims._owning(claims)  # parsed here: nobody else holds it


_B64URL: Final = string.ascii_letters.encode() + string.digits.encode() + b"-_"
"""The base64url alphabet (no padding in a JWS)."""
_TO_STANDARD: Final = bytes.maketrans(b"-_", b"+/")
_PKCS1V15: Final = padding.PKCS1v15()
_SHA256: Final = hashes.SHA256()


def _malformed() -> MalformedTokenError:
    return MalformedTokenError(None, "not a well-formed JWT")


def _b64decode(segment: str) -> bytes:
    # bytes.translate deleting the alphabet: ~6x faster than a regular expression over the ~1 KB
    # of a user token's claims, which was the costliest check after the signature's
    try:
        raw = segment.encode("ascii")
    except UnicodeEncodeError:
        raise _malformed() from None
    if raw.translate(None, _B64URL):
        raise _malformed()
    try:  # binascii directly: base64.urlsafe_b64decode re-checks and copies in Python
        return binascii.a2b_base64(raw.translate(_TO_STANDARD) + b"=" * (-len(raw) % 4))
    except binascii.Error as exc:
        raise _malformed() from exc


def _json_object(raw: bytes) -> dict[str, Any]:
    try:  # a JWS is UTF-8 (RFC 7515): decoding first spares json its encoding detection
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, nesting
        raise _malformed() from exc
    if not isinstance(value, dict):
        raise _malformed()
    return value


def _split(token: str) -> tuple[dict[str, Any], bytes, bytes, str]:
    """``(header, signing input, signature, payload segment)`` of a compact JWS."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise _malformed()
    parts = token.split(".")
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
