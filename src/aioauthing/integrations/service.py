"""The per-app runtime: one shared client set, local token verification, access checks."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Self

import attrs
import httpx

from aioauthing.runtime.clients import AuthenticationClient, ManagementClient, UserSession
from aioauthing.runtime.core import DEFAULT_HOST
from aioauthing.runtime.errors import (
    AuthingError,
    NotLoggedInError,
    TokenVerificationError,
    TransportError,
)
from aioauthing.runtime.jwt import TokenClaims

from .access import AccessCache, Requirement, permission_granted
from .bearer import AuthFailure, parse_authorization
from .shared_cache import RedisAccessCache
from .verified import VerifiedTokenCache

__all__ = ["Authing", "AuthingSettings", "Principal"]

log = logging.getLogger("aioauthing.integrations")


@attrs.frozen(kw_only=True)
class AuthingSettings:
    """How a web app reaches Authing and which tokens it accepts.

    ``app_secret`` verifies HS256 tokens; RS256 tokens are verified with the JWKS of
    ``app_host or host``. ``secret`` (the user pool's secret) adds a :class:`ManagementClient`.
    ``audience`` defaults to ``app_id``; set ``issuer`` (``https://<app domain>/oidc``) to check
    ``iss`` as well. ``roles_claim`` names a claim holding role codes (added by an Authing
    pipeline, say) to use instead of looking roles up; ``access_ttl`` is how long looked-up roles
    and permissions are cached, in this process or, with ``access_cache_url``
    (``redis://...``), in Redis for every worker (:mod:`aioauthing.integrations.shared_cache`). A token that verified is remembered (see
    :class:`~aioauthing.integrations.verified.VerifiedTokenCache`) for ``verified_ttl`` seconds
    at most (``0`` re-verifies every request). ``transport`` replaces the network (e.g. an in-process emulator).
    """

    app_id: str
    host: str = DEFAULT_HOST
    app_host: str | None = None
    user_pool_id: str | None = None
    app_secret: str | None = attrs.field(default=None, repr=False)
    secret: str | None = attrs.field(default=None, repr=False)
    public_key: str | None = attrs.field(default=None, repr=False)
    audience: str | None = None
    issuer: str | None = None
    leeway: float = 30.0
    realm: str = "authing"
    roles_claim: str | None = None
    access_ttl: float = 60.0
    access_cache_url: str | None = attrs.field(default=None, repr=False)
    verified_ttl: float = 60.0
    verified_max_entries: int = 4096
    transport: httpx.AsyncBaseTransport | None = attrs.field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """Settings from ``AUTHING_APP_ID`` (required), ``AUTHING_HOST``, ``AUTHING_APP_HOST``,
        ``AUTHING_USERPOOL_ID``, ``AUTHING_APP_SECRET``, ``AUTHING_USERPOOL_SECRET`` and
        ``AUTHING_PUBLIC_KEY`` (see :mod:`aioauthing.runtime.env`); ``overrides`` win."""
        from aioauthing.runtime.env import SETTINGS_KEYS, env_values, require_env

        values = {**env_values(tuple(SETTINGS_KEYS), environ), **overrides}
        require_env(values, "app_id")
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], **overrides: Any) -> Self:
        """Settings from e.g. the emulator's settings line (``host``, ``app_id``, ...)."""
        names = {a.name for a in attrs.fields(cls)}
        return cls(**{k: v for k, v in {**values, **overrides}.items() if k in names})


@attrs.frozen
class Principal:
    """A verified caller: the token's claims, and the token itself (never in ``repr``)."""

    claims: TokenClaims
    token: str = attrs.field(repr=False)


class Authing:
    """Clients and verification shared by every request of one app.

    Build it with :meth:`open` (an async context manager, for lifespans and cleanup contexts).
    """

    def __init__(
        self,
        settings: AuthingSettings,
        auth: AuthenticationClient,
        management: ManagementClient | None = None,
        *,
        access_cache: AccessCache | RedisAccessCache | None = None,
    ) -> None:
        self.settings = settings
        self.auth = auth
        self.management = management
        self.access: AccessCache | RedisAccessCache = access_cache or AccessCache(
            ttl=settings.access_ttl
        )
        self.verified = VerifiedTokenCache(
            ttl=settings.verified_ttl,
            max_entries=settings.verified_max_entries,
            leeway=settings.leeway,
        )
        self._audience = settings.audience or settings.app_id

    @property
    def realm(self) -> str:
        return self.settings.realm

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: AuthingSettings) -> AsyncIterator[Authing]:
        """Create the clients (and their HTTP pools) for the app's lifetime; close them after."""
        async with AsyncExitStack() as stack:
            http: httpx.AsyncClient | None = None
            if settings.transport is not None:
                http = await stack.enter_async_context(
                    httpx.AsyncClient(transport=settings.transport)
                )
            auth = await stack.enter_async_context(
                AuthenticationClient(
                    settings.app_id,
                    host=settings.host,
                    app_host=settings.app_host,
                    user_pool_id=settings.user_pool_id,
                    app_secret=settings.app_secret,
                    public_key=settings.public_key,
                    http_client=http,
                )
            )
            management = None
            if settings.secret and settings.user_pool_id:
                management = await stack.enter_async_context(
                    ManagementClient(
                        settings.user_pool_id,
                        settings.secret,
                        host=settings.host,
                        public_key=settings.public_key,
                        http_client=http,
                    )
                )
            access: RedisAccessCache | None = None
            if settings.access_cache_url:
                access = RedisAccessCache(settings.access_cache_url, ttl=settings.access_ttl)
                stack.push_async_callback(access.aclose)
            yield cls(settings, auth, management, access_cache=access)

    # -- authentication ------------------------------------------------------------------------

    async def authenticate(self, authorization: str | Sequence[str] | None) -> Principal:
        """Verify the ``Authorization`` header's Bearer token locally; raise :class:`AuthFailure`."""
        token = parse_authorization(authorization)
        claims = self.verified.get(token)
        if claims is not None:
            return Principal(claims, token)
        try:
            claims = await self.auth.verify_token(
                token,
                audience=self._audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway,
            )
        except TransportError as exc:
            log.warning("cannot fetch the JWKS to verify a token: %s", exc)
            raise AuthFailure.unavailable("cannot verify tokens right now") from exc
        except TokenVerificationError as exc:
            log.debug("refused a token: %s", type(exc).__name__)
            raise AuthFailure.invalid_token(exc.message) from exc
        if not claims.user_id:
            raise AuthFailure.invalid_token("the token names no user")
        self.verified.put(token, claims)
        return Principal(claims, token)

    def session(self, principal: Principal) -> UserSession:
        """A client view acting as the caller (shares the app's HTTP pool)."""
        return self.auth.as_user(principal.token)

    # -- authorization -------------------------------------------------------------------------

    async def authorize(self, principal: Principal, requirement: Requirement) -> None:
        """Raise :class:`AuthFailure` (403 ``insufficient_scope``) unless ``requirement`` holds."""
        if requirement.roles:
            held = await self.roles_of(principal, requirement.namespace)
            if not requirement.roles <= held:
                raise AuthFailure.insufficient_scope("a required role is missing")
        if requirement.permissions:
            actions = await self.actions_of(principal, requirement.namespace)
            if not all(permission_granted(p, actions) for p in requirement.permissions):
                raise AuthFailure.insufficient_scope("a required permission is missing")

    async def roles_of(self, principal: Principal, namespace: str | None = None) -> frozenset[str]:
        """The caller's role codes in ``namespace``: from ``roles_claim``, else looked up."""
        claim = self.settings.roles_claim
        if claim is not None:
            value = principal.claims.raw.get(claim)
            if isinstance(value, str):
                return frozenset(value.split())
            items = value if isinstance(value, list) else []
            return frozenset(v for v in items if isinstance(v, str))
        user_id = principal.claims.user_id
        assert user_id is not None

        async def load() -> frozenset[str]:
            page = await self._lookup(self.session(principal).list_roles, user_id, namespace)
            return frozenset(r.code for r in page.list) if page else frozenset()

        return await self.access.get(("roles", user_id, namespace or ""), load)

    async def actions_of(
        self, principal: Principal, namespace: str | None = None
    ) -> frozenset[str]:
        """Every action the caller is authorized for in ``namespace`` (``books:read``, ...)."""
        user_id = principal.claims.user_id
        assert user_id is not None

        async def load() -> frozenset[str]:
            page = await self._lookup(
                self.session(principal).list_authorized_resources, user_id, namespace
            )
            return frozenset(a for r in (page.list if page else ()) for a in r.actions or ())

        return await self.access.get(("actions", user_id, namespace or ""), load)

    async def _lookup(self, method: Any, user_id: str, namespace: str | None) -> Any:
        kwargs = {} if namespace is None else {"namespace": namespace}
        try:
            return await method(user_id, **kwargs)
        except NotLoggedInError as exc:  # revoked (logout, kick) since it was issued
            raise AuthFailure.invalid_token("the token is no longer valid") from exc
        except AuthingError as exc:
            log.warning("cannot look up a user's access: %s", exc)
            raise AuthFailure.unavailable("cannot check access right now") from exc
