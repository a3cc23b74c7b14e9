"""FastAPI: dependencies answering "who is this, and may they do this?" from a verified token.

::

    authing = AuthingAuth(AuthingSettings(app_id=..., app_host=..., app_secret=...))
    app = FastAPI(lifespan=authing.lifespan)

    @app.get("/me")
    async def me(claims: Annotated[TokenClaims, Depends(authing.claims)]) -> dict[str, Any]:
        return {"id": claims.user_id}

    @app.get("/admin")
    async def admin(claims: Annotated[TokenClaims, Depends(authing.require(roles=["admin"]))]): ...

Failures are ``HTTPException`` s: 401 with ``WWW-Authenticate: Bearer realm=..., error=
"invalid_token", error_description=...`` (RFC 6750), 403 ``insufficient_scope``, 503 when the
JWKS or a role lookup is unreachable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Annotated

try:
    from fastapi import FastAPI, HTTPException, Request, Security
    from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "aioauthing.integrations.fastapi needs: pip install 'aioauthing[fastapi]'"
    ) from exc

from aioauthing.runtime.clients import UserSession
from aioauthing.runtime.jwt import TokenClaims

from .access import Requirement
from .bearer import AuthFailure
from .service import Authing, AuthingSettings, Principal

__all__ = ["AuthingAuth"]

_PRINCIPAL = "aioauthing_principal"
_bearer_scheme = HTTPBearer(auto_error=False, description="An Authing user token (id_token)")
# Declared on every dependency so OpenAPI shows the Bearer scheme; the header is parsed by us.
_Documented = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer_scheme)]


def _http_error(failure: AuthFailure, realm: str) -> HTTPException:
    challenge = failure.challenge(realm)
    headers = {"WWW-Authenticate": challenge} if challenge else None
    return HTTPException(failure.status, detail=failure.description, headers=headers)


class AuthingAuth:
    """Dependency factory; the :class:`Authing` runtime lives on ``app.state.<state_name>``."""

    def __init__(self, settings: AuthingSettings, *, state_name: str = "authing") -> None:
        self.settings = settings
        self.state_name = state_name

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[None]:
        """Create the shared clients at startup, close them at shutdown.

        Pass it as ``FastAPI(lifespan=authing.lifespan)``, or enter it inside your own lifespan:
        ``async with authing.lifespan(app): yield``.
        """
        async with Authing.open(self.settings) as runtime:
            setattr(app.state, self.state_name, runtime)
            try:
                yield
            finally:
                delattr(app.state, self.state_name)

    def runtime(self, request: Request) -> Authing:
        """Dependency: the app's :class:`Authing` (its ``auth`` and ``management`` clients)."""
        runtime = getattr(request.app.state, self.state_name, None)
        if not isinstance(runtime, Authing):
            raise RuntimeError("AuthingAuth.lifespan has not run for this app")
        return runtime

    async def principal(self, request: Request, _: _Documented = None) -> Principal:
        """Dependency: the verified caller (verified once per request, however many ask)."""
        cached = getattr(request.state, _PRINCIPAL, None)
        if isinstance(cached, Principal):
            return cached
        runtime = self.runtime(request)
        try:
            principal = await runtime.authenticate(request.headers.getlist("authorization"))
        except AuthFailure as failure:
            raise _http_error(failure, runtime.realm) from None
        setattr(request.state, _PRINCIPAL, principal)
        return principal

    async def claims(self, request: Request, _: _Documented = None) -> TokenClaims:
        """Dependency: the verified token's claims (401 otherwise)."""
        return (await self.principal(request)).claims

    async def session(self, request: Request, _: _Documented = None) -> UserSession:
        """Dependency: a client view acting as the caller, for calls on their behalf."""
        return self.runtime(request).session(await self.principal(request))

    def require(
        self,
        *,
        roles: Iterable[str] = (),
        permissions: Iterable[str] = (),
        namespace: str | None = None,
    ) -> Callable[..., Awaitable[TokenClaims]]:
        """Dependency factory: the claims of a caller holding every role and permission listed.

        Roles and permissions are looked up per user (cached ``access_ttl`` seconds) unless
        ``roles_claim`` is set; a caller lacking one gets 403 ``insufficient_scope``.
        """
        requirement = Requirement(
            roles=frozenset(roles), permissions=frozenset(permissions), namespace=namespace
        )

        async def dependency(request: Request, _: _Documented = None) -> TokenClaims:
            principal = await self.principal(request)
            runtime = self.runtime(request)
            try:
                await runtime.authorize(principal, requirement)
            except AuthFailure as failure:
                raise _http_error(failure, runtime.realm) from None
            return principal.claims

        return dependency
