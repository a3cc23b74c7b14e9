"""Local verification of Authing-issued JWTs (id tokens, user tokens, access tokens).

HS256 tokens are checked with the application secret; RS256 tokens with the user pool's JWKS
(``{host}/oidc/.well-known/jwks.json``) held in a :class:`JwksCache`: cached for ``ttl``
seconds, re-fetched (single-flight, throttled) when a token names an unknown ``kid``. Only the
algorithms in the allow-list are accepted -- never ``none``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, Final

import anyio
import attrs
import httpx
import jwt as pyjwt

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
    """Verify ``token``'s signature, expiry, audience and issuer; return its claims."""
    try:
        header = pyjwt.get_unverified_header(token)
    except pyjwt.DecodeError as exc:
        raise MalformedTokenError(None, "not a well-formed JWT") from exc
    alg = header.get("alg")
    allowed = set(algorithms) & ALLOWED_ALGORITHMS
    if not isinstance(alg, str) or alg not in allowed:
        raise InvalidSignatureError(None, f"algorithm {alg!r} is not allowed")
    key: Any
    if alg == "HS256":
        if not app_secret:
            raise InvalidSignatureError(None, "HS256 token but no app secret configured")
        key = app_secret
    else:
        if jwks is None:
            raise InvalidSignatureError(None, "RS256 token but no JWKS configured")
        kid = header.get("kid")
        key = (await jwks.get_key(kid if isinstance(kid, str) else None)).key
    options: Any = {"require": ["exp"], "verify_aud": audience is not None}
    try:
        claims = pyjwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=audience if audience is None or isinstance(audience, str) else list(audience),
            issuer=issuer,
            leeway=leeway,
            options=options,
        )
    except pyjwt.ExpiredSignatureError as exc:
        raise ExpiredTokenError(None, "the token has expired") from exc
    except pyjwt.InvalidAudienceError as exc:
        raise InvalidAudienceError(None, "the token's audience does not match") from exc
    except pyjwt.InvalidIssuerError as exc:
        raise InvalidIssuerError(None, "the token's issuer does not match") from exc
    except (pyjwt.InvalidSignatureError, pyjwt.InvalidAlgorithmError) as exc:
        raise InvalidSignatureError(None, "the token's signature is invalid") from exc
    except pyjwt.DecodeError as exc:
        raise MalformedTokenError(None, "not a well-formed JWT") from exc
    except pyjwt.InvalidTokenError as exc:
        raise TokenVerificationError(None, f"token rejected ({type(exc).__name__})") from exc
    return TokenClaims.from_claims(claims)
