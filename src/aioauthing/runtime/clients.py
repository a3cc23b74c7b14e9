"""The public clients: :class:`AuthenticationClient`, :class:`ManagementClient`, :class:`UserSession`.

Each client owns one :class:`~aioauthing.runtime.core.Core` (one HTTP pool, one limiter, one
token manager). The generated base classes from :mod:`aioauthing.generated.clients` supply the API
methods; until codegen has run, :class:`~aioauthing.runtime.api.ApiBase` stands in for them.
Views (``as_user``, ``with_options``) are cheap and share the pool; only the original client
closes it.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import warnings
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

import httpx

from aioauthing.generated.clients import AuthenticationApis, ManagementApis, UserApis
from aioauthing.generated.operations import CAS_VALIDATE_V1, MANAGEMENT_ACCESS_TOKEN

from . import protocols
from .api import ApiBase
from .client_auth import ClientAuthMethod, ClientCredentials
from .core import DEFAULT_HOST, Core, Timeouts
from .env import ENV_TENANT_ID, env_values, require_env
from .errors import AuthingValidationError, NotLoggedInError
from .operation import AuthKind, GraphQLOperation, RestOperation
from .protocols import CasValidation, Protocol
from .ratelimit import Limiter
from .remember import RememberedUser
from .tokens import (
    FetchResult,
    ManagementTokenManager,
    MemoryTokenStore,
    TokenStore,
)
from .transport import TRANSPORTS, TransportName
from .validation import check_choice, require_non_empty

if TYPE_CHECKING:  # PyJWT and cryptography load on the first verify_token
    from .jwt import JwksCache, TokenClaims

__all__ = [
    "AuthenticationClient",
    "ManagementClient",
    "UserSession",
]

TENANT_HEADER = "x-authing-app-tenant-id"
"""Names the tenant of a sign-in (``AuthenticationClient(tenant_id=...)``), as the JS client does."""


def _rebind(client: ApiBase, core: Core) -> None:
    """Point a shallow copy at ``core`` and drop API groups cached for the old core."""
    for klass in type(client).__mro__:
        for name, attr in vars(klass).items():
            if isinstance(attr, functools.cached_property):
                client.__dict__.pop(name, None)
    ApiBase.__init__(client, core, client._token)


class _ClientMixin:
    """Lifecycle and option plumbing shared by both clients (expects ``self._core``)."""

    _core: Core
    _warn_unclosed = True
    """Clients that own their HTTP pool warn (``ResourceWarning``) when collected unclosed."""

    def __del__(self, _warn: Any = warnings.warn) -> None:
        core = self.__dict__.get("_core") if hasattr(self, "__dict__") else None
        if core is None or not self._warn_unclosed or not core.owns_open_pool():
            return
        with contextlib.suppress(Exception):  # at interpreter shutdown
            _warn(
                f"unclosed aioauthing {self!r}: use 'async with' or 'await client.aclose()'",
                ResourceWarning,
                source=self,
            )

    @property
    def core(self) -> Core:
        """The transport core (HTTP pool, limiter, converter, token manager)."""
        return self._core

    @property
    def limiter(self) -> Limiter:
        """The client-wide limiter; ``client.limiter.stats()`` shows its state."""
        return self._core.limiter

    async def aclose(self) -> None:
        """Close the HTTP pool (a no-op for views and caller-supplied HTTP clients)."""
        await self._core.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class UserSession(UserApis, _ClientMixin):  # type: ignore[misc, unused-ignore]
    """Operations acting as one signed-in user; made by :meth:`AuthenticationClient.as_user`."""

    _warn_unclosed = False  # a view: the client it came from owns (and closes) the pool

    def __init__(self, core: Core, token: str) -> None:
        require_non_empty("token", token)
        super().__init__(core, token)

    @property
    def token(self) -> str:
        """The user's token (never shown in ``repr``)."""
        token = self._token
        assert isinstance(token, str)
        return token

    async def aclose(self) -> None:
        """Views never close the shared pool."""

    def __repr__(self) -> str:
        return f"UserSession(base_url={self._core.base_url!r}, token=***)"


class AuthenticationClient(AuthenticationApis, _ClientMixin):  # type: ignore[misc, unused-ignore]
    """Public authentication operations for one application (login, register, codes, ...)."""

    def __init__(
        self,
        app_id: str,
        *,
        app_host: str | None = None,
        host: str = DEFAULT_HOST,
        websocket_host: str | None = None,
        user_pool_id: str | None = None,
        app_secret: str | None = None,
        public_key: str | bytes | None = None,
        lang: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        rate_limit: float | None = None,
        max_concurrency: int = 64,
        limiter: Limiter | None = None,
        transport: TransportName = "auto",
        remember: TokenStore | bool = False,
        strict: bool = False,
        headers: Mapping[str, str] | None = None,
        tenant_id: str | None = None,
        protocol: Protocol = "oidc",
        redirect_uri: str | None = None,
        token_endpoint_auth_method: ClientAuthMethod = "client_secret_post",
        introspection_endpoint_auth_method: ClientAuthMethod = "client_secret_post",
        revocation_endpoint_auth_method: ClientAuthMethod = "client_secret_post",
    ) -> None:
        require_non_empty("app_id", app_id)
        check_choice("protocol", protocol, protocols.PROTOCOLS)
        check_choice("transport", transport, TRANSPORTS)
        if tenant_id is not None:  # sign in to this tenant (the JS client's tenantId option)
            require_non_empty("tenant_id", tenant_id)
            headers = {**(headers or {}), TENANT_HEADER: tenant_id}
        credentials = ClientCredentials(
            client_id=app_id,
            client_secret=app_secret,
            token=token_endpoint_auth_method,
            introspection=introspection_endpoint_auth_method,
            revocation=revocation_endpoint_auth_method,
        )
        core = Core(
            host=host,
            base_url=app_host or host,
            websocket_host=websocket_host,
            user_pool_id=user_pool_id,
            app_id=app_id,
            lang=lang,
            http_client=http_client,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            max_concurrency=max_concurrency,
            limiter=limiter,
            transport=transport,
            strict=strict,
            public_key=public_key,
            headers=headers,
            protocol=protocol if protocol in ("oidc", "oauth") else "",
            redirect_uri=redirect_uri,
            client_credentials=credentials,
        )
        super().__init__(core)
        self.app_id = app_id
        self.protocol: Protocol = protocol
        self.redirect_uri = redirect_uri
        self._app_secret = app_secret
        if remember is not False:
            store = MemoryTokenStore() if remember is True else remember
            core.remembered = RememberedUser(
                store, self._remember_key(core, app_id), clock=core.retry.now
            )
        self._jwks: JwksCache | None = None
        self._verify_token: Callable[..., Awaitable[TokenClaims]] | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> Self:
        """A client configured by ``AUTHING_APP_ID`` (required), ``AUTHING_HOST``,
        ``AUTHING_APP_HOST``, ``AUTHING_USERPOOL_ID``, ``AUTHING_APP_SECRET``,
        ``AUTHING_PUBLIC_KEY`` (PEM text or a file) and ``AUTHING_TENANT_ID`` (the tenant to
        sign in to); keyword ``options`` win over them.

        ``eval "$(aioauthing emulator --print-env)"``-style exports fit as they are.
        """
        keys = ("app_id", "host", "app_host", "user_pool_id", "app_secret", "public_key")
        tenant_id = (os.environ if environ is None else environ).get(ENV_TENANT_ID, "").strip()
        values = {**env_values(keys, environ), **({"tenant_id": tenant_id} if tenant_id else {})}
        values.update(options)
        require_env(values, "app_id")
        return cls(values.pop("app_id"), **values)

    # -- views -------------------------------------------------------------------------------

    def as_user(self, token: str) -> UserSession:
        """A cheap per-user view sharing this client's pool, limiter and converter."""
        return UserSession(self._core, token)

    def with_options(
        self,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy with other per-call options that shares the pool (closing it is a no-op)."""
        clone = copy.copy(self)
        _rebind(
            clone,
            self._core.with_options(timeout=timeout, max_retries=max_retries, headers=headers),
        )
        return clone

    # -- remembered user (opt-in: ``remember=``) ---------------------------------------------

    @staticmethod
    def _remember_key(core: Core, app_id: str) -> str:
        return f"user:{core.base_url}:{core.user_pool_id or ''}:{app_id}"

    @property
    def remembered(self) -> RememberedUser | None:
        """The remembered-user slot, or ``None`` when the client was made without ``remember``."""
        return self._core.remembered

    async def current_user_view(self) -> UserSession:
        """The per-user view of the remembered user (remember mode only).

        The login and register methods store the token they return, ``refresh_token`` and
        ``update_password`` replace it, ``logout`` and ``delete_account`` drop it. Raises
        :class:`~aioauthing.runtime.errors.NotLoggedInError` (2020) when no user is remembered or
        its token has expired.
        """
        memory = self._core.remembered
        if memory is None:
            raise NotLoggedInError(
                2020, "no remembered user: create the client with remember=<TokenStore>"
            )
        token = await memory.token()
        if token is None:
            raise NotLoggedInError(2020, "no user is remembered (log in first)")
        return self.as_user(token)

    async def remember(self, token: str) -> None:
        """Remember ``token`` as the current user (e.g. one obtained elsewhere)."""
        require_non_empty("token", token)
        memory = self._core.remembered
        if memory is None:
            raise RuntimeError("remember mode is off: create the client with remember=<TokenStore>")
        await memory.save(token)

    async def forget(self) -> None:
        """Forget the remembered user (a no-op without ``remember``)."""
        memory = self._core.remembered
        if memory is not None:
            await memory.clear()

    # -- local token verification ------------------------------------------------------------

    async def verify_token(
        self,
        token: str,
        *,
        audience: str | None = None,
        issuer: str | None = None,
        leeway: float = 30.0,
    ) -> TokenClaims:
        """Verify a user/id token locally (HS256 with ``app_secret`` or RS256 via JWKS).

        ``audience`` defaults to this client's ``app_id``.
        """
        verify = self._verify_token
        if verify is None:  # imported on the first call only: this is a hot path
            from .jwt import JwksCache, verify_token

            self._jwks = JwksCache.for_host(self._core.base_url, self._core.http_client)
            verify = self._verify_token = verify_token
        return await verify(
            token,
            app_secret=self._app_secret,
            jwks=self._jwks,
            audience=audience or self.app_id,
            issuer=issuer,
            leeway=leeway,
        )

    # -- standard protocols (no request unless stated) ---------------------------------------

    def build_authorize_url(
        self,
        *,
        redirect_uri: str | None = None,
        scope: str | None = None,
        state: str | None = None,
        nonce: str | None = None,
        response_type: str | None = None,
        response_mode: str | None = None,
        code_challenge: str | None = None,
        code_challenge_method: Literal["S256", "plain"] | None = None,
        service: str | None = None,
    ) -> str:
        """The sign-in URL for this client's ``protocol`` (see :func:`protocols.build_authorize_url`).

        ``redirect_uri`` defaults to the client's; ``state`` and ``nonce`` are random when not
        given (read them back from the URL to check the callback).
        """
        return protocols.build_authorize_url(
            self._core.base_url,
            self.app_id,
            protocol=self.protocol,
            redirect_uri=redirect_uri or self.redirect_uri,
            scope=scope,
            state=state,
            nonce=nonce,
            response_type=response_type,
            response_mode=response_mode,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
            service=service,
        )

    def build_logout_url(
        self,
        *,
        expert: bool = False,
        redirect_uri: str | None = None,
        id_token: str | None = None,
    ) -> str:
        """The sign-out URL for this client's ``protocol`` (see :func:`protocols.build_logout_url`)."""
        return protocols.build_logout_url(
            self._core.base_url,
            protocol=self.protocol,
            expert=expert,
            redirect_uri=redirect_uri,
            id_token=id_token,
        )

    @staticmethod
    def generate_code_challenge(length: int = 43) -> str:
        """A random PKCE code verifier (43 to 128 characters); Authing's SDK name."""
        return protocols.generate_code_challenge(length)

    @staticmethod
    def generate_code_challenge_digest(
        code_verifier: str, method: Literal["S256", "plain"] = "S256"
    ) -> str:
        """The PKCE code challenge of ``code_verifier`` (``S256``: base64url(sha256), unpadded)."""
        return protocols.generate_code_challenge_digest(code_verifier, method)

    async def validate_ticket_v1(self, ticket: str, service: str) -> CasValidation:
        """Validate a CAS ticket with the CAS 1.0 ``/cas-idp/{appId}/validate`` endpoint.

        Tickets are single-use and bound to ``service``. Documented as "检验 CAS 1.0 Ticket 合法性"
        (Python ``validate_ticket_v1``, JS ``validateTicketV1``).
        """
        require_non_empty("ticket", ticket)
        require_non_empty("service", service)
        text = await self._execute(CAS_VALIDATE_V1, query={"ticket": ticket, "service": service})
        return protocols.parse_cas_v1(text)

    def __repr__(self) -> str:
        return f"AuthenticationClient(app_id={self.app_id!r}, base_url={self._core.base_url!r})"


class ManagementClient(ManagementApis, _ClientMixin):  # type: ignore[misc, unused-ignore]
    """User-pool administration with a managed, auto-refreshed management token."""

    def __init__(
        self,
        user_pool_id: str,
        secret: str,
        *,
        host: str = DEFAULT_HOST,
        public_key: str | bytes | None = None,
        lang: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        rate_limit: float | None = None,
        max_concurrency: int = 64,
        limiter: Limiter | None = None,
        transport: TransportName = "auto",
        token_store: TokenStore | None = None,
        strict: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        require_non_empty("user_pool_id", user_pool_id)
        require_non_empty("secret", secret)
        check_choice("transport", transport, TRANSPORTS)
        core = Core(
            host=host,
            user_pool_id=user_pool_id,
            lang=lang,
            http_client=http_client,
            timeout=timeout,
            max_retries=max_retries,
            rate_limit=rate_limit,
            max_concurrency=max_concurrency,
            limiter=limiter,
            transport=transport,
            strict=strict,
            public_key=public_key,
            headers=headers,
        )
        op = MANAGEMENT_ACCESS_TOKEN

        async def fetch() -> FetchResult:
            result: FetchResult = await core.execute(
                op, variables={"userPoolId": user_pool_id, "secret": secret}
            )
            return result

        core.token_manager = ManagementTokenManager(
            fetch,
            key=ManagementTokenManager.cache_key(core.host, user_pool_id, secret),
            store=token_store,
        )
        super().__init__(core)
        self.user_pool_id = user_pool_id

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> Self:
        """A client configured by ``AUTHING_USERPOOL_ID`` and ``AUTHING_USERPOOL_SECRET``
        (required), ``AUTHING_HOST`` and ``AUTHING_PUBLIC_KEY`` (PEM text or a file); keyword
        ``options`` win over them."""
        keys = ("user_pool_id", "secret", "host", "public_key")
        values = {**env_values(keys, environ), **options}
        require_env(values, "user_pool_id", "secret")
        return cls(values.pop("user_pool_id"), values.pop("secret"), **values)

    @property
    def token_manager(self) -> ManagementTokenManager:
        """The single-flight management-token manager shared by every view of this client."""
        manager = self._core.token_manager
        assert manager is not None
        return manager

    def with_options(
        self,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy with other per-call options sharing the pool, limiter and token manager."""
        clone = copy.copy(self)
        _rebind(
            clone,
            self._core.with_options(timeout=timeout, max_retries=max_retries, headers=headers),
        )
        return clone

    async def graphql(self, document: str, variables: Mapping[str, Any] | None = None) -> Any:
        """Send a GraphQL document the SDK has no method for, with the management token.

        Returns the answer's ``data`` (plain JSON); errors raise the same exception classes as
        the typed methods. The call is never retried after a timeout (it may be a mutation), and
        values under secret-looking keys (``password``, ``token``, ...) are redacted from logs.
        Prefer the typed methods: their parameters are checked and their results typed."""
        require_non_empty("document", document)
        op = GraphQLOperation(
            name="graphql",
            operation_name="",
            document=document,
            result_path=(),
            auth=AuthKind.MANAGEMENT,
            idempotent=False,
        )
        return await self._core.execute(op, variables=variables)

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send a REST call under the client's host (``"GET"``, ``"/api/v2/users/ID"``) the SDK has
        no method for, with the management token; returns the envelope's ``data``.

        ``path`` is a path on the host (never a URL: the token goes to the configured host only).
        A failure envelope raises as in the typed methods. Only ``GET`` is retried after a
        timeout."""
        check_choice("method", method.upper(), ("GET", "POST", "PUT", "PATCH", "DELETE"))
        require_non_empty("path", path)
        if not path.startswith("/") or "{" in path:
            raise AuthingValidationError(
                "path", "must be a path on the host starting with '/', values filled in"
            )
        verb = method.upper()
        op = RestOperation(
            name=f"request {verb} {path}",
            method=verb,
            path=path,
            auth=AuthKind.MANAGEMENT,
            idempotent=verb == "GET",
        )
        envelope = await self._core.execute(op, query=query, body=body)
        return envelope.get("data") if isinstance(envelope, Mapping) else envelope

    def __repr__(self) -> str:
        return f"ManagementClient(user_pool_id={self.user_pool_id!r}, host={self._core.host!r})"
