"""Local verification of Authing-issued JWTs (id tokens, user tokens, access tokens).

HS256 tokens are checked with the application secret; RS256 tokens with the user pool's JWKS
(``{host}/oidc/.well-known/jwks.json``) held in a :class:`JwksCache`: cached for ``ttl``
seconds, re-fetched (single-flight, throttled) when a token names an unknown ``kid``. Only the
algorithms in the allow-list are accepted -- never ``none``.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import hmac
import json
import string
import time
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

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
    """The verified claims of a token (``raw`` keeps every claim; treat it as read-only).

    A ``TokenClaims`` made by :func:`verify_token` or :meth:`from_claims` reads each field from
    ``raw`` the first time it is asked for (a request handler seldom reads more than one or two).
    """

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
        """From a claims dict nobody else holds (kept as ``raw``, not copied); fields unset."""
        made = object.__new__(cls)
        object.__setattr__(made, "raw", claims)
        return made

    if not TYPE_CHECKING:  # (so that a typo in a field name stays a type error)

        def __getattr__(self, name: str) -> Any:
            # only reached for a field slot _owning left unset: read it from raw, once
            derive = _DERIVED.get(name)
            if derive is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            value = derive(self.raw)
            object.__setattr__(self, name, value)
            return value


def _text_of(name: str) -> Callable[[Mapping[str, Any]], str | None]:
    def text(claims: Mapping[str, Any]) -> str | None:
        value = claims.get(name)
        return value if isinstance(value, str) else None

    return text


def _whole_of(name: str) -> Callable[[Mapping[str, Any]], int | None]:
    def whole(claims: Mapping[str, Any]) -> int | None:
        value = claims.get(name)
        return int(value) if isinstance(value, int | float) else None

    return whole


def _aud(claims: Mapping[str, Any]) -> str | list[str] | None:
    aud = claims.get("aud")
    return aud if isinstance(aud, str) else list(aud) if isinstance(aud, list) else None


def _userpool_id(claims: Mapping[str, Any]) -> str | None:
    pool = claims.get("userpool_id")
    if isinstance(pool, str):
        return pool
    data = claims.get("data")
    pool = data.get("userPoolId") if isinstance(data, Mapping) else None
    return pool if isinstance(pool, str) else None


_DERIVED: Final[dict[str, Callable[[Mapping[str, Any]], Any]]] = {
    "sub": _text_of("sub"),
    "aud": _aud,
    "iss": _text_of("iss"),
    "exp": _whole_of("exp"),
    "iat": _whole_of("iat"),
    "email": _text_of("email"),
    "phone_number": _text_of("phone_number"),
    "userpool_id": _userpool_id,
}
"""How each field of a ``TokenClaims`` is read from its claims."""


_K = TypeVar("_K")


def _text(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) else None


def _whole(claims: Mapping[str, Any], name: str) -> int | None:
    value = claims.get(name)
    return int(value) if isinstance(value, int | float) else None


def _pick(keys: dict[str, _K], kid: str | None) -> _K | None:
    """``keys[kid]``; without a ``kid``, the only key of a one-key set."""
    if kid is not None:
        return keys.get(kid)
    return next(iter(keys.values())) if len(keys) == 1 else None


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
        self._rs256: dict[str, rsa.RSAPublicKey | None] = {}
        """``_keys``' RSA keys by the same names, ``None`` for a JWK that is not RS256."""
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
        return _pick(self._keys, kid)

    def _fresh_rs256_key(self, kid: str | None) -> rsa.RSAPublicKey | None:
        """The RS256 key for ``kid`` if the cached set is fresh and has one; no I/O, no await."""
        fetched = self._fetched_at
        if fetched is None or self._clock() - fetched >= self.ttl:
            return None
        return _pick(self._rs256, kid)

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
        self._rs256 = {name: _rs256_key(jwk) for name, jwk in keys.items()}
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
    (tens of microseconds per RS256 token) before the claims are decoded; the rules are
    PyJWT's: ``exp`` required, ``nbf`` and ``iat`` not in the future, ``leeway`` seconds of
    clock skew allowed either way.
    """
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise _malformed()
    try:
        data = token.encode("ascii")
    except UnicodeEncodeError:
        raise _malformed() from None
    # find (memchr) rather than split, which walks the ~2 KB byte by byte in CPython 3.11
    end_header = data.find(b".")
    end_payload = data.find(b".", end_header + 1)
    if end_header < 0 or end_payload < 0 or data.find(b".", end_payload + 1) >= 0:
        raise _malformed()
    header_segment = data[:end_header]
    payload_segment = data[end_header + 1 : end_payload]
    signature_segment = data[end_payload + 1 :]
    alg, kid, crit = _header(header_segment)
    signature = _b64decode(signature_segment)
    if not (isinstance(alg, str) and alg in ALLOWED_ALGORITHMS and alg in algorithms):
        raise InvalidSignatureError(None, f"algorithm {alg!r} is not allowed")
    if crit:
        raise InvalidSignatureError(None, "critical header parameters are not supported")
    signing_input = data[:end_payload]
    if alg == "HS256":
        if not app_secret:
            raise InvalidSignatureError(None, "HS256 token but no app secret configured")
        expected = hmac.new(app_secret.encode(), signing_input, hashlib.sha256).digest()
        valid = hmac.compare_digest(expected, signature)
    else:
        if jwks is None:
            raise InvalidSignatureError(None, "RS256 token but no JWKS configured")
        key = jwks._fresh_rs256_key(kid)  # no coroutine while the cached set is fresh
        if key is None:
            key = _rs256_key(await jwks.get_key(kid))
        valid = key is not None and _rs256_valid(key, signing_input, signature)
    if not valid:
        raise InvalidSignatureError(None, "the token's signature is invalid")
    claims = _json_object(_b64decode(payload_segment))  # only once the signature holds
    return _checked_claims(claims, audience, issuer, leeway, time.time())


_B64URL: Final = (string.ascii_letters + string.digits + "-_").encode()
"""The base64url alphabet (no padding in a JWS)."""


def _to_standard() -> bytes:
    table = bytearray(b"!" * 256)
    for byte in _B64URL:
        table[byte] = byte
    table[ord("-")], table[ord("_")] = ord("+"), ord("/")
    return bytes(table)


_TO_STANDARD: Final = _to_standard()
"""base64url -> base64, and every byte outside the base64url alphabet (``+ / =`` too) -> ``!``,
which ``binascii``'s strict mode refuses: one pass checks and translates a segment."""
_PKCS1V15: Final = padding.PKCS1v15()
_SHA256: Final = hashes.SHA256()


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # RFC 8259 has no NaN or Infinity; json accepts them


_JSON: Final = json.JSONDecoder(parse_constant=_no_constant)
"""``json.loads`` without NaN and Infinity (an ``exp`` of NaN would never expire)."""
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = _JSON.scan_once  # type: ignore[attr-defined]
"""The C scanner ``json.loads`` ends in, without its Python layers and whitespace regexes."""
HEADER_CACHE_SIZE: Final = 64
"""Distinct header segments whose parse is kept (one issuer's tokens share a few)."""
_HEADER_CACHEABLE: Final = 512
"""Longer header segments are parsed every time (Authing's are ~70 characters)."""


def _malformed() -> MalformedTokenError:
    return MalformedTokenError(None, "not a well-formed JWT")


def _b64decode(segment: bytes) -> bytes:
    try:  # strict: the "!" that _TO_STANDARD makes of any byte outside the alphabet is refused
        return binascii.a2b_base64(
            segment.translate(_TO_STANDARD) + b"=" * (-len(segment) % 4), strict_mode=True
        )
    except binascii.Error as exc:
        raise _malformed() from exc


def _json_object(raw: bytes) -> dict[str, Any]:
    try:  # a JWS is UTF-8 (RFC 7515): decoding first spares json its encoding detection
        text = raw.decode("utf-8")
        if text[:1] == "{" and text[-1:] == "}":
            value, end = _SCAN(text, 0)
            if end != len(text):
                value = _JSON.decode(text)  # what json says of the rest, exactly
        else:
            value = _JSON.decode(text)
    except (ValueError, RecursionError, StopIteration) as exc:  # also UnicodeDecodeError
        raise _malformed() from exc
    if not isinstance(value, dict):
        raise _malformed()
    return value


def _parse_header(segment: bytes) -> tuple[Any, str | None, bool]:
    """``(alg, kid, has crit)`` of a JOSE header segment; MalformedTokenError if it is not one."""
    header = _json_object(_b64decode(segment))
    kid = header.get("kid")
    return header.get("alg"), kid if isinstance(kid, str) else None, "crit" in header


_cached_header: Final = functools.lru_cache(maxsize=HEADER_CACHE_SIZE)(_parse_header)
"""The parse of a header segment is a function of its bytes alone, and the signature covers
those bytes: a cached parse can only ever be the parse of the very segment being verified."""


def _header(segment: bytes) -> tuple[Any, str | None, bool]:
    if len(segment) > _HEADER_CACHEABLE:
        return _parse_header(segment)
    return _cached_header(segment)


def _rs256_key(jwk: pyjwt.PyJWK) -> rsa.RSAPublicKey | None:
    """The key of an RS256 JWK; ``None`` for any other algorithm or key type."""
    key = jwk.key
    if not isinstance(key, rsa.RSAPublicKey) or jwk.algorithm_name != "RS256":
        return None
    return key


def _rs256_valid(key: rsa.RSAPublicKey, signing_input: bytes, signature: bytes) -> bool:
    try:
        key.verify(signature, signing_input, _PKCS1V15, _SHA256)
    except InvalidSignature:
        return False
    return True


def _checked_claims(
    claims: dict[str, Any],
    audience: str | Collection[str] | None,
    issuer: str | None,
    leeway: float,
    now: float,
) -> TokenClaims:
    """``TokenClaims`` of ``claims`` (parsed here, so kept uncopied) if they pass the checks."""
    get = claims.get
    exp = get("exp")
    if exp is None:
        raise TokenVerificationError(None, "the token has no exp claim")
    if type(exp) not in _NUMBERS:  # (JSON makes exact ints and floats; true/false are not)
        raise TokenVerificationError(None, "the token's exp claim is not a number")
    if exp <= now - leeway:
        raise ExpiredTokenError(None, "the token has expired")
    for name in ("nbf", "iat"):
        value = get(name)
        if value is None:
            continue
        if type(value) not in _NUMBERS:
            raise TokenVerificationError(None, f"the token's {name} claim is not a number")
        if value > now + leeway:
            raise TokenVerificationError(None, f"the token's {name} is in the future")
    if audience is not None:
        aud = get("aud")
        if isinstance(aud, str):
            matched = aud == audience if isinstance(audience, str) else aud in set(audience)
        elif isinstance(aud, list):
            wanted = {audience} if isinstance(audience, str) else set(audience)
            matched = any(isinstance(a, str) and a in wanted for a in aud)
        else:
            matched = False
        if not matched:
            raise InvalidAudienceError(None, "the token's audience does not match")
    if issuer is not None and get("iss") != issuer:
        raise InvalidIssuerError(None, "the token's issuer does not match")
    return TokenClaims._owning(claims)


_NUMBERS: Final = (int, float)
